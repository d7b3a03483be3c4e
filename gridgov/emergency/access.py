"""Who the actor is to a callout (the kinds of `emergency.workflow`) and what they may read: members of the units
it called respond; the center over the place commands and sees every callout there."""

from __future__ import annotations

from django.db.models import QuerySet

from gridgov.accounts.models import Membership
from gridgov.accounts.scoping import jurisdiction_of, scope
from gridgov.emergency import workflow as wf
from gridgov.emergency.models import AlertGroup, Callout

COMMAND = "emergency:callout:command"
ROSTER = "emergency:roster:edit"
SEND = "emergency:alert:send"


def member_unit_ids(user) -> set[int]:
    """The emergency units the user is a member of (any role)."""
    if not getattr(user, "pk", None):
        return set()
    return set(Membership.objects.filter(user=user, is_active=True, unit__kind="emergency_unit",
                                         unit__is_active=True).values_list("unit_id", flat=True))


def responder_unit(user, callout: Callout):
    """The nearest unit this callout called that the user belongs to, or None."""
    mine = member_unit_ids(user)
    for cu in callout.units.select_related("unit").order_by("ring", "distance_m"):
        if cu.unit_id in mine:
            return cu.unit
    return None


def actor_kinds(actor, callout: Callout) -> set[str]:
    if actor is None:
        return {wf.SYSTEM}
    kinds: set[str] = set()
    if responder_unit(actor, callout) is not None:
        kinds.add(wf.RESPONDER)
    if jurisdiction_of(actor).covers(COMMAND, callout.region_path):
        kinds.add(wf.COMMANDER)
    return kinds


def visible_callouts(actor) -> QuerySet[Callout]:
    """The center sees the callouts of its place; a responder those that called their units."""
    base = Callout.objects.select_related("case", "acknowledged_unit", "acknowledged_by")
    commanded = scope(base, actor, COMMAND, "region_path")
    mine = member_unit_ids(actor)
    if not mine:
        return commanded
    return (commanded | base.filter(units__unit_id__in=mine)).distinct()


def can_send(actor, group: AlertGroup) -> bool:
    """A warning may come from a member of the group or from staff over its place."""
    if not getattr(actor, "pk", None):
        return False
    if group.members.filter(user=actor, is_active=True).exists():
        return True
    return jurisdiction_of(actor).covers(SEND, group.region_path)


def visible_groups(actor) -> QuerySet[AlertGroup]:
    staff = scope(AlertGroup.objects.all(), actor, SEND, "region_path")
    if not getattr(actor, "pk", None):
        return staff
    return (staff | AlertGroup.objects.filter(members__user=actor, members__is_active=True)).distinct()
