"""巡查: each grid is walked twice a day (rounds `SUPERVISION_PATROL_ROUNDS`, by default 上午 08:00–12:00 and 下午
14:00–18:00 local time). From the grid workers' check-ins (`cases.PatrolCheckin`, made on the phone with the
position) and the grid's patrol points: a round is done when someone checked in in the grid during it, missed
otherwise; its coverage is the share of the grid's points with a check-in within their radius during it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from gridgov.cases.models import PatrolCheckin
from gridgov.core.coords import haversine_m
from gridgov.core.timeutil import LOCAL_TZ, now
from gridgov.supervision.models import PatrolPoint

DEFAULT_ROUNDS = (("上午", "08:00", "12:00"), ("下午", "14:00", "18:00"))


def rounds() -> tuple[tuple[str, dt.time, dt.time], ...]:
    configured = getattr(settings, "SUPERVISION_PATROL_ROUNDS", DEFAULT_ROUNDS)
    return tuple((name, dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for name, a, b in configured)


@dataclass
class Round:
    day: dt.date
    name: str
    checkins: int
    visited: list[str]
    points: int

    @property
    def done(self) -> bool:
        return self.checkins > 0

    @property
    def coverage(self) -> float | None:
        return round(len(self.visited) * 100 / self.points, 1) if self.points else None


def grid_rounds(grid, first: dt.date, last: dt.date, *, until: dt.datetime | None = None) -> list[Round]:
    """Every round of every day from `first` to `last` (inclusive) in a grid that has ended by `until` (now)."""
    until = until or now()
    points = list(PatrolPoint.objects.filter(grid=grid, is_active=True))
    start = dt.datetime.combine(first, dt.time(), tzinfo=LOCAL_TZ)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TZ)
    checkins = list(PatrolCheckin.objects.filter(grid=grid, at__gte=start, at__lt=end).only("at", "lon", "lat"))
    out = []
    day = first
    while day <= last:
        for name, a, b in rounds():
            lo = dt.datetime.combine(day, a, tzinfo=LOCAL_TZ)
            hi = dt.datetime.combine(day, b, tzinfo=LOCAL_TZ)
            if hi > until:
                continue  # not over yet
            inside = [c for c in checkins if lo <= c.at < hi]
            visited = [p.name for p in points
                       if any(haversine_m(c.lon, c.lat, p.lon, p.lat) <= p.radius_m for c in inside)]
            out.append(Round(day, name, len(inside), visited, len(points)))
        day += dt.timedelta(days=1)
    return out


def grid_summary(grid, first: dt.date, last: dt.date, *, until: dt.datetime | None = None) -> dict:
    """A grid's rounds over a period: how many were due, done and missed, and the mean coverage of the points."""
    rs = grid_rounds(grid, first, last, until=until)
    covered = [r.coverage for r in rs if r.coverage is not None]
    return {"grid": grid, "due": len(rs), "done": sum(1 for r in rs if r.done),
            "missed": [f"{r.day:%m-%d}{r.name}" for r in rs if not r.done],
            "coverage": round(sum(covered) / len(covered), 1) if covered else None}
