"""Reads of the deliberation module, scoped (`deliberation.access.visible_topics`): lists by step, a topic with
what residents may do on it now, its tally (live while voting, as published after), participation and
satisfaction."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from gridgov.core.errors import NotFound
from gridgov.deliberation import access
from gridgov.deliberation.models import (
    ENDED,
    Ballot,
    DeliberationEvent,
    Meeting,
    Rating,
    Satisfaction,
    Support,
    Topic,
    TopicState,
)
from gridgov.deliberation.procedures import ATTEND, COMMENT, RATE, SUPPORT, VOTE, allows, procedure

ACTIVE = "active"  # the filter for every topic still under way


def topics(actor, *, state: str = "", scale: str = "", q: str = "") -> QuerySet[Topic]:
    qs = access.visible_topics(actor)
    if state == ACTIVE:
        qs = qs.exclude(state__in=ENDED)
    elif state:
        qs = qs.filter(state=state)
    if scale:
        qs = qs.filter(scale=scale)
    if q:
        qs = qs.filter(title__contains=q.strip()[:50])
    return qs.order_by("-updated_at", "-pk")


def topic_get(*, actor, pk: int) -> Topic:
    topic = access.visible_topics(actor).filter(pk=pk).first()
    if topic is None:
        raise NotFound()
    return topic


def board(actor) -> dict[str, int]:
    """Topics by step in the actor's place."""
    counts = {s.value: 0 for s in TopicState}
    for row in access.visible_topics(actor).values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts


def my_part(actor, topic: Topic) -> dict:
    """What this user may do on the topic now, and what they did (supported, voted how, rated)."""
    resident = access.resident_of(actor)
    member = access.in_community(resident, topic)
    ballot = None
    if resident is not None and resident.household_id:
        key = f"h{resident.household_id}" if topic.vote_unit == "household" else f"r{resident.pk}"
        ballot = Ballot.objects.filter(topic=topic, voter_key=key).first()
    supported = Support.objects.filter(topic=topic, user=actor).exists() if getattr(actor, "pk", None) else False
    rated = Rating.objects.filter(topic=topic, user=actor).first() if getattr(actor, "pk", None) else None
    open_vote = allows(topic, VOTE) and resident is not None and access.may_vote_as(topic, resident)
    return {
        "resident": resident, "member": member, "ballot": ballot, "supported": supported, "rating": rated,
        "can_support": member and allows(topic, SUPPORT) and not supported and actor.pk != topic.proposer_id,
        "can_comment": allows(topic, COMMENT) and (member or access.is_committee(actor, topic)),
        "can_attend": member and allows(topic, ATTEND),
        "can_vote": open_vote and ballot is None,
        "can_rate": member and allows(topic, RATE) and rated is None,
    }


def tally(topic: Topic) -> dict | None:
    """The published result, or while voting the count so far (turnout only: choices stay sealed until counted)."""
    if topic.result:
        return topic.result
    if topic.state != TopicState.VOTING:
        return None
    cast = Ballot.objects.filter(topic=topic).count()
    return {"cast": cast, "electorate": topic.electorate,
            "turnout_pct": round(cast * 100 / topic.electorate, 1) if topic.electorate else 0.0, "live": True}


def satisfaction(topic: Topic) -> dict:
    """满意度: (满意 + 基本满意) / all ratings."""
    counts = {s.value: 0 for s in Satisfaction}
    for row in Rating.objects.filter(topic=topic).values("score").annotate(n=Count("pk")):
        counts[row["score"]] = row["n"]
    total = sum(counts.values())
    good = counts[Satisfaction.SATISFIED] + counts[Satisfaction.BASIC]
    return {**counts, "total": total, "rate_pct": round(good * 100 / total, 1) if total else None}


def satisfaction_overall(actor) -> dict:
    """满意度 across the actor's topics that were rated (the field's target: 80 % or more)."""
    qs = Rating.objects.filter(topic__in=access.visible_topics(actor).values("pk"))
    agg = qs.aggregate(total=Count("pk"), good=Count("pk", filter=Q(score__in=[Satisfaction.SATISFIED,
                                                                                  Satisfaction.BASIC])))
    total = agg["total"] or 0
    return {"total": total, "rate_pct": round(agg["good"] * 100 / total, 1) if total else None}


def steps(topic: Topic) -> list[dict]:
    """The topic's procedure as a row of steps: done, current (with its end), to come."""
    states = procedure(topic.scale).states
    current = states.index(topic.state) if topic.state in states else None
    if topic.state == TopicState.CLOSED:
        current = len(states)
    out = []
    for i, s in enumerate(states):
        out.append({"state": s, "label": TopicState(s).label,
                    "status": "current" if i == current else ("done" if current is not None and i < current
                                                              else "todo")})
    return out


def meetings(topic: Topic) -> list[Meeting]:
    return list(topic.meetings.annotate(signup_count=Count("signups")).prefetch_related("linked_topics"))


def timeline(topic: Topic) -> list[DeliberationEvent]:
    return list(DeliberationEvent.objects.filter(subject="topic", subject_id=topic.pk).select_related("actor"))
