"""积分统计 over the accounts an officer may see, for a period: points issued by item (less reversals), spent by
reward (less refunds), expired; the top contributors; volunteers by kind, how many are verified and how many
earned in the period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, Sum

from gridgov.core.errors import ApplicationError
from gridgov.points import access
from gridgov.points.models import Transfer, TransferKind, VolunteerKind, VolunteerState

TOP = 10


def points_stats(*, actor, start: dt.datetime, end: dt.datetime) -> dict:
    if end <= start:
        raise ApplicationError("invalid_period", "结束时间须晚于开始时间", fields={"end": "须晚于开始"})
    accounts = access.visible_accounts(actor)
    ids = list(accounts.values_list("pk", flat=True))
    period = Transfer.objects.filter(at__gte=start, at__lt=end)
    mine = Q(destination_id__in=ids) | Q(source_id__in=ids)

    by_item = _net(period.filter(kind=TransferKind.AWARD, destination_id__in=ids), "item__name",
                   period.filter(kind=TransferKind.REVERSAL, source_id__in=ids), "item__name")
    by_reward = _net(period.filter(kind=TransferKind.SPEND, source_id__in=ids), "redemption__reward__name",
                     period.filter(kind=TransferKind.REFUND, destination_id__in=ids),
                     "reverses__redemption__reward__name")

    totals = {k: period.filter(mine, kind=k).aggregate(s=Sum("amount"))["s"] or 0 for k in TransferKind.values}
    earned: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # account → [net points, awards]
    for plus in (period.filter(kind=TransferKind.AWARD, destination_id__in=ids).values("destination")
                 .annotate(s=Sum("amount"), n=Count("id"))):
        earned[plus["destination"]] = [plus["s"], plus["n"]]
    for minus in period.filter(kind=TransferKind.REVERSAL, source_id__in=ids).values("source").annotate(
            s=Sum("amount"), n=Count("id")):
        earned[minus["source"]][0] -= minus["s"]
        earned[minus["source"]][1] -= minus["n"]
    best = sorted(((v[0], v[1], k) for k, v in earned.items() if v[0] > 0), key=lambda r: (-r[0], r[2]))[:TOP]
    names = {a.pk: a for a in accounts.filter(pk__in=[k for _s, _n, k in best]).select_related("user")}
    top = [{"name": str(names[k]), "points": s, "count": n, "balance": names[k].balance} for s, n, k in best]

    volunteers = access.visible_volunteers(actor)
    active = set(period.filter(kind=TransferKind.AWARD, destination_id__in=ids)
                 .values_list("destination__user_id", flat=True).distinct())
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"registered": 0, "verified": 0, "active": 0})
    for kind, state, user_id in volunteers.values_list("kind", "state", "user_id"):  # one query for all kinds
        c = counts[kind]
        c["registered"] += 1
        if state == VolunteerState.VERIFIED:
            c["verified"] += 1
            c["active"] += user_id in active
    kinds = [{"kind": value, "name": str(label), **counts[value]} for value, label in VolunteerKind.choices
             if value in counts]
    return {"start": start, "end": end,
            "issued": totals[TransferKind.AWARD] - totals[TransferKind.REVERSAL],
            "spent": totals[TransferKind.SPEND] - totals[TransferKind.REFUND],
            "expired": totals[TransferKind.EXPIRE],
            "balance": accounts.aggregate(s=Sum("balance"))["s"] or 0,
            "by_item": by_item, "by_reward": by_reward, "top": top, "volunteers": kinds,
            "flagged": [{"name": str(a), "reason": a.flagged, "balance": a.balance}
                        for a in accounts.exclude(flagged="").select_related("user").order_by("-updated_at")[:50]],
            "waiting": {"volunteers": volunteers.filter(state=VolunteerState.APPLIED).count(),
                        "claims": access.visible_claims(actor).filter(state="submitted").count(),
                        "redemptions": access.visible_redemptions(actor).filter(state="reserved").count()}}


def _net(plus, plus_name: str, minus, minus_name: str) -> list[dict]:
    """Count and points per name: the movements of `plus` less those of `minus` (awards less reversals, spends
    less refunds); names that come to nothing are left out, the most points first."""
    out: dict[str, dict] = defaultdict(lambda: {"count": 0, "points": 0})
    for sign, qs, name in ((1, plus, plus_name), (-1, minus, minus_name)):
        for row in qs.values(name).annotate(n=Count("id"), s=Sum("amount")):
            r = out[row[name] or "其他"]
            r["count"] += sign * row["n"]
            r["points"] += sign * row["s"]
    return sorted(({"name": k, **v} for k, v in out.items() if v["count"] or v["points"]),
                  key=lambda r: (-r["points"], r["name"]))
