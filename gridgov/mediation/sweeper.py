"""What happens to disputes with time, every minute (`gridgov sweep` and the worker):
- a dispute past its time limit (one month, or as extended) is marked 超过调解期限 once, and its mediators and
  the center over its place are told;
- a dispute of a colour with `escalate_after_hours` that has made no progress for that long (no action since)
  escalates on its own: the center above is told and the timeline says so — once per stall; the next action
  of the mediator ends the stall;
- a written agreement nearing the end of its 30 days for 司法确认 reminds its mediators, once;
- an agreement not followed up (回访) within its colour's `follow_up_days` reminds its mediators and the grid's
  workers, once.
Each mark is a compare-and-set on the row, so two sweepers never do either twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q

from gridgov.cases.reference import unit_staff
from gridgov.cases.routing import center_for, parent_center
from gridgov.core.timeutil import LOCAL_TZ, now
from gridgov.mediation import events
from gridgov.mediation.models import Dispute, RiskLevel, State
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
    stalled = Q()  # per colour: no action for its hours, and not escalated since the last one
    for level in RiskLevel.objects.filter(escalate_after_hours__isnull=False):
        stalled |= Q(risk_level=level, updated_at__lte=t - dt.timedelta(hours=level.escalate_after_hours or 0))
    if not stalled:
        return 0
    rows = (Dispute.objects.filter(stalled, state__in=OPEN)
            .filter(Q(escalated_at__isnull=True) | Q(escalated_at__lt=F("updated_at")))
            .select_related("risk_level")[:BATCH])
    for d in rows:
        hours = d.risk_level.escalate_after_hours or 0
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


CONFIRM_DAYS = 30  # 人民调解法 art. 33: 司法确认 is applied for within 30 days of the agreement taking effect
CONFIRM_REMIND_BEFORE_DAYS = 7


def _confirmation_reminders(t: dt.datetime) -> int:
    """A written agreement whose 30 days for 司法确认 end within a week: its mediators are reminded, once."""
    done = 0
    window = (t - dt.timedelta(days=CONFIRM_DAYS), t - dt.timedelta(days=CONFIRM_DAYS - CONFIRM_REMIND_BEFORE_DAYS))
    for d in Dispute.objects.filter(agreement_kind="written", judicial_confirmation="", confirm_reminded_at__isnull=True,
                                    agreed_at__gt=window[0], agreed_at__lte=window[1])[:BATCH]:
        with transaction.atomic():
            if not Dispute.objects.filter(pk=d.pk, confirm_reminded_at__isnull=True).update(confirm_reminded_at=t):
                continue
            until = (d.agreed_at or t) + dt.timedelta(days=CONFIRM_DAYS)  # agreed_at is set: the filter says so
            events.confirm_reminder(d, until=until, at=t)
            notify_users(_mediators(d), subject=f"【司法确认提醒】{d.title}"[:200],
                         body=f"调解协议的司法确认申请期限将于{until.astimezone(LOCAL_TZ):%Y年%m月%d日}届满,"
                              "如当事人需要,请提醒其共同向人民法院申请。", data={"dispute": d.pk})
            done += 1
    return done


def _follow_up_reminders(t: dt.datetime) -> int:
    """An agreement not followed up (回访) within its colour's days: its mediators and the grid's workers are
    reminded, once."""
    from gridgov.accounts.paging import grid_workers

    due = Q()
    for level in RiskLevel.objects.filter(follow_up_days__isnull=False):
        due |= Q(risk_level=level, agreed_at__lte=t - dt.timedelta(days=level.follow_up_days or 0))
    if not due:
        return 0
    done = 0
    for d in (Dispute.objects.filter(due, state=State.AGREED, follow_up_reminded_at__isnull=True)
              .select_related("risk_level")[:BATCH]):
        with transaction.atomic():
            if not Dispute.objects.filter(pk=d.pk, follow_up_reminded_at__isnull=True).update(follow_up_reminded_at=t):
                continue
            days = d.risk_level.follow_up_days or 0
            events.follow_up_due(d, days=days, at=t)
            workers = grid_workers(d.grid_id)
            notify_users(_mediators(d) + workers, subject=f"【回访提醒】{d.title}"[:200],
                         body=f"调解协议已达成{days}天,请回访了解履行情况。", data={"dispute": d.pk})
            done += 1
    return done


def sweep_disputes(at: dt.datetime | None = None) -> int:
    t = at or now()
    overdue, stalled, reminded = _overdue(t), _stalled(t), _confirmation_reminders(t)
    followed = _follow_up_reminders(t)
    if overdue or stalled or reminded or followed:
        log.info("mediation sweep: %s overdue, %s escalated, %s reminded of 司法确认, %s of 回访", overdue, stalled,
                 reminded, followed)
    return overdue + stalled + reminded + followed
