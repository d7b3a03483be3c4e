"""Keeping the rollups (`analytics.models`): what a case adds to them, the fold that moves written cases from
their old contribution to their new one, and the rebuild that recounts everything from the cases.

- Marking: `cases` sends `cases_written` with every timeline row and every light the sweep changes, inside the
  transaction that changes the case; the receiver here inserts a `Pending` row (insert only: no hot row on the
  write path). A case accepted is thus always either folded or pending.
- Folding (`fold`, every minute and from `gridgov sweep`): under the one `FoldLock` row, read a batch of pending
  marks, read those cases as they are now, compare with their stored contribution, add the difference to the
  rollup rows, store the new contribution and delete the marks read — one transaction per batch. Folding a case
  twice changes nothing (its contribution is already the new one), so a fold killed half-way is simply redone.
- Rebuild (`gridgov rollups --rebuild`) recounts every case; `--check` recounts and lists every rollup row that
  differs from the tables (the proof the fold is right; see tests/test_rollups.py).

Definitions (the screen's): 受理 a report on the day it came in; 立案 on the day it was taken on; 结案 a closed
case on the day it was closed, 按期 when its handler reported done by the handling deadline (as in
`analytics.selectors`); 满意 a closed case rated 基本满意 or better, counted on the day it was closed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction

from gridgov.analytics import hexbin
from gridgov.analytics.models import (
    ROLLUPS,
    Contribution,
    DailyFlow,
    FoldLock,
    HeatCell,
    HourlyFlow,
    MixDaily,
    OpenStock,
    Pending,
    UnitDaily,
)
from gridgov.cases.models import OPEN_STATES, Case, State
from gridgov.core.timeutil import LOCAL_TZ, now

BATCH = 2000
CASE_FIELDS = ("id", "region_path", "category__code", "channel", "handling_unit_id", "state", "light", "created_at",
               "accepted_at", "dispatched_at", "closed_at", "done_reported_at", "handle_due_at", "satisfaction",
               "lon", "lat")
DIMS = ("region", "category", "channel", "unit_id", "state", "light", "created_hour", "accepted_day",
        "dispatched_day", "closed_hour", "closed_on_time", "satisfaction", "cell")

Key = tuple
Deltas = dict[type, dict[Key, dict[str, int]]]


def community(path: str) -> str:
    """The community's path of a region path (the path itself when it stops above a community)."""
    parts = [p for p in (path or "").strip("/").split("/") if p]
    return "/" + "/".join(parts[:3]) + "/" if parts else "/"


def levels(path: str) -> list[str]:
    """The rollup regions a case in community `path` counts in: everywhere ("/"), its district, its town, its
    community — so that a screen or report of any of them reads its own few rows, never its communities' many."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/"] + ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]


def _hour(t: dt.datetime) -> dt.datetime:
    return t.astimezone(LOCAL_TZ).replace(minute=0, second=0, microsecond=0)


def _day(t: dt.datetime | None) -> dt.date | None:
    return t.astimezone(LOCAL_TZ).date() if t is not None else None


def contribution_of(row: dict) -> dict:
    """What a case (a `CASE_FIELDS` row) adds to the rollups, as the dimensions `Contribution` stores."""
    closed = row["state"] == State.CLOSED and row["closed_at"] is not None
    done_at = row["done_reported_at"] or row["closed_at"]
    on_time = closed and (row["handle_due_at"] is None or done_at <= row["handle_due_at"])
    has_place = row["lon"] is not None and row["lat"] is not None
    return {
        "region": community(row["region_path"]), "category": (row["category__code"] or "")[:2],
        "channel": row["channel"], "unit_id": row["handling_unit_id"], "state": row["state"], "light": row["light"],
        "created_hour": _hour(row["created_at"]), "accepted_day": _day(row["accepted_at"]),
        "dispatched_day": _day(row["dispatched_at"]) if row["handling_unit_id"] else None,
        "closed_hour": _hour(row["closed_at"]) if closed else None, "closed_on_time": bool(on_time),
        "satisfaction": row["satisfaction"] if closed else None,
        "cell": hexbin.cell_of(row["lon"], row["lat"]) if has_place else "",
    }


def entries(c: dict) -> list[tuple[type, Key, dict[str, int]]]:
    """The rollup rows a contribution adds one to (per measure), at each of its `levels`."""
    out = []
    for model, key, measures in _entries(c):
        at = model.KEY.index("region")
        out += [(model, (*key[:at], region, *key[at + 1:]), measures) for region in levels(c["region"])]
    return out


def _entries(c: dict) -> list[tuple[type, Key, dict[str, int]]]:
    """The rows of the case's community."""
    region, category, channel = c["region"], c["category"], c["channel"]  # the mixes' codes
    created_day = c["created_hour"].astimezone(LOCAL_TZ).date()
    out: list[tuple[type, Key, dict[str, int]]] = [
        (DailyFlow, (created_day, region), {"received": 1}),
        (MixDaily, (created_day, region, "category", category), {"n": 1}),
        (MixDaily, (created_day, region, "channel", channel), {"n": 1}),
        (HourlyFlow, (c["created_hour"], region), {"received": 1}),
    ]
    if c["accepted_day"] is not None:
        out.append((DailyFlow, (c["accepted_day"], region), {"accepted": 1}))
    if c["closed_hour"] is not None:
        closed_day = c["closed_hour"].astimezone(LOCAL_TZ).date()
        rated = c["satisfaction"] is not None
        done = {"closed": 1, "closed_on_time": int(c["closed_on_time"]), "rated": int(rated),
                "satisfied": int(rated and c["satisfaction"] >= 3)}
        out.append((DailyFlow, (closed_day, region), done))
        out.append((HourlyFlow, (c["closed_hour"], region), {"closed": 1}))
        if c["unit_id"]:
            out.append((UnitDaily, (closed_day, region, c["unit_id"]), done))
    if c["unit_id"] and c["dispatched_day"] is not None:
        out.append((UnitDaily, (c["dispatched_day"], region, c["unit_id"]), {"dispatched": 1}))
    if c["state"] in OPEN_STATES:
        out.append((OpenStock, (region, category, c["state"], c["light"]), {"n": 1}))
    if c["cell"]:
        out.append((HeatCell, (created_day.replace(day=1), region, c["cell"]), {"n": 1}))
    return out


def _add(deltas: Deltas, c: dict, sign: int) -> None:
    for model, key, measures in entries(c):
        row = deltas[model].setdefault(key, {})
        for m, v in measures.items():
            if v:
                row[m] = row.get(m, 0) + sign * v


def _stored(c: Contribution) -> dict:
    return {d: getattr(c, d) for d in DIMS}


def _normal(c: dict) -> dict:
    """Datetimes compared in one zone (the database hands them back in UTC)."""
    return {k: (v.astimezone(LOCAL_TZ) if isinstance(v, dt.datetime) else v) for k, v in c.items()}


def _write(deltas: Deltas, chunk: int = 500) -> None:
    """Add the deltas to the rollup rows: one INSERT … ON CONFLICT DO UPDATE SET m = m + excluded.m per model and
    chunk (PostgreSQL and SQLite ≥ 3.24 both speak it), so a fold costs a few statements, not one per row."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, rows in deltas.items():
            todo = [(key, ms) for key, ms in rows.items() if any(ms.values())]
            if not todo:
                continue
            meta, table = model._meta, qn(model._meta.db_table)
            keys = [meta.get_field(f) for f in model.KEY]
            measures = [meta.get_field(m).column for m in model.MEASURES]
            columns = ", ".join(qn(c) for c in [f.column for f in keys] + measures)
            adds = ", ".join(f"{qn(c)} = {table}.{qn(c)} + EXCLUDED.{qn(c)}" for c in measures)
            row = "(" + ", ".join(["%s"] * (len(keys) + len(measures))) + ")"
            for i in range(0, len(todo), chunk):
                part = todo[i:i + chunk]
                params: list = []
                for key, ms in part:
                    params += [f.get_db_prep_save(v, connection) for f, v in zip(keys, key, strict=True)]
                    params += [ms.get(m, 0) for m in model.MEASURES]
                cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(part))} "
                               f"ON CONFLICT ({', '.join(qn(f.column) for f in keys)}) DO UPDATE SET {adds}", params)


def _lock(field: str) -> None:
    if not FoldLock.objects.filter(pk=1).update(**{field: now()}):
        FoldLock.objects.create(pk=1, **{field: now()})


def _apply(case_ids: Iterable[int]) -> int:
    ids = list(case_ids)
    old = {c.case_id: _normal(_stored(c)) for c in Contribution.objects.filter(case_id__in=ids)}
    new = {r["id"]: _normal(contribution_of(r)) for r in Case.objects.filter(pk__in=ids).values(*CASE_FIELDS)}
    deltas: Deltas = defaultdict(dict)
    changed = [i for i in ids if old.get(i) != new.get(i)]
    for i in changed:
        if i in old:
            _add(deltas, old[i], -1)
        if i in new:
            _add(deltas, new[i], +1)
    _write(deltas)
    Contribution.objects.filter(case_id__in=changed).delete()
    Contribution.objects.bulk_create([Contribution(case_id=i, **new[i]) for i in changed if i in new])
    return len(changed)


def mark(case_ids: Iterable[int]) -> None:
    """Receiver of `cases.signals.cases_written`: inside the writer's transaction."""
    Pending.objects.bulk_create([Pending(case_id=i) for i in set(case_ids)])


def fold(*, batch: int = BATCH) -> int:
    """Fold the pending cases into the rollups; returns how many cases' contributions changed."""
    changed = 0
    while True:
        with transaction.atomic():
            _lock("folded_at")
            marks = list(Pending.objects.order_by("id").values_list("id", "case_id")[:batch])
            if not marks:
                return changed
            changed += _apply({c for _, c in marks})
            Pending.objects.filter(id__in=[m for m, _ in marks]).delete()
        if len(marks) < batch:
            return changed


def recount(cases=None) -> dict[type, dict[Key, dict[str, int]]]:
    """Every rollup row counted afresh from the cases (the cases given, or all), zeros left out."""
    totals: Deltas = defaultdict(dict)
    qs = (cases if cases is not None else Case.objects.all()).order_by().values(*CASE_FIELDS)
    for row in qs.iterator(chunk_size=5000):
        _add(totals, _normal(contribution_of(row)), +1)
    return {m: {k: {x: v for x, v in ms.items() if v} for k, ms in totals[m].items() if any(ms.values())}
            for m in ROLLUPS}


def tables() -> dict[type, dict[Key, dict[str, int]]]:
    """The rollup tables as they are, zeros left out."""
    out: dict[type, dict[Key, dict[str, int]]] = {}
    for model in ROLLUPS:
        rows = {}
        for r in model.objects.values(*model.KEY, *model.MEASURES):
            key = tuple(r[k].astimezone(LOCAL_TZ) if isinstance(r[k], dt.datetime) else r[k] for k in model.KEY)
            measures = {m: r[m] for m in model.MEASURES if r[m]}
            if measures:
                rows[key] = measures
        out[model] = rows
    return out


def differences(limit: int = 20) -> list[str]:
    """Rollup rows that differ from a full recount ("表 键: 表中 … 重新统计 …"), at most `limit`; [] when equal.
    Cases still pending are folded first."""
    fold()
    want, have = recount(), tables()
    out = []
    for model in ROLLUPS:
        for key in sorted(set(want[model]) | set(have[model]), key=str):
            if want[model].get(key, {}) != have[model].get(key, {}):
                out.append(f"{model._meta.db_table} {key}: 表中 {have[model].get(key, {})} 重新统计 "
                           f"{want[model].get(key, {})}")
                if len(out) >= limit:
                    return out
    return out


def _bulk_insert(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows straight into a table: COPY on PostgreSQL, executemany on SQLite (model instances cost ~100 µs each,
    which is what made a rebuild of millions of cases take an hour)."""
    if not rows:
        return
    meta, qn = model._meta, connection.ops.quote_name
    columns = [meta.get_field(f) for f in fields]
    names = ", ".join(qn(f.column) for f in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({names}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
            return
        adapt = [_adapter(f) for f in columns]
        cursor.executemany(f"INSERT INTO {qn(meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(fields))})",
                           [tuple(a(v) for a, v in zip(adapt, r, strict=True)) for r in rows])


def _adapter(field):
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    return lambda v: v


def _empty(*models) -> None:
    if connection.vendor == "postgresql":  # TRUNCATE: no row-by-row delete of millions (it waits for readers)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models))
        return
    for model in models:
        model.objects.all().delete()


def rebuild() -> int:
    """Recount every case into empty rollups (after an import that wrote cases directly, or to repair); returns
    the number of cases counted. Each case's contribution is worked out here (`contribution_of`, the one
    definition) and written straight into `Contribution`; the rollup tables are then summed from those rows by
    the database (`_sum_contributions`), not row by row in Python. `--check` compares the result with the Python
    recount (`differences`). Marks written meanwhile stay and are folded next (idempotent)."""
    with transaction.atomic():
        _lock("rebuilt_at")
        seen = list(Pending.objects.values_list("id", flat=True))
        _empty(Contribution, *ROLLUPS)
        n = 0
        chunk: list[tuple] = []
        fields = ("case_id", *DIMS)
        for row in Case.objects.order_by().values(*CASE_FIELDS).iterator(chunk_size=5000):
            c = contribution_of(row)
            chunk.append((row["id"], *(c[d] for d in DIMS)))
            n += 1
            if len(chunk) >= 10000:
                _bulk_insert(Contribution, fields, chunk)
                chunk = []
        _bulk_insert(Contribution, fields, chunk)
        _sum_contributions()
        for i in range(0, len(seen), 5000):
            Pending.objects.filter(id__in=seen[i:i + 5000]).delete()
    return n


LEVELS_TABLE = "gridgov_rollup_levels"


def _sum_contributions() -> None:
    """Fill the (empty) rollup tables from `Contribution`: one INSERT … SELECT … GROUP BY per table, each
    contribution joined to its `levels` (a temporary table of community → region). The same rows as `entries`
    gives, case by case (tests/analytics/test_rollups.py compares them with the Python recount on SQLite and
    PostgreSQL)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {LEVELS_TABLE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {LEVELS_TABLE} (region varchar(255) NOT NULL, "
                       "level varchar(255) NOT NULL)")
        regions = Contribution.objects.order_by().values_list("region", flat=True).distinct()
        pairs = [(r, lv) for r in regions for lv in levels(r)]
        for i in range(0, len(pairs), 2000):
            part = pairs[i:i + 2000]
            cursor.execute(f"INSERT INTO {LEVELS_TABLE} (region, level) VALUES " + ", ".join(["(%s, %s)"] * len(part)),
                           [v for pair in part for v in pair])
        tz, ops = str(LOCAL_TZ), connection.ops
        created_day, p_created = ops.datetime_cast_date_sql("c.created_hour", (), tz)
        closed_day, p_closed = ops.datetime_cast_date_sql("c.closed_hour", (), tz)
        month, p_month = ops.date_trunc_sql("month", created_day, p_created, None)
        src = f"FROM {qn(Contribution._meta.db_table)} c JOIN {LEVELS_TABLE} l ON l.region = c.region"
        closed = ["1", "CASE WHEN c.closed_on_time THEN 1 ELSE 0 END",
                  "CASE WHEN c.satisfaction IS NOT NULL THEN 1 ELSE 0 END",
                  "CASE WHEN c.satisfaction >= 3 THEN 1 ELSE 0 END"]
        states = list(OPEN_STATES)
        # Per table, the branches of its entries: (the columns — one per KEY, then per MEASURE —, their
        # parameters, the condition, its parameters), as `_entries` lists them.
        tables: list[tuple[type, list[tuple[list[str], tuple, str, tuple]]]] = [
            (DailyFlow, [([created_day, "l.level", "1", "0", "0", "0", "0", "0"], p_created, "", ()),
                         (["c.accepted_day", "l.level", "0", "1", "0", "0", "0", "0"], (),
                          "c.accepted_day IS NOT NULL", ()),
                         ([closed_day, "l.level", "0", "0", *closed], p_closed, "c.closed_hour IS NOT NULL", ())]),
            (MixDaily, [([created_day, "l.level", "'category'", "c.category", "1"], p_created, "", ()),
                        ([created_day, "l.level", "'channel'", "c.channel", "1"], p_created, "", ())]),
            (HourlyFlow, [(["c.created_hour", "l.level", "1", "0"], (), "", ()),
                          (["c.closed_hour", "l.level", "0", "1"], (), "c.closed_hour IS NOT NULL", ())]),
            (UnitDaily, [([closed_day, "l.level", "c.unit_id", "0", *closed], p_closed,
                          "c.closed_hour IS NOT NULL AND c.unit_id IS NOT NULL", ()),
                         (["c.dispatched_day", "l.level", "c.unit_id", "1", "0", "0", "0", "0"], (),
                          "c.unit_id IS NOT NULL AND c.dispatched_day IS NOT NULL", ())]),
            (OpenStock, [(["l.level", "c.category", "c.state", "c.light", "1"], (),
                          f"c.state IN ({', '.join(['%s'] * len(states))})", tuple(states))]),
            (HeatCell, [([month, "l.level", "c.cell", "1"], p_month, "c.cell <> ''", ())]),
        ]
        for model, branches in tables:
            meta = model._meta
            keys = [qn(meta.get_field(f).column) for f in model.KEY]
            measures = [qn(meta.get_field(m).column) for m in model.MEASURES]
            aliases = [f"k{i}" for i in range(len(keys))] + [f"m{i}" for i in range(len(measures))]
            selects, params = [], []
            for columns, column_params, where, where_params in branches:
                assert len(columns) == len(aliases), model
                selects.append(f"SELECT {', '.join(f'{c} AS {a}' for c, a in zip(columns, aliases, strict=True))} "
                               f"{src}" + (f" WHERE {where}" if where else ""))
                params += [*column_params, *where_params]
            group = ", ".join(aliases[:len(keys)])
            sums = ", ".join(f"SUM({a})" for a in aliases[len(keys):])
            cursor.execute(f"INSERT INTO {qn(meta.db_table)} ({', '.join(keys + measures)}) "
                           f"SELECT {group}, {sums} FROM ({' UNION ALL '.join(selects)}) x GROUP BY {group}", params)
        cursor.execute(f"DROP TABLE {LEVELS_TABLE}")
