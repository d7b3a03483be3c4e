"""Writes of the deliberation module: topics and their steps (`deliberation.workflow.TOPIC`, the next step chosen
by the topic's procedure), supports, comments, participants and buildings, meetings, ballots (online by residents,
paper and proxy entered by staff, one per household or person by the database's unique key), the tally, the
implementation's milestones, satisfaction. Every change writes its timeline row in the same transaction."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Count, F

from gridgov.accounts.paging import page
from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import ApplicationError, PermissionDenied, text_of
from gridgov.core.timeutil import local, now
from gridgov.deliberation import events
from gridgov.deliberation.access import (
    EDIT,
    PROPOSE,
    electorate,
    in_community,
    is_committee,
    may_vote_as,
)
from gridgov.deliberation.models import (
    ENDED,
    Attendance,
    Ballot,
    BallotChannel,
    Choice,
    Comment,
    Meeting,
    MeetingKind,
    MeetingState,
    Milestone,
    Participant,
    ParticipantKind,
    ProposerKind,
    Rating,
    Satisfaction,
    Scale,
    Support,
    Topic,
    TopicState,
    VoteUnit,
)
from gridgov.deliberation.procedures import ATTEND, COMMENT, RATE, SUPPORT, VOTE, allows, procedure
from gridgov.deliberation.workflow import TOPIC
from gridgov.people.selectors import community_path, resident_of
from gridgov.regions.models import Level

log = logging.getLogger("gridgov.deliberation")

S = TopicState
OPEN_PROPOSALS_PER_RESIDENT = 5
BEFORE_VOTE = (S.PROPOSED, S.REVIEW, S.PARTICIPANTS, S.DISCUSSION)


def _committee(actor, topic: Topic) -> None:
    if not is_committee(actor, topic):
        raise PermissionDenied("您不是该议题所在社区的议事组织者")


def _not_ended(topic: Topic) -> None:
    if topic.state in ENDED:
        raise ApplicationError("topic_ended", f"议题已{topic.get_state_display()}", status=409)


def _locked(topic: Topic) -> Topic:
    return Topic.objects.select_for_update(of=("self",)).get(pk=topic.pk)


def _resident_in(actor, topic: Topic, doing: str):
    resident = resident_of(actor)
    if not in_community(resident, topic):
        raise PermissionDenied(f"只有本社区居民可以{doing}")
    return resident


def _step_allows(topic: Topic, doing: str, label: str) -> None:
    if not allows(topic, doing):
        raise ApplicationError("step_closed", f"议题当前处于「{topic.get_state_display()}」,不能{label}", status=409)


def _people(topic: Topic) -> list[int]:
    """Who hears of a topic's steps: its proposer and supporters."""
    return [topic.proposer_id, *Support.objects.filter(topic=topic).values_list("user_id", flat=True)]


# -- topics -------------------------------------------------------------------------------------------------


@transaction.atomic
def topic_propose(*, actor, title: str, body: str, scale: str, region, buildings=(), vote_unit: str = "",
                  case=None) -> Topic:
    """提出议题. A resident proposes in their community and neighbours support it (附议); staff (居委会, grid workers,
    departments) propose where they work and the topic goes straight to review."""
    title = text_of(title, "title", "议题名称", 4, 100)
    body = text_of(body, "body", "议题内容", 10, 5000)
    if scale not in Scale.values:
        raise ApplicationError("invalid_scale", "请选择议题规模", fields={"scale": "无效"})
    vote_unit = vote_unit or VoteUnit.HOUSEHOLD
    if vote_unit not in VoteUnit.values:
        raise ApplicationError("invalid_vote_unit", "请选择表决方式", fields={"vote_unit": "无效"})
    if region is None or region.level not in (Level.COMMUNITY, Level.GRID) or not region.is_active:
        raise ApplicationError("invalid_region", "议题须属于一个社区或网格", fields={"region": "须为社区或网格"})
    j = jurisdiction_of(actor)
    resident = resident_of(actor)
    if j.covers(EDIT, region.path):
        kind = ProposerKind.COMMITTEE
    elif j.covers(PROPOSE, region.path):
        kind = ProposerKind.GRID_WORKER if "grid_worker" in j.roles else ProposerKind.DEPARTMENT
    elif resident is not None and region.path.startswith(community_path(resident)):
        kind = ProposerKind.RESIDENT
        open_count = Topic.objects.filter(proposer=actor, state__in=[S.PROPOSED, S.REVIEW]).count()
        if open_count >= OPEN_PROPOSALS_PER_RESIDENT:
            raise ApplicationError("too_many_proposals", f"您已有 {open_count} 个议题在征集附议或审核中,请等待处理",
                                   status=429)
    else:
        raise PermissionDenied("只能在本人所在社区或管辖范围内提出议题")
    buildings = list(buildings)
    for b in buildings:
        if not b.grid.path.startswith(region.path):
            raise ApplicationError("building_outside", f"{b.name} 不在{region.name}", fields={"buildings": b.name})
    proc = procedure(scale)
    at = now()
    needed = proc.support_needed if kind == ProposerKind.RESIDENT else 0
    topic = Topic(title=title, body=body, scale=scale, region=region, region_path=region.path, proposer=actor,
                  proposer_kind=kind, vote_unit=vote_unit, support_needed=needed, quorum_pct=proc.quorum_pct,
                  pass_pct=proc.pass_pct, case=case, created_at=at, updated_at=at, step_started_at=at)
    _enter(topic, S.PROPOSED if needed else S.REVIEW, at)
    topic.save()
    if buildings:
        topic.buildings.set(buildings)
    events.created(topic, actor=actor, at=at)
    return topic


def _enter(topic: Topic, state: str, at: dt.datetime, *, until: dt.date | None = None) -> list[str]:
    """What entering a step does: its dates from the procedure (or `until`), and on voting the electorate frozen
    (the decision must be written and someone must be able to vote). Returns the fields it set."""
    topic.state = state
    topic.step_started_at = at
    step = procedure(topic.scale).step(state)
    if until is not None:
        end = local(at).replace(year=until.year, month=until.month, day=until.day, hour=23, minute=59, second=59,
                                microsecond=0)
        if end <= at:
            raise ApplicationError("invalid_vote_until", "表决截止须晚于今天", fields={"vote_until": "须晚于今天"})
        if until > local(at).date() + dt.timedelta(days=60):
            raise ApplicationError("invalid_vote_until", "表决期不能超过 60 天", fields={"vote_until": "超过 60 天"})
        topic.step_ends_at = end
    else:
        topic.step_ends_at = at + dt.timedelta(days=step.days) if step is not None and step.days else None
    fields = ["step_started_at", "step_ends_at"]
    if state == S.VOTING:
        if not topic.decision.strip():
            raise ApplicationError("decision_missing", "请先写明拟表决的决议内容", status=409,
                                   fields={"decision": "必填"})
        topic.electorate = electorate(topic)
        if topic.electorate == 0:
            raise ApplicationError("no_electorate", "议题涉及范围内没有可投票的住户或居民,请先核对涉及楼栋", status=409)
        fields.append("electorate")
    return fields


@transaction.atomic
def topic_act(*, actor, topic: Topic, action: str, values: dict | None = None,
              at: dt.datetime | None = None) -> Topic:
    """One row of the topic's table; the next step is the procedure's, the vote's outcome the tally's."""
    at = at or now()
    values = values or {}
    topic = _locked(topic)  # a count waits for the ballots being cast, and they for it
    t = TOPIC.check(actor, topic, action)
    note = t.require(values)
    fields: list[str] = []
    decision = str(values.get("decision") or "").strip()
    if decision:
        topic.decision = decision[:2000]
        fields.append("decision")
    outcome, data = "", None
    if action == "accept":
        outcome = procedure(topic.scale).after(S.REVIEW)
    elif action == "count":
        data = tally(topic)
        outcome = "passed" if data["passed"] else "failed"
        topic.result, topic.published_at = data, at
        fields += ["result", "published_at"]
    elif action == "complete":
        topic.outcome_note, topic.progress = note, 100
        fields += ["outcome_note", "progress"]
    old = topic.state
    target = t.next_state(old, outcome)
    fields += _enter(topic, target, at, until=values.get("vote_until") if target == S.VOTING else None)
    topic.state = old  # the engine moves it
    fields.append("updated_at")
    TOPIC.commit(topic, t, fields=fields, outcome=outcome, at=at,
                 event=lambda old_state: events.step(topic, action, old_state, actor=actor, note=note, data=data,
                                                     at=at))
    _tell(topic, action)
    return topic


def _tell(topic: Topic, action: str) -> None:
    subjects = {
        "submit": f"议题「{topic.title}」附议已满,进入审核", "accept": f"议题「{topic.title}」已通过审核",
        "reject": f"议题「{topic.title}」未予受理", "lapse": f"议题「{topic.title}」附议不足,已终止",
        "open_vote": f"议题「{topic.title}」开始表决", "count": f"议题「{topic.title}」表决结果已公布",
        "refer": f"议题「{topic.title}」已提交居民会议", "complete": f"议题「{topic.title}」已实施完成,请评议",
    }
    if action in subjects:
        page(_people(topic), subject=subjects[action], data={"topic": topic.pk},
             dedupe_key=f"topic-{topic.pk}-{action}")


def tally(topic: Topic) -> dict:
    """The count: ballots by choice and channel, turnout against the electorate frozen when voting opened, whether
    the quorum was met and the decision passed (yes above `pass_pct` of the ballots cast)."""
    rows = Ballot.objects.filter(topic=topic).values("choice", "channel").annotate(n=Count("id"))
    by_choice = {c: 0 for c in Choice.values}
    by_channel = {c: 0 for c in BallotChannel.values}
    for r in rows:
        by_choice[r["choice"]] += r["n"]
        by_channel[r["channel"]] += r["n"]
    cast = sum(by_choice.values())
    quorum_met = topic.electorate > 0 and cast * 100 >= topic.quorum_pct * topic.electorate
    passed = quorum_met and by_choice[Choice.YES] * 100 > topic.pass_pct * cast
    return {**by_choice, "cast": cast, "electorate": topic.electorate,
            "turnout_pct": round(cast * 100 / topic.electorate, 1) if topic.electorate else 0.0,
            "quorum_pct": topic.quorum_pct, "pass_pct": topic.pass_pct, "quorum_met": quorum_met, "passed": passed,
            "channels": by_channel}


@transaction.atomic
def topic_update(*, actor, topic: Topic, decision: str | None = None, buildings=None) -> Topic:
    """居委会 settles before the vote what is to be decided and whose households take part."""
    topic = _locked(topic)
    _committee(actor, topic)
    if topic.state not in BEFORE_VOTE:
        raise ApplicationError("vote_started", "表决已开始,不能再修改决议内容和涉及楼栋", status=409)
    if decision is not None:
        topic.decision = text_of(decision, "decision", "决议内容", 4, 2000)
        events.changed(topic, "decision", actor=actor, note=topic.decision)
    if buildings is not None:
        buildings = list(buildings)
        for b in buildings:
            if not b.grid.path.startswith(topic.region_path):
                raise ApplicationError("building_outside", f"{b.name} 不在议题所属范围",
                                       fields={"buildings": b.name})
        topic.buildings.set(buildings)
        events.changed(topic, "buildings", actor=actor, note="、".join(b.name for b in buildings) or "全部楼栋",
                       data={"buildings": [b.pk for b in buildings]})
    topic.updated_at = now()
    topic.save(update_fields=["decision", "updated_at"])
    return topic


# -- residents take part ------------------------------------------------------------------------------------


@transaction.atomic
def support(*, actor, topic: Topic) -> Topic:
    """附议. When the supporters reach the number needed the topic goes to review at once."""
    topic = _locked(topic)
    _step_allows(topic, SUPPORT, "附议")
    _resident_in(actor, topic, "附议")
    if actor.pk == topic.proposer_id:
        raise ApplicationError("own_topic", "不能附议自己提出的议题", status=409)
    at = now()
    try:
        with transaction.atomic():
            Support.objects.create(topic=topic, user=actor, at=at)
    except IntegrityError:
        raise ApplicationError("already_supported", "您已附议过该议题", status=409) from None
    Topic.objects.filter(pk=topic.pk).update(supporters_count=F("supporters_count") + 1)
    topic.refresh_from_db(fields=["supporters_count"])
    events.supported(topic, actor=actor, at=at)
    if topic.supporters_count >= topic.support_needed:
        topic_act(actor=None, topic=topic, action="submit", values={"note": f"附议人数达到 {topic.support_needed}"},
                  at=at)
        topic.refresh_from_db()
    return topic


@transaction.atomic
def comment(*, actor, topic: Topic, body: str) -> Comment:
    """发表意见 while the step is open to comments: residents of the community and staff over the place."""
    topic = Topic.objects.get(pk=topic.pk)
    _step_allows(topic, COMMENT, "发表意见")
    if not (is_committee(actor, topic) or jurisdiction_of(actor).covers(PROPOSE, topic.region_path)):
        _resident_in(actor, topic, "发表意见")
    c = Comment.objects.create(topic=topic, author=actor, body=text_of(body, "body", "意见", 2, 2000), at=now())
    events.commented(topic, c, actor=actor)
    return c


@transaction.atomic
def comment_hide(*, actor, comment: Comment) -> Comment:
    _committee(actor, comment.topic)
    if not comment.is_hidden:
        comment.is_hidden = True
        comment.save(update_fields=["is_hidden"])
        events.commented(comment.topic, comment, actor=actor, hidden=True)
    return comment


@transaction.atomic
def participant_set(*, actor, topic: Topic, kind: str, name: str, user=None, present: bool = True) -> Topic:
    """确定参与主体: representatives, departments, the property company …; removed with present=False."""
    topic = _locked(topic)
    _committee(actor, topic)
    _not_ended(topic)
    if kind not in ParticipantKind.values:
        raise ApplicationError("invalid_kind", "请选择参与主体类别", fields={"kind": "无效"})
    name = text_of(name, "name", "名称", 2, 100)
    if present:
        _, created = Participant.objects.get_or_create(topic=topic, kind=kind, name=name, defaults={"user": user})
    else:
        created = Participant.objects.filter(topic=topic, kind=kind, name=name).delete()[0] > 0
    if created:
        events.changed(topic, "participant", actor=actor, note=f"{'增加' if present else '移除'}{name}",
                       data={"kind": kind, "name": name, "present": present})
    return topic


# -- meetings -----------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(*, actor, topic: Topic, kind: str, starts_at: dt.datetime, place: str, agenda: str) -> Meeting:
    topic = Topic.objects.get(pk=topic.pk)
    _committee(actor, topic)
    _not_ended(topic)
    if kind not in MeetingKind.values:
        raise ApplicationError("invalid_kind", "请选择会议形式", fields={"kind": "无效"})
    if starts_at is None or starts_at.tzinfo is None:
        raise ApplicationError("invalid_starts_at", "请填写会议时间", fields={"starts_at": "必填"})
    m = Meeting.objects.create(topic=topic, kind=kind, starts_at=starts_at, place=text_of(place, "place", "地点", 2, 200),
                               agenda=text_of(agenda, "agenda", "议程", 2, 2000), created_by=actor)
    events.meeting(topic, m, "meeting", actor=actor, note=f"{m.get_kind_display()} · {m.place}")
    page(_people(topic), subject=f"议题「{topic.title}」{m.get_kind_display()}:{local(starts_at):%m月%d日 %H:%M} {m.place}",
         data={"topic": topic.pk, "meeting": m.pk}, dedupe_key=f"meeting-{m.pk}")
    return m


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting, closing_report: str, attendees_count, minutes: str = "",
                  attending_organizations: str = "", minutes_visible: bool = True, linked_topics=()) -> Meeting:
    """会议召开: the closing report (what was concluded), how many came and which organisations, the minutes."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("topic").get(pk=meeting.pk)
    _committee(actor, meeting.topic)
    if meeting.state != MeetingState.PLANNED:
        raise ApplicationError("meeting_closed", f"会议{meeting.get_state_display()}", status=409)
    try:
        count = int(attendees_count)
    except (TypeError, ValueError):
        count = -1
    if not 0 <= count <= 100000:
        raise ApplicationError("invalid_attendees", "请填写到会人数", fields={"attendees_count": "须为 0 以上的整数"})
    meeting.closing_report = text_of(closing_report, "closing_report", "会议结论", 2, 5000)
    meeting.attendees_count = count
    meeting.minutes = (minutes or "").strip()[:20000]
    meeting.attending_organizations = (attending_organizations or "").strip()[:500]
    meeting.minutes_visible = bool(minutes_visible)
    meeting.state, meeting.closed_at = MeetingState.HELD, now()
    meeting.save()
    linked = [t for t in linked_topics if t.pk != meeting.topic_id]
    for t in linked:
        if not is_committee(actor, t):
            raise PermissionDenied(f"议题「{t.title}」不在您的管辖范围")
    meeting.linked_topics.set(linked)
    events.meeting(meeting.topic, meeting, "meeting_held", actor=actor, note=meeting.closing_report[:200])
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("topic").get(pk=meeting.pk)
    _committee(actor, meeting.topic)
    if meeting.state != MeetingState.PLANNED:
        raise ApplicationError("meeting_closed", f"会议{meeting.get_state_display()}", status=409)
    reason = text_of(reason, "reason", "原因", 2, 500)
    meeting.state, meeting.closed_at = MeetingState.CANCELLED, now()
    meeting.save(update_fields=["state", "closed_at"])
    events.meeting(meeting.topic, meeting, "meeting_cancelled", actor=actor, note=reason)
    page([u for u in meeting.signups.values_list("user_id", flat=True)],
         subject=f"「{meeting.topic.title}」{meeting.get_kind_display()}取消:{reason}", data={"meeting": meeting.pk})
    return meeting


@transaction.atomic
def sign_up(*, actor, meeting: Meeting) -> Attendance:
    """报名参会 while the topic's step is open to attending and the meeting is still to come."""
    topic = Topic.objects.get(pk=meeting.topic_id)
    _step_allows(topic, ATTEND, "报名参会")
    _resident_in(actor, topic, "报名参会")
    if meeting.state != MeetingState.PLANNED or meeting.starts_at <= now():
        raise ApplicationError("meeting_closed", "会议已开始或已结束,不能再报名", status=409)
    a, _ = Attendance.objects.get_or_create(meeting=meeting, user=actor, defaults={"at": now()})
    return a


# -- ballots ------------------------------------------------------------------------------------------------


def _voter(topic: Topic, resident) -> tuple[str, dict]:
    if topic.vote_unit == VoteUnit.HOUSEHOLD:
        return f"h{resident.household_id}", {"household_id": resident.household_id, "resident_id": resident.pk}
    return f"r{resident.pk}", {"household_id": resident.household_id, "resident_id": resident.pk}


def _already(topic: Topic, key: str) -> ApplicationError:
    b = Ballot.objects.filter(topic=topic, voter_key=key).first()
    who = "该户" if topic.vote_unit == VoteUnit.HOUSEHOLD else "该居民"
    how = f"已通过{b.get_channel_display()}投票" if b is not None else "已投票"
    return ApplicationError("already_voted", f"{who}{how},一{'户' if who == '该户' else '人'}只能投一票", status=409)


def _cast(topic: Topic, *, resident, choice: str, channel: str, cast_by=None, entered_by=None,
          proxy_name: str = "", at: dt.datetime) -> Ballot:
    if choice not in Choice.values:
        raise ApplicationError("invalid_choice", "请选择赞成、反对或弃权", fields={"choice": "无效"})
    if topic.state != S.VOTING:
        raise ApplicationError("step_closed", f"议题当前处于「{topic.get_state_display()}」,不能投票", status=409)
    if topic.step_ends_at is not None and topic.step_ends_at <= at:
        raise ApplicationError("vote_closed", "表决已截止", status=409)
    if not may_vote_as(topic, resident):
        raise ApplicationError("not_eligible", "该住户不在本议题的表决范围内", status=403)
    key, who = _voter(topic, resident)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(topic=topic, voter_key=key, choice=choice, channel=channel,
                                           proxy_name=proxy_name, cast_by=cast_by, entered_by=entered_by, at=at,
                                           **who)
    except IntegrityError:
        raise _already(topic, key) from None
    events.voted(topic, ballot, actor=entered_by or cast_by)
    return ballot


@transaction.atomic
def vote(*, actor, topic: Topic, choice: str) -> Ballot:
    """线上投票 by a resident: their household's vote (or their own), once, unless a paper or proxy ballot of the
    household has been entered already."""
    topic = _locked(topic)
    _step_allows(topic, VOTE, "投票")
    resident = resident_of(actor)
    if resident is None:
        raise PermissionDenied("只有登记在册的居民可以投票")
    return _cast(topic, resident=resident, choice=choice, channel=BallotChannel.ONLINE, cast_by=actor, at=now())


@transaction.atomic
def ballot_enter(*, actor, topic: Topic, resident, choice: str, channel: str, proxy_name: str = "") -> Ballot:
    """纸质选票 / 委托投票 entered by staff for a household (through one of its residents); it blocks the online vote."""
    topic = _locked(topic)
    _committee(actor, topic)
    if channel not in (BallotChannel.PAPER, BallotChannel.PROXY):
        raise ApplicationError("invalid_channel", "请选择纸质选票或委托投票", fields={"channel": "无效"})
    proxy_name = (proxy_name or "").strip()[:50]
    if channel == BallotChannel.PROXY and len(proxy_name) < 2:
        raise ApplicationError("proxy_required", "委托投票须填写受托人姓名", fields={"proxy_name": "必填"})
    if resident is None or not resident.is_active:
        raise ApplicationError("invalid_resident", "请选择在册居民", fields={"resident": "无效"})
    return _cast(topic, resident=resident, choice=choice, channel=channel, entered_by=actor, proxy_name=proxy_name,
                 at=now())


# -- implementation and evaluation --------------------------------------------------------------------------


@transaction.atomic
def milestone_add(*, actor, topic: Topic, title: str, due_on: dt.date | None = None, progress=0) -> Milestone:
    topic = Topic.objects.get(pk=topic.pk)
    _committee(actor, topic)
    if topic.state != S.IMPLEMENTING:
        raise ApplicationError("not_implementing", "议题不在组织实施阶段", status=409)
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        progress = -1
    if not 0 <= progress <= 100:
        raise ApplicationError("invalid_progress", "进度须在 0–100 之间", fields={"progress": "0–100"})
    m = Milestone.objects.create(topic=topic, title=text_of(title, "title", "事项", 2, 100), due_on=due_on,
                                 progress=progress, created_by=actor, created_at=now())
    events.milestone(topic, m, actor=actor)
    return m


@transaction.atomic
def milestone_done(*, actor, milestone: Milestone, note: str = "") -> Milestone:
    """An implementation step done: the topic's progress becomes the highest a done step brings."""
    topic = _locked(milestone.topic)
    _committee(actor, topic)
    if topic.state != S.IMPLEMENTING:
        raise ApplicationError("not_implementing", "议题不在组织实施阶段", status=409)
    m = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if m.done_at is not None:
        raise ApplicationError("milestone_done", "该节点已完成", status=409)
    m.done_at, m.note = now(), (note or "").strip()[:1000]
    m.save(update_fields=["done_at", "note"])
    if m.progress > topic.progress:
        Topic.objects.filter(pk=topic.pk).update(progress=m.progress, updated_at=m.done_at)
    events.milestone(topic, m, actor=actor, done=True)
    return m


@transaction.atomic
def rate(*, actor, topic: Topic, score: str, comment: str = "") -> Rating:
    """满意度评议 once per resident while the results are open to it."""
    topic = Topic.objects.get(pk=topic.pk)
    _step_allows(topic, RATE, "评议")
    _resident_in(actor, topic, "评议")
    if score not in Satisfaction.values:
        raise ApplicationError("invalid_score", "请选择满意、基本满意或不满意", fields={"score": "无效"})
    try:
        with transaction.atomic():
            r = Rating.objects.create(topic=topic, user=actor, score=score, comment=(comment or "").strip()[:500],
                                      at=now())
    except IntegrityError:
        raise ApplicationError("already_rated", "您已评议过该议题", status=409) from None
    events.rated(topic, r, actor=actor)
    return r


# -- the sweep ----------------------------------------------------------------------------------------------

_BY_DATE: dict[str, str] = {S.PROPOSED: "lapse", S.DISCUSSION: "open_vote", S.VOTING: "count", S.EVALUATION: "close"}


def advance_due(*, at: dt.datetime | None = None) -> int:
    """Steps that end by date: a proposal short of supporters lapses, a discussion goes to the vote, the vote is
    counted and published, the evaluation closes. Each topic in its own transaction; one that cannot move on (no
    decision written) is marked once for the committee."""
    at = at or now()
    due = Topic.objects.filter(state__in=list(_BY_DATE), step_ends_at__lte=at).values_list("pk", "state", "scale")
    moved = 0
    for pk, state, scale in list(due):
        step = procedure(scale).step(state)
        if step is None or not step.by_date:
            continue
        try:
            topic_act(actor=None, topic=Topic(pk=pk), action=_BY_DATE[state], at=at)
            moved += 1
        except ApplicationError as exc:
            if exc.code == "state_changed":
                continue
            with transaction.atomic():
                topic = Topic.objects.select_for_update().get(pk=pk)
                if topic.state == state and topic.step_ends_at and topic.step_ends_at <= at:
                    topic.step_ends_at = None
                    topic.save(update_fields=["step_ends_at"])
                    events.overdue(topic, note=f"「{topic.get_state_display()}」已到期:{exc.message}", at=at)
                    log.info("topic %s cannot move on by date: %s", pk, exc.code)
    return moved

