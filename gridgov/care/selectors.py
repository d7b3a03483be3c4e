"""Reads of the care module, scoped: staff see the plans and devices of their place, a pairing member their own
targets. The board counts plans by light."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from gridgov.care import access
from gridgov.care.models import CareEvent, CarePlan, CheckIn, Device, DeviceAlarm, Pairing, PlanState
from gridgov.core.errors import NotFound


def plans(actor, *, light: str = "", state: str = "", mine: bool = False, q: str = "") -> QuerySet[CarePlan]:
    qs = access.visible_plans(actor)
    if mine:
        qs = CarePlan.objects.filter(pairings__user=actor, pairings__is_active=True).select_related(
            "resident", "grid", "alert_case")
    qs = qs.filter(state=state) if state else qs.exclude(state=PlanState.CLOSED)
    if light:
        qs = qs.filter(light=light)
    if q:
        qs = qs.filter(resident__name__contains=q.strip()[:20])
    return by_urgency(qs.distinct())


def by_urgency(qs: QuerySet[CarePlan]) -> QuerySet[CarePlan]:
    """Red first, then yellow, then green; within a colour the most overdue first."""
    from django.db.models import Case, IntegerField, Value, When

    order = Case(When(light="red", then=Value(0)), When(light="yellow", then=Value(1)), default=Value(2),
                 output_field=IntegerField())
    return qs.annotate(_light_order=order).order_by("_light_order", "look_due_at", "pk")


def plan_get(*, actor, pk: int) -> CarePlan:
    plan = (access.visible_plans(actor).filter(pk=pk)
            .prefetch_related(Prefetch("pairings", queryset=Pairing.objects.filter(is_active=True)
                                       .select_related("user"))).first())
    if plan is None:
        raise NotFound()
    return plan


def board(actor) -> dict[str, int]:
    """关爱看板: active plans by light (and paused ones) in the actor's place."""
    counts = {"red": 0, "yellow": 0, "green": 0, "paused": 0}
    for row in (access.visible_plans(actor).exclude(state=PlanState.CLOSED).values("state", "light")
                .annotate(n=Count("pk", distinct=True))):
        key = "paused" if row["state"] == PlanState.PAUSED else row["light"]
        counts[key] += row["n"]
    return counts


def checkins(plan: CarePlan, limit: int = 50) -> list[CheckIn]:
    return list(plan.checkins.select_related("user", "case")[:limit])


def timeline(plan: CarePlan) -> list[CareEvent]:
    return list(CareEvent.objects.filter(subject="plan", subject_id=plan.pk).select_related("actor"))


def devices(actor, *, kind: str = "", online: str = "") -> QuerySet[Device]:
    qs = access.visible_devices(actor).filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if online in ("0", "1"):
        qs = qs.filter(is_online=online == "1")
    return qs


def device_get(*, actor, pk: int) -> Device:
    device = access.visible_devices(actor).filter(pk=pk).first()
    if device is None:
        raise NotFound()
    return device


def alarms(device: Device, limit: int = 50) -> list[DeviceAlarm]:
    return list(device.alarms.select_related("case")[:limit])


def open_alarm_devices(device_ids: list[int]) -> list[int]:
    """Of these devices, those with an alarm whose case is still open."""
    from gridgov.cases.models import OPEN_STATES

    return list(DeviceAlarm.objects.filter(device_id__in=device_ids, case__state__in=OPEN_STATES)
                .values_list("device_id", flat=True).distinct())
