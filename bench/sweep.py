"""Time to sweep 1,000,000 open cases of which 10,000 are overdue (target: ≤ 10 s), on PostgreSQL.

    .venv/bin/python bench/sweep.py [--cases 1000000] [--overdue 10000]

Needs PostgreSQL (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432); it creates and drops
its own database `gridgov_bench_sweep`.
"""

from __future__ import annotations

import argparse
import time

from _pg import fresh_database, setup_django, tiny_district


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--overdue", type=int, default=10_000)
    args = parser.parse_args()
    setup_django(fresh_database("gridgov_bench_sweep"))
    from django.db import connection

    from gridgov.cases.models import Category
    from gridgov.cases.sweeper import sweep

    world = tiny_district()
    cat = Category.objects.get(code="1101")
    t0 = time.perf_counter()
    insert_open_cases(connection, world, cat, args.cases, args.overdue)
    print(f"inserted {args.cases:,} open cases ({args.overdue:,} overdue) in {time.perf_counter() - t0:.1f} s")
    t = time.perf_counter()
    result = sweep()
    first = time.perf_counter() - t
    t = time.perf_counter()
    again = sweep()
    second = time.perf_counter() - t
    print(f"sweep: {result}  in {first:.2f} s  (target ≤ 10 s)")
    print(f"sweep again (nothing to do): {again}  in {second:.2f} s")
    print("target met" if first <= 10 else "TARGET MISSED")


def insert_open_cases(connection, world: dict, category, n: int, overdue: int) -> None:
    """`n` cases being handled in the bench district, `overdue` of them past their deadline and escalation
    (PostgreSQL: one INSERT … SELECT). Every NOT NULL column must be listed: tests/cases/test_bench_sweep.py
    runs this on a few rows so that a new column does not break the benchmark unnoticed."""
    with connection.cursor() as cur:
        # Open cases being handled: most due in a week; `overdue` of them due an hour ago, escalation due too.
        cur.execute(
            """
            INSERT INTO cases_case (title, description, category_id, channel, urgency, state, resume_state,
                lon, lat, crs_source, address, grid_id, region_path, out_of_grid, owner_center_id, escalation_level,
                reporter_name, reporter_phone_enc, reporter_phone_hash, reporter_phone_last4, external_ref,
                device_id, idempotency_hash, is_public, duplicate_candidates, attributes, handling_unit_id, sla, time_basis, handle_due_at,
                due_at, warn_at, light, clock_error, escalate_at, return_count, rework_count, extension_count,
                reopen_count, supervise_count, on_the_spot, created_at, dispatched_at, acknowledged_at,
                suggested_class, suggested_by, updated_at)
            SELECT '基准事件 ' || i, '基准', %(cat)s, 'grid_worker', 'normal', 'handling', '',
                113.31, 23.11, 'wgs84', '', %(grid)s, %(path)s, false, %(owner)s, 0,
                '', '', '', '', '', '', '', true, '[]', '{}', %(dept)s, '{"grace": 240, "warn_ratio": 0.8}', 'working',
                d.due, d.due, d.due - interval '1 day', 'green', '', d.due + interval '4 hours', 0, 0, 0, 0, 0,
                false, now() - interval '2 days', now() - interval '2 days', now() - interval '2 days', '', '-', now()
            FROM generate_series(1, %(n)s) AS i,
                 LATERAL (SELECT CASE WHEN i <= %(overdue)s THEN now() - interval '5 hours'
                                      ELSE now() + interval '7 days' END AS due) d
            """,
            {"cat": category.pk, "grid": world["grid"].pk, "path": world["grid"].path, "owner": world["centers"][2].pk,
             "dept": world["department"].pk, "n": n, "overdue": overdue},
        )
        cur.execute("ANALYZE cases_case")


if __name__ == "__main__":
    main()
