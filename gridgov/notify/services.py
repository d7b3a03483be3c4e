"""Write messages into the outbox (inside the caller's transaction) and deliver due ones."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import IntegrityError, transaction
from django.db.models import Q

from gridgov.core.pii import mask, set_pii
from gridgov.core.timeutil import now
from gridgov.notify.channels import DeliveryError, channels
from gridgov.notify.models import Message, Status, personal_kind

log = logging.getLogger("gridgov.notify")

LEASE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 8


def notify(*, channel: str = "console", recipient=None, recipient_id: int | None = None, address: str = "",
           subject: str, body: str = "", data: dict | None = None, dedupe_key: str | None = None) -> Message | None:
    """Queue a message. With a dedupe_key the same message is queued once (e.g. one warning per case). A phone
    number or e-mail address is stored encrypted and shown masked."""
    if recipient is not None:
        recipient_id = recipient.pk
    msg = Message(channel=channel, recipient_id=recipient_id, address=address, subject=subject[:200], body=body,
                  data=data or {}, dedupe_key=dedupe_key, next_attempt_at=now())
    kind = personal_kind(channel, address)
    if kind and address:
        set_pii(msg, "address", kind, address)
        msg.address = mask(kind, address)
    if dedupe_key is None:
        msg.save()
        return msg
    try:
        with transaction.atomic():
            msg.save()
    except IntegrityError:
        return None
    return msg


def notify_users(user_ids, *, channel: str = "console", subject: str, body: str = "", data: dict | None = None,
                 dedupe_key: str | None = None) -> int:
    """Queue one message for each of several users in one INSERT; with a dedupe_key (made per user as
    "<key>-<user id>") each user gets it once. Returns how many were queued."""
    user_ids = list(dict.fromkeys(user_ids))
    if dedupe_key is not None:
        return sum(notify(channel=channel, recipient_id=uid, subject=subject, body=body, data=data,
                          dedupe_key=f"{dedupe_key}-{uid}") is not None for uid in user_ids)
    t = now()
    Message.objects.bulk_create([Message(channel=channel, recipient_id=uid, subject=subject[:200], body=body,
                                         data=data or {}, next_attempt_at=t) for uid in user_ids])
    return len(user_ids)


def reachable_channels() -> set[str]:
    """The channels that can deliver: every configured one, but not the SMS stub without a provider, nor e-mail
    while it is Django's default (SMTP on localhost, which a deployment without a mail server does not have)."""
    from django.conf import settings

    from gridgov.notify.channels import SmsChannel

    out = {name for name, ch in channels().items() if type(ch) is not SmsChannel}
    smtp = settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    if smtp and settings.EMAIL_HOST in ("", "localhost") and not getattr(settings, "EMAIL_ENABLED", False):
        out.discard("email")
    return out


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


def _claim(pk: int, t) -> bool:
    due = Q(status=Status.PENDING, next_attempt_at__lte=t) | Q(status=Status.SENDING, claimed_until__lt=t)
    return bool(Message.objects.filter(due, pk=pk).update(status=Status.SENDING, claimed_until=t + LEASE))


def deliver_due(*, limit: int = 200, budget_s: float = 45.0) -> dict[str, int]:
    """Deliver what is due, each message claimed by compare-and-set so several workers can run at once: batches of
    `limit` until none is due or `budget_s` seconds have passed (the next run, a minute later, goes on). One batch
    a run capped delivery at 200 a minute per worker, behind a busy district's reporting."""
    stats = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    end = time.monotonic() + budget_s
    while True:
        found = _deliver_batch(limit, stats)
        if found < limit or time.monotonic() > end:
            return stats


def _deliver_batch(limit: int, stats: dict[str, int]) -> int:
    """One batch of due messages delivered (counted into stats); how many were due."""
    t = now()
    due = Q(status=Status.PENDING, next_attempt_at__lte=t) | Q(status=Status.SENDING, claimed_until__lt=t)
    ids = list(Message.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    registry = channels()
    for pk in ids:
        if not _claim(pk, t):
            stats["skipped"] += 1  # another worker got there first
            continue
        msg = Message.objects.select_related("recipient").get(pk=pk)
        attempts = msg.attempts + 1
        try:
            channel = registry.get(msg.channel)
            if channel is None:
                raise DeliveryError(f"unknown channel {msg.channel}")
            channel.send(msg)
        except Exception as exc:  # any channel failure is retried with back-off, never lost
            final = attempts >= MAX_ATTEMPTS
            Message.objects.filter(pk=pk, status=Status.SENDING).update(
                status=Status.FAILED if final else Status.PENDING, attempts=attempts, last_error=str(exc)[:2000],
                next_attempt_at=now() + backoff(attempts), claimed_until=None,
                **({"address_enc": ""} if final else {}),  # given up: the personal address goes, masked it stays
            )
            log.warning("delivery of message %s failed (attempt %s): %s", pk, attempts, exc)
            stats["failed" if final else "retry"] += 1
            continue
        Message.objects.filter(pk=pk).update(status=Status.SENT, attempts=attempts, sent_at=now(),
                                             claimed_until=None, last_error="", address_enc="")
        stats["sent"] += 1
    return len(ids)


def mark_read(*, user, ids=None) -> int:
    """Mark the user's own in-app messages read (those in `ids`, or all); returns how many changed."""
    from gridgov.notify.selectors import inbox

    qs = inbox(user).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=now())


def purge_old(*, days: int | None = None, batch: int = 5000) -> int:
    """Forget delivered messages older than `days` (settings.NOTIFY_RETENTION_DAYS, 365 by default): sent ones,
    given-up ones and, for the in-app channel, read ones. Waiting, retrying and unread in-app messages stay
    however old. In batches, so a long backlog does not hold one long transaction. Returns how many went."""
    from django.conf import settings

    days = int(days if days is not None else getattr(settings, "NOTIFY_RETENTION_DAYS", 365))
    if days < 30:
        raise ValueError("keep messages for at least 30 days")
    cutoff = now() - dt.timedelta(days=days)
    old = Message.objects.filter(created_at__lt=cutoff).filter(
        Q(status=Status.FAILED) | Q(status=Status.SENT, recipient__isnull=True) | Q(status=Status.SENT, read_at__isnull=False)
        | Q(status=Status.SENT, channel__in=["sms", "email", "webhook"]))
    gone = 0
    while True:
        ids = list(old.values_list("pk", flat=True)[:batch])
        if not ids:
            return gone
        gone += Message.objects.filter(pk__in=ids).delete()[0]
