"""站内信: the messages for one user on the in-app (console) channel, newest first."""

from __future__ import annotations

from django.db.models import QuerySet

from gridgov.notify.models import Message

IN_APP = "console"


def inbox(user) -> QuerySet[Message]:
    return Message.objects.filter(recipient_id=user.pk, channel=IN_APP).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user).filter(read_at__isnull=True).count()
