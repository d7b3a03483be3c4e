"""Reads of 掌上社区, scoped (`portal.access`): what a resident reads by column, who has read a notice that needs a
receipt, 我要办事 by state with the response times, slots open to book and appointments."""

from __future__ import annotations

import statistics

from django.db.models import QuerySet

from gridgov.core.errors import NotFound
from gridgov.core.timeutil import now
from gridgov.people.models import Resident
from gridgov.portal import access
from gridgov.portal.models import (
    Article,
    Conversation,
    PortalEvent,
    Slot,
)


def articles_for(user, kind: str = "") -> QuerySet[Article]:
    qs = access.published_for(user)
    return qs.filter(kind=kind) if kind else qs


def article_get(*, actor, pk: int) -> Article:
    a = access.visible_article(actor, pk)
    if a is None:
        raise NotFound()
    return a


def receipts(article: Article) -> dict:
    """Who was to read it (the residents with an account in its area) and who has."""
    expected = Resident.objects.filter(is_active=True, user__isnull=False, grid__path__startswith=article.region_path)
    return {"read": article.receipts.count(), "expected": expected.count(),
            "readers": list(article.receipts.select_related("user").order_by("at")[:500])}


def conversations(actor, *, state: str = "", mine: bool = False) -> QuerySet[Conversation]:
    qs = access.visible_conversations(actor)
    if state:
        qs = qs.filter(state=state)
    if mine:
        qs = qs.filter(assigned_to=actor)
    return qs


def conversation_get(*, actor, pk: int) -> Conversation:
    c = access.visible_conversations(actor).filter(pk=pk).first()
    if c is None:
        raise NotFound()
    return c


def response_stats(actor) -> dict:
    """我要办事 of the actor's place: how many, how many waiting, the median minutes to the first answer."""
    qs = access.visible_conversations(actor)
    pairs = qs.filter(first_reply_at__isnull=False).values_list("created_at", "first_reply_at")[:5000]
    answered = [int((first - created).total_seconds() // 60) for created, first in pairs if first is not None]
    return {"total": qs.count(), "waiting": qs.filter(state="waiting").count(), "answered": len(answered),
            "median_minutes": int(statistics.median(answered)) if answered else None}


def open_slots(user) -> QuerySet[Slot]:
    """Slots of the resident's community still to come, not cancelled."""
    path = access.home_path(user)
    if path is None:
        return Slot.objects.none()
    return Slot.objects.filter(region_path=path, is_cancelled=False, starts_at__gt=now()).select_related("staff")


def timeline(subject: str, obj) -> list[PortalEvent]:
    return list(PortalEvent.objects.filter(subject=subject, subject_id=obj.pk).select_related("actor"))
