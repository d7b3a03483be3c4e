"""Reads of organisation units, scoped: a unit is visible when it sits inside the actor's jurisdiction."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import NotFound
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
