"""The workflow of a case as one readable table: state × action → next state, who may act, what the clock does.
Services enforce it; the API and UI offer exactly the actions it allows the actor now."""

from __future__ import annotations

from dataclasses import dataclass

from gridgov.cases.models import State

# Who may act, relative to a case:
CENTER = "center"  # a dispatcher of the case's responsible governance center, or of a center above it
LEADER = "leader"  # a center leader over the case's region, or a dispatcher of a center above the owner
HANDLER = "handler"  # a handler of a unit the case is assigned to
GRID_WORKER = "grid_worker"  # the grid worker or grid chief of the case's grid
REPORTER = "reporter"  # the account that reported the case
SYSTEM = "system"  # the sweeper and other background jobs

S = State


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    actors: frozenset[str]
    clock: str = ""  # what happens to the SLA clocks, in words (the services do it)
    needs_reason: bool = False


def T(action, label, sources, target, actors, clock="", reason=False) -> Transition:
    return Transition(action, label, tuple(sources), target, frozenset(actors), clock, reason)


TABLE: tuple[Transition, ...] = (
    T("accept", "受理立案", [S.REPORTED], S.ACCEPTED, [CENTER], "none yet; auto-dispatch starts the clocks"),
    T("reject", "不予立案", [S.REPORTED], S.REJECTED, [CENTER], "", reason=True),
    T("merge", "合并到已有事件", [S.REPORTED, S.ACCEPTED], S.MERGED, [CENTER]),
    T("withdraw", "撤回", [S.REPORTED], S.WITHDRAWN, [REPORTER], "", reason=True),
    T("dispatch", "派遣", [S.ACCEPTED], S.DISPATCHED, [CENTER], "start: acknowledge, arrive, handle"),
    T("summon", "吹哨(多部门)", [S.ACCEPTED], S.DISPATCHED, [CENTER], "start: acknowledge, arrive, handle"),
    T("acknowledge", "签收", [S.DISPATCHED], S.HANDLING, [HANDLER], "stop: acknowledge"),
    T("return", "退回", [S.DISPATCHED, S.HANDLING], S.ACCEPTED, [HANDLER], "stop all (re-dispatch restarts)",
      reason=True),
    T("handle", "处置进展", [S.HANDLING], None, [HANDLER], "stop: arrive (on first arrival on site)"),
    T("report_done", "处置反馈(回单)", [S.HANDLING], S.DONE_REPORTED, [HANDLER], "stop: handle; start: verify"),
    T("verify_pass", "核查通过", [S.DONE_REPORTED], S.CLOSED, [GRID_WORKER, CENTER], "stop: verify"),
    T("verify_fail", "核查不通过(返工)", [S.DONE_REPORTED], S.HANDLING, [GRID_WORKER, CENTER],
      "restart: handle", reason=True),
    T("request_extension", "申请延期", [S.DISPATCHED, S.HANDLING], None, [HANDLER], "", reason=True),
    T("approve_extension", "批准延期", [S.DISPATCHED, S.HANDLING], None, [CENTER], "extend: handle"),
    T("reject_extension", "驳回延期", [S.DISPATCHED, S.HANDLING], None, [CENTER], "", reason=True),
    T("suspend", "挂起", [S.ACCEPTED, S.DISPATCHED, S.HANDLING], S.SUSPENDED, [CENTER], "pause all", reason=True),
    T("resume", "恢复办理", [S.SUSPENDED], None, [CENTER], "resume: shift deadlines by the pause"),
    T("escalate", "提级(上报上级)", [S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.HANDLING], None, [CENTER, SYSTEM],
      "none", reason=True),
    T("supervise", "督办", [S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.DONE_REPORTED], None, [LEADER], "",
      reason=True),
    T("follow_up", "回访评价", [S.CLOSED], None, [REPORTER, CENTER], "不满意 may reopen once (policy)"),
)

BY_ACTION = {t.action: t for t in TABLE}
ACTIONS = tuple(BY_ACTION)


def transition(action: str) -> Transition:
    return BY_ACTION[action]


def allowed(state: str, kinds: set[str]) -> list[Transition]:
    """The actions open to an actor with these kinds on a case in this state."""
    return [t for t in TABLE if state in t.sources and t.actors & kinds]


# Timeline rows that are not workflow actions
OTHER_LABELS = {
    "report": "上报", "alert_emergency_units": "通知最小应急单元", "sla_warning": "即将超时(黄灯)",
    "sla_overdue": "已超时(红灯)", "deadline_filled": "补算时限", "merged_in": "合并同类事件", "repeat_alarm": "设备重复告警",
}


def action_label(action: str) -> str:
    t = BY_ACTION.get(action)
    return t.label if t else OTHER_LABELS.get(action, action)
