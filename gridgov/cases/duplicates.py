"""Likely duplicates: open cases of the same category near the same place within a recent time window."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db.models import ExpressionWrapper, F, FloatField

from gridgov.cases.models import OPEN_STATES, Case
from gridgov.core.coords import haversine_m

LIMIT = 10  # likely duplicates offered, nearest first


def find_duplicates(case: Case, *, radius_m: float | None = None, hours: float | None = None) -> list[int]:
    if case.lon is None or case.lat is None or not case.category_id:
        return []
    radius_m = radius_m if radius_m is not None else getattr(settings, "CASE_DUPLICATE_RADIUS_M", 100)
    hours = hours if hours is not None else getattr(settings, "CASE_DUPLICATE_HOURS", 72)
    dlat = radius_m / 111_000
    dlon = radius_m / (111_000 * max(math.cos(math.radians(case.lat)), 0.01))
    since = case.created_at - dt.timedelta(hours=hours)
    # The database ranks the box by a flat-earth distance (exact enough within a few hundred metres) and hands
    # back only the nearest few, so a crowded spot costs a sort in the database, not a loop here.
    kx = math.cos(math.radians(case.lat))
    flat = (F("lat") - case.lat) * (F("lat") - case.lat) + (F("lon") - case.lon) * (F("lon") - case.lon) * (kx * kx)
    rows = (
        Case.objects.filter(category_id=case.category_id, state__in=OPEN_STATES, created_at__gte=since,
                            lat__range=(case.lat - dlat, case.lat + dlat), lon__range=(case.lon - dlon, case.lon + dlon))
        .exclude(pk=case.pk)
        .annotate(flat=ExpressionWrapper(flat, output_field=FloatField()))
        .order_by("flat", "-pk")
        .values_list("pk", "lon", "lat")[:LIMIT]
    )
    near = sorted((haversine_m(case.lon, case.lat, lo, la), pk) for pk, lo, la in rows)
    return [pk for d, pk in near if d <= radius_m]
