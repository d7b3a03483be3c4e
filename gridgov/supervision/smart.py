"""智慧小区 1–5 星: a compound's stars from the configured criteria (admin 智慧小区标准, seeded with ten) it meets, as
checked on site by the center or the grid chief (核查, with a note; each check in the supervision timeline). Score =
points met / points of the active criteria × 100; stars from `SMART_COMPOUND_STARS` (score thresholds for ★5, ★4,
★3, ★2; below the last, ★1). A criterion never checked counts as not met; a criterion retired stops counting."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.timeutil import now
from gridgov.supervision import access, events
from gridgov.supervision.models import Compound, SmartCheck, SmartCriterion

DEFAULT_STARS = (90, 75, 60, 40)


def thresholds() -> tuple[int, ...]:
    return tuple(getattr(settings, "SMART_COMPOUND_STARS", DEFAULT_STARS))


def stars_of(score: float) -> int:
    for stars, threshold in zip((5, 4, 3, 2), thresholds(), strict=False):
        if score >= threshold:
            return stars
    return 1


def ratings(compounds) -> dict[int, dict]:
    """compound id → {"score", "stars", "met": [criterion names], "missing": [...], "checked_at"} for the
    compounds given, in two queries."""
    criteria = list(SmartCriterion.objects.filter(is_active=True))
    total = sum(c.points for c in criteria) or 1
    ids = [c.pk for c in compounds]
    checks: dict[int, dict[int, SmartCheck]] = {}
    for ch in SmartCheck.objects.filter(compound_id__in=ids, criterion__in=criteria):
        checks.setdefault(ch.compound_id, {})[ch.criterion_id] = ch
    out = {}
    for cid in ids:
        mine = checks.get(cid, {})
        met = [c for c in criteria if mine.get(c.pk) is not None and mine[c.pk].met]
        score = round(sum(c.points for c in met) * 100 / total, 1)
        out[cid] = {"score": score, "stars": stars_of(score), "met": [c.name for c in met],
                    "missing": [c.name for c in criteria if c not in met],
                    "checked_at": max((ch.checked_at for ch in mine.values()), default=None)}
    return out


@transaction.atomic
def smart_check(*, actor, compound: Compound, met: dict[str, bool], notes: dict[str, str] | None = None) -> dict:
    """核查 a compound against the criteria named in `met` (code → met or not); the others keep their last check.
    Refused as a whole when a code is unknown or retired; returns the compound's new rating."""
    j = jurisdiction_of(actor)
    if not j.covers(access.MANAGE, compound.region_path):
        raise NotFound("小区不存在或不在您的管辖范围内")
    if not met:
        raise ApplicationError("nothing_checked", "请逐项核查后提交", fields={"met": "必填"})
    criteria = {c.code: c for c in SmartCriterion.objects.filter(is_active=True)}
    unknown = sorted(set(met) - set(criteria))
    if unknown:
        raise ApplicationError("unknown_criterion", f"没有这些标准:{'、'.join(unknown)}", fields={"met": "取值无效"})
    t = now()
    notes = notes or {}
    for code, value in met.items():
        SmartCheck.objects.update_or_create(
            compound=compound, criterion=criteria[code],
            defaults={"met": bool(value), "note": str(notes.get(code, ""))[:200], "checked_by": actor,
                      "checked_at": t})
    rating = ratings([compound])[compound.pk]
    events.smart_checked(compound, actor=actor, met=met, score=rating["score"], stars=rating["stars"], at=t)
    return rating
