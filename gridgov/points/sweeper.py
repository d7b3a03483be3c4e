"""The points sweep (`gridgov sweep`, every minute with the others): awards for the case steps that earn, for
patrols, care visits and votes on topics, lots
that have expired, rewards not picked up in time, credit records past their date. Each part is idempotent and commits as it goes, so a sweep
that dies half-way is finished by the next one."""

from __future__ import annotations

import datetime as dt

from gridgov.core.timeutil import now
from gridgov.points import credit
from gridgov.points.awards import sweep_awards, sweep_care_visits, sweep_deliberation, sweep_patrols
from gridgov.points.services import expire_due, lapse_due


def sweep_points(*, at: dt.datetime | None = None) -> int:
    at = at or now()
    awarded = sweep_awards(at=at) + sweep_patrols(at=at) + sweep_care_visits(at=at) + sweep_deliberation(at=at)
    return awarded + expire_due(at=at) + lapse_due(at=at) + credit.expire_due(at=at)
