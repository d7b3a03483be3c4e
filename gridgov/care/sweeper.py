"""The care sweep (`gridgov sweep`, every minute with the others): lights of missed looks and visits (a red one
makes a case), paused plans whose date has come, devices that stopped reporting. Each part commits as it goes and
is safe to run twice."""

from __future__ import annotations

import datetime as dt

from gridgov.care.services import offline_due, resume_due, sweep_lights
from gridgov.core.timeutil import now


def sweep_care(*, at: dt.datetime | None = None) -> int:
    at = at or now()
    return resume_due(at=at) + sweep_lights(at=at) + offline_due(at=at)
