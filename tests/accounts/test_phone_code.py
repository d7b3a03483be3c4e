"""The phone-code log-in (掌上社区): a code opens only a resident's session, wrong codes are counted for good,
and codes sent are limited per number and per address."""

import pytest

from gridgov.accounts.models import PhoneCode, User
from gridgov.core.pii import set_pii
from tests.conftest import fresh_window
from tests.web.test_mobile import code_for


def _give_phone(user, phone):
    set_pii(user, "phone", "phone", phone)
    user.save()


@pytest.mark.parametrize("kind", ["superuser", "staff_role", "staff_flag"])
def test_a_code_never_opens_a_staff_or_admin_session(cw, client, kind):
    user = {"superuser": cw.w.admin, "staff_role": cw.dispatcher, "staff_flag": cw.handler_cg}[kind]
    if kind == "staff_flag":
        User.objects.filter(pk=user.pk).update(is_staff=True)
    _give_phone(user, "13700001111")
    fresh_window()
    client.post("/m/login/", {"phone": "13700001111", "step": "send"})
    r = client.post("/m/login/", {"phone": "13700001111", "code": code_for("13700001111"), "step": "login"})
    assert r.status_code == 400 and "请使用用户名和密码登录" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still to the log-in page
    assert client.get("/m/").status_code == 302


def test_a_resident_with_a_phone_still_logs_in_by_code(cw, client):
    _give_phone(cw.w.resident_user, "13700002222")
    fresh_window()
    client.post("/m/login/", {"phone": "13700002222", "step": "send"})
    r = client.post("/m/login/", {"phone": "13700002222", "code": code_for("13700002222"), "step": "login"})
    assert r.status_code == 302
    assert int(client.session["_auth_user_id"]) == cw.w.resident_user.pk


def test_wrong_codes_are_counted_and_the_code_dies_after_five(cw, client):
    fresh_window()
    client.post("/m/login/", {"phone": "13912340000", "step": "send"})
    right = code_for("13912340000")
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(8):
        r = client.post("/m/login/", {"phone": "13912340000", "code": wrong, "step": "login"})
        assert r.status_code == 400
    assert PhoneCode.objects.get().attempts == 5
    r = client.post("/m/login/", {"phone": "13912340000", "code": right, "step": "login"})
    assert r.status_code == 400 and "已失效" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_codes_sent_are_limited_per_number_per_hour_and_per_address(cw, client, monkeypatch):
    import time

    from gridgov.accounts import services

    clock = [1_800_000_000.0]  # whole minutes pass between the sends; the hour does not
    monkeypatch.setattr(time, "time", lambda: clock[0])
    statuses = []
    for _ in range(6):
        clock[0] += 61
        r = client.post("/m/login/", {"phone": "13912340001", "step": "send"})
        statuses.append("过于频繁" in r.content.decode())
    assert statuses == [False] * 5 + [True]
    assert PhoneCode.objects.count() == 5
    # one address asking for codes for many numbers
    limit = dict((s, lim) for s, _, lim, _ in services.CODE_SEND_LIMITS)["phone-code-ip"]
    refused = 0
    for n in range(limit + 2):
        r = client.post("/m/login/", {"phone": f"1391235{n:04d}", "step": "send"}, REMOTE_ADDR="10.9.9.9")
        refused += "过于频繁" in r.content.decode()
    assert refused == 2
