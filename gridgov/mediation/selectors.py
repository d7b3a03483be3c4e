"""Reads of disputes, always within what the actor may see (mediation.access.visible_disputes)."""

from __future__ import annotations

from django.db.models import QuerySet

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


def dispute_timeline(dispute: Dispute) -> QuerySet[DisputeEvent]:
    return dispute.events.select_related("actor").order_by("at", "id")
