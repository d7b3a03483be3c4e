"""Who the actor is to a case (the kinds of the workflow table), and which cases they may read."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.cases import workflow as wf
from gridgov.cases.models import Assignment, Case


def actor_kinds(actor, case: Case) -> set[str]:
    if actor is None:
        return {wf.SYSTEM}
    j = jurisdiction_of(actor)
    kinds: set[str] = set()
    if case.reporter_id is not None and case.reporter_id == actor.pk:
        kinds.add(wf.REPORTER)
    if j.is_global:
        return kinds | {wf.CENTER, wf.LEADER, wf.GRID_WORKER}
    owner_path = case.owner_center.region.path if case.owner_center is not None else case.region_path
    active_units = None
    for g in j.grants:
        perms = g.permissions
        if "case:case:dispatch" in perms and owner_path.startswith(g.path):
            kinds.add(wf.CENTER)
            if owner_path != g.path:
                kinds.add(wf.LEADER)  # a center above the responsible one may press it
        if "case:case:supervise" in perms and case.region_path.startswith(g.path):
            kinds.add(wf.LEADER)
        if "case:case:verify" in perms and case.region_path.startswith(g.path):
            kinds.add(wf.GRID_WORKER)
        if "case:case:handle" in perms and g.unit_id:
            if active_units is None:
                active_units = set(
                    Assignment.objects.filter(case=case, status__in=[Assignment.Status.DISPATCHED,
                                                                     Assignment.Status.ACKNOWLEDGED])
                    .values_list("unit_id", flat=True)
                )
            if g.unit_id in active_units:
                kinds.add(wf.HANDLER)
    return kinds


def handler_units(actor) -> list[int]:
    j = jurisdiction_of(actor)
    return [g.unit_id for g in j.grants if g.unit_id and "case:case:handle" in g.permissions]


def visible_cases(actor) -> QuerySet[Case]:
    """Cases in the actor's jurisdiction, cases assigned to their unit, and cases they reported."""
    qs = Case.objects.all()
    j = jurisdiction_of(actor)
    if j.is_global:
        return qs
    q = Q(pk__in=[])
    for p in j.paths_for("case:case:list"):
        q |= Q(region_path__startswith=p)
    units = handler_units(actor)
    mine = Q(reporter_id=actor.pk) if getattr(actor, "pk", None) else Q(pk__in=[])
    if units:
        # The unit's cases and the actor's own reports as one id list (IN a UNION): no join with DISTINCT over
        # every column, and no OR of a subquery with a column, which PostgreSQL can only answer by reading every
        # case (a province's million: 250 ms for a handler's list, 10 ms this way).
        ids = Assignment.objects.filter(unit_id__in=units).order_by().values("case_id")
        if getattr(actor, "pk", None):
            ids = ids.union(Case.objects.filter(reporter_id=actor.pk).order_by().values("id"))
        mine = Q(pk__in=ids)
    return qs.filter(q | mine)
