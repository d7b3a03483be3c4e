"""领导班子成员直接联系网格: the grids a leader is linked to, their visits, and each grid's figures on the leader's
page — open cases, red lights, the last 30 days received and closed, satisfaction, open disputes are in their own
module — so the leader sees where to go."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Avg, Count, Q

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.cases.models import OPEN_STATES, Case
from gridgov.core.errors import ApplicationError, PermissionDenied, text_of
from gridgov.core.models import audit
from gridgov.core.timeutil import local, now
from gridgov.regions.models import Level
from gridgov.supervision.access import MANAGE
from gridgov.supervision.models import GridVisit, LeaderLink


@transaction.atomic
def link(*, actor, leader, grid, active: bool = True) -> LeaderLink | None:
    """联系 a grid (or end the link): by staff who manage the place."""
    if grid is None or grid.level != Level.GRID:
        raise ApplicationError("invalid_grid", "请选择网格", fields={"grid": "须为网格"})
    if not jurisdiction_of(actor).covers(MANAGE, grid.path):
        raise PermissionDenied("您不能为该网格安排联系领导")
    current = LeaderLink.objects.filter(leader=leader, grid=grid, is_active=True).first()
    if active and current is None:
        current = LeaderLink.objects.create(leader=leader, grid=grid, since=local(now()).date())
        audit(actor=actor, action="supervision.link", obj=current, detail={"leader": leader.pk, "grid": grid.pk})
    elif not active and current is not None:
        current.is_active = False
        current.save(update_fields=["is_active"])
        audit(actor=actor, action="supervision.unlink", obj=current, detail={"leader": leader.pk, "grid": grid.pk})
    return current


@transaction.atomic
def visit(*, actor, grid, note: str, at: dt.datetime | None = None) -> GridVisit:
    """走访: a leader records a visit to one of their grids."""
    if not LeaderLink.objects.filter(leader=actor, grid=grid, is_active=True).exists():
        raise PermissionDenied("这不是您联系的网格")
    return GridVisit.objects.create(leader=actor, grid=grid, at=at or now(),
                                    note=text_of(note, "note", "走访情况", 2, 2000))


def my_grids(leader) -> list[dict]:
    """The leader's grids with their figures and last visit."""
    since = now() - dt.timedelta(days=30)
    rows = []
    for lk in LeaderLink.objects.filter(leader=leader, is_active=True).select_related("grid__parent"):
        cases = Case.objects.filter(region_path__startswith=lk.grid.path)
        figures = cases.aggregate(
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            red=Count("pk", filter=Q(state__in=OPEN_STATES, light="red")),
            received=Count("pk", filter=Q(created_at__gte=since)),
            closed=Count("pk", filter=Q(closed_at__gte=since, state="closed")),
            satisfaction=Avg("satisfaction", filter=Q(closed_at__gte=since, satisfaction__isnull=False)))
        last = GridVisit.objects.filter(leader=leader, grid=lk.grid).first()
        rows.append({"grid": lk.grid, "since": lk.since, **figures, "last_visit": last,
                     "red_cases": list(cases.filter(state__in=OPEN_STATES, light="red").order_by("handle_due_at")[:5])})
    return rows
