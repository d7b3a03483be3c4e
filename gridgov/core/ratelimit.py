"""Fixed-window rate limits counted in the database, so that they hold across gunicorn workers and hosts (a
per-process cache let 4 workers accept 4× the limit). One atomic upsert per hit; works on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

from django.db import connection, transaction

from gridgov.core.models import RateCounter
from gridgov.core.timeutil import now


def _key(scope: str, ident: str, window: int, window_seconds: int) -> str:
    # identifiers (phone hashes, addresses) are hashed again: the table holds no address or number
    digest = hashlib.sha256(f"{scope}\0{ident}".encode()).hexdigest()[:40]
    return f"{scope}:{window_seconds}:{window}:{digest}"


def hit(scope: str, ident: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one request; False when `limit` is already used up in the current window. Call it before the
    transaction of the work it limits: a refused request raises, and a count inside that transaction would be
    rolled back with it."""
    if limit <= 0:
        return True
    window = int(time.time() // window_seconds)
    key = _key(scope, ident, window, window_seconds)
    expires = connection.ops.adapt_datetimefield_value(now() + dt.timedelta(seconds=window_seconds * 2))
    q = connection.ops.quote_name
    table = q(RateCounter._meta.db_table)
    sql = (f"INSERT INTO {table} ({q('key')}, {q('count')}, {q('expires_at')}) VALUES (%s, 1, %s) "
           f"ON CONFLICT ({q('key')}) DO UPDATE SET {q('count')} = {table}.{q('count')} + 1 RETURNING {q('count')}")
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [key, expires])
        count = cur.fetchone()[0]
    return count <= limit


def purge_expired() -> int:
    deleted, _ = RateCounter.objects.filter(expires_at__lt=now()).delete()
    return deleted
