"""矛盾分诊: which committee and mediator a dispute should go to — by its place and colour (a level led by the
community stays in its community's 调委会; one led by the town or by joint 会商 goes to the town's), and by load
(the committee's mediator with the fewest disputes in hand)."""

from __future__ import annotations

from django.db.models import Count, Q

from gridgov.mediation.models import OPEN_STATES, Dispute, RiskLevel
from gridgov.orgs.models import OrgUnit, UnitKind

TOWN_LEADS = (RiskLevel.Lead.TOWN, RiskLevel.Lead.JOINT)


def suggest_committee(d: Dispute) -> OrgUnit | None:
    codes = [c for c in d.region_path.strip("/").split("/") if c]
    paths = ["/" + "/".join(codes[:n]) + "/" for n in range(len(codes), 0, -1)]
    committees = {u.region.path: u for u in OrgUnit.objects.filter(
        kind=UnitKind.MEDIATION_COMMITTEE, is_active=True, region__path__in=paths).select_related("region")}
    if d.risk_level.lead in TOWN_LEADS:
        paths = [p for p in paths if p.count("/") <= 3] + [p for p in paths if p.count("/") > 3]  # town first
    return next((committees[p] for p in paths if p in committees), None)


def mediator_loads(committee: OrgUnit) -> list[tuple[object, int]]:
    """The committee's mediators with how many disputes each has in hand, the least loaded first."""
    from django.contrib.auth import get_user_model

    from gridgov.accounts.models import RoleCode

    users = (get_user_model().objects.filter(memberships__unit=committee, memberships__role__code=RoleCode.MEDIATOR,
                                             memberships__is_active=True, is_active=True)
             .annotate(load=Count("disputes_mediated", filter=Q(disputes_mediated__state__in=OPEN_STATES),
                                  distinct=True))
             .order_by("load", "username").distinct())
    return [(u, u.load) for u in users]


def suggest(d: Dispute) -> dict:
    committee = suggest_committee(d)
    loads = mediator_loads(committee) if committee is not None else []
    return {"committee": committee, "mediator": loads[0][0] if loads else None,
            "load": loads[0][1] if loads else None}
