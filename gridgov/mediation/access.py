"""Who the actor is to a dispute (the kinds of the workflow table), and which disputes they may read: the centers
over its place, its committee's mediators, and the grid worker of its grid."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gridgov.accounts.models import RoleCode
from gridgov.accounts.scoping import jurisdiction_of
from gridgov.mediation import workflow as wf
from gridgov.mediation.models import Dispute


def _committees(j) -> set[int]:
    return {g.unit_id for g in j.grants if g.role == RoleCode.MEDIATOR and g.unit_id}


def actor_kinds(actor, dispute: Dispute) -> set[str]:
    if actor is None:
        return {wf.SYSTEM}
    j = jurisdiction_of(actor)
    if j.is_global:
        return {wf.CENTER, wf.MEDIATOR, wf.GRID_WORKER}
    kinds: set[str] = set()
    if j.covers("case:case:dispatch", dispute.region_path):
        kinds.add(wf.CENTER)
    if (dispute.mediator_id is not None and dispute.mediator_id == actor.pk) or (
            dispute.committee_id is not None and dispute.committee_id in _committees(j)):
        kinds.add(wf.MEDIATOR)
    if j.covers("case:case:verify", dispute.region_path):
        kinds.add(wf.GRID_WORKER)
    return kinds


def visible_disputes(actor) -> QuerySet[Dispute]:
    """Disputes in the actor's jurisdiction (the case-list permission, as for the cases of the place), those of
    their committees and those they mediate."""
    qs = Dispute.objects.all()
    j = jurisdiction_of(actor)
    if j.is_global:
        return qs
    q = Q(pk__in=[])
    for p in j.paths_for("case:case:list"):
        q |= Q(region_path__startswith=p)
    if committees := _committees(j):
        q |= Q(committee_id__in=committees)
    if getattr(actor, "pk", None):
        q |= Q(mediator_id=actor.pk)
    return qs.filter(q)


def may_register(actor, region_path: str) -> bool:
    """登记: a governance center over the place (dispatch permission there) or a mediator whose committee serves it;
    the system (actor None) too."""
    if actor is None:
        return True
    j = jurisdiction_of(actor)
    if j.covers("case:case:dispatch", region_path):
        return True
    return any(g.role == RoleCode.MEDIATOR and region_path.startswith(g.path) for g in j.grants)
