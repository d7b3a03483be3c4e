"""The grid worker's phone pages (/m/work/): today's tasks, patrol check-in, report (and resolve on the spot),
and a case page with exactly the actions the workflow allows — the same forms and services as the console."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.cases import services
from gridgov.cases.access import handler_units
from gridgov.cases.models import Case, PatrolCheckin, State
from gridgov.cases.selectors import case_get, case_list, case_photo_groups
from gridgov.cases.sla import clock_summary
from gridgov.cases.triage import suggest_category
from gridgov.cases.workflow import action_label
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.timeutil import LOCAL_TZ, local_today, now
from gridgov.notify.selectors import inbox as message_inbox
from gridgov.web.action_panel import action_panel
from gridgov.web.mobile import ReportForm
from gridgov.web.pages import done_redirect, staff_required

LOGIN = "/console/login/"


@staff_required
def work_home(request):
    import datetime as dt

    j = jurisdiction_of(request.user)
    to_verify = case_list(actor=request.user, filters={"state": State.DONE_REPORTED, "ordering": "due"}) if j.has_perm(
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
        "unread": list(message_inbox(request.user).filter(read_at__isnull=True)[:5]),
    }, status=400 if form.errors else 200)


@staff_required
def work_case(request, pk, action: str | None = None):
    try:
        case = case_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("事件不存在或不在您的管辖范围内")
    response, panel = action_panel(request, case, action, success_url=reverse("m-work-case", args=[pk]),
                                   hide=("category", "urgency"))
    if response is not None:
        return response
    events = [{"at": e.at, "label": action_label(e.action), "note": e.note} for e in case.events.order_by("at", "id")]
    return render(request, "mobile/work_case.html", {"case": case, "actions": panel["actions"], "events": events,
                                                     "clocks": clock_summary(case, now()),
                                                     "photo_groups": case_photo_groups(case)},
                  status=400 if panel["invalid"] else 200)
