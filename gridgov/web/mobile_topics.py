"""协商议事 on the phone (/m/topics/, 掌上社区): the topics of my community, proposing one, and on a topic what its
step lets me do — 附议, 发表意见, 报名参会, 投票 (my household's vote), 评议 — with the steps, the published result
and what became of the decision."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from gridgov.core.errors import ApplicationError, NotFound
from gridgov.deliberation import selectors, services
from gridgov.deliberation.access import resident_of
from gridgov.deliberation.models import ENDED, Choice, MeetingState, Satisfaction, Scale
from gridgov.web.mobile import LOGIN
from gridgov.web.pages import done_redirect, place_errors


@login_required(login_url=LOGIN)
def topics_home(request):
    """本社区的议题: those under way first (what I can do marked), then the decided ones."""
    rows = list(selectors.topics(request.user)[:100])
    under_way = [t for t in rows if t.state not in ENDED]
    decided = [t for t in rows if t.state in ENDED]
    return render(request, "mobile/topics.html", {"under_way": under_way, "decided": decided,
                                                  "resident": resident_of(request.user)})


class ProposeForm(forms.Form):
    title = forms.CharField(label="议题名称", min_length=4, max_length=100,
                            widget=forms.TextInput(attrs={"placeholder": "如:1号楼前增设电动车充电桩"}))
    body = forms.CharField(label="现状和建议", min_length=10, max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    scale = forms.ChoiceField(label="事情大小", choices=Scale.choices, initial=Scale.MINOR)
    whole = forms.ChoiceField(label="涉及范围", choices=[("building", "本楼"), ("community", "全社区")],
                              initial="building")


@login_required(login_url=LOGIN)
def topic_propose(request):
    """提出议题: a resident proposes in their community; neighbours support it on their phones."""
    resident = resident_of(request.user)
    if resident is None:
        return render(request, "mobile/topic_propose.html", {"form": None}, status=403)
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        building = resident.household.building if resident.household_id else None
        community = resident.grid.parent if resident.grid.parent_id else resident.grid
        try:
            topic = services.topic_propose(
                actor=request.user, title=d["title"], body=d["body"], scale=d["scale"], region=community,
                buildings=[building] if d["whole"] == "building" and building is not None else [])
        except ApplicationError as exc:
            place_errors(form, exc)
        else:
            messages.success(request, f"议题已提出,邻居附议满 {topic.support_needed} 人即提交居委会审核"
                             if topic.support_needed else "议题已提出,等待居委会审核")
            return done_redirect(request, "m-topic", topic.pk)
    return render(request, "mobile/topic_propose.html", {"form": form}, status=400 if form.errors else 200)


def _do(request, topic) -> None:
    do = request.POST.get("do", "")
    if do == "support":
        services.support(actor=request.user, topic=topic)
        messages.success(request, "已附议")
    elif do == "comment":
        services.comment(actor=request.user, topic=topic, body=request.POST.get("body", ""))
        messages.success(request, "意见已发表")
    elif do == "vote":
        b = services.vote(actor=request.user, topic=topic, choice=request.POST.get("choice", ""))
        messages.success(request, f"已投票:{b.get_choice_display()}")
    elif do == "rate":
        services.rate(actor=request.user, topic=topic, score=request.POST.get("score", ""),
                      comment=request.POST.get("comment", ""))
        messages.success(request, "感谢您的评议")
    elif do == "signup":
        m = topic.meetings.filter(pk=request.POST.get("meeting") or 0).first()
        if m is None:
            raise ApplicationError("meeting_missing", "会议不存在")
        services.sign_up(actor=request.user, meeting=m)
        messages.success(request, "已报名,请按时参加")
    else:
        raise ApplicationError("unknown_action", "请选择要做的事")


@login_required(login_url=LOGIN)
def topic_page(request, pk: int):
    try:
        topic = selectors.topic_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("议题不存在")
    if request.method == "POST":
        try:
            _do(request, topic)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return done_redirect(request, reverse("m-topic", args=[pk]))
    part = selectors.my_part(request.user, topic)
    return render(request, "mobile/topic.html", {
        "t": topic, "steps": selectors.steps(topic), "part": part, "tally": selectors.tally(topic),
        "satisfaction": selectors.satisfaction(topic), "choices": Choice.choices, "scores": Satisfaction.choices,
        "meetings": [m for m in selectors.meetings(topic) if m.state != MeetingState.CANCELLED],
        "milestones": list(topic.milestones.all()), "buildings": list(topic.buildings.all()),
        "comments": _comments(topic)})


def _comments(topic) -> list:
    """Residents are shown by surname (张**); staff by name and office."""
    from gridgov.accounts.models import Membership

    out = list(topic.comments.filter(is_hidden=False).select_related("author")[:100])
    staff = set(Membership.objects.filter(user_id__in={c.author_id for c in out}, is_active=True,
                                          role__is_staff_role=True).values_list("user_id", flat=True))
    for c in out:
        name = str(c.author)
        is_staff = c.author_id in staff or c.author.is_staff or c.author.is_superuser
        c.who = f"{name}(工作人员)" if is_staff else name[:1] + "**"
    return out
