"""Reads for dashboards and exports from a PostgreSQL streaming replica (`DATABASE_REPLICA_URL`), everything else from
the primary — and never a stale read of one's own data:

- Only what is marked goes to the replica: views decorated with `reads_from_replica` (the big screen, 统计考核, the
  reports, the KPI API) and the list exports (`web.pages.list_export`). Every other read, and every write, goes
  to the primary.
- Read-your-writes within a request: once anything is written (or inside a transaction), the rest of the request
  reads from the primary.
- Read-your-writes across requests: a request that may have written (POST, PUT, PATCH, DELETE) pins its browser
  or client to the primary for `REPLICA_PIN_SECONDS` (default 10, above the replication lag the operator
  watches) with a cookie; while pinned, marked views read from the primary too.

Without `DATABASE_REPLICA_URL` nothing changes (no alias, no router)."""

from __future__ import annotations

import functools
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "gridgov_pin"
_wanted: ContextVar[bool] = ContextVar("gridgov_replica_wanted", default=False)
_pinned: ContextVar[bool] = ContextVar("gridgov_replica_pinned", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def pin_seconds() -> int:
    return int(getattr(settings, "REPLICA_PIN_SECONDS", 10))


def reads_from_replica(view):
    """Mark a view (a function or an API view's method) as a dashboard or export: its reads may go to the replica."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = _wanted.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _wanted.reset(token)

    return wrapper


class replica_reads:  # noqa: N801 - used as a context manager, like transaction.atomic
    """The same as a block: `with replica_reads(): …`."""

    def __enter__(self):
        self._token = _wanted.set(True)

    def __exit__(self, *exc):
        _wanted.reset(self._token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (_wanted.get() and not _pinned.get() and replica_configured()
                and not connections["default"].in_atomic_block):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        _pinned.set(True)  # the rest of this request reads what it wrote
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's WAL


class ReplicaPinMiddleware:
    """Per request: pinned to the primary while the client's pin cookie is fresh; a request that may have written
    sets it. Cheap when no replica is configured (nothing is read or set)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        try:
            until = float(request.COOKIES.get(PIN_COOKIE, "0"))
        except ValueError:
            until = 0.0
        token = _pinned.set(until > time.time())
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            seconds = pin_seconds()
            response.set_cookie(PIN_COOKIE, f"{time.time() + seconds:.0f}", max_age=seconds, httponly=True,
                                samesite="Lax", secure=request.is_secure())
        return response
