"""The lifecycles of the portal, on the engine of `core.workflow`: an article (草稿 → 已发布 → 已撤回), a 我要办事
conversation (待回复 → 处理中 by the first answer → 已办结, or 已转事件 when it is a case), an appointment
(待确认 → 已确认 → 已完成 / 未到, or 已取消 by either side). Messages and bookings are records, not steps.

Row attribute ``danger``: a step that ends (its button is red)."""

from __future__ import annotations

from gridgov.core.workflow import UNCHANGED, Field, T, Table
from gridgov.portal.models import AppointmentState, ArticleState, ConversationState

EDITOR = "editor"  # staff over the place with portal:article:edit
HANDLER = "handler"  # staff over the community with portal:chat:handle (or portal:slot:edit for appointments)
OWNER = "owner"  # the resident whose conversation or appointment it is
SYSTEM = "system"

REASON = Field("reason", "原因", "textarea", required=True, max_length=500)
NOTE = Field("note", "说明", "textarea", max_length=1000)

A = ArticleState
ARTICLE = Table(
    name="article",
    transitions=(
        T("publish", "发布", [A.DRAFT], A.PUBLISHED, [EDITOR]),
        T("withdraw", "撤回", [A.PUBLISHED], A.WITHDRAWN, [EDITOR], fields=[REASON], danger=True),
        T("redraft", "重新编辑", [A.WITHDRAWN], A.DRAFT, [EDITOR]),
    ),
    kinds=lambda actor, obj: _kinds(actor, obj),
    state_labels={s.value: str(s.label) for s in A},
)

C = ConversationState
CONVERSATION = Table(
    name="conversation",
    transitions=(
        T("answer", "回复", [C.WAITING], C.ANSWERED, [HANDLER]),  # by the first staff message (a record)
        T("close", "办结", [C.WAITING, C.ANSWERED], C.CLOSED, [HANDLER, OWNER], fields=[NOTE]),
        T("convert", "转为事件", [C.WAITING, C.ANSWERED], C.CONVERTED, [HANDLER],
          fields=[Field("description", "事件描述", "textarea", required=True, max_length=2000,
                        help="默认为居民的留言,可修改"), Field("urgent", "紧急", "bool")]),
        T("reassign", "转交", [C.WAITING, C.ANSWERED], UNCHANGED, [HANDLER]),
    ),
    kinds=lambda actor, obj: _kinds(actor, obj),
    state_labels={s.value: str(s.label) for s in C},
)

P = AppointmentState
APPOINTMENT = Table(
    name="appointment",
    transitions=(
        T("confirm", "确认预约", [P.BOOKED], P.CONFIRMED, [HANDLER], fields=[NOTE]),
        T("cancel", "取消预约", [P.BOOKED, P.CONFIRMED], P.CANCELLED, [HANDLER, OWNER], fields=[REASON], danger=True),
        T("done", "服务完成", [P.CONFIRMED], P.DONE, [HANDLER], fields=[NOTE]),
        T("no_show", "未到/未遇", [P.CONFIRMED], P.NO_SHOW, [HANDLER], fields=[NOTE], danger=True),
    ),
    kinds=lambda actor, obj: _kinds(actor, obj),
    state_labels={s.value: str(s.label) for s in P},
)


def _kinds(actor, obj) -> set[str]:
    from gridgov.portal.access import actor_kinds

    return actor_kinds(actor, obj)
