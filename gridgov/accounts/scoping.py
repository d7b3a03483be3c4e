"""Jurisdiction: every read of governance data is limited to the region subtrees where the actor holds a
role granting the permission in question. Superusers (system administrators) see everything."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gridgov.accounts.permissions import code_matches
from gridgov.core.errors import PermissionDenied


@dataclass(frozen=True)
class Grant:
    path: str
    region_id: int
    unit_id: int | None
    role: str
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class Jurisdiction:
    user_id: int | None
    is_global: bool
    grants: tuple[Grant, ...]

    def has_perm(self, code: str) -> bool:
        return self.is_global or any(code_matches(p, code) for g in self.grants for p in g.permissions)

    def paths_for(self, code: str) -> list[str]:
        """Region paths where `code` is granted, with nested subtrees folded into their ancestor."""
        paths = sorted({g.path for g in self.grants if any(code_matches(p, code) for p in g.permissions)})
        folded: list[str] = []
        for p in paths:
            if not any(p.startswith(q) for q in folded):
                folded.append(p)
        return folded

    def q(self, code: str, path_field: str) -> Q | None:
        """A filter on `path_field` (e.g. "grid__path"), None for global access; Q(pk__in=[]) for nothing."""
        if self.is_global:
            return None
        paths = self.paths_for(code)
        if not paths:
            return Q(pk__in=[])
        q = Q()
        for p in paths:
            q |= Q(**{f"{path_field}__startswith": p})
        return q

    def covers(self, code: str, path: str) -> bool:
        return self.is_global or any(path.startswith(p) for p in self.paths_for(code))

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}


ANONYMOUS = Jurisdiction(None, False, ())


def jurisdiction_of(user) -> Jurisdiction:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_gridgov_jurisdiction", None)
    if cached is not None:
        return cached
    from gridgov.accounts.models import Membership

    rows = (
        Membership.objects.filter(user=user, is_active=True, region__is_active=True)
        .select_related("role", "region")
        .only("region__path", "region_id", "unit_id", "role__code", "role__permissions")
    )
    grants = tuple(
        Grant(m.region.path, m.region_id, m.unit_id, m.role.code, tuple(m.role.permissions or ())) for m in rows
    )
    j = Jurisdiction(user.pk, bool(user.is_superuser), grants)
    user._gridgov_jurisdiction = j
    return j


def has_perm(user, code: str) -> bool:
    return jurisdiction_of(user).has_perm(code)


def require_perm(user, code: str) -> Jurisdiction:
    j = jurisdiction_of(user)
    if not j.has_perm(code):
        from gridgov.accounts.permissions import PERMISSIONS

        raise PermissionDenied(f"您没有「{PERMISSIONS.get(code, code)}」权限")
    return j


def scope(qs: QuerySet, user, code: str, path_field: str) -> QuerySet:
    """`qs` limited to the actor's jurisdiction for permission `code`."""
    q = jurisdiction_of(user).q(code, path_field)
    return qs if q is None else qs.filter(q)
