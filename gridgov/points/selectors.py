"""Reads of the points module: a person's own (their account, history, redemptions, claims) and, for staff, what
lies in their jurisdiction (volunteers, claims, redemptions of their stations). 404 for what is out of sight."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gridgov.core.errors import NotFound
from gridgov.core.timeutil import now
from gridgov.points import access, ledger
from gridgov.points.models import (
    Account,
    Claim,
    PointItem,
    PointsEvent,
    Redemption,
    Reward,
    Transfer,
    Volunteer,
)


def my_summary(user) -> dict:
    """我的积分: balance, what can be spent now, what expires within 30 days, and the volunteer status."""
    account = Account.objects.filter(user=user).first() if getattr(user, "pk", None) else None
    at = now()
    volunteer = Volunteer.objects.filter(user=user).select_related("community").first() \
        if getattr(user, "pk", None) else None
    soon, first = ledger.expiring(account, at) if account else (0, None)
    return {"balance": account.balance if account else 0,
            "spendable": max(ledger.spendable(account, at), 0) if account else 0,
            "earned_total": account.earned_total if account else 0,
            "expiring_soon": soon, "expiring_first_at": first,
            "volunteer": volunteer}


def my_history(user) -> QuerySet[Transfer]:
    """The movements of the member's account, newest first (awards, spends, refunds, expiries, reversals)."""
    account = Account.objects.filter(user=user).first() if getattr(user, "pk", None) else None
    if account is None:
        return Transfer.objects.none()
    return (Transfer.objects.filter(Q(source=account) | Q(destination=account))
            .select_related("item", "source", "destination").order_by("-at", "-id"))


def signed_amount(t: Transfer, user) -> int:
    return t.amount if t.destination.user_id == getattr(user, "pk", None) else -t.amount


def catalogue() -> QuerySet[PointItem]:
    return PointItem.objects.filter(is_current=True).select_related("point_class").order_by(
        "point_class__sort", "id")


def rewards(actor=None) -> QuerySet[Reward]:
    """The shop: rewards on the shelf at open stations (with stock or unlimited), cheapest first."""
    return (Reward.objects.filter(is_active=True, station__is_active=True)
            .filter(Q(stock__isnull=True) | Q(stock__gt=0)).select_related("station").order_by("points", "id"))


def redemptions(actor, *, mine: bool = False, state: str = "") -> QuerySet[Redemption]:
    qs = Redemption.objects.filter(user=actor).select_related("reward", "station") if mine else \
        access.visible_redemptions(actor)
    return qs.filter(state=state) if state else qs


def redemption_get(*, actor, pk: int) -> Redemption:
    if not getattr(actor, "pk", None):
        raise NotFound()
    r = (access.visible_redemptions(actor) | Redemption.objects.filter(user=actor)).filter(pk=pk).select_related(
        "reward", "station", "spend").first()
    if r is None:
        raise NotFound()
    return r


def claims(actor, *, mine: bool = False, state: str = "") -> QuerySet[Claim]:
    qs = Claim.objects.filter(user=actor).select_related("item").prefetch_related("photos") if mine else \
        access.visible_claims(actor)
    return qs.filter(state=state) if state else qs


def claim_get(*, actor, pk: int) -> Claim:
    if not getattr(actor, "pk", None):
        raise NotFound()
    c = (access.visible_claims(actor) | Claim.objects.filter(user=actor)).filter(pk=pk).select_related(
        "item", "user").first()
    if c is None:
        raise NotFound()
    return c


def volunteers(actor, *, state: str = "") -> QuerySet[Volunteer]:
    qs = access.visible_volunteers(actor)
    return qs.filter(state=state) if state else qs


def volunteer_get(*, actor, pk: int) -> Volunteer:
    if not getattr(actor, "pk", None):
        raise NotFound()
    v = (access.visible_volunteers(actor) | Volunteer.objects.filter(user=actor)).filter(pk=pk).select_related(
        "user", "community").first()
    if v is None:
        raise NotFound()
    return v


def timeline(subject: str, obj) -> QuerySet[PointsEvent]:
    return PointsEvent.objects.filter(subject=subject, subject_id=obj.pk).select_related("actor").order_by("at", "id")


def task_get(*, actor, pk: int):
    from gridgov.points.access import visible_tasks

    t = visible_tasks(actor).filter(pk=pk).first()
    if t is None:
        raise NotFound()
    return t


def take_get(*, actor, pk: int):
    from gridgov.points.access import visible_takes

    t = visible_takes(actor).filter(pk=pk).first()
    if t is None:
        raise NotFound()
    return t
