"""Reads of the region tree, scoped to the actor's jurisdiction."""

from __future__ import annotations

from django.db.models import QuerySet

from gridgov.accounts.scoping import scope
from gridgov.core.errors import NotFound
from gridgov.regions.models import Region


def region_list(*, actor, filters: dict | None = None) -> QuerySet[Region]:
    filters = filters or {}
    qs = scope(Region.objects.all(), actor, "region:region:list", "path")
    if level := filters.get("level"):
        qs = qs.filter(level=level)
    if parent := filters.get("parent"):
        qs = qs.filter(parent__code=parent)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(name__contains=q) | qs.filter(code__startswith=q)
    if filters.get("active", "1") not in ("0", "false", "all"):
        qs = qs.filter(is_active=True)
    return qs.order_by("code")


def region_get(*, actor, code: str) -> Region:
    region = region_list(actor=actor, filters={"active": "all"}).filter(code=code).first()
    if region is None:
        raise NotFound()
    return region
