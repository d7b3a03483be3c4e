"""Time to sweep 1,000,000 open cases of which 10,000 are overdue (target: ≤ 10 s), on PostgreSQL — alone, and
again while reports keep arriving (`--intake N`: N processes each reporting through the intake service as fast as
they can, on another 10,000 overdue cases; the sweep must not wait on them, nor they on it).

    .venv/bin/python bench/sweep.py [--cases 1000000] [--overdue 10000] [--intake 2]

Needs PostgreSQL (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432); it creates and drops
its own database `gridgov_bench_sweep`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _pg import fresh_database, setup_django, tiny_district


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--overdue", type=int, default=10_000)
    parser.add_argument("--intake", type=int, default=2, help="reporting processes during the second sweep (0: none)")
    parser.add_argument("--reporter", action="store_true", help=argparse.SUPPRESS)  # one of those processes
    args = parser.parse_args()
    if args.reporter:
        return report_until_stopped()
    url = fresh_database("gridgov_bench_sweep")
    setup_django(url)
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
    during, rate = None, 0.0
    if args.intake:
        during, rate = sweep_during_intake(connection, world, cat, url, args)
        print(f"sweep while {args.intake} processes report ({rate:,.0f} reports/s accepted meanwhile): {during}")
    worst = max(first, during["seconds"] if during else 0)
    print("target met" if worst <= 10 else "TARGET MISSED")
    print(f"sweep_s={first:.2f} sweep_during_intake_s={during['seconds'] if during else float('nan'):.2f} "
          f"intake_per_s={rate:.0f}")


def sweep_during_intake(connection, world, category, url: str, args) -> tuple[dict, float]:
    """Another `--overdue` cases fall due; reporters start; the sweep runs while they report."""
    import os
    import subprocess
    import tempfile

    from gridgov.cases.models import Case
    from gridgov.cases.sweeper import sweep

    with connection.cursor() as cur:  # the first sweep escalated the first batch: another batch falls due
        cur.execute("UPDATE cases_case SET due_at = now() - interval '5 hours', warn_at = now() - interval '1 day', "
                    "escalate_at = now() - interval '1 hour', light = 'green', escalation_level = 0 "
                    "WHERE id IN (SELECT id FROM cases_case WHERE state = 'handling' AND light = 'green' "
                    "ORDER BY id DESC LIMIT %s)", [args.overdue])
    stop = Path(tempfile.mkdtemp()) / "stop"
    env = {**os.environ, "DATABASE_URL": url, "BENCH_STOP": str(stop),
           "BENCH_CATEGORY": category.code}
    procs = [subprocess.Popen([sys.executable, __file__, "--reporter"], env=env) for _ in range(args.intake)]
    try:
        time.sleep(8)  # the reporters import Django and reach their pace
        before, t0 = Case.objects.count(), time.perf_counter()
        t = time.perf_counter()
        result = sweep()
        result["seconds"] = round(time.perf_counter() - t, 2)
        time.sleep(max(0.0, 3 - (time.perf_counter() - t0)))
        rate = (Case.objects.count() - before) / (time.perf_counter() - t0)
    finally:
        stop.touch()
        for p in procs:
            p.wait(60)
    return result, rate


def report_until_stopped() -> None:
    """A reporting process: reports through the intake service (as the API does) until the stop file appears."""
    import os
    import random

    setup_django(os.environ["DATABASE_URL"])
    from gridgov.accounts.models import User
    from gridgov.cases.services import case_report

    stop = Path(os.environ["BENCH_STOP"])
    actor = User.objects.filter(is_superuser=False).order_by("id").first()
    n = 0
    while not stop.exists():
        n += 1
        case_report(actor=actor, channel="grid_worker", description=f"压测上报 {os.getpid()}-{n}:路边垃圾堆放",
                    category=os.environ["BENCH_CATEGORY"], lon=113.30 + random.random() * 0.04,
                    lat=23.10 + random.random() * 0.03, idempotency_key=f"{os.getpid()}-{n}")


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
                device_id, is_public, duplicate_candidates, attributes, handling_unit_id, sla, time_basis, handle_due_at,
                due_at, warn_at, light, clock_error, escalate_at, return_count, rework_count, extension_count,
                reopen_count, supervise_count, on_the_spot, created_at, dispatched_at, acknowledged_at,
                suggested_class, suggested_by, updated_at)
            SELECT '基准事件 ' || i, '基准', %(cat)s, 'grid_worker', 'normal', 'handling', '',
                113.31, 23.11, 'wgs84', '', %(grid)s, %(path)s, false, %(owner)s, 0,
                '', '', '', '', '', '', true, '[]', '{}', %(dept)s, '{"grace": 240, "warn_ratio": 0.8}', 'working',
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
