"""热点问题: what many people are reporting at once. Recent cases are grouped by community and category and clustered
by how alike their words are (`triage.similar`); a cluster's heat counts its reports, the distinct people behind
them and the reports merged into them (each a "me too")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from gridgov.cases.models import Case, State
from gridgov.core.timeutil import now
from gridgov.triage.similar import cluster

THRESHOLD = 0.3  # how alike a report must be to a cluster's words to join it
MAX_CASES = 5000  # the most recent reports looked at
HOT_FIELDS = ("id", "title", "description", "region_path", "category", "created_at", "reporter_id",
              "reporter_phone_hash", "state", "category__code", "category__name")


@dataclass
class HotIssue:
    community: str  # region path of the community
    cases: list[Case]
    reporters: set
    merged: int
    first_at: dt.datetime
    last_at: dt.datetime

    @property
    def heat(self) -> int:
        return len(self.cases) + len(self.reporters) + self.merged

    @property
    def title(self) -> str:
        return self.cases[0].title if self.cases else ""


def _community(path: str) -> str:
    parts = [p for p in path.strip("/").split("/") if p]
    return "/" + "/".join(parts[:3]) + "/" if parts else "/"


def hot_issues(cases: QuerySet[Case], *, days: int = 7, top: int = 10, at: dt.datetime | None = None,
               threshold: float = THRESHOLD) -> list[HotIssue]:
    """The `top` hottest clusters of at least two reports among `cases` (already scoped) of the last `days`."""
    at = at or now()
    # The columns clustering and the pages read (a district's week: 1,600 cases; whole rows cost twice the time),
    # the merged reports counted in an aggregate subquery (no GROUP BY over every column of every case).
    merged_in = (Case.objects.filter(merged_into=OuterRef("pk")).order_by().values("merged_into")
                 .annotate(n=Count("id")).values("n"))
    recent = (cases.filter(created_at__gte=at - dt.timedelta(days=days), created_at__lte=at)
              .exclude(state__in=[State.MERGED, State.WITHDRAWN])
              .annotate(n_merged=Coalesce(Subquery(merged_in), 0))
              .select_related(None).select_related("category").only(*HOT_FIELDS).order_by("created_at")[:MAX_CASES])
    clusters = cluster(recent, key=lambda c: (_community(c.region_path), c.category_id),
                       text=lambda c: f"{c.title} {c.description}", at=lambda c: c.created_at, threshold=threshold)
    hot = []
    for c in clusters:
        items: list[Case] = c.items
        merged = sum(getattr(x, "n_merged", 0) for x in items)  # annotated above
        if len(items) + merged < 2:
            continue
        reporters = {x.reporter_id or x.reporter_phone_hash or f"case-{x.pk}" for x in items}
        key: tuple[str, int | None] = c.key  # type: ignore[assignment]  # (community, category id), as keyed above
        hot.append(HotIssue(key[0], items, reporters, merged, c.first_at or at, c.last_at or at))
    hot.sort(key=lambda h: (-h.heat, -h.last_at.timestamp()))
    return hot[:top]
