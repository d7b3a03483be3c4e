"""来电来访登记 in a real browser: the dispatcher finds the category by a keyword, clicks the spot on the map (the
grids drawn from the console's map data), and the case lands in the grid clicked."""

import pytest

from gridgov.cases.models import Case
from tests.browser.conftest import ARTIFACTS, wait_js
from tests.browser.test_console_story import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_call_registered_by_clicking_the_map(cw, live_server, browser):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    login(page, live_server.url, "disp_ca")
    page.click("text=来电来访登记")
    wait_js(page, "window.gridgovMapReady > 0")
    page.fill("textarea[name=description]", "来电反映:小区门口垃圾堆放多日无人清运")
    page.fill("#category-search", "暴露垃圾")
    assert page.locator("select[name=category]").input_value() == "1101"
    # click a spot inside 甲一西网格: Leaflet turns the pixel back into the coordinates
    x, y = page.evaluate("""([lat, lon]) => {
        var p = window.gridgovPickMap.latLngToContainerPoint([lat, lon]);
        var r = document.getElementById('pick-map').getBoundingClientRect();
        return [r.x + p.x, r.y + p.y];
    }""", [30.0085, 120.0045])
    page.mouse.click(x, y)
    assert "已选点" in page.inner_text("#picked")
    lon, lat = float(page.input_value("#id_lon")), float(page.input_value("#id_lat"))
    assert abs(lon - 120.0045) < 0.0005 and abs(lat - 30.0085) < 0.0005
    page.fill("input[name=reporter_phone]", "13912345678")
    page.screenshot(path=str(ARTIFACTS / "intake-form.png"), full_page=True)
    with page.expect_navigation():
        page.click("button:has-text('登记')")
    page.wait_for_load_state()
    assert "已登记" in page.content()
    case = Case.objects.get()
    assert case.channel == "hotline" and case.category.code == "1101"
    assert case.grid == cw.w.grid_a_west and case.owner_center == cw.gc_comm_a
    assert case.followers.filter(channel="sms").exists()
    page.screenshot(path=str(ARTIFACTS / "intake-done.png"), full_page=True)
    # the same caller again: their earlier report shows as the number is typed
    page.click("text=来电来访登记")
    page.locator("input[name=reporter_phone]").press_sequentially("13912345678", delay=20)
    page.wait_for_selector("#caller-history >> text=该号码反映过 1 件")
    assert case.number in page.inner_text("#caller-history")
