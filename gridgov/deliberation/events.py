"""The timeline of the deliberation module: one constructor per kind of row (the pattern of `cases.events`); every
`DeliberationEvent` is written here. A ballot's row says who voted and how it reached us, never the choice."""

from __future__ import annotations

import datetime as dt

from gridgov.deliberation.models import DeliberationEvent

KINDS = {
    "create": "提出议题", "support": "附议", "comment": "发表意见", "hide_comment": "屏蔽意见",
    "participant": "参与主体变更", "buildings": "涉及楼栋变更", "decision": "拟定决议", "meeting": "安排会议",
    "meeting_held": "会议召开", "meeting_cancelled": "会议取消", "vote": "投票", "milestone": "登记实施节点",
    "milestone_done": "实施节点完成", "rate": "满意度评议", "overdue": "步骤到期待处理",
}


def _row(topic, action: str, *, from_state: str = "", to_state: str = "", actor=None, note: str = "",
         data: dict | None = None, at: dt.datetime | None = None) -> DeliberationEvent:
    return DeliberationEvent.record("topic", topic, action, from_state=from_state, to_state=to_state, actor=actor,
                                    note=note, data=data, at=at)


def created(topic, *, actor, at: dt.datetime) -> DeliberationEvent:
    return _row(topic, "create", to_state=topic.state, actor=actor, at=at, note=topic.title,
                data={"scale": topic.scale, "proposer_kind": topic.proposer_kind, "support_needed": topic.support_needed,
                      "case": topic.case_id})


def step(topic, action: str, from_state: str, *, actor=None, note: str = "", data: dict | None = None,
         at: dt.datetime | None = None) -> DeliberationEvent:
    return _row(topic, action, from_state=from_state, to_state=topic.state, actor=actor, note=note, data=data, at=at)


def supported(topic, *, actor, at: dt.datetime) -> DeliberationEvent:
    return _row(topic, "support", actor=actor, at=at, data={"count": topic.supporters_count})


def commented(topic, comment, *, actor, hidden: bool = False) -> DeliberationEvent:
    return _row(topic, "hide_comment" if hidden else "comment", actor=actor, at=comment.at if not hidden else None,
                data={"comment": comment.pk})


def changed(topic, what: str, *, actor, note: str = "", data: dict | None = None) -> DeliberationEvent:
    """participant / buildings / decision."""
    return _row(topic, what, actor=actor, note=note, data=data)


def meeting(topic, m, what: str, *, actor, note: str = "") -> DeliberationEvent:
    data = {"meeting": m.pk, "kind": m.kind, "starts_at": m.starts_at.isoformat()}
    if m.attendees_count is not None:
        data["attendees"] = m.attendees_count
    return _row(topic, what, actor=actor, note=note, data=data)


def voted(topic, ballot, *, actor) -> DeliberationEvent:
    return _row(topic, "vote", actor=actor, at=ballot.at,
                data={"ballot": ballot.pk, "channel": ballot.channel, "household": ballot.household_id,
                      "resident": ballot.resident_id, "proxy": ballot.proxy_name})


def milestone(topic, m, *, actor, done: bool = False) -> DeliberationEvent:
    return _row(topic, "milestone_done" if done else "milestone", actor=actor, note=m.title,
                data={"milestone": m.pk, "progress": m.progress, "due_on": m.due_on.isoformat() if m.due_on else None})


def rated(topic, rating, *, actor) -> DeliberationEvent:
    return _row(topic, "rate", actor=actor, at=rating.at, data={"score": rating.score})


def overdue(topic, *, note: str, at: dt.datetime) -> DeliberationEvent:
    return _row(topic, "overdue", note=note, at=at, data={"state": topic.state})
