"""Log-in security: password policy, lock-out after repeated failures, session expiry, API tokens."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import authenticate

from gridgov.accounts.models import ApiToken, User
from gridgov.accounts.services import api_token_issue, api_token_revoke, user_create, user_unlock
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import now
from tests.conftest import PASSWORD


@pytest.mark.parametrize("password,reason", [
    ("short1A", "太短"),
    ("alllowercaseletters", "三类"),
    ("12345678901234", "只包含数字"),
])
def test_password_policy(db, password, reason):
    with pytest.raises(ApplicationError) as exc:
        user_create(actor=None, username="zhangsan", password=password)
    assert reason in exc.value.message and exc.value.code == "weak_password"
    assert not User.objects.filter(username="zhangsan").exists()


def test_duplicate_username_and_bad_phone(world):
    with pytest.raises(ApplicationError, match="已存在"):
        user_create(actor=None, username="town_a", password=PASSWORD)
    with pytest.raises(ApplicationError, match="11位"):
        user_create(actor=None, username="new", password=PASSWORD, phone="123")


def test_lockout_after_five_failures_even_with_the_right_password(world, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert authenticate(username="town_a", password="wrong") is None
    assert authenticate(username="town_a", password=PASSWORD) is None
    user = User.objects.get(username="town_a")
    assert user.locked_until > now()
    with time_machine.travel(now() + settings.LOGIN_LOCK_DURATION + dt.timedelta(seconds=1)):
        assert authenticate(username="town_a", password=PASSWORD) == user
    assert User.objects.get(pk=user.pk).failed_login_count == 0


def test_failures_outside_the_window_do_not_add_up(world, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        authenticate(username="town_a", password="wrong")
    with time_machine.travel(now() + settings.LOGIN_FAILURE_WINDOW + dt.timedelta(minutes=1)):
        authenticate(username="town_a", password="wrong")
        assert authenticate(username="town_a", password=PASSWORD) is not None


def test_admin_can_unlock(world, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        authenticate(username="town_a", password="wrong")
    user_unlock(actor=world.admin, user=world.user_a)
    assert authenticate(username="town_a", password=PASSWORD) is not None


def test_admin_login_page_speaks_chinese_and_locks(world, client, settings):
    page = client.get("/admin/login/")
    assert "登录" in page.content.decode()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/admin/login/", {"username": "root", "password": "x"})
    r = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert r.status_code == 200  # refused: the form is shown again
    assert "_auth_user_id" not in client.session


def test_session_expires_when_idle_and_activity_renews_it(world, client, settings):
    import time_machine
    from django.contrib.sessions.models import Session

    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600
    start = now()
    with time_machine.travel(start, tick=False):
        client.force_login(world.user_a)
        assert client.get("/console/cases/").status_code == 200
        key = client.session.session_key
        first = Session.objects.get(session_key=key).expire_date
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):  # within a minute: no write
        client.get("/console/cases/")
        assert Session.objects.get(session_key=key).expire_date == first
        client.get("/static/console/console.css")
    with time_machine.travel(start + dt.timedelta(minutes=90), tick=False):  # active again: renewed
        assert client.get("/console/cases/").status_code == 200
        renewed = Session.objects.get(session_key=key).expire_date
        assert renewed > first + dt.timedelta(minutes=89)
    with time_machine.travel(renewed + dt.timedelta(minutes=1), tick=False):  # idle past the age: logged out
        r = client.get("/console/cases/")
        assert r.status_code == 302 and "/console/login/" in r.url


def test_api_token_authenticates_and_can_be_revoked(world, client):
    system = user_create(actor=None, username="sys-12345", password="", is_system=True)
    from gridgov.accounts.services import membership_grant

    membership_grant(actor=None, user=system, role_code="center_dispatcher", region=world.town_a)
    token, key = api_token_issue(actor=world.admin, user=system, name="12345热线对接")
    assert key not in repr(ApiToken.objects.values().get())
    r = client.get("/api/v1/residents/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 200 and r.json()["count"] == 2
    assert ApiToken.objects.get().last_used_at is not None
    r = client.get("/api/v1/residents/", HTTP_AUTHORIZATION="Bearer gg_nonsense")
    assert r.status_code == 401 and r.json()["error"]["code"] == "authentication_failed"
    api_token_revoke(actor=world.admin, token=token)
    r = client.get("/api/v1/residents/", HTTP_AUTHORIZATION=f"Token {key}")
    assert r.status_code == 401
    with pytest.raises(ApplicationError, match="已被吊销"):
        api_token_revoke(actor=world.admin, token=token)


def test_expired_token_is_refused(world, client):
    _, key = api_token_issue(actor=None, user=world.user_a, name="x", expires_at=now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_anonymous_api_is_refused_with_the_error_format(db, client):
    r = client.get("/api/v1/residents/")
    assert r.status_code == 401
    assert r.json() == {"error": {"code": "not_authenticated", "message": "请先登录或提供有效的 API 令牌"}}


def test_a_deactivated_accounts_token_is_refused_by_the_api_and_open311(world, client):
    from gridgov.accounts.authentication import valid_token

    _, key = api_token_issue(actor=None, user=world.user_a, name="x")
    assert valid_token(key) is not None
    world.user_a.is_active = False
    world.user_a.save()
    assert valid_token(key) is None
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    r = client.post("/open311/v2/requests.json", {"api_key": key, "service_code": "1101", "lat": "30.01",
                                                  "long": "120.005", "description": "路边垃圾"})
    assert r.status_code == 403 and "api_key" in r.content.decode()


def test_a_workers_recent_tokens_are_trusted_for_seconds(world, client, monkeypatch, settings):
    """API_TOKEN_CACHE_SECONDS: a token checked lately is not looked up again; a revocation in this process counts at
    once, one made elsewhere (no signal here) within the cache's seconds; 0 looks every time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gridgov.accounts import authentication
    from gridgov.accounts.models import ApiToken

    settings.API_TOKEN_CACHE_SECONDS = 5
    token, key = api_token_issue(actor=None, user=world.user_a, name="x")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/me/", **auth).status_code == 200
    with CaptureQueriesContext(connection) as q:
        assert client.get("/api/v1/me/", **auth).status_code == 200
    assert not [x for x in q.captured_queries if "accounts_apitoken" in x["sql"]]
    # revoked by another worker: this one trusts its copy until the seconds have passed
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=now())
    assert client.get("/api/v1/me/", **auth).status_code == 200
    later = authentication.time.monotonic() + 6
    monkeypatch.setattr(authentication.time, "monotonic", lambda: later)
    assert client.get("/api/v1/me/", **auth).status_code == 401
    # revoked here, through the service: refused at once
    token2, key2 = api_token_issue(actor=None, user=world.user_a, name="y")
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key2}").status_code == 200
    api_token_revoke(actor=world.admin, token=token2)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key2}").status_code == 401
    # what one request notes on its user does not reach the next request's user
    _, key3 = api_token_issue(actor=None, user=world.user_a, name="z")
    first, second = authentication.valid_token(key3), authentication.valid_token(key3)
    first.user.noted = True
    assert first.user is not second.user and not hasattr(second.user, "noted")
    settings.API_TOKEN_CACHE_SECONDS = 0
    ApiToken.objects.filter(key_hash=authentication.hash_token(key3)).update(revoked_at=now())
    assert authentication.valid_token(key3) is None
