"""Idle sessions end after SESSION_COOKIE_AGE (2 hours by default). Activity renews the session, but at most once
a minute and never for static files or photos: renewing on every request (SESSION_SAVE_EVERY_REQUEST) wrote the
session row on each image of a page, in parallel."""

from __future__ import annotations

import time

from django.conf import settings

RENEW_EVERY = 60  # seconds


class SlidingSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.skip = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p and p != "/")

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key or request.path.startswith(self.skip):
            return response
        now = int(time.time())
        if now - session.get("_renewed", 0) >= RENEW_EVERY:
            session["_renewed"] = now  # marks the session modified: SessionMiddleware saves it with a new expiry
        return response
