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


class DownloadAuditMiddleware:
    """Every file a signed-in user downloads (a response sent as an attachment: list exports, 台账, reports, documents,
    the residents' export of the API) is written to the audit log — who, what, from which address — as 等保 asks of
    bulk reads of personal data. Kept like every audit row (never deleted)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "") if hasattr(response, "get") else ""
        user = getattr(request, "user", None)
        if (response.status_code == 200 and disposition.startswith("attachment")
                and user is not None and user.is_authenticated):
            from gridgov.core.models import audit
            from gridgov.core.net import client_ip

            name = disposition.split("filename*=UTF-8''")[-1] if "filename*=" in disposition else disposition
            from urllib.parse import unquote

            audit(actor=user, action="download", object_type="download", object_id=request.path[:64],
                  object_repr=unquote(name.split('filename="')[-1].rstrip('"'))[:200],
                  detail={"path": request.path, "query": request.GET.urlencode()[:500], "ip": client_ip(request)})
        return response
