"""The timeline of a dispute: one constructor per kind of row (the pattern of `cases.events`); every
`DisputeEvent` is written here."""

from __future__ import annotations

import datetime as dt

from gridgov.core.timeutil import now
from gridgov.mediation.models import Dispute, DisputeEvent


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def action(dispute: Dispute, kind: str, from_state: str, *, actor=None, note: str = "", data: dict | None = None,
           at: dt.datetime | None = None) -> DisputeEvent:
    """A workflow action of the table: who, from which state to the dispute's state now, why, the facts."""
    row = DisputeEvent(dispute=dispute, at=at or now(), actor=_user(actor), action=kind, from_state=from_state,
                       to_state=dispute.state, note=note, data=data or {})
    row.save()
    return row


def registered(dispute: Dispute, *, actor, at: dt.datetime) -> DisputeEvent:
    """登记: where it came from (a linkage's document number) and the colour it started with."""
    return action(dispute, "register", "", actor=actor, at=at,
                  data={"source": dispute.source, "source_ref": dispute.source_ref,
                        "risk_level": dispute.risk_level.code})


def converted(dispute: Dispute, *, actor, case_id: int, at: dt.datetime) -> DisputeEvent:
    """由网格事件转入: the case it came from stays linked."""
    return action(dispute, "convert", "", actor=actor, at=at, data={"case": case_id})


def rerated(dispute: Dispute, *, actor, old_level: str, new_level: str, reason: str,
            at: dt.datetime) -> DisputeEvent:
    """风险研判: the colour before and after (红 → 黄 → 蓝 as it calms down, or up)."""
    return action(dispute, "rerate", dispute.state, actor=actor, note=reason, at=at,
                  data={"from": old_level, "to": new_level})


def overdue(dispute: Dispute, *, at: dt.datetime) -> DisputeEvent:
    """超过调解期限 (the sweeper, once)."""
    return action(dispute, "overdue", dispute.state, note="已超过调解期限,请尽快化解或依法引导其他途径", at=at,
                  data={"due_at": dispute.due_at.isoformat() if dispute.due_at else None})


def auto_escalated(dispute: Dispute, *, hours: int, to_center_id: int | None, at: dt.datetime) -> DisputeEvent:
    """无进展自动升级 (the sweeper, once per stall)."""
    return action(dispute, "auto_escalate", dispute.state, at=at,
                  note=f"{dispute.risk_level.name}纠纷超过{hours}小时无进展,自动升级",
                  data={"hours": hours, "to": to_center_id})


def reported_up(dispute: Dispute, *, units: list[int], at: dt.datetime) -> DisputeEvent:
    """按风险等级上报: which centers and police stations were told, as the colour requires."""
    return action(dispute, "reported_up", dispute.state, at=at, note=f"{dispute.risk_level.name}:已上报",
                  data={"units": units, "risk_level": dispute.risk_level.code})


def follow_up_due(dispute: Dispute, *, days: int, at: dt.datetime) -> DisputeEvent:
    """回访到期提醒 (the sweeper, once per agreement): the colour's follow-up time has passed without a 回访."""
    return action(dispute, "follow_up_due", dispute.state, at=at, note=f"协议达成已{days}天,请尽快回访",
                  data={"days": days})


def confirm_reminder(dispute: Dispute, *, until: dt.datetime, at: dt.datetime) -> DisputeEvent:
    """司法确认申请期限提醒 (the sweeper, once per written agreement)."""
    return action(dispute, "confirm_reminder", dispute.state, at=at, note="司法确认申请期限即将届满",
                  data={"until": until.isoformat()})
