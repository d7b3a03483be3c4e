"""Reports accepted for later — `Prefer: respond-async` on `POST /api/v1/cases/` (RFC 7240) and Open311's `token`
answer (`OPEN311_DEFERRED`): for machines and bulk channels that need to hand a report over fast and can wait a
moment for its number — a hotline system forwarding its calls, a platform relaying its users' reports.

The request checks what needs no database (the fields, the place, the contact), stores the report with one
INSERT (`QueuedReport`, the values encrypted) and answers 202 with a token; after the commit the worker makes
the case through `case_report`, exactly as if it had been posted then — at the moment it was received (its clocks
start then) — and records the case or the refusal (its stable code) on the row, in the same transaction. The
sweep makes those whose task was lost. Nothing accepted is lost: the row is written before the answer, and a
case is made from it once (the row is locked and must still be queued; the case's idempotency key is the
token's). `GET /api/v1/cases/queued/<token>/` tells the caller what became of it (Open311: `tokens/<token>`)."""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import json
import logging
import os
import threading
import time
import uuid
from contextlib import nullcontext

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from gridgov.cases.models import QueuedReport
from gridgov.core import pii
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.locks import skip_locked
from gridgov.core.timeutil import clock_at, now

log = logging.getLogger("gridgov.intake")
Status = QueuedReport.Status
SWEEP_AFTER = dt.timedelta(seconds=30)  # the worker's task takes well under a second: older than this, it was lost


def queue_report(*, actor, values: dict, idempotency_key: str | None = None) -> tuple[QueuedReport, bool]:
    """Accept a report for the worker with one INSERT. The caller's same Idempotency-Key returns the first token
    (created=False); the same key with other values is refused (409 `idempotency_key_reused`)."""
    from gridgov.cases.services import check_contact, check_description, parse_place

    # What can be checked without the database is checked now: such a report is refused at once, not later.
    check_description(values.get("description"))
    parse_place(values.get("lon"), values.get("lat"), values.get("crs") or "wgs84", values.get("address") or "")
    check_contact(values.get("reporter_phone") or "", values.get("reporter_email") or "")
    key = (idempotency_key or "").strip()[:100]
    body = json.dumps(values, sort_keys=True, ensure_ascii=False)
    queued = QueuedReport(token=uuid.uuid4().hex, actor=actor if getattr(actor, "pk", None) else None,
                          channel=str(values.get("channel") or "")[:16], idempotency_key=key,
                          fingerprint=hashlib.sha256(body.encode()).hexdigest() if key else "",
                          payload_enc=pii.encrypt(body), received_at=now())
    try:
        # One INSERT, its own transaction when the caller has none (as in a request): no BEGIN and COMMIT around it.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            queued.save()
        transaction.on_commit(lambda: _make_later(queued.pk))  # in autocommit: now, the row being committed
    except IntegrityError:
        seen = QueuedReport.objects.filter(actor=queued.actor, idempotency_key=key).first() if key else None
        if seen is None:
            raise
        if seen.fingerprint != queued.fingerprint:
            raise ApplicationError("idempotency_key_reused", "该 Idempotency-Key 已用于另一份不同内容的上报,请换一个",
                                   fields={"idempotency_key": "已用于其他上报"}, status=409) from None
        return seen, False
    return queued, True


def make_case(pk: int) -> str | None:
    """Make the case of one queued report, once: returns its new status ("created" or "refused"), or None when
    it is not (or no longer) waiting or another worker holds it."""
    from gridgov.cases.services import case_report

    with transaction.atomic():
        queued = skip_locked(QueuedReport.objects.filter(pk=pk, status=Status.QUEUED)).select_related("actor").first()
        if queued is None:
            return None
        values = json.loads(pii.decrypt(queued.payload_enc))
        try:
            with transaction.atomic(), clock_at(queued.received_at):
                case, _ = case_report(actor=queued.actor, idempotency_key=queued.idempotency_key or
                                      f"queued:{queued.token}", **values)
            queued.status, queued.case = Status.CREATED, case
        except ApplicationError as exc:
            queued.status, queued.error_code, queued.error_message = Status.REFUSED, exc.code, exc.message[:300]
        except PermissionDenied as exc:
            queued.status, queued.error_code = Status.REFUSED, "permission_denied"
            queued.error_message = (str(exc) or "无权上报")[:300]
        queued.processed_at, queued.payload_enc = now(), ""
        queued.save(update_fields=["status", "case", "error_code", "error_message", "processed_at", "payload_enc"])
        return queued.status


def make_waiting(*, older_than: dt.timedelta = SWEEP_AFTER, limit: int = 500) -> int:
    """The queued reports still waiting after `older_than` (their task was lost): made now, oldest first."""
    ids = list(QueuedReport.objects.filter(status=Status.QUEUED, received_at__lte=now() - older_than)
               .order_by("received_at").values_list("pk", flat=True)[:limit])
    return sum(make_case(pk) is not None for pk in ids)


def forget_processed(*, at: dt.datetime | None = None) -> int:
    """Tokens whose case was made or refused more than `QUEUED_REPORT_KEEP_DAYS` ago (90) stop answering: their
    rows go (nothing personal is left in them, but the link of a caller to a case is not kept for ever). A report
    still waiting is never deleted."""
    from django.conf import settings

    cutoff = (at or now()) - dt.timedelta(days=max(1, settings.QUEUED_REPORT_KEEP_DAYS))
    deleted, _ = QueuedReport.objects.exclude(status=Status.QUEUED).filter(processed_at__lt=cutoff).delete()
    return deleted


def queued_get(*, actor, token: str) -> QueuedReport:
    """A queued report, for the caller who sent it only."""
    queued = _answers(token).filter(actor=actor).first() if getattr(actor, "pk", None) else None
    if queued is None:
        raise NotFound()
    return queued


def queued_by_token(token: str) -> QueuedReport | None:
    """A queued report by its token alone (128 random bits), as Open311's `tokens/<token>` looks it up."""
    return _answers(token).first()


def _answers(token: str):
    """The row of a token with what its answer shows (the case's number needs its id and date only)."""
    return QueuedReport.objects.filter(token=str(token)[:32]).select_related("case").only(
        "token", "status", "received_at", "error_code", "error_message", "case__id", "case__created_at")


def _make_later(pk: int) -> None:
    """Hand a committed report to the worker: at once when QUEUED_REPORT_BATCH_SECONDS is 0, else with the others
    this process accepts within that time, as one task (one enqueue per batch instead of one per report: a tenth
    of what accepting a report costs). Should the process die before the hand-over, the row is committed and
    the sweep makes it."""
    from django.conf import settings

    wait = float(getattr(settings, "QUEUED_REPORT_BATCH_SECONDS", 0))
    if wait <= 0:
        _hand_over([pk])
    else:
        _batch.add(pk, wait)


def _hand_over(ids: list[int]) -> None:
    from gridgov.cases.tasks import make_queued_cases

    try:
        make_queued_cases(ids)
    except Exception:  # noqa: BLE001 - logged; the sweep makes them
        log.exception("queued reports %s…: left to the sweep", ids[:5])


class _Batch:
    """This process's reports waiting for their hand-over, and the one thread that hands them over: it wakes at
    the first, waits `wait` seconds for others, hands them all over as one task and sleeps again. Started at first
    use; a forked child starts afresh (its own lock, no ids, its own thread: the parent's thread hands over what
    the parent held); what is left is handed over when the process exits."""

    def __init__(self):
        self._forked()
        os.register_at_fork(after_in_child=self._forked)
        atexit.register(self.flush)

    def _forked(self) -> None:
        self.ids: list[int] = []
        self.ready = threading.Condition()
        self.started = False

    def add(self, pk: int, wait: float) -> None:
        with self.ready:
            if not self.started:
                self.started = True
                threading.Thread(target=self._run, args=(wait,), name="queued-hand-over", daemon=True).start()
            self.ids.append(pk)
            self.ready.notify()

    def flush(self) -> None:
        with self.ready:
            ids, self.ids = self.ids, []
        if ids:
            _hand_over(ids)

    def _run(self, wait: float) -> None:
        while True:
            with self.ready:
                self.ready.wait_for(lambda: self.ids)
            time.sleep(wait)
            self.flush()


_batch = _Batch()
