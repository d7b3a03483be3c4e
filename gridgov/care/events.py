"""The timeline of the care module: one constructor per kind of row (the pattern of `cases.events`); every
`CareEvent` is written here."""

from __future__ import annotations

import datetime as dt

from gridgov.care.models import CareEvent

KINDS = {
    "create": "建档", "pause": "暂停关爱", "resume": "恢复关爱", "close": "结束关爱", "pair": "结对", "unpair": "解除结对",
    "checkin": "看望", "light": "关爱灯变化", "alarm": "设备告警", "offline": "设备离线", "online": "设备恢复在线",
    "register": "登记设备", "thresholds": "调整体征阈值",
}


def _row(subject: str, obj, action: str, *, from_state: str = "", to_state: str = "", actor=None, note: str = "",
         data: dict | None = None, at: dt.datetime | None = None) -> CareEvent:
    return CareEvent.record(subject, obj, action, from_state=from_state, to_state=to_state, actor=actor, note=note,
                          data=data, at=at)


def plan_created(plan, *, actor, at: dt.datetime) -> CareEvent:
    return _row("plan", plan, "create", to_state=plan.state, actor=actor, at=at,
                data={"group": plan.group, "look_every_hours": plan.look_every_hours,
                      "visit_every_days": plan.visit_every_days})


def step(plan, action: str, from_state: str, *, actor=None, note: str = "", data: dict | None = None,
         at: dt.datetime | None = None) -> CareEvent:
    return _row("plan", plan, action, from_state=from_state, to_state=plan.state, actor=actor, note=note, data=data,
                at=at)


def paired(plan, pairing, *, actor, joined: bool, at: dt.datetime) -> CareEvent:
    return _row("plan", plan, "pair" if joined else "unpair", actor=actor, at=at,
                note=f"{pairing.user}({pairing.get_role_display()})", data={"user": pairing.user_id,
                                                                             "role": pairing.role})


def checked_in(plan, checkin, *, actor, at: dt.datetime) -> CareEvent:
    return _row("plan", plan, "checkin", actor=actor, note=checkin.note, at=at,
                data={"checkin": checkin.pk, "kind": checkin.kind, "result": checkin.result, "case": checkin.case_id})


def light_changed(plan, old: str, *, reason: str, actor=None, case_id: int | None = None,
                  at: dt.datetime) -> CareEvent:
    """绿 → 黄 (a look is due and not done), → 红 (long overdue or a concern; a case), → 绿 (checked in)."""
    return _row("plan", plan, "light", from_state=old, to_state=plan.light, actor=actor, note=reason, at=at,
                data={"case": case_id} if case_id else {})


def thresholds_set(plan, *, actor, at: dt.datetime) -> CareEvent:
    return _row("plan", plan, "thresholds", actor=actor, at=at, data={"thresholds": plan.thresholds})


def device_registered(device, *, actor, at: dt.datetime) -> CareEvent:
    return _row("device", device, "register", actor=actor, at=at,
                data={"vendor": device.vendor, "serial": device.serial, "kind": device.kind, "plan": device.plan_id})


def alarm(device, alarm_row, *, at: dt.datetime) -> CareEvent:
    return _row("device", device, "alarm", at=at,
                data={"alarm": alarm_row.pk, "kind": alarm_row.kind, "metric": alarm_row.metric,
                      "value": alarm_row.value, "result": alarm_row.result, "case": alarm_row.case_id})


def online_changed(device, *, online: bool, at: dt.datetime) -> CareEvent:
    return _row("device", device, "online" if online else "offline", at=at,
                data={"last_seen_at": device.last_seen_at.isoformat() if device.last_seen_at else None})
