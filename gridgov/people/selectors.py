"""Reads of base data, always scoped to the actor's jurisdiction. A resident (no staff role) sees only
their own record."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gridgov.accounts.scoping import jurisdiction_of, scope
from gridgov.core.errors import NotFound
from gridgov.core.pii import id_document_hashes, lookup_hashes
from gridgov.people.models import Building, Household, Organisation, Resident


def resident_list(*, actor, filters: dict | None = None) -> QuerySet[Resident]:
    filters = filters or {}
    qs = Resident.objects.select_related("grid", "household__building", "household__unit")
    j = jurisdiction_of(actor)
    if j.is_global or j.has_perm("people:resident:list"):
        qs = scope(qs, actor, "people:resident:list", "grid__path")
    else:
        qs = qs.filter(user_id=actor.pk) if getattr(actor, "pk", None) else qs.none()
    if filters.get("active", "1") not in ("0", "false", "all"):
        qs = qs.filter(is_active=True)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__contains=q) | Q(id_number_hash__in=id_document_hashes(q))
                       | Q(phone_hash__in=lookup_hashes("phone", q)))
    if id_number := (filters.get("id_number") or "").strip():
        qs = qs.filter(id_number_hash__in=id_document_hashes(id_number))
    if phone := (filters.get("phone") or "").strip():
        qs = qs.filter(phone_hash__in=lookup_hashes("phone", phone))
    if region := (filters.get("region") or "").strip():
        qs = qs.filter(grid__path__contains=f"/{region}/")
    if rt := filters.get("residence_type"):
        qs = qs.filter(residence_type=rt)
    if fg := filters.get("focus_group"):
        qs = qs.filter(focus_groups__group=fg)
    return qs.order_by("grid__code", "id")


def resident_get(*, actor, pk) -> Resident:
    resident = resident_list(actor=actor, filters={"active": "all"}).filter(pk=pk).first()
    if resident is None:
        raise NotFound()
    return resident


def building_list(*, actor, filters: dict | None = None) -> QuerySet[Building]:
    filters = filters or {}
    qs = scope(Building.objects.select_related("grid"), actor, "people:building:list", "grid__path")
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__contains=q) | Q(address__contains=q))
    if region := (filters.get("region") or "").strip():
        qs = qs.filter(grid__path__contains=f"/{region}/")
    return qs.order_by("grid__code", "number")


def household_list(*, actor, filters: dict | None = None) -> QuerySet[Household]:
    filters = filters or {}
    qs = scope(Household.objects.select_related("building", "unit", "grid"), actor, "people:building:list",
               "grid__path")
    if building := filters.get("building"):
        qs = qs.filter(building_id=building)
    return qs.order_by("building_id", "unit__number", "room")


def organisation_list(*, actor, filters: dict | None = None) -> QuerySet[Organisation]:
    filters = filters or {}
    qs = scope(Organisation.objects.select_related("grid"), actor, "people:organisation:list", "grid__path")
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__contains=q) | Q(uscc=q.upper()))
    if region := (filters.get("region") or "").strip():
        qs = qs.filter(grid__path__contains=f"/{region}/")
    return qs.order_by("grid__code", "name")


def resident_of(user) -> Resident | None:
    """The active resident record an account belongs to (with its household and grid), or None; kept on the user
    object for the request."""
    if not getattr(user, "pk", None):
        return None
    if hasattr(user, "_gg_resident"):
        return user._gg_resident
    r = (Resident.objects.select_related("household__building", "grid__parent")
         .filter(user=user, is_active=True).first())
    user._gg_resident = r
    return r


def community_path(resident: Resident) -> str:
    """The path of the resident's community (their grid's parent): where they take part."""
    grid = resident.grid
    return grid.parent.path if grid.parent is not None else grid.path
