"""考核: grid workers and communities assessed for a month from the data — never typed in — plus the manual items
(`supervision.Adjustment`, with appeal). A grid worker: the cases they found (reported themselves), the share of
their grid's cases closed on time, the patrol rounds done, the residents' satisfaction with their grid's cases,
the care check-ins they made; a community: the mean of its grids' scores and its own items, as 1–5 stars
(评星定级). Each component is shown with its figure and points; the weights are settings (`ASSESSMENT`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Avg, Count, F, Q

from gridgov.accounts.models import Membership, RoleCode
from gridgov.care.models import CheckIn
from gridgov.cases.models import Case, Channel
from gridgov.core.timeutil import month_bounds, now
from gridgov.supervision.models import Adjustment, AdjustmentState, PatrolPoint
from gridgov.supervision.patrol import grid_summary

DEFAULTS = {
    "found_each": 1, "found_max": 20,  # 发现上报: a point per case reported, at most 20
    "on_time_max": 30,  # 按期办结率 × 30
    "patrol_max": 20,  # 巡查完成率 × 20 (grids without patrol points: full marks)
    "satisfaction_max": 20,  # 满意度 (1–5) / 5 × 20 (no rated case: full marks)
    "care_each": 0.5, "care_max": 10,  # 关爱走访: half a point per check-in, at most 10
    "stars": [90, 80, 70, 60],  # ★5 from 90, ★4 from 80 …, else ★1
}


def weights() -> dict:
    return {**DEFAULTS, **getattr(settings, "ASSESSMENT", {})}


def _adjustments(month: str, **where) -> list[Adjustment]:
    return list(Adjustment.objects.filter(month=month, state__in=[AdjustmentState.EFFECTIVE, AdjustmentState.APPEALED],
                                          **where).order_by("created_at"))


def worker(user, grid, month: str, *, at: dt.datetime | None = None) -> dict:
    """One grid worker's month: each component's figure and points, the manual items, the total."""
    w = weights()
    start, end = month_bounds(month)
    found = Case.objects.filter(reporter=user, channel=Channel.GRID_WORKER, created_at__gte=start,
                                created_at__lt=end).count()
    closed = Case.objects.filter(region_path__startswith=grid.path, state="closed", closed_at__gte=start,
                                 closed_at__lt=end).aggregate(
        n=Count("pk"), on_time=Count("pk", filter=Q(handle_due_at__isnull=True) | Q(closed_at__lte=F("handle_due_at"))),
        satisfaction=Avg("satisfaction", filter=Q(satisfaction__isnull=False)))
    on_time = closed["on_time"] / closed["n"] if closed["n"] else 1.0
    last_day = min((end - dt.timedelta(days=1)).date(), (at or now()).date())
    has_points = PatrolPoint.objects.filter(grid=grid, is_active=True).exists()
    patrol = grid_summary(grid, start.date(), last_day, until=at) if has_points and last_day >= start.date() else None
    patrol_rate = patrol["done"] / patrol["due"] if patrol and patrol["due"] else 1.0
    satisfaction = closed["satisfaction"]
    care = CheckIn.objects.filter(user=user, at__gte=start, at__lt=end).count()
    parts = [
        ("发现上报", f"{found} 件", min(w["found_max"], found * w["found_each"])),
        ("按期办结", f"{round(on_time * 100, 1)}%({closed['n']} 件办结)", w["on_time_max"] * on_time),
        ("巡查完成", f"{round(patrol_rate * 100, 1)}%({patrol['done']}/{patrol['due']} 轮)" if patrol else "未设巡查点",
         w["patrol_max"] * patrol_rate),
        ("群众满意", f"{satisfaction:.1f} 分" if satisfaction else "暂无评价",
         w["satisfaction_max"] * (satisfaction / 5 if satisfaction else 1.0)),
        ("关爱走访", f"{care} 次", min(w["care_max"], care * w["care_each"])),
    ]
    items = _adjustments(month, user=user)
    total = sum(p for _, _, p in parts) + sum(a.points for a in items)
    return {"user": user, "grid": grid, "parts": [{"name": n, "figure": f, "points": round(p, 1)} for n, f, p in parts],
            "adjustments": items, "total": round(max(0.0, min(100.0, total)), 1)}


def workers(grids, month: str) -> list[dict]:
    """The grid workers of these grids, best first."""
    rows = []
    for m in (Membership.objects.filter(region__in=grids, role__code=RoleCode.GRID_WORKER, is_active=True)
              .select_related("user", "region").order_by("region__path", "user_id")):
        rows.append(worker(m.user, m.region, month))
    return sorted(rows, key=lambda r: -r["total"])


def stars_of(score: float) -> int:
    for stars, threshold in zip((5, 4, 3, 2), weights()["stars"], strict=False):
        if score >= threshold:
            return stars
    return 1


def communities(communities_qs, month: str, *, scored: list[dict] | None = None) -> list[dict]:
    """评星定级: each community's grids' mean score plus its own items, as stars. `workers` (the rows of
    `workers()` for their grids), when the caller has them already, are reused rather than computed again."""
    from gridgov.regions.models import Level, Region

    by_grid: dict[int, list[dict]] | None = None
    if scored is not None:
        by_grid = {}
        for r in scored:
            by_grid.setdefault(r["grid"].pk, []).append(r)
    rows = []
    for c in communities_qs:
        grids = list(Region.objects.filter(parent=c, level=Level.GRID, is_active=True))
        rated = ([r for g in grids for r in by_grid.get(g.pk, [])] if by_grid is not None
                 else workers(grids, month))
        base = sum(r["total"] for r in rated) / len(rated) if rated else 0.0
        items = _adjustments(month, region=c, user__isnull=True)
        score = round(max(0.0, min(100.0, base + sum(a.points for a in items))), 1)
        stars = stars_of(score)
        rows.append({"community": c, "workers": len(rated), "base": round(base, 1), "adjustments": items,
                     "score": score, "stars": stars, "stars_text": "★" * stars + "☆" * (5 - stars)})
    return sorted(rows, key=lambda r: -r["score"])
