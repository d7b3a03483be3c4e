"""SLA clocks: copy the policy's targets onto the case at dispatch, keep the active deadline in `due_at`
(with `warn_at` for the yellow light), shift deadlines over pauses, in working or natural time."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from gridgov.cases.models import Case, Light, SlaPolicy, SlaTarget, State, TimeBasis, Urgency
from gridgov.core.workingtime import CalendarNotCovered, get_calendar

log = logging.getLogger("gridgov.sla")

DEFAULT_POLICY_CODE = "default"


def policy_for(case: Case) -> SlaPolicy:
    """The policy of the case's category, or of the nearest parent category that has one, or the default —
    read from the reference snapshot (cases.reference), not the database, on every dispatch."""
    from gridgov.cases.reference import category_by_id, policies, sla_policy

    category = category_by_id(case.category_id) or case.category
    while category is not None:
        if category.sla_policy_id:
            policy, _ = sla_policy(category.sla_policy_id)
            return policy or SlaPolicy.objects.get(pk=category.sla_policy_id)
        category = category_by_id(category.parent_id) if category.parent_id else None
    policy = next((p for p in policies.get()["by_id"].values() if p.code == DEFAULT_POLICY_CODE), None)
    if policy is None:
        policy, _ = SlaPolicy.objects.get_or_create(code=DEFAULT_POLICY_CODE, defaults={"name": "默认时限"})
    return policy


def target_for(policy: SlaPolicy, urgency: str) -> dict:
    from gridgov.cases.reference import sla_policy

    _, targets = sla_policy(policy.pk)
    if not targets:  # a policy the snapshot does not know yet
        targets = {t.urgency: t for t in SlaTarget.objects.filter(policy=policy)}
    t = targets.get(urgency) or targets.get(Urgency.NORMAL)
    if t is None:  # a policy without targets: the 12345 norm of 5 working days
        return {"acknowledge": 120, "arrive": None, "handle": 5 * 420, "verify": 420,
                "basis": policy.time_basis, "warn_ratio": policy.warn_ratio, "grace": policy.escalate_grace_minutes}
    return {"acknowledge": t.acknowledge_minutes, "arrive": t.arrive_minutes, "handle": t.handle_minutes,
            "verify": t.verify_minutes, "basis": t.time_basis or policy.time_basis, "warn_ratio": policy.warn_ratio,
            "grace": policy.escalate_grace_minutes}


def add_minutes(start: dt.datetime, minutes: float, basis: str) -> dt.datetime:
    if basis == TimeBasis.NATURAL:
        return start + dt.timedelta(minutes=minutes)
    return get_calendar().add_working_minutes(start, minutes)


def minutes_between(start: dt.datetime, end: dt.datetime, basis: str) -> float:
    if basis == TimeBasis.NATURAL:
        return max((end - start).total_seconds() / 60, 0.0)
    return get_calendar().working_minutes_between(start, end)


def _deadline(case: Case, start, minutes, field: str | None = None) -> dt.datetime | None:
    """A deadline, or None with `clock_error` set when the calendar does not cover the year. With `field`, a
    deadline that cannot be computed yet is remembered (its start and minutes, in `case.sla["pending"]`) so that
    `fill_pending` computes it once the year is entered."""
    if minutes is None:
        return None
    basis = case.time_basis or TimeBasis.WORKING
    try:
        value = add_minutes(start, minutes, basis)
    except CalendarNotCovered as exc:
        case.clock_error = str(exc)[:200]
        if field is not None:
            pending = _pending(case)
            pending[field] = {"start": start.isoformat(), "minutes": minutes, "pauses": []}
        _alert_missing_calendar(exc.year)
        return None
    waiting = _waiting(case)
    if field is not None and field in waiting:
        del waiting[field]
        if not waiting:
            del case.sla["pending"]
    return value


def _pending(case: Case) -> dict:
    """Deadlines waiting for a calendar year: {field: {"start", "minutes", "pauses": [[from, to], …]}}, created
    on the case's SLA snapshot when needed."""
    if not isinstance(case.sla, dict):
        case.sla = {}
    return case.sla.setdefault("pending", {})


def _waiting(case: Case) -> dict:
    """The same, read only: {} for a case with nothing waiting."""
    return case.sla.get("pending") or {} if isinstance(case.sla, dict) else {}


def fill_pending(case: Case, at: dt.datetime) -> dict[str, dt.datetime]:
    """补算时限: compute the deadlines that waited for a calendar year now entered, from the moment each clock
    started, with the extensions granted and the pauses taken since (as `resume` would have shifted them).
    A case from before deadlines were remembered gets its missing ones from its milestones (签收 and 处置 from
    dispatch, 核查 from the 回单). Returns what was filled; what still cannot be computed stays pending."""
    basis = case.time_basis or TimeBasis.WORKING
    sla = case.sla if isinstance(case.sla, dict) else {}
    pending = dict(sla.get("pending") or {})
    if not pending and case.clock_error:  # remembered by nothing: rebuild from the milestones
        for field, step, start in (("acknowledge_due_at", "acknowledge", case.dispatched_at),
                                   ("handle_due_at", "handle", case.dispatched_at),
                                   ("verify_due_at", "verify", case.done_reported_at)):
            if getattr(case, field) is None and start is not None and sla.get(step) is not None:
                pending[field] = {"start": start.isoformat(), "minutes": sla[step], "pauses": []}
    filled, still = {}, {}
    for field, p in pending.items():
        try:
            paused = sum(minutes_between(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b), basis)
                         for a, b in p.get("pauses") or [])
            filled[field] = add_minutes(dt.datetime.fromisoformat(p["start"]), p["minutes"] + paused, basis)
        except CalendarNotCovered:
            still[field] = p
    for field, value in filled.items():
        setattr(case, field, value)
    if filled or not pending:
        case.sla = {**sla, "pending": still}
        if not still:
            case.sla.pop("pending")
            case.clock_error = ""
        refresh_active(case, at)
    return filled


def _alert_missing_calendar(year: int) -> None:
    from gridgov.accounts.models import User
    from gridgov.notify.services import notify

    log.error("working calendar for %s is missing", year)
    for admin in User.objects.filter(is_superuser=True, is_active=True):
        notify(recipient=admin, subject=f"{year}年工作日历未录入,事件时限无法计算",
               body="请在管理后台「工作日历年份」「节假日/调休日」中按国务院办公厅通知录入;录入后,"
                    "等待该年日历的事件时限由系统自动补算。",
               data={"url": CALENDAR_ENTRY_URL}, dedupe_key=f"calendar-missing-{year}-{admin.pk}")


CALENDAR_ENTRY_URL = "/admin/core/calendaryear/enter/"
REMIND_FROM = (11, 15)  # month, day: from then on, a missing next year is asked for
_reminded: set[int] = set()


def remind_next_year(at: dt.datetime) -> bool:
    """From mid-November, ask the administrators once for next year's holiday arrangement while it is missing
    (deadlines reaching into January need it from mid-December). True when a reminder was queued."""
    from gridgov.accounts.models import User
    from gridgov.core.timeutil import LOCAL_TZ
    from gridgov.notify.services import notify

    today = at.astimezone(LOCAL_TZ).date()
    year = today.year + 1
    if (today.month, today.day) < REMIND_FROM or year in _reminded or year in get_calendar().years:
        return False
    queued = False
    for admin in User.objects.filter(is_superuser=True, is_active=True):
        queued |= notify(recipient=admin, subject=f"请录入{year}年节假日安排",
                         body=f"国务院办公厅通知发布后,请在管理后台「工作日历年份 › 录入全年安排」粘贴通知全文录入。"
                              f"{year}年1月起的工作日时限需要它,未录入前这些时限无法计算。",
                         data={"url": CALENDAR_ENTRY_URL}, dedupe_key=f"calendar-remind-{year}-{admin.pk}") is not None
    _reminded.add(year)
    return queued


def start_clocks(case: Case, at: dt.datetime) -> None:
    """At dispatch: copy the targets and set acknowledge, arrive and handle deadlines."""
    target = target_for(policy_for(case), case.urgency)
    case.sla = target
    case.time_basis = target["basis"]
    case.clock_error = ""
    case.acknowledge_due_at = _deadline(case, at, target["acknowledge"], "acknowledge_due_at")
    # Arriving on site is physical ("五分钟之内必须到位"): natural time whatever the policy's basis.
    arrive = target["arrive"]
    case.arrive_due_at = at + dt.timedelta(minutes=arrive) if arrive else None
    case.handle_due_at = _deadline(case, at, target["handle"], "handle_due_at")
    case.verify_due_at = None
    refresh_active(case, at)


def restart_handle(case: Case, at: dt.datetime) -> None:
    case.handle_due_at = _deadline(case, at, (case.sla or {}).get("handle"), "handle_due_at")
    refresh_active(case, at)


def start_verify(case: Case, at: dt.datetime) -> None:
    case.verify_due_at = _deadline(case, at, (case.sla or {}).get("verify"), "verify_due_at")
    refresh_active(case, at)


def extend_handle(case: Case, minutes: int, at: dt.datetime) -> None:
    if case.handle_due_at is not None:
        case.handle_due_at = _deadline(case, case.handle_due_at, minutes)
    elif "handle_due_at" in _waiting(case):  # waiting for a calendar year: the extension counts when it comes
        _waiting(case)["handle_due_at"]["minutes"] += minutes
    refresh_active(case, at)


def refresh_active(case: Case, at: dt.datetime) -> None:
    """Mirror the running clock in due_at/warn_at/escalate_at and set the light from it."""
    due = None
    if case.state == State.DISPATCHED:
        due = case.acknowledge_due_at
    elif case.state == State.HANDLING:
        candidates = [case.handle_due_at]
        if case.arrived_at is None and case.arrive_due_at is not None:
            candidates.append(case.arrive_due_at)
        due = min((d for d in candidates if d is not None), default=None)
    elif case.state == State.DONE_REPORTED:
        due = case.verify_due_at
    sla = case.sla or {}
    if due is None:
        case.due_at = case.warn_at = None
        case.light = Light.NONE
    else:
        ratio = float(sla.get("warn_ratio", 0.8))
        start = at if at < due else due
        case.due_at = due
        case.warn_at = start + (due - start) * ratio
        case.light = Light.RED if at >= due else (Light.YELLOW if at >= case.warn_at else Light.GREEN)
    # Escalate to the level above when the handling deadline is passed by the grace; after an escalation
    # the next level gets its own grace (the sweeper sets escalate_at), never an immediate second jump.
    grace = dt.timedelta(minutes=int(sla.get("grace", 240)))
    if case.state in (State.DISPATCHED, State.HANDLING) and case.handle_due_at is not None:
        due = case.handle_due_at + grace
        case.escalate_at = max(due, case.escalate_at) if case.escalate_at else due
    else:
        case.escalate_at = None


def pause(case: Case, at: dt.datetime) -> None:
    case.paused_at = at
    case.due_at = case.warn_at = case.escalate_at = None
    case.light = Light.NONE


def resume(case: Case, at: dt.datetime) -> float:
    """Shift every running deadline by the paused time, counted in the case's time basis; returns it."""
    paused = 0.0
    if case.paused_at is not None:
        basis = case.time_basis or TimeBasis.WORKING
        try:
            paused = minutes_between(case.paused_at, at, basis)
        except CalendarNotCovered as exc:
            case.clock_error = str(exc)[:200]
            _alert_missing_calendar(exc.year)
            paused = 0
        for field in ("acknowledge_due_at", "arrive_due_at", "handle_due_at", "verify_due_at"):
            value = getattr(case, field)
            if value is not None:
                setattr(case, field, _deadline(case, value, paused) if paused else value)
        for waiting in _waiting(case).values():  # shifted when they are computed
            waiting.setdefault("pauses", []).append([case.paused_at.isoformat(), at.isoformat()])
    case.paused_at = None
    refresh_active(case, at)
    return paused


def light_of(case: Case, at: dt.datetime) -> str:
    if case.due_at is None:
        return Light.NONE
    if at >= case.due_at:
        return Light.RED
    if case.warn_at and at >= case.warn_at:
        return Light.YELLOW
    return Light.GREEN


CLOCK_STEPS = (  # (name, label, deadline field, done-at field, states in which the step's clock runs)
    ("acknowledge", "签收", "acknowledge_due_at", "acknowledged_at", (State.DISPATCHED,)),
    ("arrive", "到场", "arrive_due_at", "arrived_at", (State.DISPATCHED, State.HANDLING)),  # counted from dispatch
    ("handle", "处置", "handle_due_at", "done_reported_at", (State.DISPATCHED, State.HANDLING)),
    ("verify", "核查", "verify_due_at", "closed_at", (State.DONE_REPORTED,)),
)


def clock_summary(case: Case, at: dt.datetime) -> list[dict]:
    """The case's deadlines as a person reads them: each step (签收, 到场, 处置, 核查) with its deadline, when it
    was done, and whether it is running (the one that lights the case), paused, done on time or late, or
    overdue. Steps without a deadline are left out."""
    rows = []
    for name, label, due_field, done_field, running_in in CLOCK_STEPS:
        due = getattr(case, due_field)
        if due is None:
            continue
        done = getattr(case, done_field)
        running = case.state in running_in and not (name == "arrive" and done is not None)
        if name == "handle" and running:
            done = None  # reworked: handling again, an earlier 回单 no longer counts
        if case.state == State.SUSPENDED and done is None:
            status, tone = "挂起,暂停计时", "none"
        elif running:
            status, tone = ("已超时", "red") if at >= due else (
                ("即将超时", "yellow") if case.warn_at and at >= case.warn_at and case.due_at == due else ("计时中", "green"))
        elif done is not None:
            status, tone = ("按时完成", "done") if done <= due else ("超时完成", "late")
        elif name == "verify" and case.state in (State.DISPATCHED, State.HANDLING):
            status, tone = "待回单后核查", "none"  # reworked: verified again after the next 回单
        else:
            status, tone = "未完成", "none"
        rows.append({"step": name, "label": label, "due": due, "done": done, "status": status, "tone": tone,
                     "current": running and case.due_at == due})
    return rows


# The columns the clock code writes; an effect may change any of them.
CLOCK_FIELDS = ["sla", "time_basis", "acknowledge_due_at", "arrive_due_at", "handle_due_at", "verify_due_at",
                "due_at", "warn_at", "light", "clock_error", "escalate_at", "paused_at"]


def clear(case: Case, at: dt.datetime) -> None:
    """Back with the center (returned): no clock runs until the case is dispatched again."""
    case.due_at = case.warn_at = case.escalate_at = None
    case.light = Light.NONE


EFFECTS: dict[str, Callable[..., object]] = {
    "start": start_clocks,
    "refresh": refresh_active,
    "clear": clear,
    "start_verify": start_verify,
    "restart_handle": restart_handle,
    "extend_handle": lambda case, at, minutes: extend_handle(case, minutes, at),
    "pause": pause,
    "resume": lambda case, at: setattr(case, "paused_minutes", resume(case, at)),
}


def apply_effect(case: Case, effect: str, at: dt.datetime, **params) -> list[str]:
    """Execute a clock effect named in the workflow table (after the case has moved to its next state); returns
    the columns it may have changed, for the commit."""
    try:
        run = EFFECTS[effect]
    except KeyError:
        raise ValueError(f"unknown clock effect {effect!r}") from None
    run(case, at, **params)
    return CLOCK_FIELDS
