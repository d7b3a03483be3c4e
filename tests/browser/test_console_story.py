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
    assert [p.name for p in sorted(ARTIFACTS.glob("*.png"))] == [
        "1-queue.png", "2-dispatched.png", "3-done-reported.png", "4-closed.png"]
    context.close()
