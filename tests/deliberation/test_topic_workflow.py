"""A topic's procedures step by step (大事 / 小事 / 急事), what each step lets residents do, the steps the sweep moves
on by date, the tally with its quorum, implementation and satisfaction; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import now
from gridgov.deliberation import selectors, services
from gridgov.deliberation.models import DeliberationEvent, Topic, TopicState
from gridgov.deliberation.procedures import PROCEDURES

S = TopicState


def _propose(dw, *, by=None, scale="minor", region=None, **kw) -> Topic:
    return services.topic_propose(actor=by or dw.users[0], title="加装电梯议题", body="幸福里1号楼加装电梯,费用按楼层分摊。",
                                  scale=scale, region=region or dw.w.comm_a, **kw)


def _act(dw, topic, action, **values):
    return services.topic_act(actor=dw.chief, topic=topic, action=action, values=values)


def _actions(topic):
    return list(DeliberationEvent.objects.filter(subject_id=topic.pk).values_list("action", flat=True))


def test_a_residents_small_matter_needs_its_supporters_and_skips_the_participants_step(dw):
    topic = _propose(dw)
    assert topic.state == S.PROPOSED and topic.support_needed == PROCEDURES["minor"].support_needed == 3
    assert topic.step_ends_at - topic.created_at == dt.timedelta(days=7)
    with pytest.raises(ApplicationError) as e:
        services.support(actor=dw.users[0], topic=topic)
    assert e.value.code == "own_topic"
    with pytest.raises(PermissionDenied):
        services.support(actor=dw.outsider.user, topic=topic)  # 乙一 has no say in 甲一
    services.support(actor=dw.users[1], topic=topic)
    with pytest.raises(ApplicationError) as e:
        services.support(actor=dw.users[1], topic=topic)
    assert e.value.code == "already_supported"
    services.support(actor=dw.users[2], topic=topic)
    assert Topic.objects.get(pk=topic.pk).state == S.PROPOSED
    topic = services.support(actor=dw.users[3], topic=topic)
    assert topic.state == S.REVIEW and topic.supporters_count == 3
    with pytest.raises(ApplicationError) as e:  # support is over once it is under review
        services.support(actor=dw.users[4], topic=topic)
    assert e.value.code == "step_closed"
    topic = _act(dw, topic, "accept", note="符合议事范围")
    assert topic.state == S.DISCUSSION  # 小事小议: no 确定参与主体
    assert _actions(topic) == ["create", "support", "support", "support", "submit", "accept"]


def test_a_major_matter_takes_all_seven_steps(dw):
    topic = _propose(dw, by=dw.chief, scale="major")
    assert topic.state == S.REVIEW and topic.support_needed == 0 and topic.proposer_kind == "committee"
    topic = _act(dw, topic, "accept")
    assert topic.state == S.PARTICIPANTS
    services.participant_set(actor=dw.chief, topic=topic, kind="property", name="幸福里物业")
    services.participant_set(actor=dw.chief, topic=topic, kind="department", name="街道城管科")
    topic = _act(dw, topic, "fix_participants")
    assert topic.state == S.DISCUSSION
    with pytest.raises(ApplicationError) as e:
        _act(dw, topic, "open_vote")
    assert e.value.code == "decision_missing" and Topic.objects.get(pk=topic.pk).state == S.DISCUSSION
    topic = _act(dw, topic, "open_vote", decision="同意加装电梯,按楼层系数分摊费用")
    assert topic.state == S.VOTING and topic.electorate == 6
    assert [s["status"] for s in selectors.steps(topic)] == ["done"] * 4 + ["current", "todo", "todo"]


def test_an_urgent_matter_goes_from_review_straight_to_the_vote(dw):
    topic = _propose(dw, scale="urgent")
    assert topic.state == S.REVIEW and topic.support_needed == 0
    with pytest.raises(ApplicationError) as e:
        _act(dw, topic, "accept")
    assert e.value.code == "decision_missing" and Topic.objects.get(pk=topic.pk).state == S.REVIEW
    until = (now() + dt.timedelta(days=1)).date()
    topic = _act(dw, topic, "accept", decision="今晚起暂停地下车库通行,抢修渗水", vote_until=until)
    assert topic.state == S.VOTING and topic.step_ends_at.date() == until


def test_each_step_switches_on_only_its_own_doings(dw):
    topic = _propose(dw, by=dw.chief)
    with pytest.raises(ApplicationError) as e:
        services.comment(actor=dw.users[1], topic=topic, body="支持")
    assert e.value.code == "step_closed"  # 审核 is the committee's
    topic = _act(dw, topic, "accept")
    services.comment(actor=dw.users[1], topic=topic, body="建议低层住户少分摊")
    for doing in (lambda: services.vote(actor=dw.users[1], topic=topic, choice="yes"),
                  lambda: services.rate(actor=dw.users[1], topic=topic, score="satisfied"),
                  lambda: services.support(actor=dw.users[1], topic=topic)):
        with pytest.raises(ApplicationError) as e:
            doing()
        assert e.value.code == "step_closed"
    part = selectors.my_part(dw.users[1], topic)
    assert part["can_comment"] and part["can_attend"] and not part["can_vote"] and not part["can_support"]


def test_only_the_committee_runs_the_steps_and_only_the_proposer_withdraws(dw):
    topic = _propose(dw, by=dw.chief)
    for actor in (dw.users[1], dw.w.user_b, dw.w.worker_a):
        with pytest.raises(PermissionDenied):
            services.topic_act(actor=actor, topic=topic, action="accept")
    with pytest.raises(ApplicationError) as e:
        services.topic_act(actor=None, topic=topic, action="reject")  # the system never rejects
    assert e.value.status == 403
    mine = _propose(dw, by=dw.users[0])
    with pytest.raises(PermissionDenied):
        services.topic_act(actor=dw.chief, topic=mine, action="withdraw", values={"reason": "不需要了"})
    with pytest.raises(ApplicationError) as e:
        services.topic_act(actor=dw.users[0], topic=mine, action="withdraw")
    assert e.value.code == "reason_required"
    mine = services.topic_act(actor=dw.users[0], topic=mine, action="withdraw", values={"reason": "已私下解决"})
    assert mine.state == S.WITHDRAWN


def test_the_sweep_moves_on_the_steps_that_end_by_date(dw):
    lapsing = _propose(dw)  # no supporters
    talk = _act(dw, _propose(dw, by=dw.chief), "accept")
    undecided = _act(dw, _propose(dw, by=dw.chief), "accept")
    services.topic_update(actor=dw.chief, topic=talk, decision="同意在2号楼前增设非机动车棚")
    later = now() + dt.timedelta(days=8)
    assert services.advance_due(at=later) == 2
    assert Topic.objects.get(pk=lapsing.pk).state == S.LAPSED
    talk = Topic.objects.get(pk=talk.pk)
    assert talk.state == S.VOTING and talk.electorate == 6
    undecided = Topic.objects.get(pk=undecided.pk)  # nothing to vote on: marked once for the committee
    assert undecided.state == S.DISCUSSION and undecided.step_ends_at is None
    assert _actions(undecided).count("overdue") == 1
    assert services.advance_due(at=later) == 0 and _actions(undecided).count("overdue") == 1
    # the vote closes by date: counted and published
    assert services.advance_due(at=later + dt.timedelta(days=4)) == 1
    talk = Topic.objects.get(pk=talk.pk)
    assert talk.state == S.REFERRED and talk.result["cast"] == 0 and talk.published_at is not None


def _voting(dw, **kw) -> Topic:
    topic = _act(dw, _propose(dw, by=dw.chief, **kw), "accept")
    return _act(dw, topic, "open_vote", decision="同意在1号楼前增设充电桩")


def test_one_household_one_vote_across_every_channel(dw):
    topic = _voting(dw)
    spouse, first = dw.spouse.user, dw.users[0]  # both of 1号楼 101
    services.vote(actor=first, topic=topic, choice="yes")
    with pytest.raises(ApplicationError) as e:
        services.vote(actor=spouse, topic=topic, choice="no")
    assert e.value.code == "already_voted" and "线上投票" in e.value.message
    with pytest.raises(ApplicationError) as e:  # nor on paper for the same flat
        services.ballot_enter(actor=dw.chief, topic=topic, resident=dw.spouse, choice="no", channel="paper")
    assert e.value.code == "already_voted"
    # a paper ballot entered first blocks the household's online vote
    services.ballot_enter(actor=dw.chief, topic=topic, resident=dw.residents[1], choice="no", channel="paper")
    with pytest.raises(ApplicationError) as e:
        services.vote(actor=dw.users[1], topic=topic, choice="yes")
    assert e.value.code == "already_voted" and "纸质选票" in e.value.message
    with pytest.raises(ApplicationError) as e:
        services.ballot_enter(actor=dw.chief, topic=topic, resident=dw.residents[2], choice="yes", channel="proxy")
    assert e.value.code == "proxy_required"
    services.ballot_enter(actor=dw.chief, topic=topic, resident=dw.residents[2], choice="yes", channel="proxy",
                          proxy_name="王芳")
    with pytest.raises(ApplicationError) as e:
        services.vote(actor=dw.outsider.user, topic=topic, choice="yes")
    assert e.value.code == "not_eligible"
    live = selectors.tally(topic)
    assert live == {"cast": 3, "electorate": 6, "turnout_pct": 50.0, "live": True}  # no choices before the count
    votes = DeliberationEvent.objects.filter(subject_id=topic.pk, action="vote")
    assert votes.count() == 3 and all("choice" not in e.data for e in votes)


def test_one_person_one_vote_counts_adults_only(dw):
    topic = _voting(dw, vote_unit="resident")
    assert topic.electorate == 7  # six flats, a second adult in 101, the child not
    services.vote(actor=dw.users[0], topic=topic, choice="yes")
    services.vote(actor=dw.spouse.user, topic=topic, choice="yes")  # the same flat, another person
    with pytest.raises(ApplicationError) as e:
        services.ballot_enter(actor=dw.chief, topic=topic, resident=dw.child, choice="no", channel="paper")
    assert e.value.code == "not_eligible"


def test_the_count_needs_the_quorum_and_a_majority_of_those_voting(dw):
    topic = _voting(dw)  # 小事: 30 % turnout, more than half yes
    services.vote(actor=dw.users[0], topic=topic, choice="yes")
    topic = _act(dw, topic, "count")  # 1 of 6 voted: below the quorum
    assert topic.state == S.REFERRED and topic.result["quorum_met"] is False and topic.result["turnout_pct"] == 16.7
    passed = _voting(dw)
    for u, c in zip(dw.users[:4], ["yes", "yes", "yes", "no"], strict=True):
        services.vote(actor=u, topic=passed, choice=c)
    passed = _act(dw, passed, "count")
    assert passed.state == S.IMPLEMENTING
    assert {k: passed.result[k] for k in ("yes", "no", "abstain", "cast", "electorate", "passed")} == {
        "yes": 3, "no": 1, "abstain": 0, "cast": 4, "electorate": 6, "passed": True}
    tie = _voting(dw)
    for u, c in zip(dw.users[:4], ["yes", "yes", "no", "abstain"], strict=True):
        services.vote(actor=u, topic=tie, choice=c)
    tie = _act(dw, tie, "count")  # 2 of 4 is not more than half
    assert tie.state == S.REFERRED and tie.result["passed"] is False
    with pytest.raises(ApplicationError) as e:
        services.vote(actor=dw.users[5], topic=tie, choice="yes")
    assert e.value.code == "step_closed"


def test_implementation_milestones_completion_and_satisfaction(dw):
    topic = _voting(dw)
    for u in dw.users[:4]:
        services.vote(actor=u, topic=topic, choice="yes")
    topic = _act(dw, topic, "count")
    m1 = services.milestone_add(actor=dw.chief, topic=topic, title="确定施工单位", progress=30)
    m2 = services.milestone_add(actor=dw.chief, topic=topic, title="安装完成", progress=90,
                                due_on=(now() + dt.timedelta(days=30)).date())
    with pytest.raises(ApplicationError) as e:
        services.milestone_add(actor=dw.chief, topic=topic, title="验收", progress=120)
    assert e.value.code == "invalid_progress"
    services.milestone_done(actor=dw.chief, milestone=m2)
    services.milestone_done(actor=dw.chief, milestone=m1)
    assert Topic.objects.get(pk=topic.pk).progress == 90
    with pytest.raises(ApplicationError) as e:
        services.milestone_done(actor=dw.chief, milestone=m1)
    assert e.value.code == "milestone_done"
    with pytest.raises(ApplicationError) as e:
        _act(dw, topic, "complete")
    assert e.value.code == "note_required"
    topic = _act(dw, topic, "complete", note="充电桩6个已投入使用")
    assert topic.state == S.EVALUATION and topic.progress == 100
    for u, s in zip(dw.users[:5], ["satisfied", "satisfied", "basic", "satisfied", "unsatisfied"], strict=True):
        services.rate(actor=u, topic=topic, score=s)
    with pytest.raises(ApplicationError) as e:
        services.rate(actor=dw.users[0], topic=topic, score="basic")
    assert e.value.code == "already_rated"
    assert selectors.satisfaction(topic)["rate_pct"] == 80.0
    assert services.advance_due(at=now() + dt.timedelta(days=8)) == 1
    assert Topic.objects.get(pk=topic.pk).state == S.CLOSED


def test_meetings_have_an_agenda_sign_ups_and_a_closing_report(dw):
    topic = _act(dw, _propose(dw, by=dw.chief), "accept")
    m = services.meeting_schedule(actor=dw.chief, topic=topic, kind="building", starts_at=now() + dt.timedelta(days=2),
                                  place="1号楼前空地", agenda="1. 介绍方案 2. 听取意见")
    services.sign_up(actor=dw.users[1], meeting=m)
    services.sign_up(actor=dw.users[1], meeting=m)  # once
    with pytest.raises(PermissionDenied):
        services.sign_up(actor=dw.outsider.user, meeting=m)
    with pytest.raises(ApplicationError) as e:
        services.meeting_close(actor=dw.chief, meeting=m, closing_report="同意方案", attendees_count="很多")
    assert e.value.code == "invalid_attendees"
    other = _propose(dw, by=dw.chief)
    services.meeting_close(actor=dw.chief, meeting=m, closing_report="多数同意方案,低层住户意见另行协商",
                           attendees_count=23, attending_organizations="幸福里物业、街道城管科",
                           minutes="……", linked_topics=[other])
    m.refresh_from_db()
    assert m.state == "held" and m.attendees_count == 23 and list(m.linked_topics.all()) == [other]
    assert selectors.meetings(topic)[0].signup_count == 1
    with pytest.raises(ApplicationError) as e:
        services.meeting_cancel(actor=dw.chief, meeting=m, reason="下雨")
    assert e.value.code == "meeting_closed"


def test_residents_see_the_topics_of_their_own_community_only(dw):
    topic = _propose(dw)
    assert topic in selectors.topics(dw.users[4])  # 2号楼, another grid of 甲一
    assert topic not in selectors.topics(dw.outsider.user)
    assert topic not in selectors.topics(dw.w.user_b)
    assert topic in selectors.topics(dw.w.user_a)  # the town above
    with pytest.raises(PermissionDenied):
        services.topic_propose(actor=dw.outsider.user, title="甲一的事", body="乙一居民不能在甲一提出议题。",
                               scale="minor", region=dw.w.comm_a)
    with pytest.raises(ApplicationError) as e:
        services.topic_propose(actor=dw.chief, title="范围外楼栋", body="乙一的楼栋不属于甲一社区的议题。", scale="minor",
                               region=dw.w.grid_a_west, buildings=[dw.b2])
    assert e.value.code == "building_outside"


def test_buildings_narrow_the_electorate_until_the_vote_opens(dw):
    topic = _act(dw, _propose(dw, by=dw.chief), "accept")
    services.topic_update(actor=dw.chief, topic=topic, buildings=[dw.b2], decision="2号楼外墙修缮")
    topic = _act(dw, topic, "open_vote")
    assert topic.electorate == 2
    with pytest.raises(ApplicationError) as e:
        services.vote(actor=dw.users[0], topic=topic, choice="yes")  # 1号楼
    assert e.value.code == "not_eligible"
    with pytest.raises(ApplicationError) as e:
        services.topic_update(actor=dw.chief, topic=topic, buildings=[dw.b1])
    assert e.value.code == "vote_started"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_votes_of_one_household_at_once_exactly_one_counts(dw):
    from django.db import connection

    from tests.concurrency import at_once

    if connection.vendor != "postgresql":
        pytest.skip("concurrent ballots need PostgreSQL (SQLite serialises writers anyway)")
    topic = _voting(dw)
    results, errors = at_once(lambda: services.vote(actor=dw.users[0], topic=topic, choice="yes"),
                              lambda: services.vote(actor=dw.spouse.user, topic=topic, choice="no"))
    assert len(results) == 1 and [e.code for e in errors] == ["already_voted"]
    assert services.tally(Topic.objects.get(pk=topic.pk))["cast"] == 1
