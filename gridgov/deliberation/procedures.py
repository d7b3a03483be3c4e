"""The procedure of each scale ("大事大议、小事小议、急事快议"): which of the seven steps a topic goes through, how long
each lasts, which end by date (the sweep moves them on) and what each step lets residents do — Decidim's per-step
switches (`support`, `comment`, `attend`, `vote`, `rate`). The thresholds: supporters a resident's proposal needs,
the turnout (quorum) and the share of yes votes a decision needs; the committee may set a topic's own within
bounds when it accepts it.

大事 takes all seven steps and the 居民会议's rule (more than half of the households take part, more than half of
those voting agree, 《城市居民委员会组织法》); 小事 skips 确定参与主体 (the affected buildings are known when it is
proposed); 急事 is decided within days: no support round, no separate discussion."""

from __future__ import annotations

from dataclasses import dataclass

from gridgov.deliberation.models import Scale, TopicState

S = TopicState
SUPPORT, COMMENT, ATTEND, VOTE, RATE = "support", "comment", "attend", "vote", "rate"
DOING_LABELS = {SUPPORT: "附议", COMMENT: "发表意见", ATTEND: "报名参会", VOTE: "投票", RATE: "满意度评议"}


@dataclass(frozen=True)
class Step:
    state: str
    days: int | None  # how long the step lasts by default; None: until the committee moves it on
    by_date: bool  # at its end the sweep moves it on (附议 lapses or goes to review, votes are counted …)
    allows: frozenset[str]


@dataclass(frozen=True)
class Procedure:
    scale: str
    steps: tuple[Step, ...]
    support_needed: int
    quorum_pct: int
    pass_pct: int

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(s.state for s in self.steps)

    def step(self, state: str) -> Step | None:
        return next((s for s in self.steps if s.state == state), None)

    def after(self, state: str) -> str:
        """The next step of this procedure after `state`."""
        states = self.states
        return states[states.index(state) + 1]


def _s(state, days, by_date, *allows) -> Step:
    return Step(state, days, by_date, frozenset(allows))


PROCEDURES: dict[str, Procedure] = {
    Scale.MAJOR: Procedure(Scale.MAJOR, (
        _s(S.PROPOSED, 14, True, SUPPORT, COMMENT),
        _s(S.REVIEW, 7, False),
        _s(S.PARTICIPANTS, 7, False, COMMENT),
        _s(S.DISCUSSION, 14, True, COMMENT, ATTEND),
        _s(S.VOTING, 7, True, VOTE),
        _s(S.IMPLEMENTING, None, False, COMMENT),
        _s(S.EVALUATION, 14, True, RATE, COMMENT),
    ), support_needed=10, quorum_pct=50, pass_pct=50),
    Scale.MINOR: Procedure(Scale.MINOR, (
        _s(S.PROPOSED, 7, True, SUPPORT, COMMENT),
        _s(S.REVIEW, 3, False),
        _s(S.DISCUSSION, 7, True, COMMENT, ATTEND),
        _s(S.VOTING, 3, True, VOTE),
        _s(S.IMPLEMENTING, None, False, COMMENT),
        _s(S.EVALUATION, 7, True, RATE, COMMENT),
    ), support_needed=3, quorum_pct=30, pass_pct=50),
    Scale.URGENT: Procedure(Scale.URGENT, (
        _s(S.PROPOSED, 1, True, COMMENT),
        _s(S.REVIEW, 1, False),
        _s(S.VOTING, 2, True, VOTE, COMMENT),
        _s(S.IMPLEMENTING, None, False, COMMENT),
        _s(S.EVALUATION, 3, True, RATE, COMMENT),
    ), support_needed=0, quorum_pct=30, pass_pct=50),
}


def procedure(scale: str) -> Procedure:
    return PROCEDURES[scale]


def allows(topic, doing: str) -> bool:
    """Whether the topic's current step lets residents do this."""
    step = procedure(topic.scale).step(topic.state)
    return step is not None and doing in step.allows
