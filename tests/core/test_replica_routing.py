"""Dashboards and exports read from the replica, everything else from the primary, and nobody reads stale data of
their own: after a write the rest of the request, and the client's next requests for REPLICA_PIN_SECONDS, read from
the primary. The router's choices are recorded (a spy that still answers "default", as the test database has no
replica) while the real pages and API run, outside a test transaction as in production."""

import time

import pytest
from django.db import transaction
from django.test import override_settings

from gridgov.core import routing
from gridgov.core.routing import PIN_COOKIE, ReplicaRouter, replica_reads
from tests.cases.conftest import cw  # noqa: F401

CHOSEN: list[tuple[str, str]] = []  # (app of the model read, where it would go)


def _data(spy) -> set[str]:
    """Where the page's own data would be read from (the session and the signed-in user are the middleware's)."""
    return {where for app, where in spy if app not in ("sessions", "accounts")}


class SpyRouter(ReplicaRouter):
    def db_for_read(self, model, **hints):
        CHOSEN.append((model._meta.app_label, super().db_for_read(model, **hints)))
        return "default"


@pytest.fixture
def spy(monkeypatch):
    monkeypatch.setattr(routing, "replica_configured", lambda: True)
    CHOSEN.clear()
    with override_settings(DATABASE_ROUTERS=["tests.core.test_replica_routing.SpyRouter"]):
        yield CHOSEN


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_router_decides_by_mark_transaction_and_write(monkeypatch):
    monkeypatch.setattr(routing, "replica_configured", lambda: True)
    r = ReplicaRouter()
    assert r.db_for_read(None) == "default"  # not marked
    with replica_reads():
        assert r.db_for_read(None) == "replica"
        with transaction.atomic():
            assert r.db_for_read(None) == "default"  # inside a transaction: the primary
        token = routing._pinned.set(False)
        try:
            assert r.db_for_write(None) == "default"
            assert r.db_for_read(None) == "default"  # after a write: the rest of the request reads the primary
        finally:
            routing._pinned.reset(token)
    assert r.allow_migrate("replica", "cases") is False and r.allow_migrate("default", "cases") is True
    monkeypatch.setattr(routing, "replica_configured", lambda: False)
    with replica_reads():
        assert r.db_for_read(None) == "default"  # no replica: nothing changes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # requests outside a test transaction, as served
def test_dashboards_read_the_replica_pages_do_not_and_a_write_pins_the_client(cw, client, spy, settings):  # noqa: F811
    client.force_login(cw.leader)
    assert client.get("/api/v1/screen/").status_code == 200
    assert _data(spy) == {"replica"}  # the whole dashboard from the replica
    spy.clear()
    assert client.get("/console/cases/").status_code == 200
    assert _data(spy) == {"default"}  # a working page: the primary
    spy.clear()
    assert client.get("/console/cases/?export=xlsx").status_code == 200
    assert "replica" in _data(spy)  # an export
    # a write (any POST) pins this client to the primary for REPLICA_PIN_SECONDS …
    r = client.post("/console/logout/")
    assert PIN_COOKIE in r.cookies and int(r.cookies[PIN_COOKIE]["max-age"]) == settings.REPLICA_PIN_SECONDS
    client.force_login(cw.leader)
    client.cookies[PIN_COOKIE] = r.cookies[PIN_COOKIE].value
    spy.clear()
    assert client.get("/api/v1/screen/").status_code == 200
    assert _data(spy) == {"default"}  # … so it reads what it just wrote
    client.cookies[PIN_COOKIE] = f"{time.time() - 1:.0f}"  # the pin has lapsed
    spy.clear()
    client.get("/api/v1/screen/")
    assert _data(spy) == {"replica"}
