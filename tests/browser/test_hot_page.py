"""热点问题 in the console: four neighbours report the same rubbish heap; the town center sees it ranked first with
its reports. Screenshot: test-artifacts/console-story/h1-console-hot.png."""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_console_story import login
from tests.cases.conftest import cw, report  # noqa: F401
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_hot_issues_page(cw, live_server, browser):  # noqa: F811
    for i, text in enumerate(["小区门口垃圾堆了好几天没人清理", "小区门口的垃圾好几天没人清理,很臭",
                              "门口垃圾好几天没清理了", "小区门口垃圾没人清理"]):
        report(cw, actor=make_user(f"nb{i}"), description=text, lon=120.005 + i * 0.0004)
    report(cw, category="0102", description="路灯不亮")
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    login(page, live_server.url, "disp_ta")
    page.click("nav a:has-text('热点问题')")
    page.wait_for_selector("#hot")
    first = page.locator("#hot tbody tr").first
    assert "小区门口垃圾堆了好几天没人清理" in first.inner_text() and "甲一社区" in first.inner_text()
    first.locator("summary").click()
    page.screenshot(path=str(ARTIFACTS / "h1-console-hot.png"), full_page=True)
    assert page.locator("#hot tbody tr").count() == 1  # the street lamp is one report: not a hot issue
