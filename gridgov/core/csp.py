"""Content-Security-Policy on every response: scripts only from our own static files or inline blocks that carry
this response's nonce, nothing from any other host (the platform runs on intranets and loads nothing from a CDN),
no plugins, no framing. Templates write `<script nonce="{{ csp_nonce }}">`."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _tile_origin() -> str:
    url = getattr(settings, "GRIDGOV_TILE_URL", "")
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}".replace("://a.", "://*.") if parts.netloc else ""


def policy(nonce: str | None) -> str:
    tiles = _tile_origin()
    script = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join([
        "default-src 'self'",
        f"script-src {script}",
        "style-src 'self' 'unsafe-inline'",  # style attributes in templates; styles cannot run code
        f"img-src 'self' data: blob:{' ' + tiles if tiles else ''}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        used = []

        def make_nonce() -> str:
            used.append(secrets.token_urlsafe(16))
            return used[0]

        request.csp_nonce = SimpleLazyObject(make_nonce)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy(used[0] if used else None)
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
        return response


def csp_nonce(request) -> dict:
    """Template context: {{ csp_nonce }} for inline scripts."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
