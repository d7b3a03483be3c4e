"""The workflow of a case: one table on the engine in `core.workflow` — state × action → next state, who may act,
the guards, the named clock effect (`sla.apply_effect` executes it) and the fields each action takes. The services
execute it; the API, the console and the phone pages offer exactly what it allows the actor now.

A row's own attributes: ``reporter`` (its timeline row is shown to the reporter), ``open311`` (the Open311
status it stands for), ``public_note`` (the line the public sees), ``photos_as`` (what its photos show:
处置中, 处置后, 核查), ``danger`` (a step that turns the case back or away: its button is red)."""

from __future__ import annotations

from gridgov.cases.models import ExtensionRequest, Satisfaction, State, Urgency
from gridgov.core.workflow import PREVIOUS, UNCHANGED, Field, Guard, T, Table

# Who may act, relative to a case (cases.access.actor_kinds decides):
CENTER = "center"  # a dispatcher of the case's responsible governance center, or of a center above it
LEADER = "leader"  # a center leader over the case's region, or a dispatcher of a center above the owner
HANDLER = "handler"  # a handler of a unit the case is assigned to
GRID_WORKER = "grid_worker"  # the grid worker or grid chief of the case's grid
REPORTER = "reporter"  # the account that reported the case
SYSTEM = "system"  # the sweeper and other background jobs

S = State

# Clock effects (cases.sla.apply_effect): what happens to the deadlines.
START = "start"  # dispatched: the acknowledge, arrive and handle clocks start
REFRESH = "refresh"  # a milestone reached (signed, on site, closed): the next running clock lights the case
CLEAR = "clear"  # back to the center: no clock runs until it is dispatched again
START_VERIFY = "start_verify"  # handling reported done: the handle clock stops, the check's starts
RESTART_HANDLE = "restart_handle"  # rework: the handle clock runs again
EXTEND_HANDLE = "extend_handle"  # an extension granted: its minutes are added to the handle deadline
PAUSE = "pause"  # suspended: every clock stops
RESUME = "resume"  # resumed: deadlines move by the time paused

# Fields the actions take (API, console and phone forms are made from them).
NOTE = Field("note", "说明", "textarea")
NOTE_REQUIRED = Field("note", "说明", "textarea", required=True)
REASON = Field("reason", "原因", "textarea", required=True)
PHOTOS = Field("photos", "照片", "photos", help="最多9张;JPEG、PNG、WebP、HEIC")
URGENCY = Field("urgency", "紧急程度", "choice", choices=tuple(Urgency.choices))
CATEGORY = Field("category", "事件类别", "category")


def _pending_extension(case) -> bool:
    return case.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists()


def _has_center_above(case) -> bool:
    from gridgov.cases.routing import parent_center

    return case.owner_center_id is not None and parent_center(case.owner_center) is not None


NO_PENDING_EXTENSION = Guard("no_pending_extension", lambda c: not _pending_extension(c), "extension_pending",
                             "已有待审批的延期申请")
PENDING_EXTENSION = Guard("pending_extension", _pending_extension, "no_pending_extension", "没有待审批的延期申请")
CENTER_ABOVE = Guard("center_above", _has_center_above, "top_level", "已是最高层级的综治中心,无法再提级")
def _not_rated_since_closed(case) -> bool:
    """One rating per closing: a case reopened by 不满意 and closed again is rated again."""
    if case.satisfaction is None:
        return True
    return case.closed_at is not None and not case.events.filter(action="follow_up", at__gte=case.closed_at).exists()


NOT_RATED = Guard("not_rated", _not_rated_since_closed, "already_rated", "该事件已评价")

OPEN_WORK = [S.DISPATCHED, S.HANDLING]

TABLE = Table(
    name="case",
    transitions=(
        T("accept", "受理立案", [S.REPORTED], S.ACCEPTED, [CENTER], fields=[CATEGORY, URGENCY, NOTE],
          reporter=True, open311="OPEN", public_note="已受理立案"),
        T("reject", "不予立案", [S.REPORTED], S.REJECTED, [CENTER], fields=[REASON],
          reporter=True, open311="NO_FURTHER_ACTION", public_note="不予立案", danger=True),
        T("merge", "合并到已有事件", [S.REPORTED, S.ACCEPTED], S.MERGED, [CENTER],
          fields=[Field("target", "合并到(事件编号)", "case_number", required=True), NOTE],
          reporter=True, open311="DUPLICATE", public_note="与同一问题合并办理"),
        T("withdraw", "撤回", [S.REPORTED], S.WITHDRAWN, [REPORTER], fields=[REASON],
          reporter=True, open311="CANCELLED", public_note="已撤回"),
        T("dispatch", "派遣", [S.ACCEPTED], S.DISPATCHED, [CENTER], effect=START,
          fields=[Field("unit", "承办单位", "unit", help="留空则按派遣规则"), NOTE],
          reporter=True, open311="ACTION_SCHEDULED", public_note="已派遣至承办单位"),
        T("summon", "吹哨(多部门)", [S.ACCEPTED], S.DISPATCHED, [CENTER], effect=START,
          fields=[Field("lead", "主办单位", "unit", required=True),
                  Field("cooperating", "协办单位", "units", required=True), NOTE],
          reporter=True, open311="ACTION_SCHEDULED", public_note="已召集多部门联合处置"),
        T("acknowledge", "签收", [S.DISPATCHED], S.HANDLING, [HANDLER], effect=REFRESH, fields=[NOTE],
          outcomes={"cooperating": UNCHANGED}, effects={"cooperating": ""},
          reporter=True, open311="IN_PROGRESS", public_note="承办单位已签收"),
        T("return", "退回", OPEN_WORK, S.ACCEPTED, [HANDLER], effect=CLEAR, fields=[REASON],
          reporter=False, open311="INVESTIGATING", public_note="重新派遣中", danger=True),
        T("handle", "处置进展", [S.HANDLING], UNCHANGED, [HANDLER],
          fields=[NOTE_REQUIRED, Field("on_site", "已到达现场", "bool"), PHOTOS],
          outcomes={"arrived": UNCHANGED}, effects={"arrived": REFRESH},
          reporter=False, open311="IN_PROGRESS", public_note="正在处置", photos_as="处置中"),  # the first arrival stops its clock
        T("report_done", "处置反馈(回单)", [S.HANDLING], S.DONE_REPORTED, [HANDLER], effect=START_VERIFY,
          fields=[NOTE_REQUIRED, PHOTOS], outcomes={"cooperating": UNCHANGED}, effects={"cooperating": ""},
          reporter=True, open311="IN_PROGRESS", public_note="承办单位已反馈处置结果", photos_as="处置后"),
        T("verify_pass", "核查通过", [S.DONE_REPORTED], S.CLOSED, [GRID_WORKER, CENTER], effect=REFRESH,
          fields=[NOTE, PHOTOS], reporter=True, open311="FIXED", public_note="已办结", photos_as="核查"),
        T("verify_fail", "核查不通过(返工)", [S.DONE_REPORTED], S.HANDLING, [GRID_WORKER, CENTER],
          effect=RESTART_HANDLE, fields=[REASON, PHOTOS],
          reporter=True, open311="IN_PROGRESS", public_note="核查未通过,返工处置", photos_as="核查", danger=True),
        T("request_extension", "申请延期", OPEN_WORK, UNCHANGED, [HANDLER], guards=[NO_PENDING_EXTENSION],
          fields=[Field("minutes", "延长时间", "duration", required=True), REASON]),
        T("approve_extension", "批准延期", OPEN_WORK, UNCHANGED, [CENTER], effect=EXTEND_HANDLE,
          guards=[PENDING_EXTENSION], fields=[NOTE]),
        T("reject_extension", "驳回延期", OPEN_WORK, UNCHANGED, [CENTER], guards=[PENDING_EXTENSION],
          fields=[REASON]),
        T("suspend", "挂起", [S.ACCEPTED, *OPEN_WORK], S.SUSPENDED, [CENTER], effect=PAUSE, fields=[REASON],
          reporter=False, open311="INVESTIGATING", public_note="暂缓办理"),
        T("resume", "恢复办理", [S.SUSPENDED], PREVIOUS, [CENTER], effect=RESUME, fields=[NOTE],
          reporter=False, open311="IN_PROGRESS", public_note="恢复办理"),
        T("escalate", "提级(上报上级)", [S.REPORTED, S.ACCEPTED, *OPEN_WORK], UNCHANGED, [CENTER, SYSTEM],
          guards=[CENTER_ABOVE], fields=[REASON],
          reporter=True, open311="INTERNAL_REFERRAL", public_note="已提交上级综治中心协调"),
        T("supervise", "督办", [S.ACCEPTED, *OPEN_WORK, S.DONE_REPORTED], UNCHANGED, [LEADER],
          fields=[Field("note", "督办意见", "textarea", required=True)]),
        T("follow_up", "回访评价", [S.CLOSED], UNCHANGED, [REPORTER, CENTER], guards=[NOT_RATED],
          fields=[Field("satisfaction", "满意度", "choice", required=True, choices=tuple(Satisfaction.choices)),
                  Field("comment", "意见", "textarea")],
          outcomes={"reopened": S.ACCEPTED}, reporter=True),  # 不满意 reopens, as often as CASE_MAX_REOPEN allows
    ),
    kinds=lambda actor, case: _kinds(actor, case),
    state_labels={s.value: str(s.label) for s in State},
    previous_field="resume_state",
)


def _kinds(actor, case) -> set[str]:
    from gridgov.cases.access import actor_kinds

    return actor_kinds(actor, case)


def _run_effect(case, effect: str, at, **params):
    from gridgov.cases.sla import apply_effect

    return apply_effect(case, effect, at, **params)


TABLE.effect_runner = _run_effect

BY_ACTION = TABLE.by_action
ACTIONS = TABLE.actions


# Generated from the rows: what a reporter's timeline shows, and Open311's statuses and public notes.
REPORTER_ACTIONS = frozenset({"report"} | {t.action for t in TABLE.transitions if t.info("reporter")})
OPEN311_STATUS = {t.action: t.info("open311") for t in TABLE.transitions if t.info("open311")}
PUBLIC_NOTES = {t.action: t.info("public_note") for t in TABLE.transitions if t.info("public_note")}
# what the photos of an action show, for the labels beside them (a report's photos are from before handling)
PHOTO_STAGES = {"report": "处置前"} | {t.action: t.info("photos_as") for t in TABLE.transitions if t.info("photos_as")}


def transition(action: str):
    return TABLE.get(action)


def action_label(action: str) -> str:
    from gridgov.cases.events import OTHER_KINDS

    t = BY_ACTION.get(action)
    return t.label if t else OTHER_KINDS.get(action, action)
