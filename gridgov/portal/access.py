"""Who may do what in 掌上社区. Staff over the place: portal:article:edit publishes, portal:chat:handle answers
我要办事, portal:slot:edit offers and handles appointments (all of them read what they keep). Residents read what
is published for their community (and the town and district above it), talk with their community's staff and
book its slots."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gridgov.accounts.scoping import jurisdiction_of, scope
from gridgov.people.selectors import community_path, resident_of
from gridgov.portal import workflow as wf
from gridgov.portal.models import Appointment, Article, ArticleState, Conversation, Slot

EDIT, CHAT, SLOTS = "portal:article:edit", "portal:chat:handle", "portal:slot:edit"


def actor_kinds(actor, obj) -> set[str]:
    if actor is None:
        return {wf.SYSTEM}
    j = jurisdiction_of(actor)
    if isinstance(obj, Article):
        return {wf.EDITOR} if j.covers(EDIT, obj.region_path) else set()
    if isinstance(obj, Conversation):
        kinds = {wf.HANDLER} if j.covers(CHAT, obj.region_path) else set()
        return kinds | ({wf.OWNER} if obj.resident_id == actor.pk else set())
    if isinstance(obj, Appointment):
        kinds = {wf.HANDLER} if j.covers(SLOTS, obj.slot.region_path) else set()
        return kinds | ({wf.OWNER} if obj.user_id == actor.pk else set())
    return set()


def home_path(user) -> str | None:
    """The community a resident belongs to, or None for someone registered nowhere."""
    resident = resident_of(user)
    return community_path(resident) if resident is not None else None


def _above_or_at(path: str) -> Q:
    """Regions whose path is a prefix of `path`: the community itself, its town and its district."""
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/" and i > 0]
    return Q(region_path__in=prefixes)


def published_for(user) -> QuerySet[Article]:
    """What a resident reads: published for their community or the areas above it."""
    path = home_path(user)
    base = Article.objects.filter(state=ArticleState.PUBLISHED).select_related("region")
    return base.filter(_above_or_at(path)) if path else base.none()


def editable_articles(actor) -> QuerySet[Article]:
    return scope(Article.objects.select_related("region", "created_by"), actor, EDIT, "region_path")


def visible_article(actor, pk: int) -> Article | None:
    """A published article of the reader's community (or above), or any the staff member keeps."""
    return (published_for(actor).filter(pk=pk).first()
            or editable_articles(actor).filter(pk=pk).first())


def visible_conversations(actor) -> QuerySet[Conversation]:
    base = Conversation.objects.select_related("resident", "assigned_to", "region", "case")
    staff = scope(base, actor, CHAT, "region_path")
    if not getattr(actor, "pk", None):
        return base.none()
    return base.filter(Q(pk__in=staff.values("pk")) | Q(resident=actor))


def visible_slots(actor) -> QuerySet[Slot]:
    return scope(Slot.objects.select_related("region", "staff"), actor, SLOTS, "region_path")


def visible_appointments(actor) -> QuerySet[Appointment]:
    base = Appointment.objects.select_related("slot__region", "user")
    if not getattr(actor, "pk", None):
        return base.none()
    staff = scope(base, actor, SLOTS, "slot__region_path")
    return base.filter(Q(pk__in=staff.values("pk")) | Q(user=actor))
