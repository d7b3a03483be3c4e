"""Category suggestion from the words of a report: the category whose name and keywords match best.
(A trained classifier belongs to the triage module; this keyword match is the fallback it improves on.)"""

from __future__ import annotations

from gridgov.cases.models import Category


def suggest_category(text: str) -> Category | None:
    text = (text or "").strip()
    if not text:
        return None
    best, best_score = None, 0
    for c in Category.objects.filter(is_active=True, parent__isnull=False).only("code", "name", "keywords"):
        words = [w for w in (c.keywords or "").split() if w] + [c.name]
        score = sum(len(w) for w in words if w in text)
        if score > best_score:
            best, best_score = c, score
    return best
