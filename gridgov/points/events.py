"""The timeline of the points module: one constructor per kind of row (the pattern of `cases.events`); every
`PointsEvent` is written here."""

from __future__ import annotations

import datetime as dt

from gridgov.points.models import PointsEvent


def _row(subject: str, obj, action: str, *, from_state: str = "", to_state: str = "", actor=None, note: str = "",
         data: dict | None = None, at: dt.datetime | None = None) -> PointsEvent:
    return PointsEvent.record(subject, obj, action, from_state=from_state, to_state=to_state, actor=actor, note=note,
                          data=data, at=at)


def step(subject: str, obj, action: str, from_state: str, *, actor=None, note: str = "", data: dict | None = None,
         at: dt.datetime | None = None) -> PointsEvent:
    """A workflow step of a volunteer, a claim or a redemption: from which state to the one it is in now."""
    return _row(subject, obj, action, from_state=from_state, to_state=obj.state, actor=actor, note=note,
                data=data, at=at)


def volunteer_applied(volunteer, *, actor, at: dt.datetime) -> PointsEvent:
    return _row("volunteer", volunteer, "apply", to_state=volunteer.state, actor=actor, at=at,
                data={"kind": volunteer.kind, "community": volunteer.community_id})


def claim_submitted(claim, *, actor, at: dt.datetime) -> PointsEvent:
    return _row("claim", claim, "submit", to_state=claim.state, actor=actor, at=at, note=claim.note,
                data={"item": claim.item_id, "points": claim.item.points})


def credit_proposed(record, *, actor, at: dt.datetime) -> PointsEvent:
    """登记 a credit record: which list, for what (the facts are on the record)."""
    return _row("credit", record, "propose", to_state=record.state, actor=actor, at=at,
                data={"list": record.list, "reason": record.reason, "resident": record.resident_id})


def redeemed(redemption, *, actor, at: dt.datetime) -> PointsEvent:
    return _row("redemption", redemption, "redeem", to_state=redemption.state, actor=actor, at=at,
                data={"reward": redemption.reward_id, "points": redemption.points})


def award_withheld(account, *, item_key: str, source_key: str, reason: str, at: dt.datetime) -> PointsEvent:
    """An automatic award not given (a cap reached, a duplicate report): said once, on the account."""
    return _row("account", account, "award_withheld", note=reason, at=at,
                data={"item": item_key, "source": source_key})


def reversed_(account, *, actor, transfer_id: int, amount: int, reason: str, at: dt.datetime) -> PointsEvent:
    """冲正: who took back which movement and why (the audit of every correction)."""
    return _row("account", account, "reverse", actor=actor, note=reason, at=at,
                data={"transfer": transfer_id, "amount": amount})


def flagged(account, *, reason: str, at: dt.datetime) -> PointsEvent:
    return _row("account", account, "flag", note=reason, at=at)


def item_revised(item, *, actor, previous_id: int | None, at: dt.datetime) -> PointsEvent:
    """积分项目 changed: a new version (the old one retired, past awards keep it)."""
    return _row("item", item, "revise", actor=actor, at=at,
                data={"key": item.key, "version": item.version, "points": item.points, "previous": previous_id})
