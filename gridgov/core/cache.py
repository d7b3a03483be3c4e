"""The shared cache (Redis when REDIS_URL is set) as a cache should be: when Redis is restarting or gone, a read is a
miss and a write is skipped — logged, never an error page. Nothing that must not be lost lives in it (sessions,
rate limits and the outbox are in the database; the Huey queue's lost tasks are redone by the sweep); what it
holds (the big screen's 热点问题) is recomputed on a miss. Short socket time-outs keep a dead Redis from stalling
requests (`settings.CACHES`)."""

from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)


def _down(exc: Exception) -> bool:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return isinstance(exc, RedisConnectionError | RedisTimeoutError | OSError)


class TolerantRedisCache(RedisCache):
    def _quietly(self, what: str, call, fallback):
        try:
            return call()
        except Exception as exc:
            if not _down(exc):
                raise
            log.warning("cache %s skipped, Redis out of reach: %s", what, exc)
            return fallback

    def get(self, key, default=None, version=None):
        return self._quietly("get", lambda: super(TolerantRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._quietly("get_many", lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._quietly("has_key", lambda: super(TolerantRedisCache, self).has_key(key, version), False)

    def add(self, key, value, timeout=None, version=None):
        return self._quietly("add", lambda: super(TolerantRedisCache, self).add(key, value, timeout, version), False)

    def set(self, key, value, timeout=None, version=None):
        return self._quietly("set", lambda: super(TolerantRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=None, version=None):
        return self._quietly("set_many", lambda: super(TolerantRedisCache, self).set_many(data, timeout, version),
                             list(data))

    def touch(self, key, timeout=None, version=None):
        return self._quietly("touch", lambda: super(TolerantRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._quietly("delete", lambda: super(TolerantRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        return self._quietly("delete_many", lambda: super(TolerantRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._quietly("clear", lambda: super(TolerantRedisCache, self).clear(), False)
