"""KPIs from the cases and their timeline, for a period [start, end), grouped by region, department,
category, channel or month. Definitions (GB/T 30428.4 practice; the 天门 report's denominators):

- 受理数 received: cases reported in the period.
- 立案数 accepted: cases accepted (立案) in the period.
- 应结案数 due: accepted cases (not merged, rejected or withdrawn) whose handling deadline falls in the period,
  or that were closed in the period.
- 结案数 closed: of those, the ones closed by the end of the period.
- 按期结案数 closed_on_time: of those, the ones whose handler reported done by the handling deadline.
- 结案率 = closed / due; 按期结案率 = closed_on_time / due (the denominator is 应结案, not 立案).
- 及时签收率 timely_ack_rate: lead acknowledgements in the period made by the acknowledge deadline.
- 返工率 rework_rate: failed verifications / reports of done, in the period.
- 延期数 extensions, 退回数 returns (推诿): approvals and returns in the period.
- 超时倍数 overtime_ratio: for cases in `due` finished late, the mean of used / allowed handling time.
- 满意率 satisfaction_rate: follow-ups in the period rated 满意 or better (基本满意 counts as satisfied).
- 纠纷受理数 disputes_accepted: disputes taken on (受理) in the period, by their place (or the month taken on);
  化解成功数 disputes_resolved: of those, the ones with an agreement (协议) made by the end of the period;
  化解率 resolution_rate = 化解成功数 / 纠纷受理数. Counted when grouping by region, month or not at all (a dispute
  has no handling department, category or channel of the case kind: null there).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q

from gridgov.accounts.scoping import require_perm
from gridgov.cases.access import visible_cases, visible_q
from gridgov.cases.models import CaseEvent, State
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import local

GROUPS = ("none", "town", "community", "grid", "department", "category", "channel", "month")
DISPUTE_GROUPS = ("none", "town", "community", "grid", "month")
GROUP_LABELS = {"none": "合计", "town": "按街道(镇)", "community": "按社区", "grid": "按网格", "department": "按承办单位",
                "category": "按类别(大类)", "channel": "按上报渠道", "month": "按月份"}
EXCLUDED = (State.MERGED, State.REJECTED, State.WITHDRAWN)


def _key(group_by: str, row: dict, names: dict) -> str:
    if group_by == "none":
        return "全部"
    if group_by in ("town", "community", "grid"):
        depth = {"town": 2, "community": 3, "grid": 4}[group_by]
        parts = [p for p in row["region_path"].strip("/").split("/") if p]
        return parts[depth - 1] if len(parts) >= depth else "(未落入网格)"
    if group_by == "department":
        return names.get(("unit", row["handling_unit_id"]), "(未派遣)")
    if group_by == "category":
        code = row["category__code"] or ""
        return code[:2] or "(未分类)"
    if group_by == "channel":
        return row["channel"]
    if group_by == "month":
        return f"{local(row['created_at']):%Y-%m}"
    raise ApplicationError("invalid_group", f"group_by 应为 {'/'.join(GROUPS)} 之一")


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def kpis(*, actor, start: dt.datetime, end: dt.datetime, group_by: str = "none") -> list[dict]:
    require_perm(actor, "case:kpi:view")
    if group_by not in GROUPS:
        raise ApplicationError("invalid_group", f"group_by 应为 {'/'.join(GROUPS)} 之一", fields={"group_by": "取值无效"})
    if end <= start:
        raise ApplicationError("invalid_period", "结束时间须晚于开始时间", fields={"end": "须晚于开始"})
    cases = visible_cases(actor)
    fields = ("id", "region_path", "handling_unit_id", "category__code", "channel", "created_at", "accepted_at",
              "state", "handle_due_at", "closed_at", "done_reported_at", "dispatched_at", "satisfaction")
    rows = list(cases.filter(
        Q(created_at__gte=start, created_at__lt=end) | Q(accepted_at__gte=start, accepted_at__lt=end)
        | Q(handle_due_at__gte=start, handle_due_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end)
    ).values(*fields))
    by_id = {r["id"]: r for r in rows}
    mine = visible_q(actor, "case__")  # by a join to the case, not `case IN (…)`: see visible_q
    events = list(CaseEvent.objects.filter(mine or Q(), at__gte=start, at__lt=end, action__in=[
        "acknowledge", "report_done", "verify_fail", "approve_extension", "return", "follow_up"]).values(
        "case_id", "action", "data", "case__region_path", "case__handling_unit_id", "case__category__code",
        "case__channel", "case__created_at"))
    from gridgov.orgs.models import OrgUnit

    unit_ids = {r["handling_unit_id"] for r in rows} | {e["case__handling_unit_id"] for e in events}
    names = {("unit", u.pk): u.name for u in OrgUnit.objects.filter(pk__in=[u for u in unit_ids if u])}
    acc: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    for r in rows:
        a = acc[_key(group_by, r, names)]
        if start <= r["created_at"] < end:
            a["received"] += 1
        if r["accepted_at"] and start <= r["accepted_at"] < end:
            a["accepted"] += 1
        if r["accepted_at"] is None or r["state"] in EXCLUDED:
            continue
        due_in = r["handle_due_at"] is not None and start <= r["handle_due_at"] < end
        closed_in = r["closed_at"] is not None and start <= r["closed_at"] < end
        if not (due_in or closed_in):
            continue
        a["due"] += 1
        if r["closed_at"] is not None and r["closed_at"] < end and r["state"] == State.CLOSED:
            a["closed"] += 1
            done_at = r["done_reported_at"] or r["closed_at"]
            if r["handle_due_at"] is None or done_at <= r["handle_due_at"]:
                a["closed_on_time"] += 1
            elif r["dispatched_at"] and r["handle_due_at"] > r["dispatched_at"]:
                a["overtime_n"] += 1
                a["overtime_sum"] += (done_at - r["dispatched_at"]) / (r["handle_due_at"] - r["dispatched_at"])
    for e in events:
        row = by_id.get(e["case_id"]) or {
            "region_path": e["case__region_path"], "handling_unit_id": e["case__handling_unit_id"],
            "category__code": e["case__category__code"], "channel": e["case__channel"],
            "created_at": e["case__created_at"]}
        a = acc[_key(group_by, row, names)]
        data = e["data"] or {}
        if e["action"] == "acknowledge" and data.get("role", "lead") == "lead" and "on_time" in data:
            a["acks"] += 1
            a["acks_on_time"] += 1 if data["on_time"] else 0
        elif e["action"] == "report_done" and data.get("role", "lead") == "lead":
            a["done_reports"] += 1
        elif e["action"] == "verify_fail":
            a["reworks"] += 1
        elif e["action"] == "approve_extension":
            a["extensions"] += 1
        elif e["action"] == "return":
            a["returns"] += 1
        elif e["action"] == "follow_up":
            a["rated"] += 1
            a["satisfied"] += 1 if int(data.get("satisfaction", 0)) >= 3 else 0
    if group_by in DISPUTE_GROUPS:
        from gridgov.mediation.access import visible_disputes

        for d in visible_disputes(actor).filter(accepted_at__gte=start, accepted_at__lt=end).values(
                "region_path", "accepted_at", "resolved", "agreed_at"):
            a = acc[_key(group_by, {"region_path": d["region_path"], "created_at": d["accepted_at"]}, names)]
            a["disputes_accepted"] += 1
            if d["resolved"] and d["agreed_at"] is not None and d["agreed_at"] < end:
                a["disputes_resolved"] += 1
    out = []
    for key in sorted(acc):
        a = acc[key]
        n = {k: int(v) for k, v in a.items() if k != "overtime_sum"}
        out.append({
            "group": key,
            "received": n.get("received", 0), "accepted": n.get("accepted", 0), "due": n.get("due", 0),
            "closed": n.get("closed", 0), "closed_on_time": n.get("closed_on_time", 0),
            "closure_rate": _ratio(n.get("closed", 0), n.get("due", 0)),
            "on_time_closure_rate": _ratio(n.get("closed_on_time", 0), n.get("due", 0)),
            "timely_ack_rate": _ratio(n.get("acks_on_time", 0), n.get("acks", 0)),
            "rework_rate": _ratio(n.get("reworks", 0), n.get("done_reports", 0)),
            "extensions": n.get("extensions", 0), "returns": n.get("returns", 0),
            "overtime_ratio": round(a["overtime_sum"] / a["overtime_n"], 2) if a.get("overtime_n") else None,
            "satisfaction_rate": _ratio(n.get("satisfied", 0), n.get("rated", 0)),
            "disputes_accepted": n.get("disputes_accepted", 0) if group_by in DISPUTE_GROUPS else None,
            "disputes_resolved": n.get("disputes_resolved", 0) if group_by in DISPUTE_GROUPS else None,
            "resolution_rate": _ratio(n.get("disputes_resolved", 0), n.get("disputes_accepted", 0)),
        })
    return out


def top_categories(*, actor, start: dt.datetime, end: dt.datetime, limit: int = 10) -> list[dict]:
    """高发问题: the 小类 reported most in [start, end) within the actor's jurisdiction, with their share of all
    reports (the monthly report's "top 3"; 未分类 counted as its own line)."""
    from django.db.models import Count, F

    require_perm(actor, "case:kpi:view")
    if end <= start:
        raise ApplicationError("invalid_period", "结束时间须晚于开始时间", fields={"end": "须晚于开始"})
    reports = visible_cases(actor).filter(created_at__gte=start, created_at__lt=end)
    total = reports.count()
    rows = (reports.values("category__code", "category__name").annotate(n=Count("id"))
            .order_by("-n", F("category__code").asc(nulls_last=True))[:limit])
    return [{"code": r["category__code"] or "", "name": r["category__name"] or "未分类", "count": r["n"],
             "share": _ratio(r["n"], total)} for r in rows]
