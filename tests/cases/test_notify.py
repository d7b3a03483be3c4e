"""The outbox: written with the change, delivered by a task, retried with back-off, never lost."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from gridgov.core.timeutil import now
from gridgov.notify import services as n
from gridgov.notify.channels import Channel, ConsoleChannel
from gridgov.notify.models import Message


class Flaky(Channel):
    name = "flaky"
    fail = True

    def send(self, message):
        if Flaky.fail:
            raise OSError("gateway down")


def test_rolled_back_change_sends_nothing(db):
    try:
        with transaction.atomic():
            n.notify(subject="will vanish")
            raise RuntimeError
    except RuntimeError:
        pass
    assert not Message.objects.exists()


def test_deliver_and_dedupe(world):
    m = n.notify(recipient=world.user_a, subject="你好")
    assert n.notify(subject="一次", dedupe_key="k") is not None
    assert n.notify(subject="一次", dedupe_key="k") is None
    assert n.deliver_due()["sent"] == 2
    m.refresh_from_db()
    assert m.status == "sent" and m.pk in ConsoleChannel.sent
    assert n.deliver_due()["sent"] == 0


def test_a_run_delivers_a_backlog_beyond_one_batch_and_stops_within_its_budget(world, monkeypatch):
    """A busy district queues more than one batch a minute: a run goes on batch after batch until none is due
    (it delivered 200 a run before); past its time budget it stops after the batch at hand."""
    for i in range(450):
        n.notify(recipient=world.user_a, subject=f"第{i}条")
    assert n.deliver_due(limit=100)["sent"] == 450
    assert not Message.objects.exclude(status="sent").exists()
    for i in range(250):
        n.notify(recipient=world.user_a, subject=f"又{i}条")
    assert n.deliver_due(limit=100, budget_s=0)["sent"] == 100  # the budget spent: one batch, the rest next run
    assert n.deliver_due(limit=100)["sent"] == 150


def test_retry_with_back_off_then_success(db, settings):
    settings.NOTIFY_CHANNELS = ["tests.cases.test_notify.Flaky"]
    m = n.notify(channel="flaky", subject="短信")
    Flaky.fail = True
    assert n.deliver_due()["retry"] == 1
    m.refresh_from_db()
    assert m.status == "pending" and m.attempts == 1 and "gateway down" in m.last_error
    assert n.deliver_due()["sent"] == 0  # not due yet
    Flaky.fail = False
    with time_machine.travel(now() + n.backoff(1) + dt.timedelta(seconds=1)):
        assert n.deliver_due()["sent"] == 1
    m.refresh_from_db()
    assert m.status == "sent" and m.attempts == 2


def test_gives_up_after_max_attempts(db, settings):
    settings.NOTIFY_CHANNELS = ["tests.cases.test_notify.Flaky"]
    Flaky.fail = True
    m = n.notify(channel="flaky", subject="x")
    t = now()
    for _ in range(n.MAX_ATTEMPTS):
        t += dt.timedelta(days=1)
        with time_machine.travel(t):
            n.deliver_due()
    m.refresh_from_db()
    assert m.status == "failed" and m.attempts == n.MAX_ATTEMPTS


def test_worker_killed_mid_delivery_loses_nothing(db):
    m = n.notify(subject="重要通知")
    # a worker claims the message and dies before sending: the row stays claimed with a lease
    assert n._claim(m.pk, now())
    m.refresh_from_db()
    assert m.status == "sending"
    assert n.deliver_due()["sent"] == 0  # another worker leaves it while the lease runs
    with time_machine.travel(now() + n.LEASE + dt.timedelta(seconds=1)):
        assert n.deliver_due()["sent"] == 1
    m.refresh_from_db()
    assert m.status == "sent"


def test_unknown_channel_is_retried_not_dropped(db):
    m = n.notify(channel="pigeon", subject="x")
    assert n.deliver_due()["retry"] == 1
    m.refresh_from_db()
    assert "unknown channel" in m.last_error


def test_the_console_channel_logs_a_log_in_code_in_development_only(db, settings, caplog):
    settings.NOTIFY_LOG_TEXT = False
    n.notify(address="13912345678", subject="登录验证码", body="您的验证码是 123456")
    with caplog.at_level("INFO", logger="gridgov.notify"):
        n.deliver_due()
    assert "登录验证码" in caplog.text and "123456" not in caplog.text and "13912345678" not in caplog.text
    caplog.clear()
    settings.NOTIFY_LOG_TEXT = True  # the development settings
    n.notify(address="13912345678", subject="登录验证码", body="您的验证码是 654321")
    with caplog.at_level("INFO", logger="gridgov.notify"):
        n.deliver_due()
    assert "654321" in caplog.text and "139****5678" in caplog.text and "13912345678" not in caplog.text


def test_old_delivered_messages_are_forgotten_but_not_waiting_or_unread_ones(world, settings):
    old = now() - dt.timedelta(days=400)

    def make(**kw):
        m = Message.objects.create(subject="旧消息", next_attempt_at=old, **kw)
        Message.objects.filter(pk=m.pk).update(created_at=old)
        return m.pk

    gone = [make(channel="sms", address="139****5678", status="sent"),
            make(channel="console", recipient=world.user_a, status="sent", read_at=old),
            make(channel="email", status="failed")]
    kept = [make(channel="console", recipient=world.user_a, status="sent"),  # never read
            make(channel="sms", status="pending"),  # still to be delivered
            Message.objects.create(channel="sms", subject="新的", status="sent", next_attempt_at=now()).pk]
    assert n.purge_old() == 3
    assert set(Message.objects.values_list("pk", flat=True)) == set(kept) and not set(gone) & set(kept)
    settings.NOTIFY_RETENTION_DAYS = 7
    with pytest.raises(ValueError):
        n.purge_old()
