"""Reads of disputes, always within what the actor may see (mediation.access.visible_disputes)."""

from __future__ import annotations

from django.db.models import F, QuerySet

from gridgov.core.errors import NotFound
from gridgov.mediation.access import visible_disputes
from gridgov.mediation.models import Dispute, DisputeEvent


def dispute_list(*, actor, state: str = "", risk_level: str = "") -> QuerySet[Dispute]:
    qs = visible_disputes(actor).select_related("dispute_type", "risk_level", "grid", "committee", "mediator")
    if state:
        qs = qs.filter(state=state)
    if risk_level:
        qs = qs.filter(risk_level__code=risk_level)
    return qs


def dispute_get(*, actor, pk) -> Dispute:
    found = dispute_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("纠纷不存在或不在您的管辖范围内")
    return found


def dispute_attachment_get(*, actor, pk):
    """A material of a dispute the actor may see (NotFound otherwise, the same as for one that does not exist)."""
    from gridgov.mediation.models import DisputeAttachment

    found = DisputeAttachment.objects.filter(pk=pk, dispute__in=visible_disputes(actor)).first()
    if found is None:
        raise NotFound("材料不存在或无权查看")
    return found


def dispute_timeline(dispute: Dispute) -> QuerySet[DisputeEvent]:
    return dispute.events.select_related("actor").order_by("at", "id")


def consultation_due(dispute: Dispute) -> bool:
    """A dispute its colour has led jointly (红色: 多部门联合会商), still open, with no 联合会商 recorded yet."""
    from gridgov.mediation.models import OPEN_STATES, RiskLevel

    return (dispute.risk_level.lead == RiskLevel.Lead.JOINT and dispute.state in OPEN_STATES
            and not dispute.events.filter(action="consult").exists())


def mediator_inbox(*, actor) -> list[Dispute]:
    """我的调解: open disputes the actor mediates, and those of their committees that have no mediator yet; the
    overdue first, then by the time limit, then the oldest."""
    from django.db.models import F, Q

    from gridgov.accounts.models import RoleCode
    from gridgov.accounts.scoping import jurisdiction_of
    from gridgov.mediation.models import OPEN_STATES

    committees = {g.unit_id for g in jurisdiction_of(actor).grants if g.role == RoleCode.MEDIATOR and g.unit_id}
    mine = Q(mediator_id=actor.pk) | Q(committee_id__in=committees, mediator__isnull=True)
    return list(dispute_list(actor=actor).filter(mine, state__in=OPEN_STATES)
                .order_by(F("due_at").asc(nulls_last=True), "created_at", "id"))


def colour_board(*, actor) -> dict:
    """纠纷看板 for a center: the open disputes it may see, counted by colour and state, the overdue and the
    stalled (no action within the colour's hours) per colour, and the high-risk ones listed."""
    from collections import Counter

    from gridgov.core.timeutil import now
    from gridgov.mediation.models import OPEN_STATES, RiskLevel

    t = now()
    open_ = list(dispute_list(actor=actor).filter(state__in=OPEN_STATES).order_by("-risk_level__rank", "updated_at"))
    counts = Counter((d.risk_level_id, d.state) for d in open_)
    levels = list(RiskLevel.objects.filter(is_active=True).order_by("-rank"))

    def stalled(d: Dispute) -> bool:
        hours = d.risk_level.escalate_after_hours
        return hours is not None and (t - d.updated_at).total_seconds() >= hours * 3600

    rows = [{"level": lv, "states": [counts.get((lv.pk, s), 0) for s in OPEN_STATES],
             "total": sum(counts.get((lv.pk, s), 0) for s in OPEN_STATES),
             "overdue": sum(1 for d in open_ if d.risk_level_id == lv.pk and d.due_at and d.due_at < t),
             "stalled": sum(1 for d in open_ if d.risk_level_id == lv.pk and stalled(d))} for lv in levels]
    high = {lv.pk for lv in levels[:2]}  # the two highest colours (红、黄 by default) are listed one by one
    watch = [{"d": d, "idle_hours": int((t - d.updated_at).total_seconds() // 3600), "stalled": stalled(d),
              "overdue": bool(d.due_at and d.due_at < t)} for d in open_ if d.risk_level_id in high]
    return {"rows": rows, "states": [str(s.label) for s in OPEN_STATES],
            "state_codes": [s.value for s in OPEN_STATES], "watch": watch[:50], "total": len(open_)}


def window_board(*, actor) -> dict:
    """一窗受理: the open window disputes the actor sees, counted by the stationed office that has them (or still at
    the window), each with the way it has gone (窗口 → 人社 → 法院…)."""
    from collections import Counter

    from gridgov.core.timeutil import now
    from gridgov.mediation.models import OPEN_STATES, Station

    t = now()
    rows = list(dispute_list(actor=actor).filter(window=True, state__in=OPEN_STATES)
                .order_by(F("station_since").asc(nulls_first=True), "created_at"))
    relays: dict[int, list[str]] = {}
    for e in DisputeEvent.objects.filter(dispute__in=rows, action="relay").order_by("at", "id"):
        relays.setdefault(e.dispute_id, []).append(e.data.get("to", ""))
    labels = dict(Station.choices)
    counts = Counter(d.station for d in rows)
    return {
        "stations": [{"code": "", "name": "窗口待分流", "count": counts.get("", 0)}]
        + [{"code": code, "name": label, "count": counts.get(code, 0)} for code, label in Station.choices],
        "rows": [{"d": d, "path": ["窗口受理"] + [str(labels.get(s, s)) for s in relays.get(d.pk, [])],
                  "days": (t - (d.station_since or d.created_at)).days} for d in rows],
    }
