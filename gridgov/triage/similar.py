"""How alike two texts are, and grouping alike texts: bags of character bigrams compared by cosine — cheap enough
for every report, no model needed. Used by the likely duplicates of a new report and by 热点问题 (hot issues)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

TEXT_CHARS = 300  # the beginning of a report says what it is about; comparing more only costs time
_NOT_TEXT = re.compile(r"[\W_]+")


def bigrams(text: str) -> Counter:
    t = _NOT_TEXT.sub("", (text or "")[:TEXT_CHARS])
    return Counter(t[i:i + 2] for i in range(len(t) - 1)) if len(t) > 1 else Counter(t)


def similarity(a: Counter, b: Counter) -> float:
    """Cosine of two bag-of-bigrams (0: nothing in common, 1: the same words)."""
    if not a or not b:
        return 0.0
    dot = sum(n * b[g] for g, n in a.items() if g in b)
    return dot / math.sqrt(sum(n * n for n in a.values()) * sum(n * n for n in b.values()))


@dataclass
class Cluster:
    key: Hashable  # what its items share (a place, a category …)
    items: list = field(default_factory=list)
    words: Counter = field(default_factory=Counter)
    first_at: dt.datetime | None = None
    last_at: dt.datetime | None = None


def cluster(items: Iterable[Any], *, key: Callable[[Any], Hashable], text: Callable[[Any], str],
            at: Callable[[Any], dt.datetime], threshold: float = 0.3,
            window: dt.timedelta | None = None) -> list[Cluster]:
    """Items (oldest first) with the same key join the cluster whose words are most alike theirs when at least
    `threshold` alike (and, with a `window`, within it of the cluster's first item); else they start one."""
    groups: dict[Hashable, list[Cluster]] = {}
    for item in items:
        words, when = bigrams(text(item)), at(item)
        open_ = [c for c in groups.setdefault(key(item), [])
                 if window is None or c.first_at is None or when - c.first_at <= window]
        scored = [(similarity(words, c.words), c) for c in open_]
        best = max(scored, key=lambda sc: sc[0], default=(0.0, None))
        target = best[1] if best[1] is not None and best[0] >= threshold else None
        if target is None:
            target = Cluster(key(item))
            groups[key(item)].append(target)
        target.items.append(item)
        target.words.update(words)
        target.first_at = when if target.first_at is None else min(target.first_at, when)
        target.last_at = when if target.last_at is None else max(target.last_at, when)
    return [c for clusters in groups.values() for c in clusters]
