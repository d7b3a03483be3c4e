"""What happens to disputes with time, every minute (`gridgov sweep` and the worker):
- a dispute past its time limit (one month, or as extended) is marked 超过调解期限 once, and its mediators and
  the center over its place are told;
- a dispute of a colour with `escalate_after_hours` that has made no progress for that long (no action since)
  escalates on its own: the center above is told and the timeline says so — once per stall; the next action
  of the mediator ends the stall.
Each mark is a compare-and-set on the row, so two sweepers never do either twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q

from gridgov.cases.reference import unit_staff
from gridgov.cases.routing import center_for, parent_center
from gridgov.core.timeutil import now
from gridgov.mediation import events
from gridgov.mediation.models import Dispute, State
from gridgov.notify.services import notify_users

log = logging.getLogger("gridgov.mediation")
WORKING = (State.ACCEPTED, State.MEDIATING)
OPEN = (State.REGISTERED, State.ACCEPTED, State.MEDIATING, State.AGREED)
BATCH = 200


def _mediators(d: Dispute) -> list[int]:
    ids = unit_staff(d.committee_id, "mediator") if d.committee_id else []
    return list(dict.fromkeys(([d.mediator_id] if d.mediator_id else []) + ids))


def _center_staff(center) -> list[int]:
    return unit_staff(center.pk, ("center_dispatcher", "center_leader")) if center is not None else []


def _overdue(t: dt.datetime) -> int:
    done = 0
    for d in Dispute.objects.filter(state__in=WORKING, due_at__lte=t, overdue_at__isnull=True)[:BATCH]:
        with transaction.atomic():
            if not Dispute.objects.filter(pk=d.pk, overdue_at__isnull=True, state__in=WORKING).update(overdue_at=t):
                continue
            events.overdue(d, at=t)
            users = _mediators(d) + _center_staff(center_for(d.region_path))
            notify_users(users, subject=f"【调解超期】{d.title}"[:200], data={"dispute": d.pk})
            done += 1
    return done


def _stalled(t: dt.datetime) -> int:
    done = 0
    rows = (Dispute.objects.filter(state__in=OPEN, risk_level__escalate_after_hours__isnull=False)
            .filter(Q(escalated_at__isnull=True) | Q(escalated_at__lt=F("updated_at")))
            .select_related("risk_level")[: BATCH * 5])
    for d in rows:
        hours = d.risk_level.escalate_after_hours or 0
        if d.updated_at > t - dt.timedelta(hours=hours):
            continue
        with transaction.atomic():
            if not Dispute.objects.filter(pk=d.pk, updated_at=d.updated_at).filter(
                    Q(escalated_at__isnull=True) | Q(escalated_at__lt=F("updated_at"))).update(
                    escalated_at=t, escalation_level=F("escalation_level") + 1):
                continue
            own = center_for(d.region_path)
            above = parent_center(own) if own is not None else None
            events.auto_escalated(d, hours=hours, to_center_id=above.pk if above else None, at=t)
            notify_users(_center_staff(above) + _center_staff(own) + _mediators(d),
                         subject=f"【{d.risk_level.name}纠纷升级】{d.title}"[:200], data={"dispute": d.pk})
            done += 1
    return done


def sweep_disputes(at: dt.datetime | None = None) -> int:
    t = at or now()
    overdue, stalled = _overdue(t), _stalled(t)
    if overdue or stalled:
        log.info("mediation sweep: %s overdue, %s escalated", overdue, stalled)
    return overdue + stalled
