"""Reference data the case services read on every report (categories with their questions, governance
centers, who staffs each unit), kept as process-local snapshots (`gridgov.core.snapshot`): re-read at most
every 30 seconds, and at once after an edit in this process. Another process sees an edit within 30 s."""

from __future__ import annotations

from collections import defaultdict

from django.db.models.signals import post_delete, post_save

from gridgov.core.snapshot import Snapshot


def _load_categories() -> dict:
    from gridgov.cases.models import Category

    return {c.code: c for c in Category.objects.select_related("parent").prefetch_related("questions")}


def _load_centers() -> dict:
    from gridgov.orgs.models import OrgUnit, UnitKind

    return {u.region.code: u for u in OrgUnit.objects.filter(kind=UnitKind.GOVERNANCE_CENTER, is_active=True)
            .select_related("region")}


def _load_staff() -> dict:
    from gridgov.accounts.models import Membership

    staff: dict[int, list[tuple[str, int]]] = defaultdict(list)
    rows = (Membership.objects.filter(is_active=True, user__is_active=True, unit__isnull=False)
            .order_by("unit_id", "user_id").values_list("unit_id", "role__code", "user_id"))
    for unit_id, role, user_id in rows:
        staff[unit_id].append((role, user_id))
    return dict(staff)


def _load_policies() -> dict:
    from gridgov.cases.models import SlaPolicy, SlaTarget

    return {"by_id": {p.pk: p for p in SlaPolicy.objects.all()},
            "targets": {(t.policy_id, t.urgency): t for t in SlaTarget.objects.all()}}


categories = Snapshot(_load_categories, name="categories")
policies = Snapshot(_load_policies, name="sla_policies")
centers = Snapshot(_load_centers, name="centers")
staff = Snapshot(_load_staff, name="staff")


def category_by_code(code: str):
    """The category with this code (active or not), or None."""
    return categories.get().get(code)


def category_by_id(pk: int | None):
    """The category with this id, from the snapshot (None for None or an unknown id)."""
    if pk is None:
        return None
    return next((c for c in categories.get().values() if c.pk == pk), None)


def sla_policy(pk: int):
    """(the policy, {urgency: target}) from the snapshot, or (None, {}) for an id it does not know yet."""
    snap = policies.get()
    policy = snap["by_id"].get(pk)
    return policy, {u: t for (pid, u), t in snap["targets"].items() if pid == pk}


def center_by_region_code() -> dict:
    return centers.get()


def unit_staff(unit_id: int | None, roles: tuple[str, ...] | str | None = None) -> list[int]:
    """Ids of the active users staffing a unit, in one of `roles` when given, each once."""
    if unit_id is None:
        return []
    if isinstance(roles, str):
        roles = (roles,)
    seen: dict[int, None] = {}
    for role, user_id in staff.get().get(unit_id, ()):
        if not roles or role in roles:
            seen[user_id] = None
    return list(seen)


def connect() -> None:
    """Edits made in this process show at once (called from the app's ready())."""
    from gridgov.accounts.models import Membership, Role, User
    from gridgov.cases.models import Category, CategoryQuestion, SlaPolicy, SlaTarget
    from gridgov.orgs.models import OrgUnit
    from gridgov.regions.models import Region

    for snapshot, models in ((categories, (Category, CategoryQuestion)), (centers, (OrgUnit, Region)),
                             (policies, (SlaPolicy, SlaTarget)),
                             (staff, (Membership, Role, User, OrgUnit))):
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(snapshot.reset, sender=model, weak=False,
                               dispatch_uid=f"snapshot-{snapshot.name}-{model.__name__}-{signal is post_save}")
