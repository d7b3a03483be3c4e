"""The timeline of the emergency module: one constructor per kind of row (the pattern of `cases.events`); every
`EmergencyEvent` is written here."""

from __future__ import annotations

import datetime as dt

from gridgov.emergency.models import EmergencyEvent


def _row(subject: str, obj, action: str, *, from_state: str = "", to_state: str = "", actor=None, unit=None,
         note: str = "", data: dict | None = None, at: dt.datetime | None = None) -> EmergencyEvent:
    return EmergencyEvent.record(subject, obj, action, from_state=from_state, to_state=to_state, actor=actor, unit=unit,
                               note=note, data=data, at=at)


def callout_opened(callout, *, at: dt.datetime) -> EmergencyEvent:
    return _row("callout", callout, "open", to_state=callout.state, at=at,
                data={"case": callout.case_id, "lon": callout.lon, "lat": callout.lat})


def ring_called(callout, *, ring: int, units: list[tuple], actor=None, at: dt.datetime) -> EmergencyEvent:
    """A ring of units called: which, how far, how many people each paged."""
    return _row("callout", callout, "ring", to_state=callout.state, actor=actor, at=at,
                data={"ring": ring, "units": [{"unit": u.pk, "name": u.name, "distance_m": round(d), "paged": n}
                                              for u, d, n in units]})


def step(callout, action: str, from_state: str, *, actor=None, unit=None, note: str = "", data: dict | None = None,
         at: dt.datetime | None = None) -> EmergencyEvent:
    """A workflow step of a callout: from which state to the one it is in now, by whom of which unit."""
    return _row("callout", callout, action, from_state=from_state, to_state=callout.state, actor=actor, unit=unit,
                note=note, data=data, at=at)


def shift_added(shift, *, actor, at: dt.datetime) -> EmergencyEvent:
    return _row("shift", shift, "add", actor=actor, unit=shift.unit, at=at,
                data={"user": shift.user_id, "starts_at": shift.starts_at.isoformat(),
                      "ends_at": shift.ends_at.isoformat()})


def shift_cancelled(shift, *, actor, at: dt.datetime) -> EmergencyEvent:
    return _row("shift", shift, "cancel", actor=actor, unit=shift.unit, at=at, data={"user": shift.user_id})


def member_changed(group, *, actor, user_id: int, joined: bool, at: dt.datetime) -> EmergencyEvent:
    return _row("group", group, "join" if joined else "leave", actor=actor, at=at, data={"user": user_id})


def broadcast_sent(group, broadcast, *, actor, at: dt.datetime) -> EmergencyEvent:
    return _row("group", group, "broadcast", actor=actor, at=at, note=broadcast.message,
                data={"broadcast": broadcast.pk, "level": broadcast.level, "recipients": broadcast.recipients})
