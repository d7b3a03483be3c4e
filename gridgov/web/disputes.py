"""The console's dispute pages (矛盾纠纷台账, a dispute with its parties, colour history and mediation record, and
its actions — the panel made from the dispute's table), and 转为矛盾纠纷 on a case."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.cases.selectors import case_get
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.mediation import action_inputs, triage
from gridgov.mediation.models import DisputeType, RiskLevel, Scale, Source, State
from gridgov.mediation.selectors import consultation_due, dispute_get, dispute_list, dispute_timeline
from gridgov.mediation.services import dispute_from_case
from gridgov.mediation.workflow import TABLE, action_label
from gridgov.web.action_forms import action_form
from gridgov.web.action_panel import panel
from gridgov.web.console import _menu, _page
from gridgov.web.pages import list_export, recent_months, staff_required, when


class DisputeFilter(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + list(State.choices))
    risk_level = forms.ChoiceField(label="风险等级", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_level"].choices = [("", "全部")] + [(lv.code, lv.name) for lv in RiskLevel.objects.all()]


@staff_required
def disputes(request):
    form = DisputeFilter(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = dispute_list(actor=request.user, state=f.get("state") or "", risk_level=f.get("risk_level") or "")
    exported = list_export(request, qs.select_related("dispute_type", "risk_level", "grid", "committee"), "矛盾纠纷", [
        ("事件名称", lambda d: d.title), ("纠纷类型", lambda d: d.dispute_type.name),
        ("风险等级", lambda d: d.risk_level.name), ("状态", lambda d: d.get_state_display()),
        ("网格", lambda d: d.grid.name if d.grid else ""), ("调解组织", lambda d: d.committee.name if d.committee else ""),
        ("案件来源", lambda d: d.get_source_display()), ("调解期限", lambda d: when(d.due_at)),
        ("登记时间", lambda d: when(d.created_at))])
    if exported is not None:
        return exported
    return render(request, "console/dispute_list.html", {
        "title": "矛盾纠纷台账", "menu": _menu(request.user), "active": "disputes", "form": form,
        "page": _page(request, qs)})


@staff_required
def dispute_detail(request, pk, action: str | None = None):
    try:
        dispute = dispute_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("纠纷不存在或不在您的管辖范围内")
    allowed = TABLE.allowed(request.user, dispute)
    names = {f.name for t in allowed for f in t.fields if f.kind == "option"}
    units = action_inputs.committees(request.user) if any(f.kind == "unit" for t in allowed for f in t.fields) else []
    opts = action_inputs.options(request.user, dispute, names)

    def make_form(t, **kw):
        return action_form(t, units=units, options=opts, **kw)

    def run(t, values, photos):
        if t.takes_photos:
            values = {**values, "photos": photos}
        action_inputs.run_action(dispute=dispute, actor=request.user, action=t.action, values=values)

    suggestion = triage.suggest(dispute) if any(t.action == "accept" for t in allowed) else {}
    initial = {"committee": str(suggestion["committee"].pk) if suggestion.get("committee") else "",
               "mediator": str(suggestion["mediator"].pk) if suggestion.get("mediator") else ""}
    response, ctx = panel(request, allowed, action, success_url=reverse("console-dispute", args=[pk]),
                          make_form=make_form, run=run, label_of=action_label, initial=initial)
    if response is not None:
        return response
    timeline = [{"e": e, "label": action_label(e.action)} for e in dispute_timeline(dispute)]
    levels = {lv.code: lv for lv in RiskLevel.objects.all()}
    colours = [{"at": r["e"].at, "from": levels.get(r["e"].data.get("from")), "to": levels.get(r["e"].data.get("to")),
                "reason": r["e"].note} for r in timeline if r["e"].action == "rerate"]
    from gridgov.mediation.documents import available

    return render(request, "console/dispute_detail.html", {
        "title": f"矛盾纠纷 {dispute.title}", "menu": _menu(request.user), "active": "disputes", "d": dispute,
        "parties": list(dispute.parties.all()), "timeline": timeline, "colours": colours, "actions": ctx["actions"],
        "suggestion": suggestion, "documents": available(dispute), "consultation_due": consultation_due(dispute),
        "attachments": list(dispute.attachments.order_by("kind", "id")),
    }, status=400 if ctx["invalid"] else 200)


@staff_required
def dispute_document(request, pk, name: str = "agreement", fmt: str = "pdf"):
    """A document of the mediation file of a dispute the user may see, or the whole 卷宗 (name "file"), as PDF
    (shown in the browser) or as a Word file (downloaded, to fill in or correct)."""
    from gridgov.core.files import document_response
    from gridgov.mediation.documents import FORMATS, render

    try:
        dispute = dispute_get(actor=request.user, pk=pk)
        data = render(dispute, name, fmt)
    except NotFound:
        raise Http404("纠纷不存在或不在您的管辖范围内")
    except ApplicationError as exc:
        if exc.code == "unknown_document":
            raise Http404(exc.message)
        messages.error(request, exc.message)
        return redirect("console-dispute", pk)
    return document_response(data, FORMATS[fmt][0], f"dispute-{pk}-{name}.{fmt}", inline=fmt == "pdf")


REPORT_COLUMNS = [("name", "地区"), ("accepted", "受理数"), ("resolved", "化解成功数"), ("resolution_rate", "化解率"),
                  ("agreed", "调解成功"), ("failed", "调解未成"), ("success_rate", "调解成功率"), ("amount", "协议涉及金额(元)")]


@staff_required
def dispute_report(request):
    """人民调解工作月报: the month's figures over what the user may see, by region, 司法部 category, GB/T 31000 class
    and source; exported as a workbook."""
    from gridgov.core.timeutil import local_today, month_bounds
    from gridgov.mediation.stats import dispute_stats

    month = request.GET.get("month") or local_today().strftime("%Y-%m")
    report, error = None, ""
    try:
        start, end = month_bounds(month)
        report = dispute_stats(actor=request.user, start=start, end=end)
    except ApplicationError as exc:
        error = exc.message
    if report is not None and request.GET.get("export") == "xlsx":
        return _export_report(report, month)
    return render(request, "console/dispute_report.html", {
        "title": "人民调解工作月报", "menu": _menu(request.user), "active": "dispute-report", "month": month,
        "months": recent_months(), "r": report, "error": error}, status=400 if error else 200)


def _export_report(report: dict, month: str):
    from gridgov.core.files import XLSX, document_response
    from gridgov.core.xlsx import write_rows

    total = {"name": "合计", **{k: report[k] for k, _ in REPORT_COLUMNS[1:]}}
    def cell(row: dict, key: str):
        value = row[key]
        return "" if value is None else float(value) if key == "amount" else value

    body = ([cell(row, k) for k, _ in REPORT_COLUMNS] for row in [*report["by_region"], total])
    rates = [i for i, (k, _) in enumerate(REPORT_COLUMNS) if k.endswith("_rate")]
    data = write_rows([label for _, label in REPORT_COLUMNS], body, title="人民调解月报",
                      caption=f"人民调解工作月报 {month}", percent_columns=rates)
    return document_response(data, XLSX, f"mediation-{month}.xlsx")


class FromCaseForm(forms.Form):
    dispute_type = forms.ChoiceField(label="纠纷类型")
    risk_level = forms.ChoiceField(label="风险等级")
    applicant = forms.CharField(label="申请人", max_length=50)
    respondent = forms.CharField(label="被申请人", max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispute_type"].choices = [(t.code, f"{t.code} {t.name}") for t in DisputeType.objects.all()]
        self.fields["risk_level"].choices = [(lv.code, lv.name) for lv in RiskLevel.objects.filter(is_active=True)]


@staff_required
@require_POST
def case_to_dispute(request, pk):
    """转为矛盾纠纷 from the case page."""
    try:
        case = case_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("事件不存在或不在您的管辖范围内")
    form = FromCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择纠纷类型和风险等级,并填写申请人")
        return redirect("console-case", pk)
    d = form.cleaned_data
    parties = [{"role": "applicant", "name": d["applicant"]}]
    if d["respondent"]:
        parties.append({"role": "respondent", "name": d["respondent"]})
    try:
        dispute = dispute_from_case(actor=request.user, case=case, dispute_type=d["dispute_type"],
                                    risk_level=d["risk_level"], parties=parties)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("console-case", pk)
    messages.success(request, "已转为矛盾纠纷")
    return redirect("console-dispute", dispute.pk)


@staff_required
def dispute_inbox(request):
    """我的调解: what the mediator has in hand, the most pressing first, with what can be done next."""
    from gridgov.core.workflow import UNCHANGED
    from gridgov.mediation.selectors import mediator_inbox

    # the steps that move a dispute on (not records that can be added at any time)
    rows = [{"d": d, "next": [t.label for t in TABLE.allowed(request.user, d) if t.target is not UNCHANGED]}
            for d in mediator_inbox(actor=request.user)]
    return render(request, "console/dispute_inbox.html", {
        "title": "我的调解", "menu": _menu(request.user), "active": "dispute-inbox", "rows": rows})


@staff_required
def dispute_board(request):
    """纠纷看板: open disputes by colour and state, the overdue and stalled, the high-risk ones listed."""
    from gridgov.mediation.selectors import colour_board

    return render(request, "console/dispute_board.html", {
        "title": "纠纷看板", "menu": _menu(request.user), "active": "dispute-board", "b": colour_board(actor=request.user)})


@staff_required
def dispute_attachment(request, pk):
    """A material of a dispute the user may see (private: never public, never cached by a proxy)."""
    from gridgov.core.files import serve_file
    from gridgov.mediation.selectors import dispute_attachment_get

    try:
        att = dispute_attachment_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("材料不存在或无权查看")
    ext = (att.file.name or "").rsplit(".", 1)[-1]
    return serve_file(att.file, content_type=att.content_type, filename=f"dispute-material-{att.pk}.{ext}")


class RegisterForm(forms.Form):
    """登记矛盾纠纷: a walk-in, an application, a hand-over by court, police or petition office, at a center or at
    the county center's window (一窗受理)."""

    title = forms.CharField(label="事件名称", max_length=100)
    dispute_type = forms.ChoiceField(label="纠纷类型")
    source = forms.ChoiceField(label="案件来源", choices=[(s.value, s.label) for s in Source if s != Source.CASE])
    source_ref = forms.CharField(label="移交/委托文书号", max_length=64, required=False,
                                 help_text="公安、法院、信访、检察移交或委托的须填写")
    risk_level = forms.ChoiceField(label="风险等级")
    scale = forms.ChoiceField(label="事件规模", choices=Scale.choices)
    people_involved = forms.IntegerField(label="涉及人数", min_value=1, max_value=1_000_000, initial=2)
    occurred_on = forms.DateField(label="发生日期", widget=forms.DateInput(attrs={"type": "date"}))
    grid = forms.ChoiceField(label="发生网格", required=False)
    place = forms.CharField(label="发生地点", max_length=200, required=False)
    summary = forms.CharField(label="事件简述", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    organisations = forms.CharField(label="涉及单位", max_length=200, required=False)
    applicant = forms.CharField(label="申请人姓名或名称", max_length=50)
    applicant_id_number = forms.CharField(label="申请人身份证号", max_length=18, required=False)
    applicant_phone = forms.CharField(label="申请人手机号", max_length=20, required=False)
    applicant_address = forms.CharField(label="申请人住址", max_length=200, required=False)
    respondent = forms.CharField(label="被申请人姓名或名称", max_length=50, required=False)
    respondent_id_number = forms.CharField(label="被申请人身份证号", max_length=18, required=False)
    respondent_phone = forms.CharField(label="被申请人手机号", max_length=20, required=False)
    window = forms.BooleanField(label="一窗受理(县级综治中心窗口登记)", required=False)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        from gridgov.regions.models import Level
        from gridgov.regions.selectors import region_list

        self.fields["dispute_type"].choices = [(t.code, f"{t.code} {t.name}") for t in DisputeType.objects.all()]
        self.fields["risk_level"].choices = [(lv.code, lv.name) for lv in RiskLevel.objects.filter(is_active=True)]
        grids = region_list(actor=actor, filters={"level": Level.GRID}).select_related("parent")
        self.fields["grid"].choices = [("", "不在网格内(区综治中心)")] + [
            (g.code, f"{g.parent.name if g.parent else ''} {g.name}") for g in grids]


FORM_FIELD_OF = {"parties.1.name": "applicant", "parties.1.id_number": "applicant_id_number",
                 "parties.1.phone": "applicant_phone", "parties.2.id_number": "respondent_id_number",
                 "parties.2.phone": "respondent_phone", "parties.2.name": "respondent"}


@staff_required
def dispute_new(request):
    from gridgov.core.errors import PermissionDenied as Refused
    from gridgov.mediation.services import dispute_register
    from gridgov.regions.models import Region

    form = RegisterForm(request.POST or None, actor=request.user,
                        initial={"window": request.GET.get("window") == "1", "people_involved": 2})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        parties = [{"role": "applicant", "name": d["applicant"], "id_number": d["applicant_id_number"],
                    "phone": d["applicant_phone"], "address": d["applicant_address"]}]
        if d["respondent"]:
            parties.append({"role": "respondent", "name": d["respondent"], "id_number": d["respondent_id_number"],
                            "phone": d["respondent_phone"]})
        grid = Region.objects.filter(code=d["grid"]).first() if d["grid"] else None
        try:
            dispute = dispute_register(
                actor=request.user, title=d["title"], dispute_type=d["dispute_type"], source=d["source"],
                source_ref=d["source_ref"], risk_level=d["risk_level"], scale=d["scale"],
                people_involved=d["people_involved"], occurred_on=d["occurred_on"], grid=grid, place=d["place"],
                summary=d["summary"], organisations=d["organisations"], parties=parties, window=d["window"])
        except Refused as exc:
            form.add_error(None, exc.message)
        except ApplicationError as exc:
            placed = False
            for name, why in exc.fields.items():
                name = FORM_FIELD_OF.get(name, name)
                if name in form.fields:
                    form.add_error(name, exc.message if why in ("必填", "取值无效") else why)
                    placed = True
            if not placed:
                form.add_error(None, exc.message)
        else:
            messages.success(request, "矛盾纠纷已登记")
            return redirect("console-dispute", dispute.pk)
    return render(request, "console/dispute_new.html", {
        "title": "登记矛盾纠纷", "menu": _menu(request.user), "active": "disputes", "form": form,
    }, status=400 if form.errors else 200)


@staff_required
def dispute_window(request):
    """一窗受理: the 诉求 at the county center's window, where each is now (which stationed office, since when) and
    the way it has gone between them (调裁审检)."""
    from gridgov.mediation.selectors import window_board

    return render(request, "console/dispute_window.html", {
        "title": "一窗受理", "menu": _menu(request.user), "active": "dispute-window",
        "b": window_board(actor=request.user)})
