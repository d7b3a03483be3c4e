"""Browser tests: Debian's chromium driven by Playwright, headless, against the live test server."""

import os
from pathlib import Path

import pytest

from tests.cases.conftest import cw  # noqa: F401 - the case world fixture

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console-story"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]



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
    with page.expect_navigation():  # forms with photos go through the upload-progress script, then navigate
        form.locator("button[type=submit]").click()
    page.wait_for_load_state()
