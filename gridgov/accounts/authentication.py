"""API tokens for other systems: `Authorization: Bearer <token>` (or `Token <token>`)."""

from __future__ import annotations

import copy
import hashlib
import threading
import time

from django.conf import settings
from rest_framework import authentication, exceptions

from gridgov.core.timeutil import now

# Tokens this process checked lately, by key hash: (when, token with its user). An API client sends many requests
# a second; each looked the token up again. A revocation, expiry or deactivation made in this process is seen at
# once (post_save forgets all); another worker process sees it within API_TOKEN_CACHE_SECONDS (default 5).
_recent: dict[str, tuple[float, object]] = {}
_recent_lock = threading.Lock()
_RECENT_MAX = 1000  # distinct live tokens remembered; unknown keys are never remembered


def forget_tokens(*args, **kwargs) -> None:
    """Drop every remembered token (signature fits a signal receiver)."""
    with _recent_lock:
        _recent.clear()


def _lookup(key_hash: str):
    from gridgov.accounts.models import ApiToken

    ttl = float(getattr(settings, "API_TOKEN_CACHE_SECONDS", 5))
    hit = _recent.get(key_hash) if ttl > 0 else None
    if hit is not None and time.monotonic() - hit[0] <= ttl:
        token = hit[1]
    else:
        token = ApiToken.objects.select_related("user").filter(key_hash=key_hash).first()
        if token is not None and ttl > 0:
            with _recent_lock:
                if len(_recent) >= _RECENT_MAX:
                    _recent.clear()
                _recent[key_hash] = (time.monotonic(), token)
    if token is None:
        return None
    # each request gets its own copies: what a request notes on its user (its jurisdiction) stays with it
    mine = copy.copy(token)
    mine.user = copy.copy(token.user)
    return mine


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def valid_token(key: str):
    """The live token with this key (not revoked, not expired, its account active), its last use noted at most
    once a minute; None otherwise. The one check for the API and for Open311's api_key."""
    from gridgov.accounts.models import ApiToken

    token = _lookup(hash_token(key))
    t = now()
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at <= t):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or (t - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=t)
        remembered = _recent.get(token.key_hash)
        if remembered is not None:
            remembered[1].last_used_at = t  # type: ignore[attr-defined]
    return token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="ignore").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确")
        token = valid_token(header[1].decode(errors="ignore"))
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效、已过期、已吊销或所属账号已停用")
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
