"""Who the actor is to a volunteer, a claim or a redemption (the kinds of the tables in `points.workflow`), and
what they may read: staff over the place with the step's permission; the person themself."""

from __future__ import annotations

from django.db.models import QuerySet

from gridgov.accounts.scoping import jurisdiction_of, scope
from gridgov.points import workflow as wf
from gridgov.points.models import Account, Approver, Claim, Redemption, Task, TaskTake, Volunteer

PERMISSION = {"volunteer": "points:volunteer:verify", "claim": "points:claim:approve",
              "redemption": "points:redemption:handle", "credit": "points:credit:approve",
              "task": "points:claim:approve", "take": "points:claim:approve"}
TOWN_DEPTH = 2  # /district/town/: a town-approved item needs a grant at the town or above


def _depth(path: str) -> int:
    return len([p for p in path.strip("/").split("/") if p])


def _owner_id(table: str, obj) -> int | None:
    if table == "task":
        return None
    return obj.resident.user_id if table == "credit" else obj.user_id


def actor_kinds(table: str, actor, obj) -> set[str]:
    if actor is None:
        return {wf.SYSTEM}
    kinds: set[str] = set()
    if getattr(actor, "pk", None) and _owner_id(table, obj) == actor.pk:
        kinds.add(wf.SELF)
    j = jurisdiction_of(actor)
    code = PERMISSION[table]
    if table == "claim" and obj.item.approver == Approver.TOWN:
        if j.is_global or any(obj.region_path.startswith(p) and _depth(p) <= TOWN_DEPTH for p in j.paths_for(code)):
            kinds.add(wf.OFFICER)
    elif j.covers(code, obj.region_path):
        kinds.add(wf.OFFICER)
    if wf.OFFICER in kinds and wf.SELF in kinds and table != "redemption":
        kinds.discard(wf.OFFICER)  # nobody verifies themself, approves their own claim or judges their own record
    return kinds


def visible_volunteers(actor) -> QuerySet[Volunteer]:
    return scope(Volunteer.objects.select_related("user", "community"), actor, PERMISSION["volunteer"],
                 "region_path")


def visible_claims(actor) -> QuerySet[Claim]:
    return scope(Claim.objects.select_related("user", "item").prefetch_related("photos"), actor, PERMISSION["claim"],
                 "region_path")


def visible_redemptions(actor) -> QuerySet[Redemption]:
    return scope(Redemption.objects.select_related("user", "reward", "station"), actor,
                 PERMISSION["redemption"], "region_path")


def visible_accounts(actor) -> QuerySet[Account]:
    return scope(Account.objects.filter(kind="member").select_related("user"), actor, "points:ledger:view",
                 "region_path")


def visible_tasks(actor) -> QuerySet[Task]:
    """Staff: the tasks of their place; a volunteer: those of their community (and the ones they took)."""
    from django.db.models import Q

    base = Task.objects.select_related("community", "item")
    if not getattr(actor, "pk", None):
        return base.none()
    staff = scope(Task.objects.all(), actor, PERMISSION["task"], "region_path").values("pk")
    own = Volunteer.objects.filter(user=actor).values_list("community__path", flat=True).first()
    q = Q(pk__in=staff) | Q(takes__user=actor)
    if own:
        q |= Q(region_path=own)
    return base.filter(q).distinct()


def visible_takes(actor) -> QuerySet[TaskTake]:
    from django.db.models import Q

    base = TaskTake.objects.select_related("task", "user")
    staff = scope(TaskTake.objects.all(), actor, PERMISSION["take"], "region_path").values("pk")
    return base.filter(Q(pk__in=staff) | Q(user=actor)) if getattr(actor, "pk", None) else base.none()
