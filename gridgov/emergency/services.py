"""Writes of the emergency module: callouts (open from a safety report, ring after ring until a unit acknowledges),
the duty roster, alert groups and their warnings. Every step is checked against `emergency.workflow.CALLOUT` and
committed with its timeline row in one transaction; the case's own timeline shows each ring and response."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from gridgov.accounts.models import Membership
from gridgov.accounts.paging import page
from gridgov.accounts.scoping import jurisdiction_of
from gridgov.cases import events as case_events
from gridgov.cases.reference import unit_staff
from gridgov.cases.routing import nearest_emergency_units
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import now
from gridgov.emergency import events
from gridgov.emergency.access import ROSTER, can_send, responder_unit
from gridgov.emergency.models import (
    AlertGroup,
    AlertGroupMember,
    Broadcast,
    Callout,
    CalloutState,
    CalloutUnit,
    DutyShift,
)
from gridgov.emergency.workflow import CALLOUT
from gridgov.notify.services import notify_users
from gridgov.orgs.models import OrgUnit, UnitKind

log = logging.getLogger("gridgov.emergency")

S = CalloutState


def ring_sizes() -> list[int]:
    """How many units each ring calls (EMERGENCY_RINGS, e.g. "1,2,3": the nearest, then the next two …)."""
    return [max(1, int(x)) for x in str(settings.EMERGENCY_RINGS).split(",") if x.strip()]


def ack_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.EMERGENCY_ACK_MINUTES)


# -- paging -------------------------------------------------------------------------------------------------


def on_duty(unit_id: int, at: dt.datetime) -> list[int]:
    """Who of the unit is paged now: those on duty, or every member when nobody is on the roster now."""
    shifts = list(DutyShift.objects.filter(unit_id=unit_id, is_cancelled=False, starts_at__lte=at, ends_at__gt=at)
                  .values_list("user_id", flat=True))
    return list(dict.fromkeys(shifts)) or unit_staff(unit_id)


def _next_ring(callout: Callout) -> list[tuple[OrgUnit, float]]:
    """The units of the next ring: the nearest not yet called, within EMERGENCY_RADIUS_M."""
    sizes = ring_sizes()
    size = sizes[min(callout.ring, len(sizes) - 1)] if callout.ring < len(sizes) else 0
    if size == 0:
        return []
    called = set(callout.units.values_list("unit_id", flat=True)) if callout.pk else set()
    ranked = [(u, d) for u, d in nearest_emergency_units(callout.lon, callout.lat, n=10_000,
                                                          radius_m=settings.EMERGENCY_RADIUS_M)
              if u.pk not in called and d <= settings.EMERGENCY_RADIUS_M]
    return ranked[:size]


def _call(callout: Callout, ring: list[tuple[OrgUnit, float]], *, actor, at: dt.datetime) -> None:
    """Page the units of a ring and write it down (the module's timeline and the case's)."""
    case = callout.case
    paged = []
    for unit, dist in ring:
        first = callout.ring == 1
        n = page(on_duty(unit.pk, at),
                 subject=f"【{'就近处置' if first else f'第{callout.ring}梯次增援'}】{case.title} 距您约 {dist:.0f} 米",
                 body=f"事件 {case.number}:{case.address or ''} 请立即响应", data={"case": case.pk,
                                                                           "callout": callout.pk},
                 dedupe_key=f"callout-{callout.pk}-{unit.pk}")
        CalloutUnit.objects.create(callout=callout, unit=unit, ring=callout.ring, distance_m=round(dist),
                                   alerted_at=at, paged=n)
        paged.append((unit, dist, n))
    events.ring_called(callout, ring=callout.ring, units=paged, actor=actor, at=at)
    case_events.emergency_units_alerted(case, ring, ring=callout.ring, actor=actor, at=at)


def _tell_center(callout: Callout, subject: str) -> None:
    center = callout.case.owner_center_id
    notify_users(unit_staff(center, "center_dispatcher") if center else [], subject=subject,
                 data={"case": callout.case_id, "callout": callout.pk}, dedupe_key=None)


# -- callouts -----------------------------------------------------------------------------------------------


def on_safety_reported(sender, *, case, at, **kwargs) -> None:
    callout_open(case=case, at=at)


@transaction.atomic
def callout_open(*, case, at: dt.datetime | None = None) -> Callout:
    """出警: a case that needs the nearest units calls the first ring. With no unit within reach the callout is
    无人响应 at once and the center is told."""
    at = at or now()
    existing = Callout.objects.filter(case=case).first()
    if existing is not None:
        return existing
    callout = Callout(case=case, lon=case.lon, lat=case.lat, region_path=case.region_path, created_at=at,
                      updated_at=at)
    ring = _next_ring(callout)
    if ring:
        callout.ring, callout.ack_due_at = 1, at + ack_window()
    else:
        callout.state = S.EXHAUSTED
    callout.save()
    events.callout_opened(callout, at=at)
    if ring:
        _call(callout, ring, actor=None, at=at)
    else:
        _tell_center(callout, f"【无可用应急单元】{case.title}:附近没有最小应急单元,请调度处置")
    return callout


@transaction.atomic
def callout_act(*, actor, callout: Callout, action: str, values: dict | None = None,
                at: dt.datetime | None = None) -> Callout:
    """One step of a callout (响应, 到场, 处置完毕, 梯次增援, 撤销) by the table's rules."""
    at = at or now()
    values = values or {}
    callout = Callout.objects.select_related("case").get(pk=callout.pk)
    t = CALLOUT.check(actor, callout, action)
    note = t.require(values)
    unit = responder_unit(actor, callout) if action in ("acknowledge", "arrive", "finish") else None
    fields: list[str] = []
    outcome = ""
    ring: list = []
    if action in ("acknowledge", "arrive") and callout.acknowledged_at is None:
        callout.acknowledged_at, callout.acknowledged_by, callout.acknowledged_unit = at, actor, unit
        callout.ack_due_at = None
        fields += ["acknowledged_at", "acknowledged_by", "acknowledged_unit", "ack_due_at"]
    if action == "arrive":
        callout.arrived_at = at
        fields.append("arrived_at")
    if action in ("finish", "stand_down", "case_closed"):
        callout.closed_at, callout.ack_due_at = at, None
        fields += ["closed_at", "ack_due_at"]
    if action == "escalate":
        ring = _next_ring(callout)
        if ring:
            callout.ring += 1
            callout.ack_due_at = at + ack_window()
        else:
            outcome, callout.ack_due_at = "exhausted", None
        fields += ["ring", "ack_due_at"]
    CALLOUT.commit(callout, t, fields=fields, outcome=outcome, at=at,
                   event=lambda old: events.step(callout, action, old, actor=actor, unit=unit, note=note, at=at,
                                                 data={"ring": callout.ring}))
    _after(callout, action, outcome, ring, actor=actor, unit=unit, note=note, at=at)
    return callout


def _after(callout: Callout, action: str, outcome: str, ring: list, *, actor, unit, note: str,
           at: dt.datetime) -> None:
    case = callout.case
    label = CALLOUT.label(action)
    if action == "escalate" and ring:
        _call(callout, ring, actor=actor, at=at)
        return
    if outcome == "exhausted":
        case_events.emergency_response(case, step="exhausted", actor=actor, unit=None, at=at,
                                       note="各梯次应急单元均未响应")
        _tell_center(callout, f"【无人响应】{case.title}:各梯次最小应急单元均未在时限内响应,请立即调度")
        return
    case_events.emergency_response(case, step=action, actor=actor, unit=unit, note=note or label, at=at)
    if action == "acknowledge":
        _tell_center(callout, f"【已响应】{unit.name if unit else ''}已响应:{case.title}")
    if action in ("acknowledge", "stand_down"):
        others = [cu.unit_id for cu in callout.units.all() if unit is None or cu.unit_id != unit.pk]
        text = "已由其他单元响应" if action == "acknowledge" else "出警已撤销"
        for uid in others:
            page(on_duty(uid, at), subject=f"【{text}】{case.title}", data={"case": case.pk, "callout": callout.pk},
                 dedupe_key=f"callout-{callout.pk}-{uid}-{action}")


def close_with_cases(*, at: dt.datetime | None = None, limit: int = 500) -> int:
    """Callouts whose case is finished (结案, 合并, 不予立案, 撤回) end with it: nobody is paged for it any more."""
    from gridgov.cases.models import FINAL_STATES
    from gridgov.emergency.models import OPEN_CALLOUT_STATES

    at = at or now()
    done = 0
    for callout in Callout.objects.filter(state__in=OPEN_CALLOUT_STATES, case__state__in=FINAL_STATES)[:limit]:
        try:
            callout_act(actor=None, callout=callout, action="case_closed", at=at,
                        values={"note": "事件已办结,出警随之结束"})
            done += 1
        except ApplicationError as exc:
            log.info("callout %s: %s", callout.pk, exc.code)
    return done


def escalate_due(*, at: dt.datetime | None = None, limit: int = 500) -> int:
    """梯次增援: callouts whose ring's time is up and nobody has acknowledged call the next ring (or are 无人响应).
    Safe to run twice and in several workers: the step is a compare-and-set on the callout's state and version."""
    at = at or now()
    done = close_with_cases(at=at, limit=limit)
    for callout in Callout.objects.filter(state=S.ALERTING, ack_due_at__lte=at).order_by("ack_due_at")[:limit]:
        try:
            callout_act(actor=None, callout=callout, action="escalate", at=at)
            done += 1
        except ApplicationError as exc:  # someone acknowledged (or another worker rang) meanwhile
            log.info("callout %s: %s", callout.pk, exc.code)
    return done


# -- roster -------------------------------------------------------------------------------------------------


def _emergency_unit(unit) -> OrgUnit:
    if not isinstance(unit, OrgUnit):
        unit = OrgUnit.objects.select_related("region").filter(pk=unit).first()
    if unit is None or unit.kind != UnitKind.EMERGENCY_UNIT:
        raise ApplicationError("not_an_emergency_unit", "请选择最小应急单元", status=404, fields={"unit": "无效"})
    return unit


def _require_roster(actor, unit: OrgUnit) -> None:
    if not jurisdiction_of(actor).covers(ROSTER, unit.region.path):
        raise PermissionDenied("您不能为该应急单元排班")


@transaction.atomic
def shift_add(*, actor, unit, user, starts_at: dt.datetime, ends_at: dt.datetime, note: str = "") -> DutyShift:
    """排班: a member of the unit on duty from … to … (not overlapping their own other shifts there)."""
    unit = _emergency_unit(unit)
    _require_roster(actor, unit)
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ApplicationError("naive_datetime", "时间须带时区")
    if ends_at <= starts_at:
        raise ApplicationError("invalid_shift", "结束时间须晚于开始时间", fields={"ends_at": "须晚于开始时间"})
    if ends_at - starts_at > dt.timedelta(days=7):
        raise ApplicationError("invalid_shift", "一次排班不能超过7天", fields={"ends_at": "超过7天"})
    if not Membership.objects.filter(user=user, unit=unit, is_active=True).exists():
        raise ApplicationError("not_a_member", f"{user.display_name or user.username} 不是该应急单元的成员",
                               fields={"user": "不是成员"})
    overlap = DutyShift.objects.filter(unit=unit, user=user, is_cancelled=False, starts_at__lt=ends_at,
                                       ends_at__gt=starts_at)
    if overlap.exists():
        raise ApplicationError("shift_overlap", "与该队员已有的值班时间重叠", status=409)
    shift = DutyShift.objects.create(unit=unit, user=user, starts_at=starts_at, ends_at=ends_at, note=note[:100])
    events.shift_added(shift, actor=actor, at=now())
    return shift


@transaction.atomic
def shift_cancel(*, actor, shift: DutyShift) -> DutyShift:
    shift = DutyShift.objects.select_related("unit__region").select_for_update(of=("self",)).get(pk=shift.pk)
    _require_roster(actor, shift.unit)
    if shift.is_cancelled:
        raise ApplicationError("already_cancelled", "该值班已取消", status=409)
    t = now()
    if shift.ends_at <= t:
        raise ApplicationError("shift_over", "已结束的值班不能取消", status=409)
    shift.is_cancelled = True
    shift.save(update_fields=["is_cancelled"])
    events.shift_cancelled(shift, actor=actor, at=t)
    return shift


def roster(unit_ids, at: dt.datetime) -> dict[int, list[DutyShift]]:
    """Shifts of these units that are on now or start within a week, per unit."""
    out: dict[int, list[DutyShift]] = {}
    for s in (DutyShift.objects.filter(unit_id__in=unit_ids, is_cancelled=False, ends_at__gt=at,
                                       starts_at__lt=at + dt.timedelta(days=7)).select_related("user")):
        out.setdefault(s.unit_id, []).append(s)
    return out


# -- alert groups -------------------------------------------------------------------------------------------


@transaction.atomic
def group_member_set(*, actor, group: AlertGroup, user, joined: bool = True, label: str = "") -> AlertGroupMember:
    """加入/退出联防群: staff over the place manage the members."""
    if not jurisdiction_of(actor).covers("emergency:alert:send", group.region_path):
        raise PermissionDenied("您不能管理该联防群")
    member, _ = AlertGroupMember.objects.get_or_create(group=group, user=user, defaults={"label": label[:100]})
    if member.is_active != joined or label:
        member.is_active = joined
        member.label = label[:100] or member.label
        member.save(update_fields=["is_active", "label"])
    events.member_changed(group, actor=actor, user_id=user.pk, joined=joined, at=now())
    return member


SEND_LIMIT_PER_HOUR = 10


@transaction.atomic
def broadcast_send(*, actor, group: AlertGroup, message: str, level: str = Broadcast.Level.WARNING) -> Broadcast:
    """联防预警: a warning to every other member's phone (console and SMS)."""
    if not group.is_active:
        raise ApplicationError("group_inactive", "该联防群已停用", status=409)
    if not can_send(actor, group):
        raise PermissionDenied("只有群成员或本辖区工作人员可以发布预警")
    message = (message or "").strip()
    if len(message) < 4:
        raise ApplicationError("message_too_short", "预警内容至少4个字", fields={"message": "太短"})
    if len(message) > 500:
        raise ApplicationError("message_too_long", "预警内容不超过500字", fields={"message": "太长"})
    if level not in Broadcast.Level.values:
        raise ApplicationError("invalid_level", "请选择预警级别", fields={"level": "无效"})
    t = now()
    if Broadcast.objects.filter(group=group, sender=actor, at__gte=t - dt.timedelta(hours=1)).count() \
            >= SEND_LIMIT_PER_HOUR:
        raise ApplicationError("too_many_broadcasts", "发送过于频繁,请稍后再试", status=429)
    recipients = list(group.members.filter(is_active=True).filter(~Q(user=actor)).values_list("user_id", flat=True))
    b = Broadcast.objects.create(group=group, sender=actor, level=level, message=message, recipients=len(recipients),
                                 at=t)
    label = Broadcast.Level(level).label
    page(recipients, subject=f"【{group.name}·{label}】{message[:40]}", body=message,
         data={"broadcast": b.pk, "group": group.pk}, dedupe_key=f"broadcast-{b.pk}")
    events.broadcast_sent(group, b, actor=actor, at=t)
    return b
