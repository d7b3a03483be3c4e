"""物业信用分: a property company's score for a month, computed from the evidence every time (never typed in, so it
can always be reproduced): the base, minus each failed item of its compounds' inspections that month, each item
the re-inspection found not put right, each rectification case closed after its deadline (or still open past
it), and each residents' complaint about property service in its compounds' grids. Every deduction names the
result or case it comes from. The formula's numbers are settings (`SUPERVISION_SCORE`).

Also the month's pass rate (inspections with nothing failed) and problem rates (how often each item failed)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from gridgov.cases.models import Case
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import local, local_today, month_bounds, now
from gridgov.supervision import events
from gridgov.supervision.models import Compound, Inspection, InspectionState, PublishedScore, Result

DEFAULTS = {"base": 100, "not_fixed": 1.0, "late": 1, "complaint": 1,
            "complaint_categories": ["2402", "2103"]}  # 物业服务问题, 物业纠纷


def formula() -> dict:
    return {**DEFAULTS, **getattr(settings, "SUPERVISION_SCORE", {})}


@dataclass(frozen=True)
class Deduction:
    points: int  # negative
    kind: str  # failed / not_fixed / late / complaint
    text: str
    result_id: int | None = None
    case_id: int | None = None


KIND_LABELS = {"failed": "检查不合格", "not_fixed": "复查未整改到位", "late": "整改超期", "complaint": "居民投诉"}


def deductions(company_id: int, month: str, *, at: dt.datetime | None = None) -> list[Deduction]:
    start, end = month_bounds(month)
    at = min(at or now(), end)
    f = formula()
    out: list[Deduction] = []
    results = (Result.objects.filter(inspection__property_company_id=company_id, passed=False,
                                     inspection__submitted_at__gte=start, inspection__submitted_at__lt=end)
               .select_related("item", "inspection__compound", "case").order_by("inspection__submitted_at", "pk"))
    for r in results:
        submitted = r.inspection.submitted_at
        where = f"{r.inspection.compound.name} {local(submitted):%m-%d}" if submitted else r.inspection.compound.name
        out.append(Deduction(-r.item.weight, "failed", f"{where} {r.item.text}", result_id=r.pk))
        if r.rectified is False:
            out.append(Deduction(-round(r.item.weight * f["not_fixed"]), "not_fixed", f"{where} {r.item.text}",
                                 result_id=r.pk))
        if r.case is not None and r.rectify_by is not None:
            deadline = dt.datetime.combine(r.rectify_by + dt.timedelta(days=1), dt.time(), tzinfo=start.tzinfo)
            done = r.case.closed_at
            if (done is not None and done > deadline) or (done is None and at > deadline):
                out.append(Deduction(-f["late"], "late", f"{where} {r.item.text}(期限 {r.rectify_by:%m-%d})",
                                     result_id=r.pk, case_id=r.case_id))
    grids = list(Compound.objects.filter(property_company_id=company_id).values_list("grid_id", flat=True))
    inspection_cases = Result.objects.filter(case__isnull=False).values("case_id")
    complaints = (Case.objects.filter(grid_id__in=grids, created_at__gte=start, created_at__lt=end,
                                      category__code__in=f["complaint_categories"])
                  .exclude(pk__in=inspection_cases).exclude(state__in=["rejected", "merged", "withdrawn"])
                  .order_by("created_at", "pk"))
    for c in complaints:
        out.append(Deduction(-f["complaint"], "complaint", f"{c.number} {c.title}", case_id=c.pk))
    return out


def score(company_id: int, month: str, *, at: dt.datetime | None = None) -> tuple[int, list[Deduction]]:
    found = deductions(company_id, month, at=at)
    return max(0, formula()["base"] + sum(d.points for d in found)), found


def month_figures(inspections) -> dict:
    """Pass rate (nothing failed) of the inspections submitted, and each item's problem rate."""
    done = [i for i in inspections if i.submitted_at is not None and i.state != InspectionState.CANCELLED]
    passed = sum(1 for i in done if i.failed_count == 0)
    checked: dict[str, int] = defaultdict(int)
    failed: dict[str, int] = defaultdict(int)
    for r in Result.objects.filter(inspection__in=[i.pk for i in done]).select_related("item"):
        checked[r.item.text] += 1
        if not r.passed:
            failed[r.item.text] += 1
    problems = sorted(((text, failed[text], n, round(failed[text] * 100 / n, 1)) for text, n in checked.items()),
                      key=lambda x: (-x[3], x[0]))
    return {"inspections": len(done), "passed": passed,
            "pass_rate": round(passed * 100 / len(done), 1) if done else None,
            "problems": [{"item": t, "failed": f, "checked": n, "rate": r} for t, f, n, r in problems]}


def ranking(compounds, month: str) -> list[dict]:
    """The companies serving these compounds, best score first, with their month's figures and deductions."""
    start, end = month_bounds(month)
    companies = {c.property_company_id: c.property_company for c in compounds if c.property_company_id}
    rows = []
    for company_id, company in companies.items():
        s, found = score(company_id, month)
        inspections = list(Inspection.objects.filter(property_company_id=company_id, submitted_at__gte=start,
                                                     submitted_at__lt=end))
        figures = month_figures(inspections)
        rows.append({"company": company, "score": s, "deductions": len(found), "found": found,
                     "inspections": figures["inspections"], "pass_rate": figures["pass_rate"]})
    return sorted(rows, key=lambda r: (-r["score"], r["company"].name))


def publish(*, actor, compounds, month: str, region_path: str, only_new: bool = False) -> list:
    """通报: freeze the month's ranking of these compounds' companies (once per company and month; a month not yet
    over cannot be published), write it in the supervision timeline and send it (`announce`). `only_new` (the
    schedule) publishes the companies not published yet, each with its rank in the whole ranking; `actor` None is
    the schedule."""
    start, end = month_bounds(month)
    at = now()
    if end > at:
        raise ApplicationError("month_not_over", f"{month} 尚未结束,月底后再发布通报", status=409)
    rows = ranking(compounds, month)
    if not rows:
        raise ApplicationError("nothing_to_publish", "该范围内没有物业服务企业", status=409)
    done = set(PublishedScore.objects.filter(month=month).values_list("company_id", flat=True)) if only_new else set()
    out = []
    try:
        with transaction.atomic():
            for rank, r in enumerate(rows, start=1):
                if r["company"].pk in done:
                    continue
                found = r["found"]
                p = PublishedScore.objects.create(
                    month=month, company=r["company"], region_path=region_path, rank=rank, score=r["score"],
                    inspections=r["inspections"], pass_rate=r["pass_rate"],
                    published_by=actor if getattr(actor, "pk", None) else None, published_at=at,
                    deductions=[{"points": d.points, "kind": KIND_LABELS[d.kind], "text": d.text,
                                 "result": d.result_id, "case": d.case_id} for d in found])
                events.published(p, actor=actor, at=at)
                out.append(p)
            announce(out, of=len(rows), region_path=region_path)
    except IntegrityError:
        raise ApplicationError("already_published", f"{month} 的通报已发布", status=409) from None
    return out


def announce(published: list, *, of: int, region_path: str) -> None:
    """Send a 通报 through notify: each company's staff its own rank, score and deductions; the governance center of
    the place (leaders and dispatchers) the ranking, with where to read it. Once per company and month."""
    from gridgov.cases.reference import unit_staff
    from gridgov.notify.services import notify_users
    from gridgov.orgs.models import OrgUnit, UnitKind

    if not published:
        return
    month = published[0].month
    for p in published:
        lines = [f"{d['points']} {d['kind']}:{d['text']}" for d in p.deductions]
        body = (f"贵单位 {month} 信用分 {p.score} 分,在 {of} 家物业服务企业中排第 {p.rank} 名;"
                f"检查 {p.inspections} 次" + (f",合格率 {p.pass_rate}%" if p.pass_rate is not None else "") + "。"
                + ("扣分 " + str(len(lines)) + " 项:\n" + "\n".join(lines[:20])
                   + (f"\n……共 {len(lines)} 项" if len(lines) > 20 else "") if lines else "本月无扣分。"))
        notify_users(unit_staff(p.company_id), subject=f"【物业信用分通报】{month} 第 {p.rank} 名 {p.score} 分",
                     body=body, data={"month": month, "company": p.company_id}, dedupe_key=f"score-{month}-{p.pk}")
    center = (OrgUnit.objects.filter(kind=UnitKind.GOVERNANCE_CENTER, is_active=True,
                                     region__path=region_path).first() if region_path != "/" else None)
    if center is not None:
        ranking = "\n".join(f"{p.rank}. {p.company.name} {p.score} 分" for p in sorted(published, key=lambda p: p.rank))
        notify_users(unit_staff(center.pk, ("center_leader", "center_dispatcher")),
                     subject=f"【物业信用分通报】{month} 已发布({len(published)} 家企业)", body=ranking,
                     data={"month": month, "url": f"/console/supervision/?month={month}"},
                     dedupe_key=f"score-{month}-{center.pk}-{published[0].pk}")


def publish_due(today: dt.date | None = None) -> int:
    """The schedule (daily, and in `gridgov sweep`): from the `SUPERVISION_PUBLISH_DAY`th of a month (default the
    5th, when the last month's re-inspections are in), publish last month's 通报 in each district for the companies
    not published by hand. Returns how many companies were published."""
    from gridgov.regions.models import Level, Region

    today = today or local_today()
    if today.day < int(getattr(settings, "SUPERVISION_PUBLISH_DAY", 5)):
        return 0
    month = f"{today.replace(day=1) - dt.timedelta(days=1):%Y-%m}"
    made = 0
    for district in Region.objects.filter(level=Level.DISTRICT, is_active=True).order_by("path"):
        compounds = list(Compound.objects.filter(region_path__startswith=district.path,
                                                 property_company__isnull=False).select_related("property_company"))
        waiting = {c.property_company_id for c in compounds} - set(
            PublishedScore.objects.filter(month=month).values_list("company_id", flat=True))
        if waiting:
            made += len(publish(actor=None, compounds=compounds, month=month, region_path=district.path,
                                only_new=True))
    return made
