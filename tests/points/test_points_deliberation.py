"""民主议事 earns: a verified volunteer's vote on a topic (online, or the paper ballot the committee entered for
them) earns the vote item once per ballot within the daily cap shared with the claimed 参与社区事务投票, and a topic
they proposed that passed earns the adopted item; whatever they chose, and nothing for those who are no volunteers."""

from gridgov.deliberation import services as d
from gridgov.points import ledger
from gridgov.points.models import PointsEvent, Transfer
from gridgov.points.services import volunteer_act, volunteer_apply
from gridgov.points.sweeper import sweep_points
from tests.deliberation.conftest import dw  # noqa: F401 - the deliberation world


def _volunteer(dw, user):  # noqa: F811
    v = volunteer_apply(actor=user, kind="resident", community_id=dw.w.comm_a.pk)
    volunteer_act(actor=dw.w.user_a, volunteer=v, action="verify")


def _balance(user) -> int:
    return ledger.member_account(user).balance


def _voting(dw, proposer, title="增设充电桩"):  # noqa: F811
    topic = d.topic_propose(actor=proposer, title=title, body="1号楼前空地增设电动车充电桩,杜绝飞线充电。",
                            scale="urgent", region=dw.w.comm_a)
    return d.topic_act(actor=dw.chief, topic=topic, action="accept", values={"decision": "同意增设充电桩"})


def test_votes_and_adopted_topics_of_volunteers_earn_once(dw):  # noqa: F811
    _volunteer(dw, dw.users[0])
    _volunteer(dw, dw.users[2])
    topic = _voting(dw, dw.users[0])
    d.vote(actor=dw.users[0], topic=topic, choice="no")  # a vote earns whatever its choice
    d.vote(actor=dw.users[1], topic=topic, choice="yes")  # no volunteer
    d.ballot_enter(actor=dw.chief, topic=topic, resident=dw.residents[2], choice="yes", channel="paper")
    d.vote(actor=dw.users[3], topic=topic, choice="yes")
    d.topic_act(actor=dw.chief, topic=topic, action="count")
    sweep_points()
    sweep_points()
    assert _balance(dw.users[0]) == 2 + 20  # the vote and the adopted topic
    assert _balance(dw.users[2]) == 2  # the paper ballot entered for them
    assert not Transfer.objects.filter(destination__user=dw.users[1]).exists()
    assert Transfer.objects.filter(source_key__startswith="topic_vote:").count() == 2
    # a second vote the same day: the daily cap of the vote group (1) holds
    second = _voting(dw, dw.chief, title="楼道照明改造")
    d.vote(actor=dw.users[0], topic=second, choice="yes")
    sweep_points()
    assert _balance(dw.users[0]) == 22
    assert PointsEvent.objects.filter(action="award_withheld", data__item="topic_vote").count() == 1


def test_a_topic_that_failed_earns_its_proposer_nothing(dw):  # noqa: F811
    _volunteer(dw, dw.users[0])
    topic = _voting(dw, dw.users[0])
    d.topic_act(actor=dw.chief, topic=topic, action="count")  # nobody voted: referred
    sweep_points()
    assert _balance(dw.users[0]) == 0
