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
from gridgov.mediation.models import DisputeType, RiskLevel, State
from gridgov.mediation.selectors import dispute_get, dispute_list, dispute_timeline
from gridgov.mediation.services import dispute_from_case
from gridgov.mediation.workflow import TABLE, action_label
from gridgov.web.action_forms import action_form
from gridgov.web.action_panel import panel
from gridgov.web.console import _menu, _page
from gridgov.web.pages import staff_required


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
    return render(request, "console/dispute_detail.html", {
        "title": f"矛盾纠纷 {dispute.title}", "menu": _menu(request.user), "active": "disputes", "d": dispute,
        "parties": list(dispute.parties.all()), "timeline": timeline, "colours": colours, "actions": ctx["actions"],
        "suggestion": suggestion,
    }, status=400 if ctx["invalid"] else 200)


@staff_required
def dispute_agreement_pdf(request, pk):
    """调解协议书 (PDF) of a dispute the user may see."""
    from django.http import HttpResponse

    from gridgov.mediation.documents import agreement_pdf

    try:
        dispute = dispute_get(actor=request.user, pk=pk)
        data = agreement_pdf(dispute)
    except NotFound:
        raise Http404("纠纷不存在或不在您的管辖范围内")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("console-dispute", pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


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
