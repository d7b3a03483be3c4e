"""积分 in the console: 积分审核 (volunteers to verify, claims to approve, a reward to hand out by its code, credit
records to approve and appeals to hear), the page of one volunteer, claim, redemption or credit record with its
timeline and the steps its table allows, 登记诚信记录, and 积分统计."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.timeutil import local_today, month_bounds
from gridgov.points import credit, selectors, services, volunteer_tasks
from gridgov.points.access import PERMISSION, visible_redemptions, visible_takes, visible_tasks
from gridgov.points.models import (
    ClaimPhoto,
    ClaimState,
    CreditList,
    CreditPhoto,
    CreditReason,
    CreditState,
    RedemptionState,
    TakeState,
    TaskState,
    VolunteerState,
)
from gridgov.points.stats import points_stats
from gridgov.points.workflow import CLAIM, CREDIT, REDEMPTION, TAKE, TASK, VOLUNTEER
from gridgov.regions.models import Level, Region
from gridgov.web.action_forms import action_form
from gridgov.web.action_panel import panel
from gridgov.web.console import _menu
from gridgov.web.pages import done_redirect, place_errors, recent_months, staff_required

SUBJECTS = {
    "volunteers": ("volunteer", VOLUNTEER, selectors.volunteer_get, "志愿者", services.volunteer_act, "volunteer"),
    "claims": ("claim", CLAIM, selectors.claim_get, "积分申请", services.claim_act, "claim"),
    "redemptions": ("redemption", REDEMPTION, selectors.redemption_get, "兑换", services.redemption_act,
                    "redemption"),
    "credit": ("credit", CREDIT, credit.record_get, "诚信记录", credit.credit_act, "record"),
    "tasks": ("task", TASK, selectors.task_get, "志愿任务", volunteer_tasks.task_act, "task"),
    "takes": ("take", TAKE, selectors.take_get, "任务认领", volunteer_tasks.take_act, "take"),
}
PHOTOS = {"claims": (ClaimPhoto, "claim_id", selectors.claim_get), "credit": (CreditPhoto, "record_id",
                                                                           credit.record_get)}


class CodeForm(forms.Form):
    code = forms.CharField(label="兑换码", max_length=12, widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                                    "autocomplete": "off"}))


@staff_required
def points_desk(request):
    """积分审核: what waits for this officer — applications, claims, rewards to hand out (by the code the
    resident shows)."""
    form = CodeForm(request.POST if request.method == "POST" and not request.POST.get("step") else None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        r = visible_redemptions(request.user).filter(code=code).first()
        if r is None:
            form.add_error("code", "没有这个兑换码,或不在本驿站领取")
        else:
            try:
                services.redemption_act(actor=request.user, redemption=r, action="pick_up", values={"code": code})
            except ApplicationError as exc:
                form.add_error("code", exc.message)
            else:
                from django.contrib import messages

                messages.success(request, f"已核销:{r.user} 领取 {r.reward.name}")
                return done_redirect(request, "console-points")
    task_form = TaskForm(request.POST if request.POST.get("step") == "task" else None, user=request.user)
    if request.POST.get("step") == "task" and task_form.is_valid():
        d = dict(task_form.cleaned_data)
        try:
            volunteer_tasks.task_publish(actor=request.user, community=Region.objects.get(pk=d.pop("community")), **d)
        except ApplicationError as exc:
            place_errors(task_form, exc)
        else:
            from django.contrib import messages

            messages.success(request, "已发布志愿任务,本社区志愿者可在「志愿任务」接单")
            return done_redirect(request, "console-points")
    volunteers = selectors.volunteers(request.user, state=VolunteerState.APPLIED).order_by("applied_at")[:50]
    claims = selectors.claims(request.user, state=ClaimState.SUBMITTED).prefetch_related("photos").order_by(
        "created_at")[:50]
    reserved = selectors.redemptions(request.user, state=RedemptionState.RESERVED).order_by("pickup_by")[:50]
    j = jurisdiction_of(request.user)
    records = credit.visible_records(request.user).filter(
        state__in=[CreditState.PROPOSED, CreditState.APPEALED]).order_by("created_at")[:50] \
        if j.has_perm(credit.APPROVE) else []
    return render(request, "console/points_desk.html", {
        "title": "积分审核", "menu": _menu(request.user), "active": "points", "form": form,
        "volunteers": volunteers, "claims": claims, "reserved": reserved, "records": records,
        "can_propose": j.has_perm(credit.PROPOSE), "task_form": task_form,
        "tasks": visible_tasks(request.user).filter(state=TaskState.OPEN).order_by("starts_at")[:50],
        "done_takes": visible_takes(request.user).filter(state=TakeState.DONE).order_by("updated_at")[:50]},
        status=400 if (form.errors or task_form.errors) else 200)


class TaskForm(forms.Form):
    community = forms.ChoiceField(label="社区")
    title = forms.CharField(label="任务", max_length=100)
    description = forms.CharField(label="任务说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    place = forms.CharField(label="地点", max_length=200, required=False)
    starts_at = forms.DateTimeField(label="开始", input_formats=["%Y-%m-%dT%H:%M"],
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label="结束", input_formats=["%Y-%m-%dT%H:%M"],
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    places = forms.IntegerField(label="名额", min_value=1, max_value=200, initial=2)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        q = jurisdiction_of(user).q(PERMISSION["task"], "path")
        qs = Region.objects.filter(level=Level.COMMUNITY, is_active=True)
        qs = qs.filter(q) if q is not None else qs
        self.fields["community"].choices = [(r.pk, r.name) for r in qs.order_by("path")[:300]]


@staff_required
def points_object(request, kind: str, pk: int, action: str | None = None):
    """One volunteer, claim or redemption: what it is, its timeline, and the steps the table allows."""
    if kind not in SUBJECTS:
        raise Http404("页面不存在")
    subject, table, get, label, act, name = SUBJECTS[kind]
    try:
        obj = get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404(f"{label}不存在或不在您的管辖范围内")
    url = reverse("console-points-object", args=[kind, pk])

    def run(t, values, photos):
        act(actor=request.user, action=t.action, values=values, **{name: obj})

    response, ctx = panel(request, table.allowed(request.user, obj), action, success_url=url,
                          make_form=lambda t, **kw: action_form(t, **kw), run=run, label_of=table.label)
    if response is not None:
        return response
    timeline = [{"e": e, "label": table.label(e.action) if e.action in table.actions else _EVENT_LABELS.get(
        e.action, e.action)} for e in selectors.timeline(subject, obj)]
    return render(request, "console/points_object.html", {
        "title": f"{label} {obj.pk}", "menu": _menu(request.user), "active": "points", "kind": kind, "o": obj,
        "timeline": timeline, "actions": ctx["actions"], "action_base": url,
        "photos": list(obj.photos.all()) if kind in PHOTOS else []}, status=400 if ctx["invalid"] else 200)


_EVENT_LABELS = {"apply": "申请", "submit": "提交申请", "redeem": "兑换", "propose": "登记"}


@staff_required
def evidence_photo(request, kind: str, pk: int):
    """A claim's or a credit record's evidence photo, for those who may see it (private: never public, never
    cached)."""
    from gridgov.core.files import serve_file

    if kind not in PHOTOS:
        raise Http404("页面不存在")
    model, owner, get = PHOTOS[kind]
    photo = model.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404("照片不存在")
    try:
        get(actor=request.user, pk=getattr(photo, owner))
    except NotFound:
        raise Http404("照片不存在或无权查看")
    return serve_file(photo.file, content_type=photo.content_type, filename=f"{kind}-{getattr(photo, owner)}-{pk}.jpg")


class CreditForm(forms.Form):
    id_number = forms.CharField(label="居民身份证号(或其他证件号)", max_length=30)
    list = forms.ChoiceField(label="榜单", choices=CreditList.choices)
    reason = forms.ChoiceField(label="事由类别", choices=CreditReason.choices)
    description = forms.CharField(label="事实经过", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    valid_until = forms.DateField(label="公示截止(留空:红榜一年、灰榜半年)", required=False,
                                  widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    photos = forms.FileField(label="证据照片(灰榜必传)", required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))


@staff_required
def credit_new(request):
    """登记诚信记录: the resident by their document number (within the officer's grids), the list and reason, the
    facts, evidence; it waits for another officer's approval."""
    if not jurisdiction_of(request.user).has_perm(credit.PROPOSE):
        raise Http404("页面不存在")
    form = CreditForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from gridgov.people.selectors import resident_list

        d = form.cleaned_data
        resident = resident_list(actor=request.user, filters={"id_number": d["id_number"]}).first()
        if resident is None:
            form.add_error("id_number", "您管辖的网格中没有这位居民")
        else:
            try:
                record = credit.credit_propose(actor=request.user, resident=resident, list_=d["list"],
                                               reason=d["reason"], description=d["description"],
                                               valid_until=d["valid_until"], photos=request.FILES.getlist("photos"))
            except ApplicationError as exc:
                place_errors(form, exc)
            else:
                return done_redirect(request, "console-points-object", "credit", record.pk)
    return render(request, "console/points_credit_new.html", {
        "title": "登记诚信记录", "menu": _menu(request.user), "active": "points", "form": form},
        status=400 if form.errors else 200)


@staff_required
def points_report(request):
    """积分统计 for a month over the accounts the officer may see."""
    if not jurisdiction_of(request.user).has_perm("points:ledger:view"):
        raise Http404("页面不存在")
    month = request.GET.get("month") or local_today().strftime("%Y-%m")
    report, error = None, ""
    try:
        start, end = month_bounds(month)
        report = points_stats(actor=request.user, start=start, end=end)
    except ApplicationError as exc:
        error = exc.message
    return render(request, "console/points_report.html", {
        "title": "积分统计", "menu": _menu(request.user), "active": "points-report", "month": month,
        "months": recent_months(), "r": report, "error": error}, status=400 if error else 200)
