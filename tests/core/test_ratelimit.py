"""Rate limits are counted in the database: every worker process (and host) sees the same counts."""

import threading

import pytest
from django.db import connection

from gridgov.core.models import RateCounter
from gridgov.core.ratelimit import hit, purge_expired
from tests.conftest import fresh_window


@pytest.mark.django_db
def test_a_window_allows_exactly_the_limit():
    fresh_window()
    assert [hit("t", "1.2.3.4", 3) for _ in range(5)] == [True, True, True, False, False]
    assert hit("t", "5.6.7.8", 3)  # another address has its own count
    assert not any("1.2.3.4" in k for k in RateCounter.objects.values_list("key", flat=True))  # hashed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counts_are_shared_between_connections():
    """Four threads are four database connections, as four gunicorn workers are: together they get the limit,
    not four times it. (PostgreSQL: the in-memory SQLite test database locks whole tables between threads.)"""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections: PostgreSQL run")
    fresh_window()
    allowed = []
    lock = threading.Lock()

    def worker():
        try:
            for _ in range(15):
                ok = hit("open311-ip", "9.9.9.9", 30)
                with lock:
                    allowed.append(ok)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(allowed) == 60 and allowed.count(True) == 30


@pytest.mark.django_db
def test_ended_windows_are_purged():
    import datetime as dt

    from gridgov.core.timeutil import now

    fresh_window()
    hit("t", "x", 5)
    RateCounter.objects.create(key="old", count=3, expires_at=now() - dt.timedelta(minutes=1))
    assert purge_expired() == 1
    assert RateCounter.objects.count() == 1


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_saw(rf, settings):
    from gridgov.core.net import client_ip

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")
    assert client_ip(request) == "127.0.0.1"
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "10.1.2.3"  # "6.6.6.6" was written by the client itself
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.9")) == "10.0.0.9"
