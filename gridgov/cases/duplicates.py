"""Likely duplicates: open cases of the same category near the same place within a recent time window."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings

from gridgov.cases.models import Case, State
from gridgov.core.coords import haversine_m

DUPLICATE_STATES = (State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.HANDLING, State.SUSPENDED,
                    State.DONE_REPORTED)


def find_duplicates(case: Case, *, radius_m: float | None = None, hours: float | None = None) -> list[int]:
    if case.lon is None or case.lat is None or not case.category_id:
        return []
    radius_m = radius_m if radius_m is not None else getattr(settings, "CASE_DUPLICATE_RADIUS_M", 100)
    hours = hours if hours is not None else getattr(settings, "CASE_DUPLICATE_HOURS", 72)
    dlat = radius_m / 111_000
    dlon = radius_m / (111_000 * max(math.cos(math.radians(case.lat)), 0.01))
    since = case.created_at - dt.timedelta(hours=hours)
    rows = (
        Case.objects.filter(category_id=case.category_id, state__in=DUPLICATE_STATES, created_at__gte=since,
                            lat__range=(case.lat - dlat, case.lat + dlat), lon__range=(case.lon - dlon, case.lon + dlon))
        .exclude(pk=case.pk)
        .values_list("pk", "lon", "lat")
    )
    near = sorted((haversine_m(case.lon, case.lat, lo, la), pk) for pk, lo, la in rows)
    return [pk for d, pk in near if d <= radius_m][:10]
