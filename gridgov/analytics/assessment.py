"""考核: grid workers, full-time community workers and communities assessed for a month from the data — never typed
in — plus the manual items (`supervision.Adjustment`, with appeal). A grid worker: the cases they found (reported
themselves), the share of their grid's cases closed on time, the patrol rounds done, the residents' satisfaction
with their grid's cases, the care check-ins they made. A community worker (专职社区工作者: the community's staff in
`community_roles`): the cases they worked on, the community's cases closed on time and its satisfaction, how soon
its residents' matters (我要办事) were first answered, their care check-ins, the disputes they mediated to an
agreement. A community: the mean of its grids' scores and its own items, as 1–5 stars (评星定级). Each component is
shown with its figure and points; the weights are settings (`ASSESSMENT`)."""

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
    # 专职社区工作者
    "community_roles": ["center_dispatcher", "grid_chief"],
    "handled_each": 1, "handled_max": 20,  # 事件办理: a point per case they worked on (a timeline row), at most 20
    "community_on_time_max": 25,  # the community's 按期办结率 × 25
    "community_satisfaction_max": 20,  # the community's 满意度 / 5 × 20 (no rated case: full marks)
    "reply_minutes": 60, "reply_max": 15,  # 办事回复: share of the month's matters first answered within 60 min × 15
    "community_care_each": 0.5, "community_care_max": 10,  # 关爱走访
    "resolved_each": 2, "resolved_max": 10,  # 矛盾化解: 2 points per dispute they mediated that was resolved
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
    closed = _closed_figures(grid.path, start, end)
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
    return _scored(user, grid, parts, _adjustments(month, user=user, region=grid))


def _scored(user, region, parts: list, items: list) -> dict:
    total = sum(p for _, _, p in parts) + sum(a.points for a in items)
    return {"user": user, "grid": region, "region": region, "parts": [{"name": n, "figure": f, "points": round(p, 1)} for n, f, p in parts],
            "adjustments": items, "total": round(max(0.0, min(100.0, total)), 1)}


def _closed_figures(path: str, start: dt.datetime, end: dt.datetime) -> dict:
    return Case.objects.filter(region_path__startswith=path, state="closed", closed_at__gte=start,
                               closed_at__lt=end).aggregate(
        n=Count("pk"), on_time=Count("pk", filter=Q(handle_due_at__isnull=True) | Q(closed_at__lte=F("handle_due_at"))),
        satisfaction=Avg("satisfaction", filter=Q(satisfaction__isnull=False)))


def community_worker(user, community, month: str) -> dict:
    """One full-time community worker's month (their community's figures, their own work), like `worker`."""
    from gridgov.cases.models import CaseEvent
    from gridgov.mediation.models import Dispute
    from gridgov.portal.models import ChatMessage, Conversation

    w = weights()
    start, end = month_bounds(month)
    handled = (CaseEvent.objects.filter(actor=user, at__gte=start, at__lt=end,
                                        case__region_path__startswith=community.path)
               .values("case_id").distinct().count())
    closed = _closed_figures(community.path, start, end)
    on_time = closed["on_time"] / closed["n"] if closed["n"] else 1.0
    satisfaction = closed["satisfaction"]
    matters = list(Conversation.objects.filter(region=community, created_at__gte=start, created_at__lt=end)
                   .values_list("pk", "created_at", "first_reply_at"))
    limit = dt.timedelta(minutes=w["reply_minutes"])
    soon = sum(1 for _, at, first in matters if first is not None and first - at <= limit)
    first_by = {}
    for conversation_id, author_id in (ChatMessage.objects.filter(conversation_id__in=[m[0] for m in matters],
                                                                  from_staff=True)
                                       .order_by("at", "pk").values_list("conversation_id", "author_id")):
        first_by.setdefault(conversation_id, author_id)
    mine = sum(1 for a in first_by.values() if a == user.pk)
    reply_rate = soon / len(matters) if matters else 1.0
    care = CheckIn.objects.filter(user=user, at__gte=start, at__lt=end).count()
    resolved = Dispute.objects.filter(mediator=user, closed_at__gte=start, closed_at__lt=end, resolved=True).count()
    parts = [
        ("事件办理", f"{handled} 件", min(w["handled_max"], handled * w["handled_each"])),
        ("按期办结", f"{round(on_time * 100, 1)}%(社区 {closed['n']} 件办结)", w["community_on_time_max"] * on_time),
        ("群众满意", f"{satisfaction:.1f} 分" if satisfaction else "暂无评价",
         w["community_satisfaction_max"] * (satisfaction / 5 if satisfaction else 1.0)),
        ("办事回复", f"{soon}/{len(matters)} 件 {w['reply_minutes']} 分钟内回复(本人首复 {mine} 件)" if matters
         else "本月无办事", w["reply_max"] * reply_rate),
        ("关爱走访", f"{care} 次", min(w["community_care_max"], care * w["community_care_each"])),
        ("矛盾化解", f"{resolved} 件", min(w["resolved_max"], resolved * w["resolved_each"])),
    ]
    return _scored(user, community, parts, _adjustments(month, user=user, region=community))


def assessed(user) -> bool:
    """Whether the user is assessed: a grid worker, or a community worker of a community."""
    from gridgov.regions.models import Level

    return Membership.objects.filter(user=user, is_active=True).filter(
        Q(role__code=RoleCode.GRID_WORKER)
        | Q(role__code__in=weights()["community_roles"], region__level=Level.COMMUNITY)).exists()


def community_workers(communities, month: str) -> list[dict]:
    """The full-time community workers of these communities (`community_roles`), best first."""
    rows, seen = [], set()
    for m in (Membership.objects.filter(region__in=communities, role__code__in=weights()["community_roles"],
                                        is_active=True, user__is_active=True)
              .select_related("user", "region").order_by("region__path", "user_id")):
        if (m.user_id, m.region_id) not in seen:
            seen.add((m.user_id, m.region_id))
            rows.append(community_worker(m.user, m.region, month))
    return sorted(rows, key=lambda r: -r["total"])


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
