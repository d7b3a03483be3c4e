"""巡查: each grid is walked twice a day (rounds `SUPERVISION_PATROL_ROUNDS`, by default 上午 08:00–12:00 and 下午
14:00–18:00 local time). From the grid workers' check-ins (`cases.PatrolCheckin`, made on the phone with the
position), their tracks (`TrackPoint`: the phone's positions while a patrol is on, sent in batches) and the grid's
patrol points: a round is done when someone checked in in the grid during it or walked in it with a track,
missed otherwise; its coverage is the share of the grid's points with a check-in or a track position within their
radius during it. `grid_day` is a day of a grid for the map: its points, each worker's tracks, the check-ins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_datetime

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.cases.models import PatrolCheckin
from gridgov.core.coords import haversine_m, validate_lonlat
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import LOCAL_TZ, local, now
from gridgov.regions.locator import get_locator
from gridgov.supervision.models import PatrolPoint, TrackPoint

TRACK_BATCH = 500  # positions in one batch
TRACK_ACCURACY_M = 100  # a position less precise than this is not kept (a phone indoors, a cell-tower fix)
TRACK_GAP = dt.timedelta(minutes=10)  # a longer silence starts a new line on the map

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
    track_points: int = 0

    @property
    def done(self) -> bool:
        return self.checkins > 0 or self.track_points > 0

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
    track = list(TrackPoint.objects.filter(grid=grid, at__gte=start, at__lt=end).only("at", "lon", "lat"))
    out = []
    day = first
    while day <= last:
        for name, a, b in rounds():
            lo = dt.datetime.combine(day, a, tzinfo=LOCAL_TZ)
            hi = dt.datetime.combine(day, b, tzinfo=LOCAL_TZ)
            if hi > until:
                continue  # not over yet
            inside = [c for c in checkins if lo <= c.at < hi]
            walked = [t for t in track if lo <= t.at < hi]
            visited = [p.name for p in points
                       if any(haversine_m(lon, lat, p.lon, p.lat) <= p.radius_m
                              for lon, lat in [(c.lon, c.lat) for c in inside] + [(x.lon, x.lat) for x in walked])]
            out.append(Round(day, name, len(inside), visited, len(points), len(walked)))
        day += dt.timedelta(days=1)
    return out


def grid_summary(grid, first: dt.date, last: dt.date, *, until: dt.datetime | None = None) -> dict:
    """A grid's rounds over a period: how many were due, done and missed, and the mean coverage of the points."""
    rs = grid_rounds(grid, first, last, until=until)
    covered = [r.coverage for r in rs if r.coverage is not None]
    return {"grid": grid, "due": len(rs), "done": sum(1 for r in rs if r.done),
            "missed": [f"{r.day:%m-%d}{r.name}" for r in rs if not r.done],
            "coverage": round(sum(covered) / len(covered), 1) if covered else None}


def _moment(value, i: int) -> dt.datetime:
    """A position's time: ISO 8601 with its offset, or milliseconds since the epoch (what a phone's GPS gives)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            pass
    elif isinstance(value, str):
        try:
            at = parse_datetime(value)
        except ValueError:
            at = None
        if at is not None and at.tzinfo is not None:
            return at
    raise ApplicationError("invalid_track", f"第 {i + 1} 个位置的时间无效(须带时区的 ISO 8601 或毫秒时间戳)",
                           fields={"points": f"第 {i + 1} 个:时间无效"})


@transaction.atomic
def track_record(*, actor, points) -> dict:
    """巡查轨迹: store a batch of the phone's positions. All or nothing: one bad position refuses the batch with
    its number; positions less precise than `TRACK_ACCURACY_M` are left out (counted); one sent before is not
    stored again. Each position is placed in its grid. Returns what was stored and left out."""
    if actor is None or not jurisdiction_of(actor).has_perm("case:case:verify"):
        raise PermissionDenied("只有网格员可以上传巡查轨迹")
    if not isinstance(points, list) or not points:
        raise ApplicationError("invalid_track", "没有位置", fields={"points": "须为非空列表"})
    if len(points) > TRACK_BATCH:
        raise ApplicationError("track_too_long", f"一次最多上传 {TRACK_BATCH} 个位置", fields={"points": "过多"})
    t = now()
    rows, ignored = {}, 0
    for i, p in enumerate(points):
        if not isinstance(p, dict):
            raise ApplicationError("invalid_track", f"第 {i + 1} 个位置格式无效", fields={"points": f"第 {i + 1} 个"})
        at = _moment(p.get("at"), i)
        if not t - dt.timedelta(days=1) <= at <= t + dt.timedelta(minutes=5):
            raise ApplicationError("track_time_out_of_range", f"第 {i + 1} 个位置的时间不在最近一天内",
                                   fields={"points": f"第 {i + 1} 个:时间超出范围"})
        try:
            lon, lat = validate_lonlat(p.get("lon"), p.get("lat"))
        except ValueError as exc:
            raise ApplicationError("invalid_track", f"第 {i + 1} 个位置:{exc}",
                                   fields={"points": f"第 {i + 1} 个:{exc}"}) from None
        accuracy = p.get("accuracy")
        if accuracy is not None:
            try:
                accuracy = float(accuracy)
            except (TypeError, ValueError):
                raise ApplicationError("invalid_track", f"第 {i + 1} 个位置的精度须为数字",
                                       fields={"points": f"第 {i + 1} 个:精度无效"}) from None
            if not accuracy >= 0:
                raise ApplicationError("invalid_track", f"第 {i + 1} 个位置的精度须为非负数",
                                       fields={"points": f"第 {i + 1} 个:精度无效"})
            if accuracy > TRACK_ACCURACY_M:
                ignored += 1
                continue
        at = at.replace(microsecond=at.microsecond // 1000 * 1000)
        rows[at] = (round(lon, 7), round(lat, 7), None if accuracy is None else round(accuracy))
    locator = get_locator()
    objs = []
    for at, (lon, lat, accuracy) in rows.items():
        located = locator.locate(lon, lat, with_nearest=False)
        objs.append(TrackPoint(user=actor, at=at, lon=lon, lat=lat, accuracy_m=accuracy,
                               grid_id=located.grid.id if located.grid else None))
    before = TrackPoint.objects.filter(user=actor, at__in=list(rows)).count()
    TrackPoint.objects.bulk_create(objs, ignore_conflicts=True)
    return {"stored": len(objs) - before, "ignored": ignored}


def grid_day(grid, day: dt.date) -> dict:
    """A grid's day for the map: its patrol points (visited in which round), each worker's tracks as lines (a
    silence over `TRACK_GAP` starts a new one), the check-ins, and the rounds."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ)
    end = start + dt.timedelta(days=1)
    rs = grid_rounds(grid, day, day, until=end)  # the round under way too, marked not over
    moment = now()
    over = {name for name, _, b in rounds() if dt.datetime.combine(day, b, tzinfo=LOCAL_TZ) <= moment}
    tracks: dict[int, dict] = {}
    for t in (TrackPoint.objects.filter(grid=grid, at__gte=start, at__lt=end).select_related("user")
              .order_by("user_id", "at")):
        who = tracks.setdefault(t.user_id, {"user": str(t.user), "lines": [], "last": None, "n": 0,
                                            "first_at": t.at, "last_at": t.at})
        if who["last"] is None or t.at - who["last"] > TRACK_GAP:
            who["lines"].append([])
        who["lines"][-1].append([round(t.lat, 6), round(t.lon, 6)])
        who["last"], who["last_at"] = t.at, t.at
        who["n"] += 1
    checkins = [{"user": str(c.user), "at": f"{local(c.at):%H:%M}", "lat": c.lat, "lon": c.lon, "note": c.note}
                for c in PatrolCheckin.objects.filter(grid=grid, at__gte=start, at__lt=end).select_related("user")
                .order_by("at")]
    points = list(PatrolPoint.objects.filter(grid=grid, is_active=True).order_by("name"))
    return {
        "grid": {"name": grid.name, "geometry": grid.geometry},
        "points": [{"name": p.name, "lat": p.lat, "lon": p.lon, "radius": p.radius_m,
                    "visited": [r.name for r in rs if p.name in r.visited]} for p in points],
        "tracks": [{"user": v["user"], "lines": v["lines"], "points": v["n"],
                    "from": f"{local(v['first_at']):%H:%M}", "to": f"{local(v['last_at']):%H:%M}"}
                   for v in tracks.values()],
        "checkins": checkins,
        "rounds": [{"name": r.name, "over": r.name in over, "done": r.done, "checkins": r.checkins,
                    "track_points": r.track_points, "coverage": r.coverage, "visited": r.visited} for r in rs],
    }
