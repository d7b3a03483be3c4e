"""统计报表 (月报/周报, made by the sweep or on demand, with .xlsx and PDF) and 台账 (the ledgers as workbooks)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.analytics.ledgers import LEDGERS, ledger_xlsx
from gridgov.analytics.models import Report
from gridgov.analytics.reports import PERM, pdf, report_get, report_make, sections, visible_reports, xlsx
from gridgov.core.errors import ApplicationError, NotFound, PermissionDenied
from gridgov.core.files import XLSX, document_response
from gridgov.core.routing import reads_from_replica
from gridgov.core.timeutil import local_today
from gridgov.regions.models import Level, Region
from gridgov.web.console import _menu, _page
from gridgov.web.pages import place_errors, recent_months, staff_required


class MakeForm(forms.Form):
    period = forms.ChoiceField(label="周期", choices=Report.Period.choices)
    day = forms.DateField(label="周期内任一天", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    region = forms.ChoiceField(label="区划", required=False)
    unit = forms.ChoiceField(label="或承办单位", required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        from gridgov.orgs.models import OrgUnit, UnitKind

        j = jurisdiction_of(actor)
        regions = Region.objects.filter(is_active=True, level__in=[Level.DISTRICT, Level.TOWN, Level.COMMUNITY])
        units = OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True).select_related("region")
        if not j.is_global:
            paths = j.paths_for(PERM)
            regions = [r for r in regions.order_by("path") if any(r.path.startswith(p) for p in paths)]
            units = [u for u in units if any(u.region.path.startswith(p) for p in paths)]
        else:
            regions = list(regions.order_by("path"))
        self.fields["region"].choices = [("", "—")] + [(r.code, f"{r.get_level_display()} {r.name}") for r in regions]
        self.fields["unit"].choices = [("", "—")] + [(str(u.pk), u.name) for u in units]
        self.initial.setdefault("day", local_today().replace(day=1) - dt.timedelta(days=1))


def _need_reports(request) -> None:
    try:
        visible_reports(request.user)
    except PermissionDenied:
        raise Http404("页面不存在") from None


@staff_required
def report_list(request):
    """统计报表: the reports the user may read, newest first, and a form to make one for a past period."""
    _need_reports(request)
    can_make = jurisdiction_of(request.user).has_perm(PERM)
    form = MakeForm(request.POST or None, actor=request.user) if can_make else None
    if request.method == "POST" and form is not None and form.is_valid():
        from gridgov.orgs.models import OrgUnit

        d = form.cleaned_data
        try:
            region = Region.objects.filter(code=d["region"]).first() if d["region"] else None
            unit = OrgUnit.objects.filter(pk=d["unit"]).select_related("region").first() if d["unit"] else None
            report = report_make(period=d["period"], day=d["day"], region=region, unit=unit, actor=request.user)
            messages.success(request, f"已生成:{report.title}")
            return redirect("console-report", report.pk)
        except (ApplicationError, NotFound) as exc:
            place_errors(form, exc)
    qs = visible_reports(request.user)
    if request.GET.get("period") in Report.Period.values:
        qs = qs.filter(period=request.GET["period"])
    return render(request, "console/reports.html", {
        "title": "统计报表", "menu": _menu(request.user), "active": "reports", "page": _page(request, qs),
        "form": form, "period": request.GET.get("period", ""), "ledgers": LEDGERS.values(),
        "months": recent_months(12), "can_ledger": jurisdiction_of(request.user).has_perm("case:case:list"),
    })


@staff_required
def report_detail(request, pk):
    try:
        report = report_get(actor=request.user, pk=pk)
    except (NotFound, PermissionDenied):
        raise Http404("报表不存在") from None
    return render(request, "console/report.html", {
        "title": report.title, "menu": _menu(request.user), "active": "reports", "report": report,
        "sections": sections(report)})


def _download(data: bytes, name: str, kind: str) -> HttpResponse:
    return document_response(data, XLSX if kind == "xlsx" else "application/pdf", f"{name}.{kind}")


@staff_required
@reads_from_replica
def report_file(request, pk, kind):
    try:
        report = report_get(actor=request.user, pk=pk)
    except (NotFound, PermissionDenied):
        raise Http404("报表不存在") from None
    return _download(xlsx(report) if kind == "xlsx" else pdf(report), report.title, kind)


@staff_required
@reads_from_replica
def ledger_file(request, code):
    month = request.GET.get("month", "") or f"{local_today():%Y-%m}"
    try:
        title, data = ledger_xlsx(actor=request.user, code=code, month=month)
    except PermissionDenied:
        raise Http404("页面不存在") from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("console-reports")
    return _download(data, title, "xlsx")
