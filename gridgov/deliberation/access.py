"""Who may do what with topics. Staff over the place: deliberation:topic:list to read, deliberation:topic:edit to
run the steps (the committee), deliberation:topic:propose to propose (grid workers, departments). Residents (a
user linked to an active resident with a household) read, propose, support, comment and rate in their own
community, and vote where their household is within the topic's buildings or region."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from gridgov.accounts.scoping import jurisdiction_of, scope
from gridgov.core.timeutil import local, now
from gridgov.deliberation import workflow as wf
from gridgov.deliberation.models import Topic, VoteUnit
from gridgov.people.models import Household, Resident
from gridgov.people.selectors import community_path, resident_of

LIST, EDIT, PROPOSE = "deliberation:topic:list", "deliberation:topic:edit", "deliberation:topic:propose"
ADULT_YEARS = 18


def actor_kinds(actor, topic: Topic) -> set[str]:
    if actor is None:
        return {wf.SYSTEM}
    kinds = set()
    if jurisdiction_of(actor).covers(EDIT, topic.region_path):
        kinds.add(wf.COMMITTEE)
    if getattr(actor, "pk", None) and actor.pk == topic.proposer_id:
        kinds.add(wf.PROPOSER)
    return kinds


def is_committee(actor, topic: Topic) -> bool:
    return jurisdiction_of(actor).covers(EDIT, topic.region_path)


def in_community(resident: Resident | None, topic: Topic) -> bool:
    return resident is not None and topic.region_path.startswith(community_path(resident))


def visible_topics(actor) -> QuerySet[Topic]:
    """Staff: topics of their jurisdiction; residents: those of their community; anyone: those they proposed."""
    base = Topic.objects.select_related("region", "proposer")
    if not getattr(actor, "pk", None):
        return base.none()
    q = Q(pk__in=scope(Topic.objects.all(), actor, LIST, "region_path").values("pk")) | Q(proposer=actor)
    resident = resident_of(actor)
    if resident is not None:
        q |= Q(region_path__startswith=community_path(resident))
    return base.filter(q)


def households_in_scope(topic: Topic) -> QuerySet[Household]:
    """The households a topic concerns: those of its buildings, else of its region; only where someone lives."""
    qs = Household.objects.all()
    building_ids = list(topic.buildings.values_list("pk", flat=True))
    qs = qs.filter(building_id__in=building_ids) if building_ids else qs.filter(grid__path__startswith=topic.region_path)
    return qs.filter(pk__in=Resident.objects.filter(is_active=True).values("household_id"))


def _adult_q(on: dt.date) -> Q:
    try:
        cut = on.replace(year=on.year - ADULT_YEARS)
    except ValueError:  # 29 February
        cut = on.replace(year=on.year - ADULT_YEARS, day=28)
    return Q(birth_date__isnull=True) | Q(birth_date__lte=cut)


def voters_in_scope(topic: Topic) -> QuerySet[Resident]:
    """One person one vote: the adult active residents of the households in scope."""
    return Resident.objects.filter(is_active=True, household__in=households_in_scope(topic)).filter(
        _adult_q(local(now()).date()))


def electorate(topic: Topic) -> int:
    return (households_in_scope(topic) if topic.vote_unit == VoteUnit.HOUSEHOLD else voters_in_scope(topic)).count()


def may_vote_as(topic: Topic, resident: Resident) -> bool:
    """Whether this resident's household (or this resident) is among the topic's voters."""
    if resident.household_id is None:
        return False
    if topic.vote_unit == VoteUnit.HOUSEHOLD:
        return households_in_scope(topic).filter(pk=resident.household_id).exists()
    return voters_in_scope(topic).filter(pk=resident.pk).exists()
