"""协商议事 in the console: the topics of the place by step, 提出议题, and a topic's page where the committee runs
the steps its table allows (the procedure's next step), settles the decision and the buildings whose households
vote, adds participants, schedules and closes meetings, enters paper and proxy ballots, tracks the implementation;
with the tally, satisfaction and the timeline."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.timeutil import local, now
from gridgov.deliberation import selectors, services
from gridgov.deliberation.access import LIST, PROPOSE, is_committee, voters_in_scope
from gridgov.deliberation.events import KINDS
from gridgov.deliberation.models import (
    OFFLINE_CHANNELS,
    Choice,
    MeetingKind,
    MeetingState,
    ParticipantKind,
    Scale,
    TopicState,
    VoteUnit,
)
from gridgov.deliberation.procedures import DOING_LABELS, procedure
from gridgov.deliberation.workflow import TOPIC
from gridgov.people.models import Building
from gridgov.regions.models import Level, Region
from gridgov.web.action_forms import action_form
from gridgov.web.action_panel import panel
from gridgov.web.console import _menu
from gridgov.web.pages import done_redirect, list_export, need_perm, place_errors, staff_required, when


class ListFilter(forms.Form):
    state = forms.ChoiceField(label="步骤", required=False,
                              choices=[(selectors.ACTIVE, "进行中"), ("", "全部")] + list(TopicState.choices))
    scale = forms.ChoiceField(label="规模", required=False, choices=[("", "全部")] + list(Scale.choices))
    q = forms.CharField(label="议题名称", required=False, max_length=50)


@staff_required
def topic_list(request):
    """协商议事: the topics of the place, the latest moved first; counts by step; satisfaction overall."""
    need_perm(request, LIST)
    f = ListFilter(request.GET or {"state": selectors.ACTIVE})
    d = f.cleaned_data if f.is_valid() else {"state": selectors.ACTIVE}
    topics = selectors.topics(request.user, state=d.get("state", ""), scale=d.get("scale", ""), q=d.get("q", ""))
    exported = list_export(request, topics, "协商议事", [
        ("编号", lambda t: t.number), ("议题", lambda t: t.title), ("规模", lambda t: t.get_scale_display()),
        ("所处步骤", lambda t: t.get_state_display()), ("本步骤截止", lambda t: when(t.step_ends_at)),
        ("提出时间", lambda t: when(t.created_at))])
    if exported is not None:
        return exported
    counts = selectors.board(request.user)
    return render(request, "console/topic_list.html", {
        "title": "协商议事", "menu": _menu(request.user), "active": "topics", "filter": f, "topics": topics[:200],
        "counts": [(TopicState(s).label, n) for s, n in counts.items() if n],
        "satisfaction": selectors.satisfaction_overall(request.user),
        "can_propose": jurisdiction_of(request.user).has_perm(PROPOSE)})


class TopicForm(forms.Form):
    title = forms.CharField(label="议题名称", max_length=100)
    body = forms.CharField(label="议题内容(现状、诉求、建议方案)", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    scale = forms.ChoiceField(label="议题规模", choices=Scale.choices, initial=Scale.MINOR,
                              help_text="大事大议(七步)、小事小议、急事快议")
    region = forms.ChoiceField(label="所属社区/网格")
    buildings = forms.MultipleChoiceField(label="涉及楼栋(不选为全部)", required=False,
                                          widget=forms.SelectMultiple(attrs={"size": 6}))
    vote_unit = forms.ChoiceField(label="表决方式", choices=VoteUnit.choices, initial=VoteUnit.HOUSEHOLD)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = jurisdiction_of(user).q(PROPOSE, "path")
        qs = Region.objects.filter(level__in=[Level.COMMUNITY, Level.GRID], is_active=True)
        qs = qs.filter(regions) if regions is not None else qs
        self.fields["region"].choices = [(r.pk, ("" if r.level == Level.COMMUNITY else "　") + r.name)
                                         for r in qs.order_by("path")[:500]]
        bq = jurisdiction_of(user).q(PROPOSE, "grid__path")
        bqs = Building.objects.select_related("grid")
        bqs = bqs.filter(bq) if bq is not None else bqs
        self.fields["buildings"].choices = [(b.pk, f"{b.name}({b.grid.name})")
                                            for b in bqs.order_by("grid__path", "number")[:1000]]


@staff_required
def topic_new(request):
    """提出议题 (居委会, grid workers, departments): it goes straight to review."""
    need_perm(request, PROPOSE)
    form = TopicForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region = Region.objects.get(pk=d["region"])
        buildings = list(Building.objects.filter(pk__in=d["buildings"]).select_related("grid"))
        try:
            topic = services.topic_propose(actor=request.user, title=d["title"], body=d["body"], scale=d["scale"],
                                           region=region, buildings=buildings, vote_unit=d["vote_unit"])
        except ApplicationError as exc:
            place_errors(form, exc)
        else:
            messages.success(request, "议题已提出,进入审核")
            return done_redirect(request, "console-topic", topic.pk)
    return render(request, "console/topic_new.html", {
        "title": "提出议题", "menu": _menu(request.user), "active": "topics", "form": form},
        status=400 if form.errors else 200)


class DecisionForm(forms.Form):
    decision = forms.CharField(label="拟表决的决议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ParticipantForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=ParticipantKind.choices)
    name = forms.CharField(label="名称/姓名", max_length=100)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="形式", choices=MeetingKind.choices)
    starts_at = forms.DateTimeField(label="时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label="地点", max_length=200)
    agenda = forms.CharField(label="议程", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MeetingCloseForm(forms.Form):
    closing_report = forms.CharField(label="会议结论", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    attendees_count = forms.IntegerField(label="到会人数", min_value=0, max_value=100000)
    attending_organizations = forms.CharField(label="参会单位", max_length=500, required=False)
    minutes = forms.CharField(label="会议纪要", max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    minutes_visible = forms.BooleanField(label="纪要向居民公开", required=False, initial=True)


class BallotForm(forms.Form):
    resident = forms.ChoiceField(label="住户/投票人")
    choice = forms.ChoiceField(label="意见", choices=Choice.choices)
    channel = forms.ChoiceField(label="方式", choices=OFFLINE_CHANNELS)
    proxy_name = forms.CharField(label="受托人(委托投票时填写)", max_length=50, required=False)

    def __init__(self, *args, topic, **kwargs):
        super().__init__(*args, **kwargs)
        voters = (voters_in_scope(topic).select_related("household__building", "household__unit")
                  .order_by("household__building__number", "household__unit__number", "household__room", "pk"))
        choices, seen = [], set()
        for r in voters[:5000]:
            if topic.vote_unit == VoteUnit.HOUSEHOLD:
                if r.household_id in seen:
                    continue  # the household's vote, entered through its first adult
                seen.add(r.household_id)
                choices.append((r.pk, f"{r.household}({r.name}户)"))
            else:
                choices.append((r.pk, f"{r.name} · {r.household}"))
        self.fields["resident"].choices = choices


class MilestoneForm(forms.Form):
    title = forms.CharField(label="事项", max_length=100)
    due_on = forms.DateField(label="计划完成", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    progress = forms.IntegerField(label="完成后进度(%)", min_value=0, max_value=100, initial=50)


FORMS = {"decision": DecisionForm, "participant": ParticipantForm, "meeting": MeetingForm,
         "close_meeting": MeetingCloseForm, "milestone": MilestoneForm}


def _step(request, topic, step: str) -> forms.Form | None:
    """The page's own forms: the bound form when refused, else None (done)."""
    from gridgov.people.models import Resident

    if step == "ballot":
        form: forms.Form = BallotForm(request.POST, topic=topic)
    elif step in FORMS:
        form = FORMS[step](request.POST)
    elif step == "hide_comment":
        c = topic.comments.filter(pk=request.POST.get("comment") or 0).first()
        if c is not None:
            services.comment_hide(actor=request.user, comment=c)
            messages.success(request, "已屏蔽该意见")
        return None
    elif step in ("cancel_meeting", "milestone_done", "remove_participant"):
        form = forms.Form(request.POST)
    else:
        raise Http404("页面不存在")
    if not form.is_valid():
        return form
    d = form.cleaned_data
    try:
        if step == "decision":
            services.topic_update(actor=request.user, topic=topic, decision=d["decision"])
            messages.success(request, "已保存决议内容")
        elif step == "participant":
            services.participant_set(actor=request.user, topic=topic, kind=d["kind"], name=d["name"])
            messages.success(request, f"已增加参与主体:{d['name']}")
        elif step == "remove_participant":
            p = topic.participants.filter(pk=request.POST.get("participant") or 0).first()
            if p is not None:
                services.participant_set(actor=request.user, topic=topic, kind=p.kind, name=p.name, present=False)
                messages.success(request, f"已移除{p.name}")
        elif step == "meeting":
            services.meeting_schedule(actor=request.user, topic=topic, **d)
            messages.success(request, "已安排会议,已通知提出人和附议人")
        elif step in ("close_meeting", "cancel_meeting"):
            m = topic.meetings.filter(pk=request.POST.get("meeting") or 0).first()
            if m is None:
                raise ApplicationError("meeting_missing", "会议不存在")
            if step == "close_meeting":
                services.meeting_close(actor=request.user, meeting=m, **d)
                messages.success(request, "已记录会议结论")
            else:
                services.meeting_cancel(actor=request.user, meeting=m, reason=request.POST.get("reason", ""))
                messages.success(request, "已取消会议")
        elif step == "ballot":
            resident = Resident.objects.get(pk=d["resident"])
            b = services.ballot_enter(actor=request.user, topic=topic, resident=resident, choice=d["choice"],
                                      channel=d["channel"], proxy_name=d["proxy_name"])
            messages.success(request, f"已录入{b.get_channel_display()}")
        elif step == "milestone":
            services.milestone_add(actor=request.user, topic=topic, **d)
            messages.success(request, "已登记实施节点")
        elif step == "milestone_done":
            m = topic.milestones.filter(pk=request.POST.get("milestone") or 0).first()
            if m is None:
                raise ApplicationError("milestone_missing", "实施节点不存在")
            services.milestone_done(actor=request.user, milestone=m, note=request.POST.get("note", ""))
            messages.success(request, f"「{m.title}」已完成")
    except ApplicationError as exc:
        place_errors(form, exc)
        return form
    return None


@staff_required
def topic_page(request, pk: int, action: str | None = None):
    """One topic: its steps, what residents may do now, the committee's actions and forms, the tally, the timeline."""
    try:
        topic = selectors.topic_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("议题不存在或不在您的管辖范围内")
    url = reverse("console-topic", args=[pk])
    bound: dict[str, forms.Form] = {}
    if request.method == "POST" and not action:
        step = request.POST.get("step", "")
        try:
            refused = _step(request, topic, step)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return done_redirect(request, url)
        if refused is None:
            return done_redirect(request, url)
        bound[step] = refused
        topic = selectors.topic_get(actor=request.user, pk=pk)

    def run(t, values, photos):
        services.topic_act(actor=request.user, topic=topic, action=t.action, values=values)

    response, ctx = panel(request, TOPIC.allowed(request.user, topic), action, success_url=url,
                          make_form=lambda t, **kw: action_form(t, **kw), run=run, label_of=TOPIC.label,
                          initial={"decision": topic.decision})
    if response is not None:
        return response
    committee = is_committee(request.user, topic)
    step = procedure(topic.scale).step(topic.state)
    timeline = [{"e": e, "label": KINDS.get(e.action, TOPIC.label(e.action))} for e in selectors.timeline(topic)]
    default_start = local(now() + dt.timedelta(days=2)).replace(hour=19, minute=0, second=0, microsecond=0)
    return render(request, "console/topic_detail.html", {
        "title": f"议题 · {topic.title}", "menu": _menu(request.user), "active": "topics", "t": topic,
        "steps": selectors.steps(topic), "doings": [DOING_LABELS[d] for d in sorted(step.allows)] if step else [],
        "tally": selectors.tally(topic), "satisfaction": selectors.satisfaction(topic),
        "meetings": selectors.meetings(topic), "milestones": list(topic.milestones.all()),
        "participants": list(topic.participants.all()), "buildings": list(topic.buildings.all()),
        "comments": list(topic.comments.select_related("author")), "timeline": timeline,
        "actions": ctx["actions"], "action_base": url, "committee": committee,
        "before_vote": topic.state in services.BEFORE_VOTE, "open_meeting_states": [MeetingState.PLANNED],
        "forms": {
            "decision": bound.get("decision") or DecisionForm(initial={"decision": topic.decision}),
            "participant": bound.get("participant") or ParticipantForm(),
            "meeting": bound.get("meeting") or MeetingForm(initial={"starts_at": default_start.strftime(
                "%Y-%m-%dT%H:%M")}),
            "close_meeting": bound.get("close_meeting") or MeetingCloseForm(),
            "ballot": bound.get("ballot") or (BallotForm(topic=topic) if topic.state == TopicState.VOTING
                                              and committee else None),
            "milestone": bound.get("milestone") or MilestoneForm()}},
        status=400 if (ctx["invalid"] or bound) else 200)
