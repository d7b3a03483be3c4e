"""热点问题: what many people are reporting at once. Recent cases are grouped by community and category, then
clustered by how alike their words are (the character-bigram cosine of `cases.duplicates`, joined to a cluster when
alike enough to its words so far); a cluster's heat counts its reports, the distinct people behind them and the
reports merged into them (each a "me too")."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from gridgov.cases.duplicates import bigrams, similarity
from gridgov.cases.models import Case, State
from gridgov.core.timeutil import now

THRESHOLD = 0.3  # how alike a report must be to a cluster's words to join it
MAX_CASES = 5000  # the most recent reports looked at


@dataclass
class HotIssue:
    community: str  # region path of the community
    category_id: int | None
    cases: list[Case] = field(default_factory=list)
    words: Counter = field(default_factory=Counter)
    reporters: set = field(default_factory=set)
    merged: int = 0

    @property
    def heat(self) -> int:
        return len(self.cases) + len(self.reporters) + self.merged

    @property
    def title(self) -> str:
        return self.cases[0].title if self.cases else ""

    @property
    def first_at(self) -> dt.datetime:
        return min(c.created_at for c in self.cases)

    @property
    def last_at(self) -> dt.datetime:
        return max(c.created_at for c in self.cases)


def _community(path: str) -> str:
    parts = [p for p in path.strip("/").split("/") if p]
    return "/" + "/".join(parts[:3]) + "/" if parts else "/"


def hot_issues(cases: QuerySet[Case], *, days: int = 7, top: int = 10, at: dt.datetime | None = None,
               threshold: float = THRESHOLD) -> list[HotIssue]:
    """The `top` hottest clusters of at least two reports among `cases` (already scoped) of the last `days`."""
    at = at or now()
    recent = (cases.filter(created_at__gte=at - dt.timedelta(days=days), created_at__lte=at)
              .exclude(state__in=[State.MERGED, State.WITHDRAWN])
              .annotate(n_merged=Count("merged_cases", distinct=True))
              .select_related("category").order_by("created_at")[:MAX_CASES])
    groups: dict[tuple[str, int | None], list[HotIssue]] = {}
    for case in recent:
        words = bigrams(f"{case.title} {case.description}")
        clusters = groups.setdefault((_community(case.region_path), case.category_id), [])
        best = max(clusters, key=lambda c: similarity(words, c.words), default=None)
        if best is None or similarity(words, best.words) < threshold:
            best = HotIssue(_community(case.region_path), case.category_id)
            clusters.append(best)
        best.cases.append(case)
        best.words.update(words)
        best.reporters.add(case.reporter_id or case.reporter_phone_hash or f"case-{case.pk}")
        best.merged += case.n_merged
    hot = [c for clusters in groups.values() for c in clusters if len(c.cases) + c.merged >= 2]
    hot.sort(key=lambda c: (-c.heat, -c.last_at.timestamp()))
    return hot[:top]
