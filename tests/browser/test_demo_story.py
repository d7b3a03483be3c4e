"""The README's story, by hand in a browser, on the demo district with the printed demo log-ins."""

import pytest

from gridgov.cases.models import Case
from gridgov.demo.builder import DEMO_PASSWORD, build_demo
from gridgov.regions.models import Region
from tests.browser.conftest import ARTIFACTS, act
from tests.cases.conftest import jpeg

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def demo_login(page, base, username, next_url="/console/"):
    page.goto(f"{base}/console/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_demo_story(live_server, browser, tmp_path):
    build_demo(seed=3, history_days=0)
    grid = Region.objects.get(name="和平社区第1网格")
    base = live_server.url
    photo = tmp_path / "p.jpg"
    photo.write_bytes(jpeg())

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                geolocation={"latitude": grid.centroid_lat, "longitude": grid.centroid_lon},
                                permissions=["geolocation"])
    mp = phone.new_page()
    demo_login(mp, base, "resident", "/m/")
    mp.wait_for_selector("text=已定位")
    mp.set_input_files("input[name=photos]", str(photo))
    mp.fill("textarea[name=description]", "小区门口垃圾堆了好几天没人清理")
    mp.click("#report button[type=submit]")
    mp.wait_for_selector("text=办理进度")
    case = Case.objects.get()
    assert case.grid == grid and case.category.code == "1101"

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    demo_login(page, base, "community")
    with page.expect_navigation():  # the case page, loaded, before its forms are used
        page.click(f"a[href='/console/cases/{case.pk}/']")
    act(page, "accept")
    act(page, "dispatch")  # the routing rules' suggestion: 青禾街道城管执法中队
    assert Case.objects.get(pk=case.pk).handling_unit.name == "青禾街道城管执法中队"
    page.click("text=退出")
    demo_login(page, base, "handler")
    with page.expect_navigation():  # the case page, loaded, before its forms are used
        page.click(f"a[href='/console/cases/{case.pk}/']")
    act(page, "acknowledge")
    act(page, "report_done", {"textarea[name=note]": "已清运", "file:": str(photo)})
    page.click("text=退出")

    wp = phone.new_page()
    wp.context.clear_cookies()
    demo_login(wp, base, "gridworker", "/m/work/")
    with wp.expect_navigation():  # the case page, loaded, before its forms are used
        wp.click(f"a[href='/m/work/cases/{case.pk}/']")
    wp.click("details[data-action=verify_pass] summary")
    with wp.expect_navigation():
        wp.click("details[data-action=verify_pass] button[type=submit]")
    assert Case.objects.get(pk=case.pk).state == "closed"

    wp.context.clear_cookies()
    demo_login(wp, base, "resident", f"/m/cases/{case.pk}/")
    assert "已结案" in wp.content()
    wp.select_option("select[name=satisfaction]", "4")
    wp.click("text=提交评价")
    wp.wait_for_selector("text=您的评价")
    wp.screenshot(path=str(ARTIFACTS / "demo-story-rated.png"), full_page=True)
    assert Case.objects.get(pk=case.pk).satisfaction == 4
