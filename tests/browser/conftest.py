"""Browser tests: Debian's chromium driven by Playwright, headless, against the live test server."""

import os
from pathlib import Path

import pytest

from tests.cases.conftest import cw  # noqa: F401 - the case world fixture

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console-story"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--lang=zh-CN"]



@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required on CI (scripts/test.sh installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium chromium-l10n fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        # the browser's own words (file pickers, date fields) in Chinese, as on the users' phones; LANGUAGE only:
        # a LANG naming a locale the machine lacks makes chromium lose non-ASCII file names (an upload of 现场.jpg
        # arrived empty)
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS,
                              env={**os.environ, "LANGUAGE": "zh_CN"})
        violations: list[str] = []
        new_context = b.new_context

        def watched_context(*args, **kwargs):
            # every page runs under the real Content-Security-Policy: a script it blocks fails the test
            context = new_context(*args, **kwargs)
            context.on("console", lambda m: violations.append(f"{m.location.get('url')}: {m.text}")
                       if "Content Security Policy" in m.text else None)
            return context

        b.new_context = watched_context
        yield b
        b.close()
        assert not violations, "blocked by the Content-Security-Policy:\n" + "\n".join(violations)


def wait_js(page, expression: str, timeout: float = 15.0) -> None:
    """Wait until a JavaScript expression is true. (Playwright's wait_for_function evaluates its predicate with
    eval() inside the page, which our Content-Security-Policy forbids.)"""
    import time

    end = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


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
