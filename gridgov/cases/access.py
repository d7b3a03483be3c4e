"""Who the actor is to a case (the kinds of the workflow table), and which cases they may read."""

from __future__ import annotations

from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery

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
    q = visible_q(actor)
    return Case.objects.all() if q is None else Case.objects.filter(q)


def visible_q(actor, via: str = "") -> Q | None:
    """The condition of `visible_cases` on a case reached through `via` ("case__" from its timeline: the rows of
    another table are then filtered by a join to their case, which PostgreSQL can drive from the actor's cases,
    not by `case IN (the actor's cases)`, which it answered by reading the whole province's rows of a period).
    None: every case."""
    j = jurisdiction_of(actor)
    if j.is_global:
        return None
    q = Q(**{f"{via}pk__in": []})
    for p in j.paths_for("case:case:list"):
        q |= Q(**{f"{via}region_path__startswith": p})
    units = handler_units(actor)
    mine = Q(**{f"{via}reporter_id": actor.pk}) if getattr(actor, "pk", None) else Q(**{f"{via}pk__in": []})
    if units:
        # The unit's cases and the actor's own reports as one list (IN a UNION): no join with DISTINCT over every
        # column, and no OR of a subquery with a column, which PostgreSQL can only answer by reading every case (a
        # province's million: 250 ms for a handler's list, 10 ms this way). A list of (id, created_at) pairs, not
        # of ids: each pair is looked up in its own month's index (the cases are partitioned by month); by id
        # alone every month's index is searched for every case, and on 10 M cases PostgreSQL preferred to read
        # them all (a department's 8,000 cases counted in 1.9 s; by pairs 66 ms).
        pairs = Assignment.objects.filter(unit_id__in=units).order_by().values("case_id", "case_created_at")
        if getattr(actor, "pk", None):
            pairs = pairs.union(Case.objects.filter(reporter_id=actor.pk).order_by().values("id", "created_at"))
        mine = Q(InPairs(F(f"{via}id"), F(f"{via}created_at"), pairs))
    return q | mine


class InPairs(Func):
    """(a, b) IN (a query of two columns): SQL's row-value comparison (PostgreSQL; SQLite since 3.15)."""

    template = "%(expressions)s"
    arg_joiner = " IN "
    conditional = True

    def __init__(self, a, b, pairs: QuerySet):
        super().__init__(Func(a, b, template="(%(expressions)s)"), Subquery(pairs), output_field=BooleanField())
