"""The Redis cache fails open: Redis restarting or gone is a miss and a skipped write, not an error page."""

import socket

import pytest

from gridgov.core.cache import TolerantRedisCache


def _cache(url: str) -> TolerantRedisCache:
    return TolerantRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}})


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def test_a_redis_out_of_reach_is_a_miss_and_a_skipped_write(caplog):
    cache = _cache(f"redis://127.0.0.1:{_closed_port()}/0")
    assert cache.get("screen:hot:1", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("screen:hot:1", [1, 2], 60) is None
    assert cache.add("k", 1) is False and cache.delete("k") is False and cache.has_key("k") is False
    assert "Redis out of reach" in caplog.text


def test_with_redis_there_it_is_a_cache():
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("no Redis on 127.0.0.1:6379")
    cache = _cache("redis://127.0.0.1:6379/15")
    cache.set("gridgov-test-cache", {"热点": 3}, 30)
    assert cache.get("gridgov-test-cache") == {"热点": 3}
    cache.delete("gridgov-test-cache")
    assert cache.get("gridgov-test-cache") is None
