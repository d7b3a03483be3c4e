"""Reaching people at once: a message to each user's console and, where an SMS provider is configured, to their
phone (emergency callouts, alert-group warnings, care alarms). And who works a grid (its grid workers)."""

from __future__ import annotations

from gridgov.accounts.models import Membership, RoleCode, User
from gridgov.core.pii import get_pii
from gridgov.notify.services import notify, notify_users, reachable_channels


def page(user_ids, *, subject: str, body: str = "", data: dict | None = None, dedupe_key: str | None = None) -> int:
    """Queue the message for each user (once each); returns how many users."""
    user_ids = list(dict.fromkeys(user_ids))
    notify_users(user_ids, subject=subject, body=body, data=data, dedupe_key=dedupe_key)
    if user_ids and "sms" in reachable_channels():
        for user in User.objects.filter(pk__in=user_ids).exclude(phone_enc=""):
            notify(channel="sms", recipient=user, address=get_pii(user, "phone"), subject=subject, body=body,
                   data=data, dedupe_key=f"{dedupe_key}-sms-{user.pk}" if dedupe_key else None)
    return len(user_ids)


def grid_workers(grid_id: int | None) -> list[int]:
    """The active grid workers of a grid."""
    if grid_id is None:
        return []
    return list(Membership.objects.filter(region_id=grid_id, role__code=RoleCode.GRID_WORKER, is_active=True,
                                          user__is_active=True).values_list("user_id", flat=True).distinct())
