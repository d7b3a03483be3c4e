"""Template context for every page: the signed-in user's unread in-app messages (站内信), counted only when a
page shows the number (the console's header)."""

from django.utils.functional import SimpleLazyObject


def inbox_unread(request):
    from gridgov.notify.selectors import unread_count

    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(request.user))}
