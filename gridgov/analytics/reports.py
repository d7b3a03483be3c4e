"""月报 and 周报: for each town (and the district) and each department, made when the period is over from the rollups,
frozen, and sent through notify to the town's center or the department's staff; written as a workbook (.xlsx) and a
PDF (with the CJK font embedded) from the frozen figures.

`reports_due` runs every morning (and from `gridgov sweep`): the last full month on any day of the next month, the
last full week (Monday–Sunday) on any day of the next week — so a day the worker was down is caught up. Each
report is made once (a unique constraint per period × start × region or unit); the message goes out in the same
transaction, so a report is announced exactly once, however many workers run the sweep."""

from __future__ import annotations

import datetime as dt
import io

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum

from gridgov.accounts.scoping import jurisdiction_of, require_perm
from gridgov.analytics.models import DailyFlow, MixDaily, Report, UnitDaily
from gridgov.cases.models import OPEN_STATES, Case, Category, Channel, Light
from gridgov.core.errors import ApplicationError, NotFound, PermissionDenied
from gridgov.core.timeutil import LOCAL_TZ, local_today, now
from gridgov.regions.models import Level, Region

PERM = "case:kpi:view"


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def period_of(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The month or the week (Monday–Sunday) holding `day`: (first day, last day)."""
    if period == Report.Period.MONTH:
        first = day.replace(day=1)
        return first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    if period == Report.Period.WEEK:
        first = day - dt.timedelta(days=day.weekday())
        return first, first + dt.timedelta(days=6)
    raise ApplicationError("invalid_period", "周期应为 month(月报)或 week(周报)", fields={"period": "取值无效"})


def _label(period: str, start: dt.date, end: dt.date) -> str:
    if period == Report.Period.MONTH:
        return f"{start.year}年{start.month}月"
    return f"{start:%Y年%m月%d日}至{end:%m月%d日}"


def _flow(qs) -> dict:
    got = {k: int(v or 0) for k, v in qs.aggregate(*(Sum(m) for m in DailyFlow.MEASURES)).items()}
    return {m: got.get(f"{m}__sum", 0) for m in DailyFlow.MEASURES}


def region_figures(region: Region, start: dt.date, end: dt.date) -> dict:
    from gridgov.mediation.models import Dispute
    from gridgov.orgs.models import OrgUnit

    p = region.path
    flows = DailyFlow.objects.filter(region=p, day__gte=start, day__lte=end)
    days = (end - start).days + 1
    before = DailyFlow.objects.filter(region=p, day__gte=start - dt.timedelta(days=days), day__lt=start)
    total, previous = _flow(flows), _flow(before)
    t0 = dt.datetime.combine(start, dt.time(), tzinfo=LOCAL_TZ)
    t1 = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TZ)
    disputes = Dispute.objects.filter(region_path__startswith=p, accepted_at__gte=t0, accepted_at__lt=t1).aggregate(
        accepted=Count("id"), resolved=Count("id", filter=Q(resolved=True, agreed_at__lt=t1)))
    children = []
    kids = list(Region.objects.filter(parent=region, is_active=True).exclude(level=Level.GRID).order_by("code"))
    per_region = {r["region"]: r for r in DailyFlow.objects.filter(
            region__in=[k.path for k in kids], day__gte=start, day__lte=end).values("region").annotate(
        received=Sum("received"), closed=Sum("closed"), closed_on_time=Sum("closed_on_time"), rated=Sum("rated"),
        satisfied=Sum("satisfied"))}
    for k in kids:
        s = {m: per_region.get(k.path, {}).get(m, 0) for m in ("received", "closed", "closed_on_time", "rated", "satisfied")}
        children.append({"name": k.name, "received": s["received"], "closed": s["closed"],
                         "on_time_rate": _ratio(s["closed_on_time"], s["closed"]),
                         "satisfaction_rate": _ratio(s["satisfied"], s["rated"])})
    names = dict(Category.objects.filter(parent__isnull=True).values_list("code", "name"))
    mix = MixDaily.objects.filter(region=p, day__gte=start, day__lte=end)
    categories = [{"name": names.get(r["code"], "未分类") if r["code"] else "未分类", "count": r["n"],
                   "share": _ratio(r["n"], total["received"])}
                  for r in mix.filter(kind="category").values("code").annotate(n=Sum("n")).order_by("-n")[:10]
                  if r["n"]]
    channels = [{"name": str(Channel(r["code"]).label) if r["code"] in Channel.values else r["code"],
                 "count": r["n"], "share": _ratio(r["n"], total["received"])}
                for r in mix.filter(kind="channel").values("code").annotate(n=Sum("n")).order_by("-n") if r["n"]]
    units = list(UnitDaily.objects.filter(region=p, day__gte=start, day__lte=end).values("unit_id")
                 .annotate(dispatched=Sum("dispatched"), closed=Sum("closed"), closed_on_time=Sum("closed_on_time"),
                           rated=Sum("rated"), satisfied=Sum("satisfied")))
    unit_names = dict(OrgUnit.objects.filter(pk__in=[u["unit_id"] for u in units]).values_list("pk", "name"))
    departments = sorted(({"name": unit_names.get(u["unit_id"], "(已撤销)"), "dispatched": u["dispatched"],
                           "closed": u["closed"], "on_time_rate": _ratio(u["closed_on_time"], u["closed"]),
                           "satisfaction_rate": _ratio(u["satisfied"], u["rated"])} for u in units),
                         key=lambda d: (-(d["on_time_rate"] or 0), -d["closed"], d["name"]))
    return {
        "summary": {**total, "on_time_rate": _ratio(total["closed_on_time"], total["closed"]),
                    "satisfaction_rate": _ratio(total["satisfied"], total["rated"]),
                    "previous_received": previous["received"],
                    "received_change": _ratio(total["received"] - previous["received"], previous["received"]),
                    "disputes_accepted": disputes["accepted"], "disputes_resolved": disputes["resolved"],
                    "resolution_rate": _ratio(disputes["resolved"], disputes["accepted"])},
        "children": children, "categories": categories, "channels": channels, "departments": departments,
    }


def unit_figures(unit, start: dt.date, end: dt.date) -> dict:
    rows = UnitDaily.objects.filter(unit_id=unit.pk, day__gte=start, day__lte=end)
    got = rows.filter(region="/").aggregate(dispatched=Sum("dispatched"), closed=Sum("closed"), closed_on_time=Sum("closed_on_time"),
                         rated=Sum("rated"), satisfied=Sum("satisfied"))
    total = {k: int(v or 0) for k, v in got.items()}
    by_region = list(rows.exclude(region="/").values("region").annotate(
        dispatched=Sum("dispatched"), closed=Sum("closed"), closed_on_time=Sum("closed_on_time")))
    communities = dict(Region.objects.filter(level=Level.COMMUNITY, path__in=[r["region"] for r in by_region])
                       .values_list("path", "name"))  # the rows of its towns and districts are left out
    by_place = sorted(({"name": communities[r["region"]], "dispatched": r["dispatched"], "closed": r["closed"],
                        "on_time_rate": _ratio(r["closed_on_time"], r["closed"])}
                       for r in by_region if r["region"] in communities), key=lambda r: -r["dispatched"])
    open_now = Case.objects.filter(handling_unit=unit, state__in=OPEN_STATES).aggregate(
        open=Count("id"), red=Count("id", filter=Q(light=Light.RED)), yellow=Count("id", filter=Q(light=Light.YELLOW)))
    return {"summary": {**total, "on_time_rate": _ratio(total["closed_on_time"], total["closed"]),
                        "satisfaction_rate": _ratio(total["satisfied"], total["rated"]), **open_now},
            "children": by_place}


def report_make(*, period: str, day: dt.date, region: Region | None = None, unit=None, actor=None) -> Report:
    """The report of the period holding `day` for a region or a department, made once (the one already made is
    returned). Only a period that is over: a report is a record, not a live view."""
    start, end = period_of(period, day)
    if end >= local_today():
        raise ApplicationError("period_not_over", "报表只能在周期结束后生成", fields={"day": "周期尚未结束"})
    if (region is None) == (unit is None):
        raise ApplicationError("invalid_scope", "请选择一个区划或一个承办单位")
    if actor is not None:
        j = require_perm(actor, PERM)
        path = region.path if region is not None else unit.region.path
        if not j.covers(PERM, path):
            raise NotFound()
    scope = {"region": region, "unit": None} if region is not None else {"unit": unit}
    found = Report.objects.filter(period=period, start=start, **scope).first()
    if found is not None:
        return found
    name = region.name if region is not None else unit.name
    kind = "综治工作" if region is not None else "事件办理"
    title = f"{name}{_label(period, start, end)}{kind}{Report.Period(period).label}"
    figures = region_figures(region, start, end) if region is not None else unit_figures(unit, start, end)
    try:
        with transaction.atomic():
            report = Report.objects.create(period=period, start=start, end=end, title=title[:120], figures=figures,
                                           made_by=actor if getattr(actor, "pk", None) else None, created_at=now(),
                                           **scope)
            _announce(report)
    except IntegrityError:  # made meanwhile by another worker: theirs, announced by them
        return Report.objects.get(period=period, start=start, **scope)
    return report


def _announce(report: Report) -> None:
    from gridgov.cases.reference import unit_staff
    from gridgov.notify.services import notify_users
    from gridgov.orgs.models import OrgUnit, UnitKind

    if report.unit_id:
        users = unit_staff(report.unit_id)
    else:
        center = OrgUnit.objects.filter(kind=UnitKind.GOVERNANCE_CENTER, region=report.region, is_active=True).first()
        users = unit_staff(center.pk, ("center_leader", "center_dispatcher")) if center else []
    if users:
        notify_users(users, subject=f"【{report.get_period_display()}】{report.title}",
                     body="报表已生成,可在「统计报表」中查看和下载(Excel、PDF)。", data={"report": report.pk, "url": f"/console/reports/{report.pk}/"})


def reports_due(today: dt.date | None = None) -> int:
    """Make the reports of the last full month and week that are not made yet: the district and each town, and
    each department that handled cases in the period. Returns how many were made."""
    from gridgov.orgs.models import OrgUnit, UnitKind

    today = today or local_today()
    made = 0
    regions = list(Region.objects.filter(is_active=True, level__in=[Level.DISTRICT, Level.TOWN]))
    for period, day in ((Report.Period.MONTH, today.replace(day=1) - dt.timedelta(days=1)),
                        (Report.Period.WEEK, today - dt.timedelta(days=today.weekday() + 1))):
        start, end = period_of(period, day)
        done_regions = set(Report.objects.filter(period=period, start=start, unit__isnull=True)
                           .values_list("region_id", flat=True))
        done_units = set(Report.objects.filter(period=period, start=start, unit__isnull=False)
                         .values_list("unit_id", flat=True))
        busy = set(UnitDaily.objects.filter(day__gte=start, day__lte=end).values_list("unit_id", flat=True))
        units = OrgUnit.objects.filter(pk__in=busy - done_units, kind=UnitKind.DEPARTMENT, is_active=True)
        for region in regions:
            if region.pk not in done_regions:
                report_make(period=period, day=day, region=region)
                made += 1
        for unit in units.select_related("region"):
            report_make(period=period, day=day, unit=unit)
            made += 1
    return made


def visible_reports(actor):
    """Reports of the regions in the actor's jurisdiction and of the departments they staff or oversee."""
    j = jurisdiction_of(actor)
    units = [g.unit_id for g in j.grants if g.unit_id]
    if not (j.has_perm(PERM) or units):
        raise PermissionDenied("无权查看统计报表")
    qs = Report.objects.select_related("region", "unit")
    if j.is_global:
        return qs
    q = Q(unit_id__in=units)
    for path in j.paths_for(PERM):
        q |= Q(unit__isnull=True, region__path__startswith=path) | Q(unit__region__path__startswith=path)
    return qs.filter(q)


def report_get(*, actor, pk: int) -> Report:
    report = visible_reports(actor).filter(pk=pk).first()
    if report is None:
        raise NotFound("报表不存在或不在您的管辖范围内")
    return report


# -- the workbook and the PDF, from the frozen figures ------------------------------------------------------------

def _pct(v) -> str:
    return "-" if v is None else f"{v * 100:.1f}%"


def sections(report: Report) -> list[tuple[str, list[str], list[list]]]:
    """The report as (heading, columns, rows): the one layout the workbook, the PDF and the page share."""
    f, s = report.figures, report.figures["summary"]
    if report.unit_id:
        return [
            ("办理概况", ["项目", "数值"], [
                ["派遣至本单位", s["dispatched"]], ["办结", s["closed"]], ["按期办结", s["closed_on_time"]],
                ["按期办结率", _pct(s["on_time_rate"])], ["已评价", s["rated"]], ["满意率", _pct(s["satisfaction_rate"])],
                ["目前在办", s["open"]], ["其中红灯", s["red"]], ["其中黄灯", s["yellow"]]]),
            ("分社区", ["社区", "派遣", "办结", "按期办结率"],
             [[c["name"], c["dispatched"], c["closed"], _pct(c["on_time_rate"])] for c in f["children"]]),
        ]
    change = s["received_change"]
    return [
        ("工作概况", ["项目", "数值"], [
            ["受理", s["received"]], ["立案", s["accepted"]], ["结案", s["closed"]], ["按期办结", s["closed_on_time"]],
            ["按期办结率", _pct(s["on_time_rate"])], ["满意率", _pct(s["satisfaction_rate"])],
            ["受理环比", "-" if change is None else f"{change * 100:+.1f}%(上期 {s['previous_received']})"],
            ["矛盾纠纷受理", s["disputes_accepted"]], ["化解成功", s["disputes_resolved"]],
            ["化解率", _pct(s["resolution_rate"])]]),
        ("分区域", ["区域", "受理", "结案", "按期办结率", "满意率"],
         [[c["name"], c["received"], c["closed"], _pct(c["on_time_rate"]), _pct(c["satisfaction_rate"])]
          for c in f["children"]]),
        ("高发问题", ["类别", "件数", "占比"], [[c["name"], c["count"], _pct(c["share"])] for c in f["categories"]]),
        ("上报渠道", ["渠道", "件数", "占比"], [[c["name"], c["count"], _pct(c["share"])] for c in f["channels"]]),
        ("承办单位排名", ["承办单位", "派遣", "办结", "按期办结率", "满意率"],
         [[d["name"], d["dispatched"], d["closed"], _pct(d["on_time_rate"]), _pct(d["satisfaction_rate"])]
          for d in f["departments"]]),
    ]


def xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = report.title
    for heading, columns, rows in sections(report):
        ws = wb.create_sheet(heading[:31])
        ws.append([report.title])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([f"统计周期:{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}"])
        ws.append(columns)
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for row in rows:
            ws.append(row)
        if not rows:
            ws.append(["(无数据)"])
        for i in range(len(columns)):
            ws.column_dimensions[chr(ord("A") + i)].width = 24 if i == 0 else 14
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from gridgov.core.pdf import cjk_font

    font = cjk_font()
    title = ParagraphStyle("t", fontName=font, fontSize=18, leading=26, alignment=1)
    sub = ParagraphStyle("s", fontName=font, fontSize=10, leading=14, alignment=1, textColor=colors.grey)
    head = ParagraphStyle("h", fontName=font, fontSize=13, leading=20, spaceBefore=8)
    story = [Paragraph(report.title, title),
             Paragraph(f"统计周期:{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d} 生成时间:"
                       f"{report.created_at.astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}", sub), Spacer(1, 6 * mm)]
    for heading, columns, rows in sections(report):
        story.append(Paragraph(heading, head))
        table = Table([columns, *([[str(v) for v in r] for r in rows] or [["(无数据)"] + [""] * (len(columns) - 1)])],
                      repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9AA5B1")),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        story.append(table)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=report.title, author="gridgov", leftMargin=18 * mm,
                      rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm).build(story)
    return buf.getvalue()
