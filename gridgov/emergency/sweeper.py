"""The emergency sweep (`gridgov sweep`, every minute with the others): callouts nobody acknowledged in time call
the next ring."""

from __future__ import annotations

import datetime as dt

from gridgov.emergency.services import escalate_due


def sweep_callouts(*, at: dt.datetime | None = None) -> int:
    return escalate_due(at=at)
