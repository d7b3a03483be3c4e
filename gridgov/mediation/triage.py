"""矛盾分诊: which committee and mediator a dispute should go to.

- The committee: a specialised one over the place whose 专长 takes the dispute's type (a 医疗纠纷调委会, a 婚姻家庭
  调解室) comes first, the nearest such; otherwise by place and colour — a level led by the community stays in its
  community's 调委会, one led by the town or by joint 会商 goes to the town's. A specialised committee is not
  suggested for other types.
- The mediator: of the committee's mediators, those whose 专长 takes the type first, then the least loaded (fewest
  disputes in hand)."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q

from gridgov.mediation.models import OPEN_STATES, Dispute, DisputeType, RiskLevel, covers_type
from gridgov.orgs.models import OrgUnit, UnitKind

TOWN_LEADS = (RiskLevel.Lead.TOWN, RiskLevel.Lead.JOINT)


def _specialities(profile) -> set[str]:
    return {t.code for t in profile.specialities.all()} if profile is not None else set()


def _profile(obj, name: str):
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:  # no profile
        return None


def suggest_committee(d: Dispute) -> OrgUnit | None:
    codes = [c for c in d.region_path.strip("/").split("/") if c]
    paths = ["/" + "/".join(codes[:n]) + "/" for n in range(len(codes), 0, -1)]  # the nearest first
    found = list(OrgUnit.objects.filter(kind=UnitKind.MEDIATION_COMMITTEE, is_active=True, region__path__in=paths)
                 .select_related("region", "mediation_profile").prefetch_related("mediation_profile__specialities")
                 .order_by("code"))
    general: dict[str, OrgUnit] = {}
    specialised: dict[str, OrgUnit] = {}
    for u in found:
        taken = _specialities(_profile(u, "mediation_profile"))
        if not taken:
            general.setdefault(u.region.path, u)
        elif covers_type(taken, d.dispute_type):
            specialised.setdefault(u.region.path, u)
    if specialised:
        return next(specialised[p] for p in paths if p in specialised)
    if d.risk_level.lead in TOWN_LEADS:
        paths = [p for p in paths if p.count("/") <= 3] + [p for p in paths if p.count("/") > 3]  # town first
    return next((general[p] for p in paths if p in general), None)


def mediator_loads(committee: OrgUnit, dispute_type: DisputeType | None = None) -> list[tuple[object, int]]:
    """The committee's mediators with how many disputes each has in hand: those good at `dispute_type` first,
    then the least loaded."""
    from django.contrib.auth import get_user_model

    from gridgov.accounts.models import RoleCode

    users = list(get_user_model().objects
                 .filter(memberships__unit=committee, memberships__role__code=RoleCode.MEDIATOR,
                         memberships__is_active=True, is_active=True)
                 .annotate(load=Count("disputes_mediated", filter=Q(disputes_mediated__state__in=OPEN_STATES),
                                      distinct=True))
                 .select_related("mediator_profile").prefetch_related("mediator_profile__specialities")
                 .order_by("load", "username").distinct())

    def skilled(u) -> bool:
        return dispute_type is not None and covers_type(_specialities(_profile(u, "mediator_profile")), dispute_type)

    users.sort(key=lambda u: not skilled(u))  # stable: by load within each group
    return [(u, u.load) for u in users]


def suggest(d: Dispute) -> dict:
    committee = suggest_committee(d)
    loads = mediator_loads(committee, d.dispute_type) if committee is not None else []
    return {"committee": committee, "mediator": loads[0][0] if loads else None,
            "load": loads[0][1] if loads else None}
