"""The lifecycle of a topic, on the engine of `core.workflow`: the seven steps of 七步议事 as states, one row per
way of leaving a step. Where the next step depends on the topic's procedure (a small matter skips 确定参与主体, an
urgent one the discussion), the row names each possible next step as an outcome and the service picks the one its
procedure (`deliberation.procedures`) lists. The sweep (actor ``system``) moves on the steps that end by date.

Row attribute ``danger``: a step that ends the topic (its button is red)."""

from __future__ import annotations

from gridgov.core.workflow import Field, T, Table
from gridgov.deliberation.models import TopicState

COMMITTEE = "committee"  # staff over the topic's place with deliberation:topic:edit (居委会, 网格长 …)
PROPOSER = "proposer"
SYSTEM = "system"

S = TopicState
REASON = Field("reason", "原因", "textarea", required=True, max_length=500)
NOTE = Field("note", "说明", "textarea", max_length=1000)
DECISION = Field("decision", "拟表决的决议内容", "textarea", max_length=2000,
                 help="表决前须写明;急事审核通过即进入表决")
VOTE_UNTIL = Field("vote_until", "表决截止", "date", help="不填按议事规则的天数")


def _next(*states: str) -> dict[str, str | None]:
    return {s: s for s in states}


TOPIC = Table(
    name="topic",
    transitions=(
        T("submit", "提交审核", [S.PROPOSED], S.REVIEW, [COMMITTEE, SYSTEM], fields=[NOTE]),
        T("lapse", "附议不足终止", [S.PROPOSED], S.LAPSED, [SYSTEM], danger=True),
        T("withdraw", "撤回议题", [S.PROPOSED, S.REVIEW], S.WITHDRAWN, [PROPOSER], fields=[REASON], danger=True),
        T("accept", "审核通过", [S.REVIEW], S.PARTICIPANTS, [COMMITTEE],
          outcomes=_next(S.PARTICIPANTS, S.DISCUSSION, S.VOTING), fields=[DECISION, VOTE_UNTIL, NOTE]),
        T("reject", "不予受理", [S.REVIEW], S.REJECTED, [COMMITTEE], fields=[REASON], danger=True),
        T("fix_participants", "参与主体已确定", [S.PARTICIPANTS], S.DISCUSSION, [COMMITTEE], fields=[NOTE]),
        T("open_vote", "发起表决", [S.DISCUSSION], S.VOTING, [COMMITTEE, SYSTEM],
          fields=[DECISION, VOTE_UNTIL, NOTE]),
        T("count", "计票并公布", [S.VOTING], S.IMPLEMENTING, [COMMITTEE, SYSTEM],
          outcomes={"passed": S.IMPLEMENTING, "failed": S.REFERRED}),
        T("refer", "提交居民会议", [S.PARTICIPANTS, S.DISCUSSION], S.REFERRED, [COMMITTEE], fields=[REASON],
          danger=True),
        T("complete", "实施完成", [S.IMPLEMENTING], S.EVALUATION, [COMMITTEE],
          fields=[Field("note", "办理结果", "textarea", required=True, max_length=2000)]),
        T("close", "评议结束", [S.EVALUATION], S.CLOSED, [COMMITTEE, SYSTEM], fields=[NOTE]),
    ),
    kinds=lambda actor, topic: _kinds(actor, topic),
    state_labels={s.value: str(s.label) for s in S},
)


def _kinds(actor, topic) -> set[str]:
    from gridgov.deliberation.access import actor_kinds

    return actor_kinds(actor, topic)
