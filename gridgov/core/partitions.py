"""Monthly range partitions (PostgreSQL's native partitioning) for the tables that only grow (the cases and their
timeline: models with a `PARTITION_COLUMN`): such a table gets one partition a month of its time column, plus a default partition that takes whatever falls outside them (a row
is never refused for its date). Queries bounded in time (KPIs, rollups, exports of a period) read only their
months, and old months can be detached whole.

`partition_by_month` turns an existing table into such a table in place (a migration's step: the rows copied,
the indexes and foreign keys re-made under their names, the primary key widened to (id, time) as PostgreSQL
requires); `ensure_months` makes the months ahead (the nightly job) and moves rows that waited in the default
partition into the month made for them. On other databases both do nothing."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.conf import settings
from django.db import connection, transaction

from gridgov.core.timeutil import now


def is_partitioned(table: str) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
                    "WHERE c.relname = %s AND c.relnamespace = 'public'::regnamespace", [table])
        return cur.fetchone() is not None


def months(table: str) -> list[str]:
    """The monthly partitions of a table, oldest first (the default partition not among them)."""
    with connection.cursor() as cur:
        cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s ORDER BY c.relname", [table])
        return [name for (name,) in cur.fetchall() if re.fullmatch(rf"{re.escape(table)}_p\d{{6}}", name)]


def _month_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, 1, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _next_month(start: dt.datetime) -> dt.datetime:
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _bounds(table: str, since: dt.date | None, ahead: int) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """(name, from, to) of each month from `since` (default: this month) to `ahead` months after this one."""
    today = now().astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    start, end = _month_start(min(since or today, today)), _month_start(today)
    for _ in range(ahead):
        end = _next_month(end)
    bounds = []
    while start <= end:
        bounds.append((f"{table}_p{start:%Y%m}", start, _next_month(start)))
        start = _next_month(start)
    return bounds


def ensure_months(table: str, column: str, *, ahead: int = 3, since: dt.date | None = None) -> list[str]:
    """Make the monthly partitions from `since` (default: this month) to `ahead` months after this one; rows of
    those months that waited in the default partition move into them. Returns the partitions made."""
    if not is_partitioned(table):
        return []
    have, made = set(months(table)), []
    for name, start, upto in _bounds(table, since, ahead):
        if name in have:
            continue
        with transaction.atomic(), connection.cursor() as cur:
            # Rows of this month in the default partition would make the new bound fail: they move with it.
            cur.execute(f"CREATE TABLE {_q(name)} (LIKE {_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cur.execute(f"WITH moved AS (DELETE FROM {_q(table + '_default')} WHERE {_q(column)} >= %s "
                        f"AND {_q(column)} < %s RETURNING *) INSERT INTO {_q(name)} SELECT * FROM moved",
                        [start, upto])
            cur.execute(f"ALTER TABLE {_q(table)} ATTACH PARTITION {_q(name)} FOR VALUES FROM (%s) TO (%s)",
                        [start, upto])
        made.append(name)
    return made


def partition_by_month(table: str, column: str, *, ahead: int = 3) -> None:
    """Turn `table` (an `id` primary key from a sequence or identity, nothing referring to it by a database
    foreign key, no unique constraint without `column`: PostgreSQL enforces those per partition only) into a table partitioned by month of `column`, in one transaction: the rows copied, its indexes
    and foreign keys re-made under the same names, the primary key (id, column), `id` still drawn from a sequence
    of the usual name (Django resets it by that name)."""
    if connection.vendor == "postgresql" and not is_partitioned(table):
        _rebuild(table, column, by_month=True, ahead=ahead)


def unpartition(table: str, column: str) -> None:
    """The way back (a migration's reverse): one plain table with the same rows, indexes, keys and sequence."""
    if is_partitioned(table):
        _rebuild(table, column, by_month=False, ahead=0)


def _rebuild(table: str, column: str, *, by_month: bool, ahead: int) -> None:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT conname FROM pg_constraint WHERE confrelid = %s::regclass", [table])
        if cur.fetchall():
            raise RuntimeError(f"{table} is referenced by foreign keys: partitioning it needs them dropped first")
        if by_month:
            cur.execute("SELECT i.indexrelid::regclass::text FROM pg_index i WHERE i.indrelid = %s::regclass "
                        "AND i.indisunique AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_attribute a "
                        "WHERE a.attrelid = i.indrelid AND a.attname = %s AND a.attnum = ANY(i.indkey))",
                        [table, column])
            if unique := [name for (name,) in cur.fetchall()]:
                raise RuntimeError(f"{table} has unique indexes without {column} ({', '.join(unique)}): PostgreSQL "
                                   "would enforce them per month only; move them to a table of their own first")
        cur.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s "
                    "AND indexname <> %s", [table, f"{table}_pkey"])
        indexes = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'c')", [table])
        constraints = cur.fetchall()
        cur.execute(f"SELECT min({_q(column)}), coalesce(max(id), 0) FROM {_q(table)}")
        oldest, last_id = cur.fetchone()
        new = f"{table}_rebuilt"
        if by_month:
            cur.execute(f"CREATE TABLE {_q(new)} (LIKE {_q(table)} INCLUDING DEFAULTS) "
                        f"PARTITION BY RANGE ({_q(column)})")
            cur.execute(f"CREATE TABLE {_q(table + '_default')} PARTITION OF {_q(new)} DEFAULT")
            since = oldest.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date() if oldest else None
            for name, start, upto in _bounds(table, since, ahead):  # the months first: each row goes straight home
                cur.execute(f"CREATE TABLE {_q(name)} PARTITION OF {_q(new)} FOR VALUES FROM (%s) TO (%s)",
                            [start, upto])
        else:
            cur.execute(f"CREATE TABLE {_q(new)} (LIKE {_q(table)} INCLUDING DEFAULTS)")
        cur.execute(f"ALTER TABLE {_q(new)} ALTER COLUMN id DROP DEFAULT")  # the old sequence goes with the old table
        cur.execute(f"INSERT INTO {_q(new)} SELECT * FROM {_q(table)}")
        cur.execute(f"DROP TABLE {_q(table)}")  # its partitions, indexes, keys and sequence with it
        cur.execute(f"ALTER TABLE {_q(new)} RENAME TO {_q(table)}")
        seq = f"{table}_id_seq"
        cur.execute(f"CREATE SEQUENCE {_q(seq)} OWNED BY {_q(table)}.id")
        cur.execute("SELECT setval(%s, %s, %s)", [seq, max(last_id, 1), last_id > 0])
        cur.execute(f"ALTER TABLE {_q(table)} ALTER COLUMN id SET DEFAULT nextval(%s::regclass)", [seq])
        key = f"id, {_q(column)}" if by_month else "id"
        cur.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(table + '_pkey')} PRIMARY KEY ({key})")
        for definition in indexes:
            cur.execute(definition)
        for name, definition in constraints:
            cur.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
