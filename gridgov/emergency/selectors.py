"""Reads of the emergency module: callouts (scoped), the units of a place with their members, who is on duty now,
and their response times."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import QuerySet

from gridgov.accounts.models import Membership
from gridgov.accounts.scoping import scope
from gridgov.core.errors import NotFound
from gridgov.emergency import access
from gridgov.emergency.models import AlertGroup, Broadcast, Callout, CalloutUnit, EmergencyEvent
from gridgov.emergency.services import roster
from gridgov.orgs.models import OrgUnit, UnitKind


def callouts(actor, *, state: str = "", open_only: bool = False) -> QuerySet[Callout]:
    qs = access.visible_callouts(actor)
    if state:
        qs = qs.filter(state=state)
    if open_only:
        qs = qs.filter(state__in=("alerting", "acknowledged", "on_scene", "exhausted"))
    return qs.order_by("-created_at")


def callout_get(*, actor, pk: int) -> Callout:
    c = access.visible_callouts(actor).filter(pk=pk).first()
    if c is None:
        raise NotFound()
    return c


def callout_units(callout: Callout) -> list[CalloutUnit]:
    return list(callout.units.select_related("unit"))


def timeline(callout: Callout) -> list[EmergencyEvent]:
    return list(EmergencyEvent.objects.filter(subject="callout", subject_id=callout.pk)
                .select_related("actor", "unit"))


@dataclass
class UnitRow:
    unit: OrgUnit
    members: list = field(default_factory=list)  # users
    on_duty: list = field(default_factory=list)  # shifts on now
    upcoming: list = field(default_factory=list)  # shifts within a week
    called: int = 0
    acknowledged: int = 0
    median_ack_s: float | None = None
    median_arrive_s: float | None = None


def units(actor, *, at: dt.datetime, days: int = 30) -> list[UnitRow]:
    """The emergency units of the actor's place: members, who is on duty, and over the last `days` how often each
    was called, how often it answered first, and its median minutes to acknowledge and to arrive."""
    qs = scope(OrgUnit.objects.filter(kind=UnitKind.EMERGENCY_UNIT, is_active=True).select_related("region"),
               actor, access.COMMAND, "region__path").order_by("region__path", "code")
    rows = {u.pk: UnitRow(u) for u in qs}
    if not rows:
        return []
    for m in Membership.objects.filter(unit_id__in=rows, is_active=True).select_related("user").order_by("user_id"):
        if m.user not in rows[m.unit_id].members:
            rows[m.unit_id].members.append(m.user)
    for unit_id, shifts in roster(list(rows), at).items():
        for s in shifts:
            (rows[unit_id].on_duty if s.starts_at <= at else rows[unit_id].upcoming).append(s)
    since = at - dt.timedelta(days=days)
    for cu in CalloutUnit.objects.filter(unit_id__in=rows, alerted_at__gte=since):
        rows[cu.unit_id].called += 1
    acks: dict[int, list[float]] = {}
    arrivals: dict[int, list[float]] = {}
    for uid, created, acked, arrived in (Callout.objects.filter(acknowledged_unit_id__in=rows, created_at__gte=since)
                                         .values_list("acknowledged_unit_id", "created_at", "acknowledged_at",
                                                      "arrived_at")):
        if acked is not None:
            acks.setdefault(uid, []).append((acked - created).total_seconds())
        if arrived is not None:
            arrivals.setdefault(uid, []).append((arrived - created).total_seconds())
    for unit_id, row in rows.items():
        row.acknowledged = len(acks.get(unit_id, []))
        row.median_ack_s = statistics.median(acks[unit_id]) if acks.get(unit_id) else None
        row.median_arrive_s = statistics.median(arrivals[unit_id]) if arrivals.get(unit_id) else None
    return list(rows.values())


def groups(actor) -> QuerySet[AlertGroup]:
    """The alert groups of the actor's place, with `member_count` (active members)."""
    from django.db.models import Count, Q

    return (access.visible_groups(actor).select_related("region")
            .annotate(member_count=Count("members", filter=Q(members__is_active=True), distinct=True))
            .order_by("region_path", "name"))


def recent_broadcasts(groups: list[AlertGroup], per_group: int = 3, days: int = 90) -> dict[int, list[Broadcast]]:
    """The latest warnings of several groups in one query: group id → the last `per_group` (newest first)."""
    import datetime as dt

    from gridgov.core.timeutil import now

    out: dict[int, list[Broadcast]] = {g.pk: [] for g in groups}
    rows = (Broadcast.objects.filter(group_id__in=list(out), at__gte=now() - dt.timedelta(days=days))
            .select_related("sender").order_by("-at", "-pk")[:500])
    for b in rows:
        if len(out[b.group_id]) < per_group:
            out[b.group_id].append(b)
    return out


def group_get(*, actor, pk: int) -> AlertGroup:
    g = access.visible_groups(actor).filter(pk=pk).first()
    if g is None:
        raise NotFound()
    return g


def broadcasts(group: AlertGroup, limit: int = 20) -> list[Broadcast]:
    return list(group.broadcasts.select_related("sender")[:limit])
