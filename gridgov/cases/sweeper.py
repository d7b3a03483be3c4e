"""The sweep: lights turn yellow and red, handlers and supervisors are told, and cases left red past the
grace are escalated to the center above, once per case per level.

Safe to run twice and from several workers at once: each batch is claimed inside one transaction with
SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite serialises writers), and the update re-checks the
condition, so every warning and every escalation happens exactly once."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict

from django.db import transaction
from django.db.models import F

from gridgov.cases import events, signals
from gridgov.cases.models import OPEN_STATES, Case, CaseEvent, Light, State
from gridgov.cases.reference import unit_staff
from gridgov.cases.routing import escalation_step, parent_center
from gridgov.core.locks import skip_locked
from gridgov.core.timeutil import now
from gridgov.notify.models import Message

log = logging.getLogger("gridgov.sweep")

RUNNING = (State.DISPATCHED, State.HANDLING, State.DONE_REPORTED)
BATCH = 2000


def _messages(rows, subject, t, *, supervisors: bool) -> list[Message]:
    out = []
    for r in rows:
        users = set(unit_staff(r["handling_unit_id"], ()))
        if supervisors or not users:
            users |= set(unit_staff(r["owner_center_id"], ("center_dispatcher", "center_leader")))
        for uid in users:
            out.append(Message(channel="console", recipient_id=uid, subject=f"{subject}:{r['title']}"[:200],
                               data={"case": r["id"]}, next_attempt_at=t))
    return out


def _light_step(t, *, to: str, condition: dict, from_lights: tuple[str, ...], action: str, subject: str,
                supervisors: bool) -> int:
    done = 0
    while True:
        with transaction.atomic():
            rows = list(skip_locked(Case.objects.filter(state__in=RUNNING, light__in=from_lights, **condition))
                        .order_by("due_at").values("id", "title", "state", "handling_unit_id", "owner_center_id",
                                                   "due_at")[:BATCH])
            if not rows:
                return done
            ids = [r["id"] for r in rows]
            # The rows are ours: locked (PostgreSQL) or inside SQLite's single writer transaction.
            Case.objects.filter(pk__in=ids, light__in=from_lights, **condition).update(light=to)
            CaseEvent.objects.bulk_create([
                events.light_row(case_id=r["id"], state=r["state"], kind=action, due_at=r["due_at"], at=t)
                for r in rows
            ])
            signals.cases_written.send(sender=Case, ids=ids)
            Message.objects.bulk_create(_messages(rows, subject, t, supervisors=supervisors))
            done += len(rows)
        if len(rows) < BATCH:
            return done


def _escalate_step(t) -> int:
    done = 0
    parents: dict[int, object] = {}

    def parent_of(center):
        if center.pk not in parents:
            parents[center.pk] = parent_center(center)
        return parents[center.pk]

    while True:
        with transaction.atomic():
            rows = list(skip_locked(Case.objects.filter(escalate_at__lte=t, state__in=(State.DISPATCHED, State.HANDLING),
                                                    owner_center__isnull=False))
                        .order_by("escalate_at").values("id", "title", "state", "owner_center_id", "handling_unit_id",
                                                        "sla")[:BATCH])
            if not rows:
                return done
            from gridgov.orgs.models import OrgUnit

            centers = {u.pk: u for u in OrgUnit.objects.filter(pk__in={r["owner_center_id"] for r in rows})
                       .select_related("region__parent")}
            by_target = defaultdict(list)
            rows_out, messages, stuck = [], [], []
            for r in rows:
                target, next_at = escalation_step(centers[r["owner_center_id"]], r["sla"], t, parent_of=parent_of)
                if target is None:
                    stuck.append(r["id"])  # the top: keep it red on the board, stop trying
                    continue
                by_target[(target.pk, next_at)].append(r)
            if stuck:
                Case.objects.filter(pk__in=stuck).update(escalate_at=None)
            for (target_id, next_at), group in by_target.items():
                Case.objects.filter(pk__in=[r["id"] for r in group], escalate_at__lte=t).update(
                    owner_center_id=target_id, escalation_level=F("escalation_level") + 1, escalate_at=next_at,
                    updated_at=t)
                for r in group:
                    rows_out.append(events.escalated_row(
                        case_id=r["id"], state=r["state"], from_center_id=r["owner_center_id"], to_center_id=target_id,
                        note="超过处置时限未办结,自动提级至上级综治中心", at=t))
                    for uid in unit_staff(target_id, ("center_dispatcher", "center_leader")):
                        messages.append(Message(channel="console", recipient_id=uid, next_attempt_at=t,
                                                subject=f"【提级】{r['title']}"[:200], data={"case": r["id"]}))
            CaseEvent.objects.bulk_create(rows_out)
            signals.cases_written.send(sender=Case, ids=[r.case_id for r in rows_out])
            Message.objects.bulk_create(messages)
            done += len(rows_out)
        if len(rows) < BATCH:
            return done


_calendar_years_tried: frozenset | None = None


def _fill_step() -> int:
    """Cases whose deadlines waited for a working-calendar year get them once the year is entered. Tried when
    this process first sweeps and whenever the calendar's years change, not every minute."""
    global _calendar_years_tried
    from gridgov.cases.services import case_fill_deadlines
    from gridgov.core.errors import ApplicationError
    from gridgov.core.workingtime import get_calendar

    years = get_calendar().years
    if years == _calendar_years_tried:
        return 0
    filled = 0
    for case in Case.objects.filter(state__in=OPEN_STATES).exclude(clock_error="").order_by("pk").iterator():
        try:
            case_fill_deadlines(case=case)
            filled += not case.clock_error
        except ApplicationError:
            continue  # changed meanwhile: the next change of years, or the next process, tries again
    _calendar_years_tried = years
    return filled


def sweep() -> dict[str, int]:
    t = now()
    from gridgov.cases.sla import remind_next_year

    took: dict[str, float] = {}

    def timed(name: str, step, *a, **kw) -> int:
        t0 = time.perf_counter()
        n = step(*a, **kw)
        took[name] = time.perf_counter() - t0
        return n

    remind_next_year(t)
    filled = timed("filled", _fill_step)
    yellow = timed("yellow", _light_step, t, to=Light.YELLOW, condition={"warn_at__lte": t, "due_at__gt": t},
                   from_lights=(Light.GREEN,), action="sla_warning", subject="【即将超时】", supervisors=False)
    red = timed("red", _light_step, t, to=Light.RED, condition={"due_at__lte": t},
                from_lights=(Light.GREEN, Light.YELLOW), action="sla_overdue", subject="【已超时】", supervisors=True)
    escalated = timed("escalated", _escalate_step, t)
    queued = timed("queued", _queued_step)
    suggested = timed("suggested", _suggest_step, t)
    if filled or yellow or red or escalated or queued or suggested:
        log.info("sweep: %s deadlines filled, %s yellow, %s red, %s escalated, %s queued reports made, %s suggested "
                 "in %.2f s (%s)", filled, yellow, red, escalated, queued, suggested, sum(took.values()),
                 ", ".join(f"{k} {v:.2f} s" for k, v in took.items()))
    return {"filled": filled, "yellow": yellow, "red": red, "escalated": escalated, "queued": queued,
            "suggested": suggested}


def _queued_step() -> int:
    """Reports accepted for later whose task was lost (a worker killed, Redis restarted): their cases now."""
    from gridgov.cases.queued import make_waiting

    return make_waiting()


SUGGEST_WINDOW = dt.timedelta(days=1)
SUGGEST_BATCH = 200


def _suggest_step(t) -> int:
    """智能分拨 the queue did not do (a worker down, a task lost): the day's cases without a suggestion that are
    older than `TRIAGE_SWEEP_GRACE_SECONDS` (2 minutes) — the sweep does not race the queue for the reports of the
    last minutes (under load it classified them a second time, and the lights waited behind it)."""
    from django.conf import settings

    from gridgov.cases.services import case_suggest

    grace = dt.timedelta(seconds=settings.TRIAGE_SWEEP_GRACE_SECONDS)
    ids = list(Case.objects.filter(suggested_by="", created_at__gte=t - SUGGEST_WINDOW, created_at__lte=t - grace)
               .order_by("-created_at").values_list("pk", flat=True)[:SUGGEST_BATCH])
    return sum(case_suggest(pk) for pk in ids)
