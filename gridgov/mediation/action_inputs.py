"""The inputs of a dispute's actions, from the fields each row of its table declares: the choices of the
"option" fields for this user (mediators of the committees, the active risk levels) and the conversion of
submitted values into the service's arguments. The console and the API both go through `run_action`."""

from __future__ import annotations

from gridgov.core.errors import ApplicationError
from gridgov.mediation import services
from gridgov.mediation.models import Dispute, RiskLevel
from gridgov.mediation.workflow import TABLE
from gridgov.orgs.models import UnitKind
from gridgov.orgs.selectors import unit_named


def committees(actor):
    """The mediation committees the actor may give a dispute to: those in their jurisdiction."""
    from gridgov.orgs.selectors import org_unit_list

    return list(org_unit_list(actor=actor).filter(kind=UnitKind.MEDIATION_COMMITTEE, is_active=True))


def options(actor, dispute: Dispute, kinds_needed: set[str]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    if "risk_level" in kinds_needed:
        out["risk_level"] = [(lv.code, lv.name) for lv in RiskLevel.objects.filter(is_active=True)
                             .exclude(pk=dispute.risk_level_id)]
    if "mediator" in kinds_needed:
        from django.db.models import Count

        from gridgov.accounts.models import Membership, RoleCode
        from gridgov.mediation.models import OPEN_STATES, MediatorProfile

        rows = (Membership.objects.filter(unit__in=committees(actor), role__code=RoleCode.MEDIATOR, is_active=True)
                .select_related("user", "unit").order_by("unit__name", "user__username"))
        loads = dict(Dispute.objects.filter(state__in=OPEN_STATES, mediator__isnull=False).values_list("mediator")
                     .annotate(n=Count("id")))
        skills = {p.user_id: "、".join(t.name for t in p.specialities.all())
                  for p in MediatorProfile.objects.filter(user__in=[m.user_id for m in rows])
                  .prefetch_related("specialities")}

        def label(m) -> str:
            skill = f",擅长{skills[m.user_id]}" if skills.get(m.user_id) else ""
            return (f"{m.user.display_name or m.user.username}({m.unit.name if m.unit else ''}{skill},"
                    f"在办 {loads.get(m.user_id, 0)} 件)")

        out["mediator"] = [(str(m.user_id), label(m)) for m in rows]
    return out


def resolve(action: str, raw: dict) -> dict:
    """The service's arguments from submitted values, by the kinds of the action's fields."""
    t = TABLE.get(action)
    out: dict = {}
    for f in t.fields:
        value = raw.get(f.name)
        if value is None or value == "":
            if f.kind in ("text", "textarea") and f.required:
                out[f.name] = ""  # the service refuses it, naming what is missing
            elif f.required:
                raise ApplicationError(f"{f.name}_required", f"请填写{f.label}", fields={f.name: "必填"})
            continue
        if f.kind == "unit":
            value = unit_named(value, f.name)
        elif f.kind == "int" or (f.kind == "option" and f.name == "mediator"):
            if not str(value).isdigit() or not 0 < int(value) < 10**18:
                raise ApplicationError(f"invalid_{f.name}", f"{f.label}无效", fields={f.name: "取值无效"})
            value = int(value)
        elif f.kind == "bool":
            value = value in (True, "1", "true", "on", 1)
        out[f.name] = value
    return out


def run_action(*, dispute: Dispute, actor, action: str, values: dict) -> Dispute:
    return services.ACTION_SERVICES[action](dispute=dispute, actor=actor, **resolve(action, values))
