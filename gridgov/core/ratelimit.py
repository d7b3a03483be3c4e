"""Fixed-window rate limits in the cache (shared between workers when the cache is Redis)."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(scope: str, ident: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one request; False when `limit` is already used up in the current window."""
    if limit <= 0:
        return True
    window = int(time.time() // window_seconds)
    key = f"rl:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=window_seconds * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window_seconds * 2)
        count = 1
    return count <= limit
