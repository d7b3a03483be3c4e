"""On the phone: 关爱看望 (/m/care/) for the pairing and the grid worker — the targets, red first, and a check-in in
one tap (一切正常, 未见异常, 发现异常 which makes a case); 应急出警 (/m/emergency/) for members of an emergency unit —
the callouts that reached their unit and the step the table allows next (响应, 到场, 处置完毕)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gridgov.care import selectors as care_selectors
from gridgov.care import services as care_services
from gridgov.care.access import visible_plans
from gridgov.care.models import CheckInKind, PlanState
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import now
from gridgov.emergency import selectors as emergency_selectors
from gridgov.emergency import services as emergency_services
from gridgov.emergency.access import member_unit_ids
from gridgov.emergency.workflow import CALLOUT
from gridgov.web.mobile import LOGIN
from gridgov.web.pages import done_redirect


@login_required(login_url=LOGIN)
def care_home(request):
    """关爱看望: my targets (paired, or of my grid), red first; a check-in per target."""
    if request.method == "POST":
        try:
            plan = care_selectors.plan_get(actor=request.user, pk=int(request.POST.get("plan") or 0))
            c = care_services.check_in(actor=request.user, plan=plan, kind=request.POST.get("kind", ""),
                                       result=request.POST.get("result", ""), note=request.POST.get("note", ""),
                                       idempotency_key=request.POST.get("submission_id", ""))
        except (ApplicationError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "请选择关爱对象"))
        else:
            messages.success(request, f"已记录:{plan.resident.name} {c.get_result_display()}"
                                      + (f",已生成事件 {c.case.number},社区将尽快处置" if c.case else ""))
        return done_redirect(request, "/m/care/")
    plans = list(care_selectors.by_urgency(visible_plans(request.user).filter(state=PlanState.ACTIVE).distinct())
                 .prefetch_related("pairings__user")[:100])
    return render(request, "mobile/care.html", {"plans": plans, "kinds": CheckInKind.choices, "now": now()})


@login_required(login_url=LOGIN)
def emergency_home(request):
    """应急出警: the open callouts of my units, newest first, with the step I may take on each."""
    if request.method == "POST":
        try:
            callout = emergency_selectors.callout_get(actor=request.user, pk=int(request.POST.get("callout") or 0))
            action = request.POST.get("action", "")
            emergency_services.callout_act(actor=request.user, callout=callout, action=action,
                                           values={"note": request.POST.get("note", "")})
        except (ApplicationError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "请选择出警任务"))
        else:
            messages.success(request, f"已{CALLOUT.label(action)}")
        return done_redirect(request, "/m/emergency/")
    mine = member_unit_ids(request.user)
    callouts = list(emergency_selectors.callouts(request.user, open_only=True).filter(units__unit_id__in=mine)
                    .distinct().select_related("case")[:30]) if mine else []
    for c in callouts:
        c.allowed = [t for t in CALLOUT.allowed(request.user, c) if t.action != "stand_down"]
        c.mine = next((cu for cu in c.units.all() if cu.unit_id in mine), None)
    return render(request, "mobile/emergency.html", {"callouts": callouts, "is_member": bool(mine)})
