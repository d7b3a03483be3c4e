"""综治一张图 at 1920×1080 on the demo district: the leader's screen, its drill-down, a pop-up when a case turns
red while it is open; then the leader's 统计报表."""

import datetime as dt

import pytest

from gridgov.analytics.rollups import fold
from gridgov.cases.models import Case, Light
from gridgov.cases.sweeper import sweep
from gridgov.demo.builder import build_demo
from gridgov.regions.models import Level, Region
from tests.browser.conftest import ARTIFACTS, wait_js
from tests.browser.test_demo_story import demo_login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_leaders_big_screen(live_server, browser):
    build_demo(seed=5, history_days=12, cases_per_day=12)
    base = live_server.url
    desk = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = desk.new_page()
    demo_login(page, base, "leader")
    page.click("text=综治一张图")
    page.wait_for_load_state()
    wait_js(page, "window.screenReady === true && window.screenFeedReady === true")
    page.wait_for_timeout(800)  # the charts' first animation
    district = Region.objects.get(level=Level.DISTRICT)
    assert page.title() == f"{district.name} 综治一张图"
    towns = Region.objects.filter(parent=district, level=Level.TOWN).count()
    assert page.locator("#children tbody tr").count() == towns
    received = int(page.locator("#k-month-received").text_content())
    assert received > 0
    for chart in ("c-24h", "c-30d", "c-categories", "c-channels", "c-departments"):
        assert page.locator(f"#{chart} canvas").count() == 1, chart
    assert page.locator(".leaflet-overlay-pane path, .leaflet-overlay-pane canvas").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "screen-district-1920.png"))

    page.click("#tabs button[data-view=heat]")  # the heat cells of the last 30 days
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "screen-heat-1920.png"))

    # drill down: a town, then back up by the crumbs
    with page.expect_navigation():
        page.locator("#children tbody a").first.click()
    wait_js(page, "window.screenReady === true")
    assert page.locator("#crumbs a").first.text_content() == district.name
    assert page.locator("#children tbody tr").count() >= 1
    page.wait_for_timeout(1200)  # the charts' first animation
    page.screenshot(path=str(ARTIFACTS / "screen-town-1920.png"))

    # a case turns red while the screen is open: it pops up within the feed's ten seconds
    case = Case.objects.filter(state__in=["dispatched", "handling"]).exclude(light=Light.RED).order_by("id").first()
    Case.objects.filter(pk=case.pk).update(due_at=case.created_at + dt.timedelta(minutes=1),
                                           light=Light.YELLOW)
    with_red = sweep()["red"]
    assert with_red >= 1
    fold()
    with page.expect_navigation():
        page.locator("#crumbs a").first.click()
    wait_js(page, "window.screenFeedReady === true")
    page.evaluate("window.screenFeedReady = false")
    sweep()  # nothing new: no pop-up from what was there when the page opened
    assert page.locator("#popup").is_hidden()
    Case.objects.filter(pk__in=Case.objects.filter(state="handling").exclude(light=Light.RED)
                        .values_list("id", flat=True)[:1]).update(due_at=case.created_at, light=Light.GREEN)
    assert sweep()["red"] == 1
    wait_js(page, "window.screenFeedReady === true", timeout=20)
    wait_js(page, "!document.getElementById('popup').hidden", timeout=5)
    assert page.locator("#popup-label").text_content() == "事件超时亮红灯"
    page.screenshot(path=str(ARTIFACTS / "screen-popup-1920.png"))
    assert "Traceback" not in page.content() and "undefined" not in page.locator("main").inner_text()

    # the same leader's 统计报表: last month's and last week's, as the morning sweep makes them (one demo for both:
    # building it is most of this test's time)
    from gridgov.analytics.reports import reports_due

    assert reports_due() > 0
    page = desk.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/console/")
    page.click("text=统计报表")
    page.wait_for_load_state()
    assert page.locator("#report-list tbody tr").count() >= 2 and page.locator("#ledgers button").count() == 4
    page.screenshot(path=str(ARTIFACTS / "reports-list.png"), full_page=True)
    with page.expect_navigation():
        page.locator("#report-list a", has_text="综治工作月报").first.click()
    assert "工作概况" in page.content() and "承办单位排名" in page.content()
    page.screenshot(path=str(ARTIFACTS / "report-month.png"), full_page=True)
    with page.expect_download() as got:
        page.click("text=下载 PDF")
    assert got.value.suggested_filename.endswith("综治工作月报.pdf")


def test_the_screen_is_not_for_handlers(live_server, browser):
    build_demo(seed=5, history_days=0)
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    demo_login(page, live_server.url, "handler")
    r = page.goto(f"{live_server.url}/screen/")
    assert r.status == 404 and "页面不存在" in page.content()
    page.context.clear_cookies()
    demo_login(page, live_server.url, "leader")
    r = page.goto(f"{live_server.url}/screen/?region=000")
    assert r.status == 404 and "综治一张图" not in page.title()
