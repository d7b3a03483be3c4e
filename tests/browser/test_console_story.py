"""The daily story in a real browser (Debian's chromium driven by Playwright, headless): a resident reports
with a photo on a phone-sized screen; the community center accepts and dispatches; the department acknowledges
and reports done with a photo; the grid worker verifies; the resident sees 已结案 and rates it. Also a return
and an escalation seen on the SLA board. Screenshots of each step go to test-artifacts/console-story/."""

import pytest

from gridgov.cases.models import Case
from tests.browser.conftest import ARTIFACTS, act, wait_js
from tests.cases.conftest import jpeg, report
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def login(page, base, username):
    page.goto(f"{base}/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def resident_reports_on_the_phone(browser, base, photo_path) -> Case:
    import re

    from gridgov.core.pii import lookup_hash
    from gridgov.notify.models import Message

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                geolocation={"latitude": 30.01, "longitude": 120.005}, permissions=["geolocation"])
    page = phone.new_page()
    page.goto(f"{base}/m/login/")
    page.fill("input[name=phone]", "13912345678")
    page.click("button[value=send]")
    code = re.search(r"\d{6}", Message.objects.filter(address_hash=lookup_hash("phone", "13912345678")).latest("id").body).group(0)
    page.fill("input[name=phone]", "13912345678")
    page.fill("input[name=code]", code)
    page.click("button[value=login]")
    page.wait_for_selector("text=已定位")
    page.set_input_files("input[name=photos]", str(photo_path))
    page.fill("textarea[name=description]", "小区东门垃圾堆了三天没人清理")
    page.screenshot(path=str(ARTIFACTS / "0-phone-report.png"), full_page=True)
    page.click("#report button[type=submit]")
    page.wait_for_selector("text=办理进度")  # sent with upload progress (XMLHttpRequest), then redirected
    assert "待受理" in page.content()
    return phone, page, Case.objects.get(channel="resident_app")


def test_report_to_closed_in_the_browser(cw, live_server, browser, tmp_path):
    base = live_server.url
    photo = tmp_path / "site.jpg"
    photo.write_bytes(jpeg())
    phone, phone_page, case = resident_reports_on_the_phone(browser, base, photo)
    assert case.grid == cw.w.grid_a_west and case.category.code == "1101" and case.attachments.count() == 1
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()

    login(page, base, "disp_ca")
    assert "受理台" in page.content() and case.title in page.content()
    page.screenshot(path=str(ARTIFACTS / "1-queue.png"), full_page=True)
    page.click(f"a[href='/console/cases/{case.pk}/']")
    wait_js(page, "window.gridgovCaseMap === true")  # the place and its grid, drawn locally
    act(page, "accept", {"textarea[name=note]": "情况属实"})
    assert "已受理立案" in page.content()
    act(page, "dispatch", {"select[name=unit]": str(cw.cg.pk)})
    assert "已派遣" in page.content() and "区城管局" in page.content()
    page.screenshot(path=str(ARTIFACTS / "2-dispatched.png"), full_page=True)
    page.click("text=退出")

    login(page, base, "handler_cg")
    assert case.title in page.content()  # 我的待办
    page.click(f"a[href='/console/cases/{case.pk}/']")
    act(page, "acknowledge")
    act(page, "report_done", {"textarea[name=note]": "已清运完毕", "file:": str(photo)})
    assert "已处置反馈(回单)" in page.content()
    page.screenshot(path=str(ARTIFACTS / "3-done-reported.png"), full_page=True)
    page.click("text=退出")

    login(page, base, "worker_a")
    page.goto(f"{base}/console/cases/{case.pk}/")
    act(page, "verify_pass", {"textarea[name=note]": "现场已清理干净"})
    assert "已结案" in page.content()
    page.screenshot(path=str(ARTIFACTS / "4-closed.png"), full_page=True)
    assert Case.objects.get(pk=case.pk).state == "closed"

    phone_page.reload()  # the resident sees 已结案 and rates it
    assert "已结案" in phone_page.content()
    phone_page.select_option("select[name=satisfaction]", "5")
    phone_page.click("text=提交评价")
    phone_page.wait_for_selector("text=您的评价")
    phone_page.screenshot(path=str(ARTIFACTS / "4b-phone-rated.png"), full_page=True)
    assert Case.objects.get(pk=case.pk).satisfaction == 5
    phone.close()
    assert {"1-queue.png", "2-dispatched.png", "3-done-reported.png", "4-closed.png"} <= {
        p.name for p in ARTIFACTS.glob("*.png")}
    context.close()


def test_return_escalation_board_map_and_stats(cw, live_server, browser):
    from gridgov.cases import services as s

    case = report(cw, description="人行道井盖破损,很危险", category="0101")
    s.case_accept(case=case, actor=cw.dispatcher)
    s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.zj)
    green = report(cw, description="垃圾堆放", lon=120.004, lat=30.012)  # dispatched and on time: a green dot
    s.case_accept(case=green, actor=cw.dispatcher)
    s.case_dispatch(case=Case.objects.get(pk=green.pk), actor=cw.dispatcher, unit=cw.cg)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()

    login(page, base, "handler_zj")  # 住建 says it is not theirs: 退回 with a reason
    page.goto(f"{base}/console/cases/{case.pk}/")
    act(page, "return", {"textarea[name=reason]": ""})
    assert "请填写退回原因" in page.content()  # refused next to the field
    act(page, "return", {"textarea[name=reason]": "井盖属水务管理,非住建职责"})
    assert Case.objects.get(pk=case.pk).return_count == 1
    page.screenshot(path=str(ARTIFACTS / "5-returned.png"), full_page=True)
    page.click("text=退出")

    login(page, base, "disp_ca")  # the community cannot solve it: 提级 to the town
    page.goto(f"{base}/console/cases/{case.pk}/")
    act(page, "escalate", {"textarea[name=reason]": "涉及多个部门,社区协调不了"})
    page.click("text=退出")

    login(page, base, "disp_ta")
    page.goto(f"{base}/console/board/")
    assert case.number in page.locator("text=提级事件").locator("..").inner_text()
    page.screenshot(path=str(ARTIFACTS / "6-board-escalated.png"), full_page=True)
    page.goto(f"{base}/console/map/")
    wait_js(page, "window.gridgovMapReady > 0")
    assert page.evaluate("window.gridgovMapReady") >= 3  # town A's grids and the open case
    assert page.locator("#map canvas").count() == 1  # drawn locally: no tiles, no internet
    attribution = page.locator("#map .leaflet-control-attribution")
    assert attribution.inner_text().strip() == "gridgov 网格数据" and attribution.locator("svg, a").count() == 0
    markers = page.evaluate("""window.gridgovMapLayer.getLayers().filter(l => l.feature.geometry.type === 'Point')
        .map(l => [l.feature.properties.light, l.options.fillColor])""")
    assert sorted(markers) == [["green", "#67c23a"], ["none", "#909399"]]  # open cases, coloured by their light
    page.screenshot(path=str(ARTIFACTS / "7-map.png"), full_page=True)
    page.goto(f"{base}/console/stats/?group_by=category")
    page.wait_for_selector("#chart canvas")
    page.screenshot(path=str(ARTIFACTS / "8-stats.png"), full_page=True)


def test_grid_worker_phone_page(cw, live_server, browser):
    from gridgov.cases.models import PatrolCheckin

    base = live_server.url
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                geolocation={"latitude": 30.01, "longitude": 120.005}, permissions=["geolocation"])
    page = phone.new_page()
    page.goto(f"{base}/console/login/?next=/m/work/")
    page.fill("input[name=username]", "worker_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=网格员工作台")
    wait_js(page, "document.body.dataset.located === '1'")
    page.fill("#category-search", "井盖")
    assert page.eval_on_selector("#id_category", "s => s.value") == "0101"
    page.click("#checkin button[type=submit]")
    page.wait_for_selector("text=已打卡")
    page.screenshot(path=str(ARTIFACTS / "9-grid-worker.png"), full_page=True)
    assert PatrolCheckin.objects.get().in_own_grid
    phone.close()
