"""The grid worker's phone pages (/m/work/): today's tasks, patrol check-in, report (and resolve on the spot),
and a case page with exactly the actions the workflow allows — the same forms and services as the console."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.cases import services
from gridgov.cases.access import handler_units
from gridgov.cases.models import Case, PatrolCheckin, State
from gridgov.cases.selectors import case_get, case_list
from gridgov.cases.triage import suggest_category
from gridgov.cases.workflow import action_label, transition
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.timeutil import LOCAL_TZ, local_today
from gridgov.web.console import ACTION_FIELDS, ActionForm, _call, _units, done_redirect
from gridgov.web.mobile import ReportForm

LOGIN = "/console/login/"


@login_required(login_url=LOGIN)
def work_home(request):
    import datetime as dt

    j = jurisdiction_of(request.user)
    to_verify = case_list(actor=request.user, filters={"state": State.DONE_REPORTED}) if j.has_perm(
        "case:case:verify") else Case.objects.none()
    inbox = case_list(actor=request.user, filters={"inbox": "1"}) if handler_units(request.user) else Case.objects.none()
    start = dt.datetime.combine(local_today(), dt.time(0), tzinfo=LOCAL_TZ)
    checkins = PatrolCheckin.objects.filter(user=request.user, at__gte=start).select_related("grid")
    mine = Case.objects.filter(reporter=request.user, created_at__gte=start).order_by("-created_at")
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and request.POST.get("kind") == "checkin":
        try:
            services.patrol_checkin(actor=request.user, lon=request.POST.get("lon"), lat=request.POST.get("lat"),
                                    note=request.POST.get("note", ""))
            messages.success(request, "已打卡")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("m-work")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        suggested = None if d["category"] else suggest_category(d["description"])
        try:
            case, _ = services.case_report(
                actor=request.user, channel="grid_worker", description=d["description"],
                category=d["category"] or (suggested.code if suggested else None), lon=d["lon"], lat=d["lat"],
                address=d["address"], photos=request.FILES.getlist("photos"),
                idempotency_key=request.POST.get("submission_id") or None,
                resolved_on_spot=bool(request.POST.get("on_spot")), resolution_note=request.POST.get("resolution", ""))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已上报" + ("(就地解决,待核查)" if case.on_the_spot else ""))
            return done_redirect(request, "m-work-case", case.pk)
    return render(request, "mobile/work.html", {
        "form": form, "to_verify": to_verify[:30], "inbox": inbox[:30], "checkins": checkins, "mine": mine,
    }, status=400 if form.errors else 200)


@login_required(login_url=LOGIN)
def work_case(request, pk, action: str | None = None):
    try:
        case = case_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("事件不存在或不在您的管辖范围内")
    allowed = services.available_actions(case, request.user)
    units = _units(request.user) if any(t.action in ("dispatch", "summon") for t in allowed) else []
    bound, open_action = {}, None
    if request.method == "POST" and action:
        if action not in {t.action for t in allowed}:
            messages.error(request, "当前不能执行该操作")
            return redirect("m-work-case", pk=pk)
        form = ActionForm(request.POST, request.FILES, units=units, auto_id=f"id_{action}_%s")
        if form.is_valid():
            try:
                _call(action, case, request.user, form.cleaned_data, request.FILES)
                messages.success(request, f"已{transition(action).label}")
                return done_redirect(request, "m-work-case", pk)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
        bound[action], open_action = form, action
    actions = []
    for t in allowed:
        form = bound.get(t.action) or ActionForm(units=units, auto_id=f"id_{t.action}_%s")
        actions.append({"action": t.action, "label": t.label, "form": form, "open": t.action == open_action,
                        "fields": [form[f] for f in ACTION_FIELDS[t.action] if f not in ("category", "urgency")]})
    events = [{"at": e.at, "label": action_label(e.action), "note": e.note} for e in case.events.order_by("at", "id")]
    return render(request, "mobile/work_case.html", {"case": case, "actions": actions, "events": events},
                  status=400 if open_action else 200)
