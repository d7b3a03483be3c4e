"""动态口令 in a real browser: where it is required, a member of staff logs in with the password, scans the QR code
(the test reads the secret shown under it, as a phone would from the code), types the app's six digits and is in
the console; the next log-in asks for the code only. Screenshots: test-artifacts/console-story/t1-totp-setup.png,
t2-totp-code.png, t3-account-security.png."""

import pyotp
import pytest

from gridgov.accounts import totp
from gridgov.accounts.models import User
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_console_story import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_staff_set_up_and_use_the_second_factor(world, live_server, browser, settings):
    settings.STAFF_TOTP_REQUIRED = True
    base = live_server.url
    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, base, "town_a")
    assert page.url.endswith("/console/login/totp/")
    assert page.locator("#totp-qr svg").count() == 1
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.screenshot(path=str(ARTIFACTS / "t1-totp-setup.png"), full_page=True)
    page.fill("input[name=code]", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.click("button[type=submit]")
    assert "动态口令不正确" in page.locator(".errorlist").inner_text()
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/console/" in page.url and "login" not in page.url
    assert totp.device_of(User.objects.get(username="town_a")) is not None
    page.goto(f"{base}/console/account/security/")
    assert "已启用" in page.locator("#totp").inner_text()
    page.screenshot(path=str(ARTIFACTS / "t3-account-security.png"), full_page=True)
    page.click("button:has-text('退出')")
    page.wait_for_load_state()
    login(page, base, "town_a")
    assert page.locator("#totp-qr").count() == 0 and "6 位动态口令" in page.content()
    page.screenshot(path=str(ARTIFACTS / "t2-totp-code.png"), full_page=True)
    desk.close()
