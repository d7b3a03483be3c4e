"""The timeline of a case: one constructor per kind of event, as Saleor's order/events.py does. Every row of
`CaseEvent` is written here — by the services, the sweeper (in bulk: the `*_row` builders return unsaved rows) and
the ingest path — so each kind's data has one shape, and a reader (the console, Open311, the KPIs) can rely on it.

A workflow action's row comes from `action(...)`; the kinds that are not actions have their own constructors."""

from __future__ import annotations

import datetime as dt

from gridgov.cases.models import Case, CaseEvent
from gridgov.core.timeutil import now

# Kinds of rows that are not workflow actions, with their labels (the actions' labels are the table's).
OTHER_KINDS = {
    "report": "上报", "alert_emergency_units": "通知最小应急单元", "sla_warning": "即将超时(黄灯)",
    "sla_overdue": "已超时(红灯)", "deadline_filled": "补算时限", "merged_in": "合并同类事件", "repeat_alarm": "设备重复告警",
    "to_dispute": "转为矛盾纠纷调解", "emergency_response": "应急响应", "anonymise": "超期匿名化",
}


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _row(case: Case, kind: str, from_state: str, *, actor=None, unit=None, note: str = "", data: dict | None = None,
         at: dt.datetime | None = None) -> CaseEvent:
    return CaseEvent(case=case, at=at or now(), actor=_user(actor), actor_unit=unit, action=kind,
                     from_state=from_state, to_state=case.state, note=note, data=data or {})


def action(case: Case, kind: str, from_state: str, *, actor=None, unit=None, note: str = "",
           data: dict | None = None, at: dt.datetime | None = None) -> CaseEvent:
    """A workflow action of the table (accept, dispatch, acknowledge …): who, from which state to the case's
    state now, why, and the action's facts."""
    row = _row(case, kind, from_state, actor=actor, unit=unit, note=note, data=data, at=at)
    row.save()
    return row


def reported(case: Case, *, actor, channel: str, out_of_grid: bool, nearest_grid: str | None,
             at: dt.datetime) -> CaseEvent:
    row = _row(case, "report", "", actor=actor, data={"channel": channel, "out_of_grid": out_of_grid,
                                                      "nearest_grid": nearest_grid}, at=at)
    row.save()
    return row


def emergency_units_alerted(case: Case, units: list[tuple], *, ring: int = 1, actor=None,
                            at: dt.datetime) -> CaseEvent:
    """梯次增援: which units were called in which ring (1 = the nearest), how far they are."""
    note = "已通知就近最小应急单元" if ring == 1 else f"第{ring}梯次增援:已通知后续最小应急单元"
    row = _row(case, "alert_emergency_units", case.state, actor=actor, note=note,
               data={"ring": ring, "units": [{"unit": u.pk, "name": u.name, "distance_m": round(d)} for u, d in units]},
               at=at)
    row.save()
    return row


def emergency_response(case: Case, *, step: str, actor, unit, note: str = "", at: dt.datetime) -> CaseEvent:
    """What an emergency unit did about the case (响应, 到场, 处置完毕, 撤销, 无人响应), on the case's own timeline."""
    row = _row(case, "emergency_response", case.state, actor=actor, unit=unit, note=note, data={"step": step}, at=at)
    row.save()
    return row


def merged_in(target: Case, source: Case, *, actor, at: dt.datetime | None = None) -> CaseEvent:
    row = _row(target, "merged_in", target.state, actor=actor, data={"source": source.pk}, at=at)
    row.save()
    return row


def escalated(case: Case, *, actor, from_center_id: int, to_center_id: int, note: str,
              at: dt.datetime) -> CaseEvent:
    """提级, by a center or by the sweeper (`escalated_row` for its bulk writes): the one shape of both."""
    row = escalated_row(case_id=case.pk, state=case.state, from_center_id=from_center_id, to_center_id=to_center_id,
                        note=note, at=at, actor=actor)
    row.save()
    return row


def escalated_row(*, case_id: int, state: str, from_center_id: int, to_center_id: int, note: str,
                  at: dt.datetime, actor=None) -> CaseEvent:
    return CaseEvent(case_id=case_id, at=at, actor=_user(actor), actor_unit_id=from_center_id, action="escalate",
                     from_state=state, to_state=state, note=note,
                     data={"from": from_center_id, "to": to_center_id, "auto": _user(actor) is None})


def light_row(*, case_id: int, state: str, kind: str, due_at: dt.datetime, at: dt.datetime) -> CaseEvent:
    """黄灯/红灯 turned on by the sweeper (kind sla_warning or sla_overdue)."""
    if kind not in ("sla_warning", "sla_overdue"):
        raise ValueError(kind)
    return CaseEvent(case_id=case_id, at=at, action=kind, from_state=state, to_state=state,
                     data={"due_at": due_at.isoformat()})


def deadline_filled(case: Case, filled: dict, *, at: dt.datetime) -> CaseEvent:
    row = _row(case, "deadline_filled", case.state, note="工作日历已录入,补算时限",
               data={k: v.isoformat() for k, v in filled.items()}, at=at)
    row.save()
    return row


def repeat_alarm(case: Case, *, alarm_id: str, source: str, description: str) -> CaseEvent:
    row = _row(case, "repeat_alarm", case.state, note=(description or "")[:500],
               data={"alarm_id": alarm_id, "source": source})
    row.save()
    return row


def converted_to_dispute(case: Case, *, actor, dispute_id: int, at: dt.datetime | None = None) -> CaseEvent:
    """转为矛盾纠纷: the case goes on as a dispute in mediation (the dispute keeps the link back)."""
    row = _row(case, "to_dispute", case.state, actor=actor, data={"dispute": dispute_id}, at=at)
    row.save()
    return row


def anonymised(case: Case, *, photos: int, followers: int, at: dt.datetime) -> CaseEvent:
    """The retention period is over: who reported it and the photos' originals are gone (a system row)."""
    row = _row(case, "anonymise", case.state, note="超过保存期限:上报人信息、联系方式和照片原件已删除",
               data={"photos": photos, "followers": followers}, at=at)
    row.save()
    return row
