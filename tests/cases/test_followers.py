"""件件有回音: reporters without an account (a 12345 caller, an Open311 e-mail) hear back by SMS or e-mail,
their address kept encrypted; merged cases carry them along; nothing is queued for a channel with no provider."""

import pytest
from django.core import mail
from django.db import connection

from gridgov.accounts.services import user_create
from gridgov.cases import services as s
from gridgov.cases.models import Case, CaseFollower
from gridgov.core.errors import ApplicationError
from gridgov.core.pii import get_pii
from gridgov.notify.channels import Channel
from gridgov.notify.models import Message
from gridgov.notify.services import deliver_due
from tests.cases.conftest import report

CALLER = "13912345678"


class RecordingSms(Channel):
    """An SMS provider for the tests: remembers what it was asked to send."""

    name = "sms"
    sent: list = []

    def send(self, message) -> None:
        RecordingSms.sent.append((message.destination(), message.subject, message.body))


@pytest.fixture
def sms(settings):
    RecordingSms.sent.clear()
    settings.NOTIFY_CHANNELS = ["gridgov.notify.channels.ConsoleChannel", "gridgov.notify.channels.EmailChannel",
                                "tests.cases.test_followers.RecordingSms"]
    return RecordingSms.sent


def hotline(cw, **kw):
    bridge = user_create(actor=None, username=f"hotline-{Case.objects.count()}", password="", is_system=True)
    return report(cw, actor=bridge, channel="hotline", reporter_phone=CALLER, photos=[], **kw)


def test_a_hotline_caller_hears_back_by_sms(cw, sms):
    case = hotline(cw)
    [follower] = case.followers.all()  # the caller; not the hotline bridge's system account
    assert follower.user is None and follower.channel == "sms" and get_pii(follower, "address") == CALLER
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_casefollower")
        assert CALLER not in repr(cursor.fetchall())
    s.case_reject(case=case, actor=cw.dispatcher, reason="不属于城市管理事项,已转相关部门")
    deliver_due()
    [(address, subject, body)] = sms
    assert address == CALLER and "未予立案" in subject and case.number in body and "转相关部门" in body


def test_without_an_sms_provider_nothing_is_queued_and_the_follower_stays(cw):
    case = hotline(cw)
    s.case_reject(case=case, actor=cw.dispatcher, reason="重复反映")
    assert not Message.objects.filter(channel="sms").exists()
    assert case.followers.filter(channel="sms").count() == 1


def test_merging_carries_callers_along_once(cw, sms):
    target = report(cw)
    a, b = hotline(cw), hotline(cw)  # the same caller twice
    s.case_merge(case=a, actor=cw.dispatcher, target=target)
    s.case_merge(case=b, actor=cw.dispatcher, target=target)
    assert target.followers.filter(channel="sms").count() == 1
    assert target.followers.filter(user=cw.w.resident_user).count() == 1
    s.case_reject(case=Case.objects.get(pk=target.pk), actor=cw.dispatcher, reason="经核实不属实")
    deliver_due()
    assert [x[0] for x in sms].count(CALLER) == 3  # merged (a), merged (b), then the target's refusal


def test_an_email_reporter_hears_back_by_email(cw):
    case = report(cw, actor=None, channel="wechat", reporter_email="Li.Si@Example.com", photos=[])
    assert case.followers.get().channel == "email" and "Li.Si" not in str(case.attributes)
    s.case_reject(case=case, actor=cw.dispatcher, reason="非本辖区")
    deliver_due()
    [message] = mail.outbox
    assert message.to == ["li.si@example.com"] and "未予立案" in message.subject


@pytest.mark.parametrize("kw,code", [({"reporter_email": "not-an-address"}, "invalid_email"),
                                     ({"reporter_phone": "12345"}, "invalid_phone")])
def test_bad_contacts_are_refused_and_change_nothing(cw, kw, code):
    with pytest.raises(ApplicationError) as exc:
        report(cw, **kw)
    assert exc.value.code == code and not Case.objects.exists() and not CaseFollower.objects.exists()


def test_email_is_off_until_a_mail_server_is_named(settings):
    from gridgov.notify.services import reachable_channels

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "localhost"
    assert "email" not in reachable_channels() and "sms" not in reachable_channels()
    settings.EMAIL_HOST = "smtp.example.gov.cn"
    assert "email" in reachable_channels()


def test_the_api_takes_a_reporters_email(cw, client):
    client.force_login(cw.dispatcher)
    r = client.post("/api/v1/cases/", {"channel": "walk_in", "description": "楼道堆物", "category": "1101",
                                       "lon": 120.005, "lat": 30.01, "reporter_email": "x@y"},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_email"
    r = client.post("/api/v1/cases/", {"channel": "walk_in", "description": "楼道堆物", "category": "1101",
                                       "lon": 120.005, "lat": 30.01, "reporter_email": "wang@example.com"},
                    content_type="application/json")
    assert r.status_code == 201
    assert Case.objects.get().followers.filter(channel="email").exists()


def test_key_rotation_rekeys_follower_addresses_by_their_kind(cw, settings):
    from gridgov.core import pii

    case = report(cw, actor=None, channel="wechat", reporter_email="Wu@Example.com", reporter_phone=CALLER, photos=[])
    settings.PII_KEY, settings.PII_OLD_KEYS = "rotated-key", [settings.PII_KEY]
    pii.rekey_all()
    settings.PII_OLD_KEYS = []
    for f in case.followers.all():
        address = get_pii(f, "address")
        assert f.address_hash == pii.lookup_hash(CaseFollower.pii_kind("address", f.channel), address)
    assert {get_pii(f, "address") for f in case.followers.all()} == {"wu@example.com", CALLER}


def test_the_outbox_keeps_addresses_encrypted_and_forgets_them_once_sent_or_given_up(cw, sms, settings):
    from gridgov.core.pii import lookup_hash
    from gridgov.notify import services as notify_services

    case = hotline(cw)
    s.case_reject(case=case, actor=cw.dispatcher, reason="重复反映")
    message = Message.objects.get(channel="sms")
    # waiting: encrypted for the provider, masked for people, never in the clear in the table
    assert message.address == "139****5678" and message.destination() == CALLER
    assert message.address_hash == lookup_hash("phone", CALLER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM notify_message")
        assert CALLER not in repr(cursor.fetchall())
    deliver_due()
    message.refresh_from_db()
    assert message.status == "sent" and message.address == "139****5678" and message.address_enc == ""
    assert message.address_hash == lookup_hash("phone", CALLER)  # still found by a search for the number
    # a message given up after the last attempt forgets the address too
    settings.NOTIFY_CHANNELS = ["gridgov.notify.channels.ConsoleChannel", "gridgov.notify.channels.EmailChannel"]
    failing = notify_services.notify(channel="email", address="Zhao.Liu@example.com", subject="测试")
    assert failing.address == "z***@example.com" and failing.destination() == "zhao.liu@example.com"
    Message.objects.filter(pk=failing.pk).update(attempts=notify_services.MAX_ATTEMPTS - 1)
    settings.EMAIL_BACKEND = "tests.cases.test_followers.BrokenMail"
    deliver_due()
    failing.refresh_from_db()
    assert failing.status == "failed" and failing.address == "z***@example.com" and failing.address_enc == ""
    # a webhook's address is no personal data: kept as it is
    hook = notify_services.notify(channel="webhook", address="https://hooks.example.com/x", subject="测试")
    assert hook.address == hook.destination() == "https://hooks.example.com/x" and hook.address_enc == ""


def test_messages_waiting_at_the_upgrade_get_their_addresses_encrypted(db):
    import importlib

    from django.apps import apps

    from gridgov.notify import services as notify_services

    migration = importlib.import_module("gridgov.notify.migrations.0002_outbox_address_encrypted")
    waiting = notify_services.notify(channel="sms", address=CALLER, subject="待发")
    sent = notify_services.notify(channel="sms", address="13800001111", subject="已发")
    Message.objects.filter(pk=waiting.pk).update(address=CALLER, address_enc="", address_hash="", address_last4="")
    Message.objects.filter(pk=sent.pk).update(address="138****1111", address_enc="", status="sent")
    migration.encrypt_waiting(apps, None)
    waiting.refresh_from_db()
    sent.refresh_from_db()
    assert waiting.address == "139****5678" and waiting.destination() == CALLER
    assert sent.address == "138****1111" and sent.address_enc == ""


def test_key_rotation_rekeys_waiting_outbox_addresses(cw, settings):
    from gridgov.core import pii
    from gridgov.notify import services as notify_services

    message = notify_services.notify(channel="email", address="wu@example.com", subject="测试")
    old_token = message.address_enc
    settings.PII_KEY, settings.PII_OLD_KEYS = "rotated-key", [settings.PII_KEY]
    pii.rekey_all()
    settings.PII_OLD_KEYS = []
    message.refresh_from_db()
    assert message.address_enc != old_token and message.destination() == "wu@example.com"
    assert message.address_hash == pii.lookup_hash("email", "wu@example.com")


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


@pytest.fixture
def gateway():
    """A stand-in SMS gateway on 127.0.0.1 that records what it is sent and answers with `status`."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    state = {"got": [], "status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state["got"].append((self.headers.get("Authorization"), json.loads(body)))
            self.send_response(state["status"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_port}/send"
    yield state
    server.shutdown()


def test_an_http_sms_gateway_on_the_intranet_delivers_and_failures_are_retried(cw, settings, gateway):
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN = gateway["url"], "s3cret"
    case = hotline(cw)
    s.case_reject(case=case, actor=cw.dispatcher, reason="非本辖区事项")
    gateway["status"] = 503
    assert deliver_due()["retry"] == 1
    message = Message.objects.get(channel="sms")
    assert message.status == "pending" and message.destination() == CALLER and "HTTP" in message.last_error
    gateway["status"] = 200
    Message.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    assert deliver_due()["sent"] == 1
    auth, payload = gateway["got"][-1]
    assert auth == "Bearer s3cret" and payload["phone"] == CALLER and "未予立案" in payload["text"]
    assert case.number in payload["text"]


def test_the_admin_finds_messages_by_a_whole_number_and_shows_it_masked(cw, sms, client, world):
    case = hotline(cw)
    s.case_reject(case=case, actor=cw.dispatcher, reason="重复反映")
    client.force_login(world.admin)
    page = client.get("/admin/notify/message/", {"q": CALLER}).content.decode()
    rows = page[page.index("<tbody>"):page.index("</tbody>")].replace(f"q%3D{CALLER}", "")  # the typed query
    assert "139****5678" in rows and "未予立案" in rows and CALLER not in rows
    page = client.get("/admin/notify/message/", {"q": "13900000000"}).content.decode()
    assert "<tbody>" not in page or "未予立案" not in page[page.index("<tbody>"):]
    message = Message.objects.get(channel="sms")
    page = client.get(f"/admin/notify/message/{message.pk}/change/").content.decode()
    assert "139****5678" in page and CALLER not in page and message.address_enc not in page
