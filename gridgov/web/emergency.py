"""最小应急单元 in the console: 应急指挥 (open callouts with their rings and clocks, the units with members, who is on
duty and their response times, the roster, alert groups and their warnings) and one callout's page with the steps
its table allows."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.timeutil import LOCAL_TZ, now
from gridgov.emergency import selectors, services
from gridgov.emergency.access import COMMAND, ROSTER, SEND
from gridgov.emergency.models import Broadcast
from gridgov.emergency.workflow import CALLOUT
from gridgov.web.action_forms import action_form
from gridgov.web.action_panel import panel
from gridgov.web.console import _menu
from gridgov.web.pages import done_redirect, place_errors, staff_required


class ShiftForm(forms.Form):
    member = forms.ChoiceField(label="队员")
    starts_at = forms.DateTimeField(label="开始", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label="结束", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label="备注", max_length=100, required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(f"{r.unit.pk}:{u.pk}", f"{r.unit.name} · {u}") for r in rows
                                         for u in r.members]


class BroadcastForm(forms.Form):
    group = forms.ChoiceField(label="联防群")
    level = forms.ChoiceField(label="级别", choices=Broadcast.Level.choices, initial=Broadcast.Level.WARNING)
    message = forms.CharField(label="预警内容", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.pk, f"{g.name}({g.region.name})") for g in groups]


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=LOCAL_TZ) if value.tzinfo is None else value


@staff_required
def emergency_desk(request):
    """应急指挥: what is ringing now, who answers, who is on duty, how fast each unit has been."""
    j = jurisdiction_of(request.user)
    if not (j.has_perm(COMMAND) or j.has_perm(SEND)):
        raise Http404("页面不存在")
    t = now()
    rows = selectors.units(request.user, at=t) if j.has_perm(COMMAND) else []
    groups = list(selectors.groups(request.user))
    shift_form = ShiftForm(request.POST if request.POST.get("step") == "shift" else None, rows=rows)
    warn_form = BroadcastForm(request.POST if request.POST.get("step") == "broadcast" else None, groups=groups)
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "shift" and shift_form.is_valid():
            d = shift_form.cleaned_data
            unit_id, user_id = (int(x) for x in d["member"].split(":"))
            from gridgov.accounts.models import User

            try:
                services.shift_add(actor=request.user, unit=unit_id, user=User.objects.get(pk=user_id),
                                   starts_at=_aware(d["starts_at"]), ends_at=_aware(d["ends_at"]), note=d["note"])
            except ApplicationError as exc:
                place_errors(shift_form, exc)
            else:
                messages.success(request, "已排班")
                return done_redirect(request, "console-emergency")
        elif step == "cancel_shift":
            from gridgov.emergency.models import DutyShift

            shift = DutyShift.objects.filter(pk=request.POST.get("shift") or 0).first()
            try:
                if shift is None:
                    raise NotFound()
                services.shift_cancel(actor=request.user, shift=shift)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已取消该值班")
            return done_redirect(request, "console-emergency")
        elif step == "broadcast" and warn_form.is_valid():
            d = warn_form.cleaned_data
            try:
                group = selectors.group_get(actor=request.user, pk=int(d["group"]))
                b = services.broadcast_send(actor=request.user, group=group, message=d["message"], level=d["level"])
            except ApplicationError as exc:
                place_errors(warn_form, exc)
            else:
                messages.success(request, f"预警已发送给 {b.recipients} 位成员")
                return done_redirect(request, "console-emergency")
    open_callouts = list(selectors.callouts(request.user, open_only=True).prefetch_related("units__unit")[:100]) \
        if j.has_perm(COMMAND) else []
    recent = list(selectors.callouts(request.user).exclude(state__in=("alerting", "acknowledged", "on_scene",
                                                                       "exhausted"))
                  .filter(created_at__gte=t - dt.timedelta(days=30))[:30]) if j.has_perm(COMMAND) else []
    recent_warnings = selectors.recent_broadcasts(groups)
    for g in groups:
        g.recent = recent_warnings[g.pk]
    bad = bool(shift_form.errors or warn_form.errors)
    return render(request, "console/emergency_desk.html", {
        "title": "应急指挥", "menu": _menu(request.user), "active": "emergency", "open": open_callouts,
        "recent": recent, "rows": rows, "groups": groups, "shift_form": shift_form, "warn_form": warn_form,
        "can_roster": j.has_perm(ROSTER), "can_send": j.has_perm(SEND), "now": t}, status=400 if bad else 200)


@staff_required
def callout_page(request, pk: int, action: str | None = None):
    """One callout: the case, the units called ring by ring, the table's steps, the timeline."""
    try:
        c = selectors.callout_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("出警记录不存在或不在您的管辖范围内")
    url = reverse("console-callout", args=[pk])

    def run(t, values, photos):
        services.callout_act(actor=request.user, callout=c, action=t.action, values=values)

    response, ctx = panel(request, CALLOUT.allowed(request.user, c), action, success_url=url,
                          make_form=lambda t, **kw: action_form(t, **kw), run=run, label_of=CALLOUT.label)
    if response is not None:
        return response
    labels = {"open": "发起出警", "ring": "通知应急单元"}
    timeline = [{"e": e, "label": labels.get(e.action) or CALLOUT.label(e.action)} for e in selectors.timeline(c)]
    return render(request, "console/emergency_callout.html", {
        "title": f"应急出警 · {c.case.number}", "menu": _menu(request.user), "active": "emergency", "c": c,
        "units": selectors.callout_units(c), "timeline": timeline, "actions": ctx["actions"], "action_base": url},
        status=400 if ctx["invalid"] else 200)
