"""Reads of organisation units, scoped: a unit is visible when it sits inside the actor's jurisdiction."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.orgs.models import OrgUnit


def org_unit_list(*, actor, filters: dict | None = None) -> QuerySet[OrgUnit]:
    filters = filters or {}
    qs = OrgUnit.objects.select_related("region")
    j = jurisdiction_of(actor)
    if not j.is_global:
        # Units inside the jurisdiction, and the units above it that serve it (a town user sees the district
        # departments it dispatches to), never the units of a neighbouring town.
        paths = j.paths_for("org:unit:list")
        above = {"/".join(p.split("/")[: i + 1]) + "/" for p in paths for i in range(1, p.count("/") - 1)}
        q = Q(pk__in=[]) | Q(region__path__in=above)
        for p in paths:
            q |= Q(region__path__startswith=p)
        qs = qs.filter(q)
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if dt := filters.get("department_type"):
        qs = qs.filter(department_type=dt)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return qs.filter(is_active=True).order_by("code")


def org_unit_get(*, actor, pk) -> OrgUnit:
    unit = org_unit_list(actor=actor).filter(pk=pk).first()
    if unit is None:
        raise NotFound()
    return unit


def unit_named(value, field: str) -> OrgUnit:
    """The active unit a submitted value names by its id (an action's "unit" field), or 404 `unknown_unit` with
    the field named. Anything that is not an id a bigint holds names no unit."""
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        pk = 0
    unit = (OrgUnit.objects.filter(pk=pk, is_active=True).select_related("region").first()
            if 0 < pk < 10**18 else None)
    if unit is None:
        raise ApplicationError("unknown_unit", f"单位 {value} 不存在", fields={field: "不存在"}, status=404)
    return unit
