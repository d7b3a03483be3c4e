"""The address a request came from. Behind nginx every request comes from the proxy, so per-address limits would
count the whole town as one caller: with `TRUSTED_PROXIES=1` (one nginx in front) the address nginx saw is read
from the last entry of X-Forwarded-For; entries a client wrote itself further left are never trusted."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = int(getattr(settings, "TRUSTED_PROXIES", 0) or 0)
    if hops <= 0:
        return remote
    chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    return chain[-hops] if len(chain) >= hops else remote
