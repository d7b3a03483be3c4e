"""动态口令 (TOTP) for staff: set up on the 账号安全 page or, where required, during the log-in itself; after a right
password a right code (±30 s, never the same twice) logs in, a wrong one counts toward the lock-out; the admin's
own log-in page refuses such an account; residents' phone-code log-in is untouched; the secret is re-keyed with
the PII key."""

import datetime as dt

import pyotp
import pytest
import time_machine
from django.core.management import call_command

from gridgov.accounts import totp
from gridgov.accounts.models import TotpDevice, User
from gridgov.core import pii
from gridgov.core.errors import ApplicationError
from gridgov.core.models import AuditLog
from gridgov.core.timeutil import now
from tests.conftest import PASSWORD

T0 = dt.datetime(2026, 12, 3, 9, 0, 0, tzinfo=dt.UTC)


def _code(user, at=None) -> str:
    return pyotp.TOTP(pii.decrypt(TotpDevice.objects.get(user=user).secret_enc)).at(at or now())


def _enable(user) -> None:
    """Set up earlier: the code that confirmed it was of a past step (so the current one is still unused)."""
    totp.begin(user)
    totp.confirm(user, _code(user))
    TotpDevice.objects.filter(user=user).update(last_step=0)


def test_a_code_is_right_for_its_step_and_the_next_and_only_once(world):
    user = User.objects.get(username="town_a")
    with time_machine.travel(T0, tick=False):
        totp.begin(user)
        with pytest.raises(ApplicationError) as e:
            totp.confirm(user, "000000" if _code(user) != "000000" else "111111")
        assert e.value.code == "totp_wrong" and totp.device_of(user) is None
        code = _code(user)
        totp.confirm(user, code)
        device = totp.device_of(user)
        assert device is not None and AuditLog.objects.filter(action="accounts.totp_enable").count() == 1
        assert not totp.check(device, code)  # the code that confirmed it is spent
    with time_machine.travel(T0 + dt.timedelta(seconds=31), tick=False):
        assert totp.check(device, _code(user, T0 + dt.timedelta(seconds=60)))  # the next step: a phone ahead
        assert not totp.check(device, _code(user, T0))  # an older step than one used: never
    with time_machine.travel(T0 + dt.timedelta(seconds=200), tick=False):
        assert not totp.check(device, _code(user, T0 + dt.timedelta(seconds=90)))  # three steps ago: too old
        assert not totp.check(device, "12345") and not totp.check(device, "abcdef")
        with pytest.raises(ApplicationError):
            totp.begin(user)  # a new phone: turn the old one off first


def test_the_log_in_asks_for_the_code_after_the_password(world, client, settings):
    user = User.objects.get(username="town_a")
    _enable(user)
    r = client.post("/console/login/", {"username": "town_a", "password": PASSWORD, "next": "/console/cases/"})
    assert r.status_code == 302 and r["Location"] == "/console/login/totp/"
    assert "_auth_user_id" not in client.session
    assert client.get("/console/cases/").status_code == 302  # not in yet
    page = client.get("/console/login/totp/").content.decode()
    assert "6 位动态口令" in page and "<svg" not in page  # no new QR code for a device already set up
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        r = client.post("/console/login/totp/", {"code": "999999" if _code(user) != "999999" else "888888"})
        assert r.status_code == 400 and "动态口令不正确" in r.content.decode()
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    r = client.post("/console/login/totp/", {"code": _code(user)})
    assert r.status_code == 302 and r["Location"] == "/console/cases/"
    assert client.session["_auth_user_id"] == str(user.pk) and "totp_pending" not in client.session
    # the admin's own log-in page does not open such an account
    client.logout()
    r = client.post("/admin/login/", {"username": "town_a", "password": PASSWORD})
    assert "需要动态口令" in r.content.decode() and "_auth_user_id" not in client.session


def test_wrong_codes_lock_the_account_like_wrong_passwords(world, client, settings):
    user = User.objects.get(username="town_a")
    _enable(user)
    client.post("/console/login/", {"username": "town_a", "password": PASSWORD})
    wrong = "999999" if _code(user) != "999999" else "888888"
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/console/login/totp/", {"code": wrong})
    r = client.post("/console/login/totp/", {"code": _code(user)})
    assert "已暂时锁定" in r.content.decode() and "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="accounts.totp_failed", object_id=str(user.pk)).count() == \
        settings.LOGIN_MAX_FAILURES


def test_a_pending_log_in_expires(world, client):
    user = User.objects.get(username="town_a")
    _enable(user)
    with time_machine.travel(T0, tick=False):
        client.post("/console/login/", {"username": "town_a", "password": PASSWORD})
    with time_machine.travel(T0 + dt.timedelta(minutes=6), tick=False):
        r = client.post("/console/login/totp/", {"code": _code(user)})
        assert r.status_code == 302 and r["Location"] == "/console/login/"
        assert "_auth_user_id" not in client.session


def test_where_required_staff_set_it_up_while_logging_in(world, client, settings):
    settings.STAFF_TOTP_REQUIRED = True
    user = User.objects.get(username="town_a")
    client.post("/console/login/", {"username": "town_a", "password": PASSWORD})
    page = client.get("/console/login/totp/").content.decode()
    assert "扫描下方二维码" in page and "<svg" in page and "绑定并登录" in page
    assert totp.pending_secret(user) is not None and totp.device_of(user) is None
    r = client.post("/console/login/totp/", {"code": _code(user)})
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    assert totp.device_of(user) is not None
    # and cannot turn it off themselves
    page = client.get("/console/account/security/").content.decode()
    assert "已启用" in page and "解除动态口令" not in page
    # a resident's phone-code log-in has no second step
    assert not totp.applies_to(world.resident_user)


def test_the_account_page_sets_it_up_and_turns_it_off(world, client):
    user = User.objects.get(username="town_a")
    client.force_login(user)
    page = client.get("/console/account/security/").content.decode()
    assert "未启用" in page and "<svg" in page
    r = client.post("/console/account/security/", {"step": "enable", "code": "12"})
    assert r.status_code == 400 and totp.device_of(user) is None
    client.post("/console/account/security/", {"step": "enable", "code": _code(user)})
    assert totp.device_of(user) is not None
    with time_machine.travel(now() + dt.timedelta(seconds=30), tick=False):
        client.post("/console/account/security/", {"step": "disable", "code": _code(user)})
    assert totp.device_of(user) is None and AuditLog.objects.filter(action="accounts.totp_disable").exists()


def test_the_secret_is_re_keyed_with_the_pii_key(world, settings):
    user = User.objects.get(username="town_a")
    _enable(user)
    settings.PII_KEY, settings.PII_OLD_KEYS = "the-new-key", ["test-pii-key-not-for-production"]
    call_command("rotate_pii_key")
    settings.PII_OLD_KEYS = []
    device = totp.device_of(user)
    assert pii.decrypt(device.secret_enc)  # readable under the new key alone
    with time_machine.travel(now() + dt.timedelta(seconds=30), tick=False):
        assert totp.check(device, _code(user))


def test_an_administrator_resets_a_lost_phone(world, client):
    user = User.objects.get(username="town_a")
    _enable(user)
    with pytest.raises(ApplicationError):
        totp.disable(actor=User.objects.get(username="town_b"), user=user)  # not an administrator
    client.force_login(world.admin)
    r = client.post("/admin/accounts/user/", {"action": "totp_reset", "_selected_action": [user.pk]})
    assert r.status_code == 302 and totp.device_of(user) is None
    row = AuditLog.objects.get(action="accounts.totp_disable")
    assert row.actor == world.admin and row.detail == {"by_admin": True}
