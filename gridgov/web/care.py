"""关爱 in the console: the care board (targets by light, red first), 新建关爱档案 from the focus groups, a target's
page (pairing, check-ins, vital-sign limits, devices and their alarms, the steps its table allows, the timeline),
and the device map."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.care import selectors, services
from gridgov.care.access import DEVICE, EDIT, LIST
from gridgov.care.events import KINDS
from gridgov.care.models import (
    VITAL_DEFAULTS,
    VITAL_LABELS,
    CarePlan,
    CheckInKind,
    CheckInResult,
    DeviceKind,
    Light,
    PairingRole,
    PlanState,
)
from gridgov.care.workflow import CARE_PLAN
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.timeutil import now
from gridgov.people.models import FocusGroup, FocusGroupMembership
from gridgov.web.action_forms import action_form
from gridgov.web.action_panel import panel
from gridgov.web.console import _menu
from gridgov.web.pages import done_redirect, list_export, need_perm, place_errors, staff_required, when


class BoardFilter(forms.Form):
    light = forms.ChoiceField(label="关爱灯", required=False, choices=[("", "全部")] + list(Light.choices))
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "关爱中与暂停")] + list(PlanState.choices))
    q = forms.CharField(label="姓名", required=False, max_length=20)


@staff_required
def care_board(request):
    """关爱看板: counts by light and the targets, red first, then yellow (most overdue first)."""
    need_perm(request, LIST)
    f = BoardFilter(request.GET or None)
    d = f.cleaned_data if f.is_valid() else {}
    plans = selectors.plans(request.user, light=d.get("light", ""), state=d.get("state", ""), q=d.get("q", ""))
    exported = list_export(request, plans, "关爱对象", [
        ("关爱灯", lambda p: p.get_light_display()), ("姓名", lambda p: p.resident.name),
        ("类别", lambda p: p.get_group_display()), ("网格", lambda p: p.grid.name), ("住址", lambda p: p.address),
        ("最近看望", lambda p: when(p.last_look_at)), ("下次看望", lambda p: when(p.look_due_at)),
        ("最近走访", lambda p: when(p.last_visit_at)), ("状态", lambda p: p.get_state_display())])
    if exported is not None:
        return exported
    return render(request, "console/care_board.html", {
        "title": "关爱看板", "menu": _menu(request.user), "active": "care", "filter": f,
        "counts": selectors.board(request.user), "plans": plans[:200], "now": now(),
        "can_edit": jurisdiction_of(request.user).has_perm(EDIT)})


class PlanForm(forms.Form):
    membership = forms.ChoiceField(label="关爱对象(重点人群中尚未建档的)")
    look_every_hours = forms.IntegerField(label="看望间隔(小时)", min_value=1, max_value=168, initial=24)
    visit_every_days = forms.IntegerField(label="上门走访间隔(天)", min_value=1, max_value=90, initial=7)
    red_after_hours = forms.IntegerField(label="超时多久转红灯并生成事件(小时)", min_value=1, max_value=72, initial=12)
    watch_for = forms.CharField(label="关注要点", max_length=500, required=False,
                                initial="白看窗帘晚看灯，早看水电晚看燃气", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from gridgov.people.selectors import resident_list

        open_plans = CarePlan.objects.exclude(state=PlanState.CLOSED).values("resident_id")
        rows = (FocusGroupMembership.objects.filter(resident__in=resident_list(actor=user))
                .exclude(resident_id__in=open_plans).select_related("resident__grid").order_by("resident__grid__code",
                                                                                               "resident__name")[:500])
        self.fields["membership"].choices = [
            (m.pk, f"{m.resident.name} · {m.get_group_display()} · {m.resident.grid.name}") for m in rows]


@staff_required
def care_new(request):
    """新建关爱档案: a resident of a focus group in the officer's grids, how often to look in and visit."""
    need_perm(request, EDIT)
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        m = FocusGroupMembership.objects.select_related("resident__grid").get(pk=d["membership"])
        try:
            plan = services.plan_create(actor=request.user, resident=m.resident, group=m.group,
                                        look_every_hours=d["look_every_hours"], visit_every_days=d["visit_every_days"],
                                        red_after_hours=d["red_after_hours"], watch_for=d["watch_for"])
        except ApplicationError as exc:
            place_errors(form, exc)
        else:
            messages.success(request, "已建档,请为其安排结对人")
            return done_redirect(request, "console-care-plan", plan.pk)
    return render(request, "console/care_new.html", {
        "title": "新建关爱档案", "menu": _menu(request.user), "active": "care", "form": form,
        "groups": FocusGroup.choices}, status=400 if form.errors else 200)


class PairingForm(forms.Form):
    username = forms.CharField(label="结对人账号(用户名)", max_length=150)
    role = forms.ChoiceField(label="身份", choices=PairingRole.choices)


class CheckInForm(forms.Form):
    kind = forms.ChoiceField(label="方式", choices=CheckInKind.choices)
    result = forms.ChoiceField(label="情况", choices=CheckInResult.choices)
    note = forms.CharField(label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeviceForm(forms.Form):
    kind = forms.ChoiceField(label="设备类型", choices=DeviceKind.choices)
    vendor = forms.SlugField(label="厂商编码", max_length=32)
    serial = forms.CharField(label="设备编号", max_length=64)
    heartbeat_minutes = forms.IntegerField(label="心跳间隔(分钟)", min_value=1, max_value=7 * 24 * 60, initial=60)


class ThresholdForm(forms.Form):
    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        limits = plan.limits()
        for metric, label in VITAL_LABELS.items():
            unit = VITAL_DEFAULTS[metric][2]
            low, high = limits[metric]
            self.fields[f"{metric}_low"] = forms.FloatField(label=f"{label}下限({unit})", required=False, initial=low)
            self.fields[f"{metric}_high"] = forms.FloatField(label=f"{label}上限({unit})", required=False,
                                                             initial=high)

    def thresholds(self) -> dict:
        d = self.cleaned_data
        return {m: [d.get(f"{m}_low"), d.get(f"{m}_high")] for m in VITAL_LABELS}


def _step(request, plan, step: str) -> forms.Form | None:
    """The page's own forms (pairing, check-in, device, limits): the bound form when refused, else None."""
    from gridgov.accounts.models import User

    if step == "pair":
        form: forms.Form = PairingForm(request.POST)
        if form.is_valid():
            user = User.objects.filter(username=form.cleaned_data["username"].strip(), is_active=True).first()
            if user is None:
                form.add_error("username", "没有这个账号")
                return form
            try:
                services.pairing_set(actor=request.user, plan=plan, user=user, role=form.cleaned_data["role"])
            except ApplicationError as exc:
                place_errors(form, exc)
                return form
            messages.success(request, f"已与{user}结对")
        return form if form.errors else None
    if step == "unpair":
        p = plan.pairings.filter(pk=request.POST.get("pairing") or 0).select_related("user").first()
        if p is not None:
            services.pairing_set(actor=request.user, plan=plan, user=p.user, role=p.role, active=False)
            messages.success(request, f"已解除与{p.user}的结对")
        return None
    if step == "checkin":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                c = services.check_in(actor=request.user, plan=plan, **form.cleaned_data,
                                      idempotency_key=request.POST.get("submission_id", ""))
            except ApplicationError as exc:
                place_errors(form, exc)
                return form
            messages.success(request, f"已记录看望{',已生成事件 ' + c.case.number if c.case else ''}")
        return form if form.errors else None
    if step == "device":
        form = DeviceForm(request.POST)
        if form.is_valid():
            try:
                services.device_register(actor=request.user, plan=plan, **form.cleaned_data)
            except ApplicationError as exc:
                place_errors(form, exc)
                return form
            messages.success(request, "已登记设备")
        return form if form.errors else None
    if step == "thresholds":
        form = ThresholdForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                services.plan_thresholds(actor=request.user, plan=plan, thresholds=form.thresholds())
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                return form
            messages.success(request, "已保存体征阈值")
        return form if form.errors else None
    raise Http404("页面不存在")


@staff_required
def care_plan(request, pk: int, action: str | None = None):
    """One care target: facts, pairing, check-ins, devices and alarms, limits, the table's steps, the timeline."""
    try:
        plan = selectors.plan_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("关爱对象不存在或不在您的管辖范围内")
    url = reverse("console-care-plan", args=[pk])
    bound: dict[str, forms.Form] = {}
    if request.method == "POST" and not action:
        step = request.POST.get("step", "")
        try:
            refused = _step(request, plan, step)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return done_redirect(request, url)
        if refused is None:
            return done_redirect(request, url)
        bound[step] = refused

    def run(t, values, photos):
        services.plan_act(actor=request.user, plan=plan, action=t.action, values=values)

    response, ctx = panel(request, CARE_PLAN.allowed(request.user, plan), action, success_url=url,
                          make_form=lambda t, **kw: action_form(t, **kw), run=run, label_of=CARE_PLAN.label)
    if response is not None:
        return response
    j = jurisdiction_of(request.user)
    can_edit = j.covers(EDIT, plan.region_path)
    devices = list(plan.devices.filter(is_active=True))
    for d in devices:
        d.recent = selectors.alarms(d, 5)
    timeline = [{"e": e, "label": KINDS.get(e.action, CARE_PLAN.label(e.action))} for e in selectors.timeline(plan)]
    return render(request, "console/care_plan.html", {
        "title": f"关爱对象 · {plan.resident.name}", "menu": _menu(request.user), "active": "care", "p": plan,
        "checkins": selectors.checkins(plan, 30), "devices": devices, "timeline": timeline,
        "actions": ctx["actions"], "action_base": url, "can_edit": can_edit,
        "can_devices": j.covers(DEVICE, plan.region_path),
        "pair_form": bound.get("pair") or PairingForm(), "checkin_form": bound.get("checkin") or CheckInForm(),
        "device_form": bound.get("device") or DeviceForm(),
        "threshold_form": bound.get("thresholds") or ThresholdForm(plan=plan)},
        status=400 if (ctx["invalid"] or bound) else 200)


@staff_required
def care_devices(request):
    """设备地图: the devices of the officer's place, offline ones and those with an open alarm marked."""
    need_perm(request, LIST)
    kind = request.GET.get("kind", "")
    kind = kind if kind in DeviceKind.values else ""
    devices = list(selectors.devices(request.user, kind=kind, online=request.GET.get("online", ""))[:2000])
    alarmed = set(selectors.open_alarm_devices([d.pk for d in devices]))
    points = [{"id": d.pk, "lon": d.lon, "lat": d.lat, "kind": d.get_kind_display(), "serial": d.serial,
               "who": d.plan.resident.name if d.plan_id else d.address, "online": d.is_online,
               "alarm": d.pk in alarmed,
               "url": reverse("console-care-plan", args=[d.plan_id]) if d.plan_id else ""}
              for d in devices if d.lon is not None and d.lat is not None]
    for d in devices:
        d.alarmed = d.pk in alarmed
    from django.conf import settings

    return render(request, "console/care_devices.html", {
        "title": "设备地图", "menu": _menu(request.user), "active": "care-devices", "devices": devices,
        "points": points, "kinds": DeviceKind.choices, "kind": kind, "online": request.GET.get("online", ""),
        "tile_url": getattr(settings, "GRIDGOV_TILE_URL", ""),
        "counts": {"all": len(devices), "offline": sum(not d.is_online for d in devices), "alarm": len(alarmed)}})
