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

The database counts (conditional counts per value of the one column a grouping needs: the region path, the handling
unit, the category code, the channel or the month); only those few rows come to Python, which folds them into the
groups. tests/analytics/test_kpis.py holds the counting to the definitions worked row by row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Coalesce

from gridgov.accounts.scoping import require_perm
from gridgov.cases.access import visible_cases, visible_q
from gridgov.cases.models import CaseEvent, State
from gridgov.core.errors import ApplicationError
from gridgov.core.sqlfunc import Epoch
from gridgov.core.timeutil import LOCAL_TZ, local

GROUPS = ("none", "town", "community", "grid", "department", "category", "channel", "month")
DISPUTE_GROUPS = ("none", "town", "community", "grid", "month")
GROUP_LABELS = {"none": "合计", "town": "按街道(镇)", "community": "按社区", "grid": "按网格", "department": "按承办单位",
                "category": "按类别(大类)", "channel": "按上报渠道", "month": "按月份"}
EXCLUDED = (State.MERGED, State.REJECTED, State.WITHDRAWN)


def _key(group_by: str, value, names: dict) -> str:
    """The group of a value of the grouping column (`_column`)."""
    if group_by == "none":
        return "全部"
    if group_by in ("town", "community", "grid"):
        depth = {"town": 2, "community": 3, "grid": 4}[group_by]
        parts = [p for p in (value or "").strip("/").split("/") if p]
        return parts[depth - 1] if len(parts) >= depth else "(未落入网格)"
    if group_by == "department":
        return names.get(("unit", value), "(未派遣)")
    if group_by == "category":
        return (value or "")[:2] or "(未分类)"
    if group_by == "channel":
        return value
    if group_by == "month":
        return f"{local(value):%Y-%m}"
    raise ApplicationError("invalid_group", f"group_by 应为 {'/'.join(GROUPS)} 之一")


def _column(group_by: str, via: str = ""):
    """The case column the figures are counted by (`_key` makes the groups of its values), through `via`."""
    from django.db.models.functions import TruncMonth

    if group_by == "month":
        return TruncMonth(f"{via}created_at", tzinfo=LOCAL_TZ)
    return F(via + {"town": "region_path", "community": "region_path", "grid": "region_path",
                    "department": "handling_unit_id", "category": "category__code", "channel": "channel"}[group_by])


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _in(field: str, start: dt.datetime, end: dt.datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _case_measures(start: dt.datetime, end: dt.datetime) -> dict:
    """The figures of the cases themselves, counted by the database (no row comes to Python: a district's month on
    10 M cases is tens of thousands)."""
    due = (Q(accepted_at__isnull=False) & ~Q(state__in=EXCLUDED)
           & (_in("handle_due_at", start, end) | _in("closed_at", start, end)))
    closed = due & Q(state=State.CLOSED, closed_at__lt=end)
    # done by the deadline: the handler's report of done, or the closing when nobody reported done
    on_time = closed & (Q(handle_due_at__isnull=True) | Q(done_reported_at__lte=F("handle_due_at"))
                        | Q(done_reported_at__isnull=True, closed_at__lte=F("handle_due_at")))
    late = closed & ~on_time & Q(dispatched_at__isnull=False, handle_due_at__gt=F("dispatched_at"))
    done_at = Epoch(Coalesce("done_reported_at", "closed_at"))
    used = (done_at - Epoch("dispatched_at")) / (Epoch("handle_due_at") - Epoch("dispatched_at"))
    return {
        "received": Count("id", filter=_in("created_at", start, end)),
        "accepted": Count("id", filter=_in("accepted_at", start, end)),
        "due": Count("id", filter=due), "closed": Count("id", filter=closed),
        "closed_on_time": Count("id", filter=on_time),
        "overtime_n": Count("id", filter=late), "overtime_sum": Sum(used, filter=late, output_field=FloatField()),
    }


def _event_measures() -> dict:
    """The figures of the period's timeline rows (`acknowledge` and `report_done` of the lead unit only)."""
    lead = Q(data__role="lead") | ~Q(data__has_key="role")
    acks = Q(action="acknowledge") & lead & Q(data__has_key="on_time")
    return {
        "acks": Count("id", filter=acks), "acks_on_time": Count("id", filter=acks & Q(data__on_time=True)),
        "done_reports": Count("id", filter=Q(action="report_done") & lead),
        "reworks": Count("id", filter=Q(action="verify_fail")),
        "extensions": Count("id", filter=Q(action="approve_extension")),
        "returns": Count("id", filter=Q(action="return")),
        "rated": Count("id", filter=Q(action="follow_up")),
        "satisfied": Count("id", filter=Q(action="follow_up", data__satisfaction__gte=3)),
    }


def _counted(qs, group_by: str, via: str, measures: dict) -> list[dict]:
    """`measures` of `qs` per value of the grouping column (as `group`)."""
    if group_by == "none":
        return [{"group": "", **qs.aggregate(**measures)}]
    return list(qs.annotate(group=_column(group_by, via)).values("group").annotate(**measures).order_by())


def kpis(*, actor, start: dt.datetime, end: dt.datetime, group_by: str = "none") -> list[dict]:
    require_perm(actor, "case:kpi:view")
    if group_by not in GROUPS:
        raise ApplicationError("invalid_group", f"group_by 应为 {'/'.join(GROUPS)} 之一", fields={"group_by": "取值无效"})
    if end <= start:
        raise ApplicationError("invalid_period", "结束时间须晚于开始时间", fields={"end": "须晚于开始"})
    cases = visible_cases(actor).filter(_in("created_at", start, end) | _in("accepted_at", start, end)
                                        | _in("handle_due_at", start, end) | _in("closed_at", start, end))
    mine = visible_q(actor, "case__")  # by a join to the case, not `case IN (…)`: see visible_q
    events = CaseEvent.objects.filter(mine or Q(), at__gte=start, at__lt=end, action__in=[
        "acknowledge", "report_done", "verify_fail", "approve_extension", "return", "follow_up"])
    counted = _counted(cases, group_by, "", _case_measures(start, end))
    counted += _counted(events, group_by, "case__", _event_measures())
    names: dict = {}
    if group_by == "department":
        from gridgov.orgs.models import OrgUnit

        units = [r["group"] for r in counted if r["group"]]
        names = {("unit", u.pk): u.name for u in OrgUnit.objects.filter(pk__in=units)}
    acc: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    for r in counted:
        a = acc[_key(group_by, r["group"], names)]
        for measure, v in r.items():
            if measure != "group" and v:
                a[measure] += v
    for key in [k for k, a in acc.items() if not any(a.values())]:
        del acc[key]  # a group with rows in the period but nothing to count in it
    if group_by in DISPUTE_GROUPS:
        from gridgov.mediation.access import visible_disputes

        for d in visible_disputes(actor).filter(accepted_at__gte=start, accepted_at__lt=end).values(
                "region_path", "accepted_at", "resolved", "agreed_at"):
            value = d["accepted_at"] if group_by == "month" else d["region_path"]
            a = acc[_key(group_by, value, names)]
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
