"""The daily story in a real browser (Debian's chromium driven by Playwright, headless): a resident's report
is accepted and dispatched by the community center, acknowledged and reported done with a photo by the
department, verified by the grid worker. Screenshots of each step go to test-artifacts/console-story/."""

import os
from pathlib import Path

import pytest

from gridgov.cases.models import Case
from tests.cases.conftest import jpeg, report
from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console-story"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required on CI (scripts/test.sh installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def login(page, base, username):
    page.goto(f"{base}/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def act(page, action, fill=None):
    if page.locator(f"details[data-action={action}]").get_attribute("open") is None:
        page.click(f"details[data-action={action}] summary")
    form = page.locator(f"details[data-action={action}] form")
    for selector, value in (fill or {}).items():
        if selector.startswith("select"):
            form.locator(selector).select_option(value)
        elif selector.startswith("file:"):
            form.locator("input[type=file]").set_input_files(value)
        else:
            form.locator(selector).fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_report_to_closed_in_the_browser(cw, live_server, browser, tmp_path):
    case = report(cw, description="小区东门垃圾堆了三天没人清理")
    base = live_server.url
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()

    login(page, base, "disp_ca")
    assert "受理台" in page.content() and case.title in page.content()
    page.screenshot(path=str(ARTIFACTS / "1-queue.png"), full_page=True)
    page.click(f"a[href='/console/cases/{case.pk}/']")
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
    photo = tmp_path / "done.jpg"
    photo.write_bytes(jpeg())
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
    assert {"1-queue.png", "2-dispatched.png", "3-done-reported.png", "4-closed.png"} <= {
        p.name for p in ARTIFACTS.glob("*.png")}
    context.close()


def test_return_escalation_board_map_and_stats(cw, live_server, browser):
    from gridgov.cases import services as s

    case = report(cw, description="人行道井盖破损,很危险", category="0101")
    s.case_accept(case=case, actor=cw.dispatcher)
    s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.zj)
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
    page.wait_for_function("window.gridgovMapReady > 0")
    assert page.evaluate("window.gridgovMapReady") >= 3  # town A's grids and the open case
    assert page.locator("#map canvas").count() == 1  # drawn locally: no tiles, no internet
    page.screenshot(path=str(ARTIFACTS / "7-map.png"), full_page=True)
    page.goto(f"{base}/console/stats/?group_by=category")
    page.wait_for_selector("#chart canvas")
    page.screenshot(path=str(ARTIFACTS / "8-stats.png"), full_page=True)
