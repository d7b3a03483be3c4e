"""Channels behind the outbox: e-mail through Django's mail, HTTPS webhooks; routing time windows."""

import datetime as dt
from unittest import mock

from django.core import mail

from gridgov.cases.models import Category, RoutingRule
from gridgov.cases.routing import suggest_unit
from gridgov.core.timeutil import LOCAL_TZ
from gridgov.notify import services as n
from gridgov.notify.models import Message
from tests.cases.conftest import report


def test_email_channel(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    n.notify(channel="email", address="duty@example.org", subject="超时提醒", body="请尽快处理")
    assert n.deliver_due()["sent"] == 1
    assert mail.outbox[0].subject == "超时提醒" and mail.outbox[0].to == ["duty@example.org"]
    n.notify(channel="email", subject="无地址")
    assert n.deliver_due()["retry"] == 1


def test_webhook_channel(db):
    class Resp:
        status = 200

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

    with mock.patch("urllib.request.urlopen", return_value=Resp()) as urlopen:
        n.notify(channel="webhook", address="https://robot.example.org/hook", subject="提级", data={"case": 1})
        assert n.deliver_due()["sent"] == 1
    body = urlopen.call_args[0][0].data.decode()
    assert '"subject": "提级"' in body
    n.notify(channel="webhook", address="http://plain.example.org/hook", subject="x")
    assert n.deliver_due()["retry"] == 1
    assert "https" in Message.objects.get(subject="x").last_error


def test_routing_time_window_and_fallback(cw):
    case = report(cw)
    night = RoutingRule.objects.create(category=Category.objects.get(code="11"), unit=cw.zj,
                                       start_time=dt.time(22, 0), end_time=dt.time(6, 0))
    assert suggest_unit(case, at=dt.datetime(2026, 11, 23, 10, tzinfo=LOCAL_TZ)) == cw.cg  # by department type
    assert suggest_unit(case, at=dt.datetime(2026, 11, 23, 23, tzinfo=LOCAL_TZ)) == cw.zj  # the night rule
    night.is_active = False
    night.save()
    assert suggest_unit(case, at=dt.datetime(2026, 11, 23, 23, tzinfo=LOCAL_TZ)) == cw.cg
