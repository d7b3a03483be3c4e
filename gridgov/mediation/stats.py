"""People's mediation statistics for a period (the 人民调解工作月报 and the leaders' 化解率), over the disputes the
actor may see:

- 受理数 accepted: disputes taken on (受理) in the period; 化解成功数 resolved: of those, the ones with an agreement
  by the period's end; 化解率 resolution_rate = resolved / accepted (as in the KPI API).
- 调结数 concluded: mediations that ended in the period, 调解成功 agreed (an agreement made in it) or 调解未成
  failed; 调解成功率 success_rate = agreed / concluded. Written and oral agreements, 协议涉及金额 (their sum).
- 防止民转刑 and 防止群体性上访: agreements of the period marked so, in cases (件) and people involved (人).
- 移交: hand-overs in the period by where they went (court, police, petition office).
- The mix of sources (each 案件来源, and the report's three groups 主动调解 / 当事人申请 / 委托移送), and the counts by
  the 司法部 15 categories and by GB/T 31000 大类 (the type's `moj_category` is the mapping), and by region (the
  towns, or a town's communities when the actor's whole view is inside one town).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Q

from gridgov.core.errors import ApplicationError
from gridgov.mediation.models import DisputeType, MojCategory, Source, State

# 案件来源 as the monthly report groups them
SOURCE_GROUPS = (
    ("主动调解", (Source.INITIATIVE, Source.CASE)),
    ("当事人申请", (Source.APPLICATION,)),
    ("委托移送", (Source.POLICE, Source.COURT, Source.PETITION, Source.PROCURATORATE, Source.GOVERNMENT)),
)
HAND_OVER_TO = (("court", "人民法院"), ("police", "公安机关"), ("petition", "信访部门"))


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _region_key(path: str, depth: int) -> str:
    codes = [c for c in path.strip("/").split("/") if c]
    return codes[depth - 1] if len(codes) >= depth else ""


def dispute_stats(*, actor, start: dt.datetime, end: dt.datetime) -> dict:
    from gridgov.mediation.access import visible_disputes
    from gridgov.regions.models import Region

    if end <= start:
        raise ApplicationError("invalid_period", "结束时间须晚于开始时间", fields={"end": "须晚于开始"})
    seen = visible_disputes(actor)
    cols = ["id", "source", "state", "region_path", "people_involved", "agreement_kind", "agreement_amount",
            "accepted_at", "agreed_at", "closed_at", "resolved", "prevented_crime", "prevented_petition", "handed_to",
            "dispute_type__code", "dispute_type__moj_category"]
    accepted = list(seen.filter(accepted_at__gte=start, accepted_at__lt=end).values(*cols))
    concluded = list(seen.filter(Q(agreed_at__gte=start, agreed_at__lt=end)
                                 | Q(state=State.FAILED, closed_at__gte=start, closed_at__lt=end)).values(*cols))
    handed = list(seen.filter(state=State.HANDED_OVER, closed_at__gte=start, closed_at__lt=end)
                  .values_list("handed_to", flat=True))

    def resolved_by_end(d: dict) -> bool:
        return d["agreed_at"] is not None and d["agreed_at"] < end

    agreed = [d for d in concluded if d["agreed_at"] is not None and start <= d["agreed_at"] < end]
    failed = [d for d in concluded if d["state"] == State.FAILED]
    resolved = [d for d in accepted if resolved_by_end(d)]

    # by region: the towns, or the communities when everything the actor sees is in one town
    paths = {d["region_path"] for d in accepted + concluded}
    towns = {_region_key(p, 2) for p in paths}
    depth = 3 if len(towns) == 1 and "" not in towns else 2
    regions: dict[str, dict] = defaultdict(lambda: {"accepted": 0, "resolved": 0, "agreed": 0, "failed": 0,
                                                    "amount": Decimal("0.00")})
    for d in accepted:
        r = regions[_region_key(d["region_path"], depth)]
        r["accepted"] += 1
        r["resolved"] += resolved_by_end(d)
    for d in agreed:
        r = regions[_region_key(d["region_path"], depth)]
        r["agreed"] += 1
        r["amount"] += d["agreement_amount"] or 0
    for d in failed:
        regions[_region_key(d["region_path"], depth)]["failed"] += 1
    names = dict(Region.objects.filter(code__in=[k for k in regions if k]).values_list("code", "name"))
    by_region = [{"code": k, "name": names.get(k, "未落入网格") if k else "区直属(未落入网格)", **v,
                  "resolution_rate": _ratio(v["resolved"], v["accepted"]),
                  "success_rate": _ratio(v["agreed"], v["agreed"] + v["failed"]), "amount": str(v["amount"])}
                 for k, v in sorted(regions.items())]

    sources = Counter(d["source"] for d in accepted)
    moj_acc, moj_agreed, moj_failed = (Counter(d["dispute_type__moj_category"] for d in rows)
                                       for rows in (accepted, agreed, failed))
    gb_acc, gb_agreed = (Counter(d["dispute_type__code"][:2] for d in rows) for rows in (accepted, agreed))
    gb_names = dict(DisputeType.objects.filter(parent__isnull=True).values_list("code", "name"))

    def prevented(flag: str) -> dict:
        rows = [d for d in agreed if d[flag]]
        return {"cases": len(rows), "people": sum(d["people_involved"] for d in rows)}

    handed_count = Counter(handed)
    return {
        "start": start, "end": end,
        "accepted": len(accepted), "resolved": len(resolved), "resolution_rate": _ratio(len(resolved), len(accepted)),
        "concluded": len(agreed) + len(failed), "agreed": len(agreed), "failed": len(failed),
        "success_rate": _ratio(len(agreed), len(agreed) + len(failed)),
        "written": sum(d["agreement_kind"] == "written" for d in agreed),
        "oral": sum(d["agreement_kind"] == "oral" for d in agreed),
        "amount": str(sum((d["agreement_amount"] or Decimal("0") for d in agreed), Decimal("0.00"))),
        "prevented_crime": prevented("prevented_crime"), "prevented_petition": prevented("prevented_petition"),
        "handed_over": [{"code": code, "name": label, "count": handed_count.get(code, 0)}
                        for code, label in HAND_OVER_TO],
        "by_source": [{"code": s.value, "name": str(s.label), "accepted": sources.get(s.value, 0)} for s in Source],
        "source_groups": [{"name": label, "accepted": sum(sources.get(s, 0) for s in members)}
                          for label, members in SOURCE_GROUPS],
        "by_moj_category": [{"code": c.value, "name": str(c.label), "accepted": moj_acc.get(c.value, 0),
                             "agreed": moj_agreed.get(c.value, 0), "failed": moj_failed.get(c.value, 0)}
                            for c in MojCategory],
        "by_gb_class": [{"code": code, "name": name, "accepted": gb_acc.get(code, 0),
                         "agreed": gb_agreed.get(code, 0)} for code, name in sorted(gb_names.items())],
        "region_level": "community" if depth == 3 else "town",
        "by_region": by_region,
    }
