"""积分 on the phone (/m/points/): my points, what expires soon and the history; registering as a volunteer
(流动网格员); claiming points for a deed with a photo; the reward shop, redeeming and my redemption codes; the
community's 诚信红灰榜 and the records about me, with the appeal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render

from gridgov.core.errors import ApplicationError
from gridgov.core.paging import Paginator
from gridgov.core.timeutil import local_today, now
from gridgov.points import credit, selectors, services
from gridgov.points.models import Trigger, VolunteerKind
from gridgov.points.workflow import CREDIT
from gridgov.regions.models import Level, Region
from gridgov.web.mobile import LOGIN
from gridgov.web.pages import done_redirect, place_errors

PER_PAGE = 15


class VolunteerForm(forms.Form):
    kind = forms.ChoiceField(label="身份", choices=VolunteerKind.choices)
    community = forms.ChoiceField(label="服务社区")
    employer = forms.CharField(label="所在单位或平台(选填)", max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [
            (r.pk, f"{r.parent.name if r.parent_id else ''} · {r.name}")
            for r in Region.objects.filter(level=Level.COMMUNITY, is_active=True).select_related("parent")
            .order_by("path")]


class ClaimForm(forms.Form):
    item = forms.ChoiceField(label="积分项目")
    happened_on = forms.DateField(label="发生日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(label="做了什么", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = forms.FileField(label="佐证照片", required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (i.key, f"{i.point_class.name} · {i.name}(+{i.points}{',须附照片' if i.evidence_required else ''})")
            for i in selectors.catalogue().filter(trigger=Trigger.MANUAL)]
        self.fields["happened_on"].initial = local_today()


def _patrol_today(user) -> dict:
    """Today's patrol check-ins of the user: how many, over how many minutes, whether they earn yet."""
    from gridgov.cases.models import PatrolCheckin
    from gridgov.core.timeutil import local, now
    from gridgov.points.awards import PATROL_CHECKINS, PATROL_MINUTES, patrol_day

    start = local(now()).replace(hour=0, minute=0, second=0, microsecond=0)
    count, minutes = patrol_day(list(PatrolCheckin.objects.filter(user=user, at__gte=start)
                                     .values_list("at", flat=True)))
    return {"count": count, "minutes": minutes, "need_minutes": PATROL_MINUTES, "need_count": PATROL_CHECKINS,
            "done": count >= PATROL_CHECKINS and minutes >= PATROL_MINUTES}


@login_required(login_url=LOGIN)
def points_home(request):
    """我的积分: the balance, the volunteer status (or the form to register), 巡逻打卡 for a verified volunteer,
    the history."""
    if request.method == "POST" and request.POST.get("step") == "patrol":
        from django.contrib import messages

        from gridgov.cases.services import patrol_checkin

        try:
            patrol_checkin(actor=request.user, lon=request.POST.get("lon"), lat=request.POST.get("lat"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已打卡")
        return done_redirect(request, "/m/points/#patrol")
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.volunteer_apply(actor=request.user, kind=d["kind"], community_id=int(d["community"]),
                                     employer=d["employer"])
        except ApplicationError as exc:
            place_errors(form, exc)
        else:
            return done_redirect(request, "/m/points/")
    history = Paginator(selectors.my_history(request.user), PER_PAGE).get_page(request.GET.get("page"))
    for t in history:
        t.signed = selectors.signed_amount(t, request.user)
    return render(request, "mobile/points.html", {"summary": selectors.my_summary(request.user), "form": form,
                                                  "history": history, "patrol": _patrol_today(request.user)},
                  status=400 if form.errors else 200)


@login_required(login_url=LOGIN)
def points_claim(request):
    """申请积分: a manual item, the day, what was done, a photo where the item asks for one; my claims."""
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.claim_submit(actor=request.user, item_key=d["item"], note=d["note"],
                                  happened_on=d["happened_on"], photos=request.FILES.getlist("photos"))
        except ApplicationError as exc:
            place_errors(form, exc)
        else:
            return done_redirect(request, "/m/points/claim/")
    claims = selectors.claims(request.user, mine=True).order_by("-created_at", "-id")[:30]
    return render(request, "mobile/points_claim.html", {"form": form, "claims": claims,
                                                        "summary": selectors.my_summary(request.user)},
                  status=400 if form.errors else 200)


@login_required(login_url=LOGIN)
def points_shop(request):
    """积分商城: the rewards, 兑换 with one tap (a code to show at the station), my redemptions."""
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("cancel"):
                r = selectors.redemption_get(actor=request.user, pk=int(request.POST["cancel"]))
                services.redemption_act(actor=request.user, redemption=r, action="cancel",
                                        values={"note": "本人取消"})
            else:
                services.redeem(actor=request.user, reward_id=int(request.POST.get("reward") or 0))
        except (ApplicationError, ValueError) as exc:
            error = getattr(exc, "message", "请选择奖品")
        else:
            return done_redirect(request, "/m/points/shop/")
    mine = selectors.redemptions(request.user, mine=True).order_by("-created_at", "-id")[:20]
    return render(request, "mobile/points_shop.html", {
        "summary": selectors.my_summary(request.user), "rewards": selectors.rewards(request.user), "mine": mine,
        "error": error}, status=400 if error else 200)


@login_required(login_url=LOGIN)
def points_credit(request):
    """诚信红灰榜 of my community (grey names masked), and the records about me — a grey one I may appeal."""
    error = ""
    if request.method == "POST":
        try:
            record = credit.record_get(actor=request.user, pk=int(request.POST.get("record") or 0))
            credit.credit_act(actor=request.user, record=record, action="appeal",
                              values={"reason": request.POST.get("reason", "")})
        except (ApplicationError, ValueError) as exc:
            error = getattr(exc, "message", "请选择记录")
        else:
            return done_redirect(request, "/m/points/credit/")
    community = credit.home_community(request.user)
    mine = list(credit.visible_records(request.user).filter(resident__user=request.user)
                .exclude(state__in=["proposed", "rejected"]).order_by("-created_at"))
    for r in mine:
        r.can_appeal = any(t.action == "appeal" for t in CREDIT.allowed(request.user, r))
    return render(request, "mobile/points_credit.html", {
        "community": community, "lists": credit.published_lists(community) if community else {"red": [], "grey": []},
        "mine": mine, "error": error}, status=400 if error else 200)


@login_required(login_url=LOGIN)
def points_tasks(request):
    """志愿任务: the community's open tasks (接单) and mine (上报完成, 退出), with the points each brings."""
    from gridgov.points import volunteer_tasks
    from gridgov.points.access import visible_takes, visible_tasks
    from gridgov.points.models import TakeState, TaskState

    if request.method == "POST":
        try:
            if request.POST.get("take"):
                volunteer_tasks.task_take(actor=request.user, task=visible_tasks(request.user).get(
                    pk=int(request.POST["take"])))
                messages.success(request, "已接单,请按时参加")
            else:
                take = visible_takes(request.user).get(pk=int(request.POST.get("mine") or 0), user=request.user)
                action = request.POST.get("action", "")
                volunteer_tasks.take_act(actor=request.user, take=take, action=action,
                                         values={"note": request.POST.get("note", "")})
                messages.success(request, "已上报,等待社区确认" if action == "report" else "已退出")
        except (ApplicationError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "任务不存在"))
        except ObjectDoesNotExist:
            messages.error(request, "任务不存在")
        return done_redirect(request, "/m/points/tasks/")
    mine = list(visible_takes(request.user).filter(user=request.user).select_related("task__item", "award")
                .order_by("-created_at")[:30])
    taken = {t.task_id for t in mine}
    open_tasks = [t for t in visible_tasks(request.user).filter(state=TaskState.OPEN, ends_at__gt=now())
                  .order_by("starts_at")[:30] if t.pk not in taken]
    for t in open_tasks:
        t.left = max(0, t.places - t.taken)
    return render(request, "mobile/points_tasks.html", {
        "open_tasks": open_tasks, "mine": mine, "taken_state": TakeState.TAKEN, "tab": "tasks",
        "summary": selectors.my_summary(request.user)})
