"""Likely duplicates: open cases of the same category near the same place within a recent time window, ranked by
how alike their words are (`triage.similar`), how near and how recent."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import connection

from gridgov.cases.models import OPEN_STATES, Case
from gridgov.core.coords import haversine_m
from gridgov.triage.similar import bigrams, similarity

LIMIT = 10  # likely duplicates offered, the most likely first
POOL = 30  # the nearest candidates ranked
WEIGHTS = (0.5, 0.3, 0.2)  # words alike, nearness, recency
TABLE = Case._meta.db_table


def find_duplicates(case: Case, *, radius_m: float | None = None, hours: float | None = None) -> list[int]:
    if case.lon is None or case.lat is None or not case.category_id:
        return []
    radius_m = radius_m if radius_m is not None else getattr(settings, "CASE_DUPLICATE_RADIUS_M", 100)
    hours = hours if hours is not None else getattr(settings, "CASE_DUPLICATE_HOURS", 72)
    dlat = radius_m / 111_000
    dlon = radius_m / (111_000 * max(math.cos(math.radians(case.lat)), 0.01))
    since = case.created_at - dt.timedelta(hours=hours)
    # The database ranks the box by a flat-earth distance (exact enough within a few hundred metres) on the
    # partial index case_open_near and hands back only the nearest few: a crowded spot costs a sort in the
    # database, not a loop here. Plain SQL, as this runs on every report.
    kx2 = math.cos(math.radians(case.lat)) ** 2
    states = list(OPEN_STATES)
    sql = (f"SELECT id, lon, lat, created_at, title, description FROM {TABLE} WHERE category_id = %s AND state IN ({', '.join(['%s'] * len(states))})"
           " AND created_at >= %s AND lat BETWEEN %s AND %s AND lon BETWEEN %s AND %s AND id <> %s"
           " ORDER BY (lat - %s) * (lat - %s) + (lon - %s) * (lon - %s) * %s, id DESC LIMIT %s")
    params = [case.category_id, *states, connection.ops.adapt_datetimefield_value(since), case.lat - dlat,
              case.lat + dlat, case.lon - dlon, case.lon + dlon, case.pk or 0, case.lat, case.lat, case.lon, case.lon, kx2, POOL]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    words = bigrams(f"{case.title} {case.description}")
    window = hours * 3600
    ranked = []
    for pk, lo, la, created, title, description in rows:
        d = haversine_m(case.lon, case.lat, lo, la)
        if d > radius_m:
            continue
        created = created if isinstance(created, dt.datetime) else dt.datetime.fromisoformat(str(created))
        if created.tzinfo is None:
            created = created.replace(tzinfo=dt.UTC)
        age = max(0.0, (case.created_at - created).total_seconds())
        score = (WEIGHTS[0] * similarity(words, bigrams(f"{title} {description}"))
                 + WEIGHTS[1] * (1 - d / radius_m if radius_m else 1) + WEIGHTS[2] * (1 - min(age / window, 1)))
        ranked.append((-score, d, -pk))
    return [-neg_pk for _s, _d, neg_pk in sorted(ranked)[:LIMIT]]
