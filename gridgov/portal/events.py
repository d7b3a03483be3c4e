"""The timeline of the portal: one constructor per kind of row (the pattern of `cases.events`); every
`PortalEvent` is written here. Messages themselves are their own record; the timeline keeps the steps."""

from __future__ import annotations

from gridgov.portal.models import PortalEvent

KINDS = {
    "create": "创建", "edit": "修改", "publish": "发布", "withdraw": "撤回", "redraft": "重新编辑",
    "open": "发起", "assign": "分派", "reassign": "转交", "answer": "首次回复", "close": "办结", "convert": "转为事件",
    "book": "预约", "confirm": "确认预约", "cancel": "取消预约", "done": "服务完成", "no_show": "未到/未遇",
    "remind": "提醒", "slot": "发布时段", "slot_cancel": "取消时段",
}


def record(subject: str, obj, action: str, *, from_state: str = "", to_state: str = "", actor=None, note: str = "",
           data: dict | None = None, at=None) -> PortalEvent:
    return PortalEvent.record(subject, obj, action, from_state=from_state, to_state=to_state, actor=actor, note=note,
                              data=data, at=at)


def step(subject: str, obj, action: str, from_state: str, *, actor=None, note: str = "", data: dict | None = None,
         at=None) -> PortalEvent:
    return record(subject, obj, action, from_state=from_state, to_state=obj.state, actor=actor, note=note, data=data,
                  at=at)
