"""监督考核 in a real browser. On the phone (390×844): a grid worker goes through a compound's checklist, marks
楼内小广告 不合格 with a photo, submits; in the console the 社区 sees the company's score with the deduction and its
case. Screenshots: test-artifacts/console-story/s1-inspect-phone.png, s2-inspect-done-phone.png,
s3-console-supervision.png, s4-console-inspection.png, s5-console-assessment.png (考核评星). Then the grid worker
walks a patrol with the phone's position recording the track (s6-patrol-phone.png) and the 社区 sees it drawn on
the grid's map (s7-console-patrol-map.png)."""

import pytest

from gridgov.core.timeutil import local, now
from gridgov.supervision.models import Inspection
from gridgov.supervision.services import inspection_schedule
from tests.browser.conftest import ARTIFACTS, wait_js
from tests.browser.test_console_story import login
from tests.cases.conftest import cw  # noqa: F401
from tests.portal.test_portal import _jpeg
from tests.supervision.test_inspections import sw  # noqa: F401 - a compound under a property company

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_grid_worker_inspects_on_the_phone_and_the_console_ranks(sw, live_server, browser, tmp_path):  # noqa: F811
    c, company, compound = sw
    inspection = inspection_schedule(actor=c.dispatcher, compound=compound, due_on=local(now()).date())
    photo = tmp_path / "ads.jpg"
    photo.write_bytes(_jpeg())
    base = live_server.url
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    login(page, base, "worker_a")
    page.goto(f"{base}/m/work/")
    page.click("#duty-links a:has-text('物业检查')")
    page.wait_for_load_state()
    page.click("#inspections a")
    page.wait_for_load_state()
    for item in page.locator("#inspect-form .item").all():
        item.locator("input[value=pass]").check()
    ads = page.locator("#item-ads")
    ads.locator("input[value=fail]").check()
    ads.locator("input[type=file]").set_input_files(str(photo))
    ads.locator("input[name=n_ads]").fill("3单元楼道贴满开锁小广告")
    page.screenshot(path=str(ARTIFACTS / "s1-inspect-phone.png"), full_page=True)
    with page.expect_navigation():
        page.click("#inspect-form button[type=submit]")
    assert "1 项不合格已转整改事件" in page.content()
    assert Inspection.objects.get(pk=inspection.pk).state == "rectifying"
    page.screenshot(path=str(ARTIFACTS / "s2-inspect-done-phone.png"), full_page=True)
    phone.close()

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, base, c.dispatcher.username)
    page.goto(f"{base}/console/supervision/")
    ranking = page.locator("#ranking").inner_text()
    assert "幸福物业" in ranking and "98" in ranking and "楼内小广告" in ranking
    page.screenshot(path=str(ARTIFACTS / "s3-console-supervision.png"), full_page=True)
    page.click(f"#waiting a[href='/console/supervision/inspections/{inspection.pk}/']")
    page.wait_for_load_state()
    assert "不合格" in page.locator("#results").inner_text() and page.locator("#results img").count() == 1
    page.screenshot(path=str(ARTIFACTS / "s4-console-inspection.png"), full_page=True)
    page.goto(f"{base}/console/supervision/assessment/")
    assert "★" in page.locator("#communities").inner_text() and "worker_a" in page.locator("#workers").inner_text()
    page.screenshot(path=str(ARTIFACTS / "s5-console-assessment.png"), full_page=True)
    desk.close()

    # 巡查轨迹: the phone records the walk; the console draws it
    from gridgov.supervision.models import PatrolPoint, TrackPoint

    PatrolPoint.objects.create(grid=c.w.grid_a_west, name="小区东门", lon=120.002, lat=30.005, radius_m=80)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                geolocation={"longitude": 120.0021, "latitude": 30.0051}, permissions=["geolocation"])
    page = phone.new_page()
    login(page, base, "worker_a")
    page.goto(f"{base}/m/work/")
    page.click("#duty-links a:has-text('巡查轨迹')")
    page.wait_for_load_state()
    page.click("#patrol-start")
    wait_js(page, "window.gridgovPatrol && window.gridgovPatrol.waiting() >= 1")
    for lon, lat in ((120.0035, 30.0072), (120.005, 30.0095)):
        phone.set_geolocation({"longitude": lon, "latitude": lat})
        page.wait_for_timeout(300)
    wait_js(page, "window.gridgovPatrol.waiting() >= 3")
    page.evaluate("window.gridgovPatrol.flush()")
    wait_js(page, "window.gridgovPatrol.waiting() === 0")
    assert "巡查中" in page.locator("#patrol-state").inner_text()
    assert "本次已上传 3 个定位点" in page.locator("#patrol-status").inner_text()
    page.screenshot(path=str(ARTIFACTS / "s6-patrol-phone.png"), full_page=True)
    page.click("#patrol-stop")
    assert page.locator("#patrol-state").inner_text() == "未开始"
    assert TrackPoint.objects.filter(user__username="worker_a", grid=c.w.grid_a_west).count() == 3
    phone.close()
    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, base, c.dispatcher.username)
    page.goto(f"{base}/console/supervision/patrols/{c.w.grid_a_west.pk}/")
    wait_js(page, "window.gridgovPatrolMapReady && window.gridgovPatrolMapReady.tracks === 1")
    assert "worker_a" in page.locator("#tracks").inner_text()
    page.screenshot(path=str(ARTIFACTS / "s7-console-patrol-map.png"), full_page=True)
    desk.close()
