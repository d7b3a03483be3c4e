"""Who may do what in supervision: staff with supervision:inspection:do over a compound's grid inspect it (or the
compound's own inspector); supervision:inspection:manage keeps compounds, plans and cancels; supervision:score:view
reads the scores and rankings (the managers too)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gridgov.accounts.scoping import jurisdiction_of, scope
from gridgov.supervision import workflow as wf
from gridgov.supervision.models import Compound, Inspection

DO, MANAGE, VIEW = "supervision:inspection:do", "supervision:inspection:manage", "supervision:score:view"


def actor_kinds(actor, inspection) -> set[str]:
    if actor is None:
        return set()
    j = jurisdiction_of(actor)
    if not isinstance(inspection, Inspection):  # an adjustment: its worker appeals, a manager decides (not on their own)
        if inspection.user_id == actor.pk:
            return {wf.OWNER}
        return {wf.MANAGER} if j.covers(MANAGE, inspection.region_path) else set()
    kinds = set()
    if inspection.inspector_id == actor.pk or j.covers(DO, inspection.region_path):
        kinds.add(wf.INSPECTOR)
    if j.covers(MANAGE, inspection.region_path):
        kinds.add(wf.MANAGER)
    return kinds


def visible_inspections(actor) -> QuerySet[Inspection]:
    base = Inspection.objects.select_related("compound", "checklist", "inspector", "property_company")
    if not getattr(actor, "pk", None):
        return base.none()
    q = Q(inspector=actor)
    for code in (DO, MANAGE, VIEW):
        q |= Q(pk__in=scope(Inspection.objects.all(), actor, code, "region_path").values("pk"))
    return base.filter(q)


def visible_compounds(actor) -> QuerySet[Compound]:
    base = Compound.objects.select_related("grid", "property_company", "checklist")
    out = base.none()
    for code in (DO, MANAGE, VIEW):
        out = out | scope(base, actor, code, "region_path")
    return out.distinct()


def patrol_grids(actor):
    """The grids whose patrols the actor may look at (those who inspect, manage or read scores over them), or None
    for everywhere."""
    from gridgov.regions.models import Level, Region

    j = jurisdiction_of(actor)
    q = None
    for code in (VIEW, MANAGE, DO):
        if not j.has_perm(code):
            continue
        part = j.q(code, "path")
        if part is None:
            return Region.objects.filter(level=Level.GRID)
        q = part if q is None else q | part
    return Region.objects.filter(level=Level.GRID).filter(q) if q is not None else Region.objects.none()
