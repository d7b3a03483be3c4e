"""API tokens for other systems: `Authorization: Bearer <token>` (or `Token <token>`)."""

from __future__ import annotations

import hashlib

from rest_framework import authentication, exceptions

from gridgov.core.timeutil import now


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def valid_token(key: str):
    """The live token with this key (not revoked, not expired, its account active), its last use noted at most
    once a minute; None otherwise. The one check for the API and for Open311's api_key."""
    from gridgov.accounts.models import ApiToken

    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(key)).first()
    t = now()
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at <= t):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or (t - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=t)
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
