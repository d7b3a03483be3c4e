"""The big screen's queries on many cases (#16): each answered from the rollups, beside the naive GROUP BY over the
cases that it replaces.

    .venv/bin/python bench/dashboard.py [--cases 5000000] [--runs 20] [--keep]

Builds a throw-away PostgreSQL database (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432): a district
of 8 towns × 10 communities, 20 departments, and `--cases` cases over two years written by SQL (generate_series),
then counts them into the rollups with the product's own `rollups.rebuild()` (`--check`: and compares them with a full
recount).
Prints each query's p95 (ms) from rollups and naive, the whole `screen.overview` call, a fold of 1,000 changed cases,
and a last line `rollup_p95_ms=… naive_p95_ms=… overview_p95_ms=… cases=…` (the slowest query of each kind)."""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _pg import fresh_database, setup_django  # noqa: E402

DB = "gridgov_bench_dashboard"


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 2 else samples[0]


def timed(fn, runs: int) -> float:
    fn()  # warm: plans and caches
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return p95(out)


def build_district():
    from shapely.geometry import box, mapping

    from gridgov.orgs.models import UnitKind
    from gridgov.orgs.services import org_unit_create
    from gridgov.regions.models import Level
    from gridgov.regions.services import region_create

    x0, y0 = 113.20, 23.05
    d = region_create(actor=None, parent=None, level=Level.DISTRICT, name="基准区", code="990199",
                      geometry=dict(mapping(box(x0, y0, x0 + 0.4, y0 + 0.2))))
    communities = []
    for t in range(8):
        tx = x0 + t * 0.05
        town = region_create(actor=None, parent=d, level=Level.TOWN, name=f"第{t + 1}街道",
                             code=f"990199{t + 1:03d}000", geometry=dict(mapping(box(tx, y0, tx + 0.05, y0 + 0.2))))
        for c in range(10):
            cy = y0 + c * 0.02
            geom = dict(mapping(box(tx, cy, tx + 0.05, cy + 0.02)))
            comm = region_create(actor=None, parent=town, level=Level.COMMUNITY, name=f"第{t + 1}街道{c + 1}社区",
                                 code=f"990199{t + 1:03d}{c + 1:03d}", geometry=geom)
            grid = region_create(actor=None, parent=comm, level=Level.GRID, name=f"{comm.name}网格", geometry=geom)
            communities.append((grid, tx, cy))
    org_unit_create(actor=None, code="GC-D", name="基准区综治中心", kind=UnitKind.GOVERNANCE_CENTER, region=d)
    units = [org_unit_create(actor=None, code=f"DEPT-{i}", name=f"部门{i}", kind=UnitKind.DEPARTMENT,
                             department_type="urban_management", region=d).pk for i in range(20)]
    return d, communities, units


def write_cases(n: int, communities, units) -> None:
    """n cases spread over the last 730 days: 85% closed (on time or late, 60% rated), the rest open by state."""
    from django.db import connection

    from gridgov.cases.models import Category

    cats = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_grid (i int, path text, grid_id bigint, x float, y float)")
        cur.executemany("INSERT INTO bench_grid VALUES (%s, %s, %s, %s, %s)",
                        [(i, g.path, g.pk, x, y) for i, (g, x, y) in enumerate(communities)])
        cur.execute("CREATE TEMP TABLE bench_cat (i int, id bigint)")
        cur.executemany("INSERT INTO bench_cat VALUES (%s, %s)", list(enumerate(cats)))
        cur.execute("CREATE TEMP TABLE bench_unit (i int, id bigint)")
        cur.executemany("INSERT INTO bench_unit VALUES (%s, %s)", list(enumerate(units)))
        step = 500_000
        for start in range(0, n, step):
            cur.execute(f"""
            WITH r AS (
              SELECT s, now() - (random() * interval '730 days') AS created, random() AS u, random() AS v,
                     floor(random() * {len(communities)})::int AS gi, floor(random() * {len(cats)})::int AS ci,
                     floor(random() * {len(units)})::int AS ui, (random() * 10)::int AS days
              FROM generate_series({start + 1}, {min(start + step, n)}) s)
            INSERT INTO cases_case (title, description, channel, urgency, state, resume_state, crs_source, address,
              region_path, grid_id, out_of_grid, escalation_level, reporter_name, reporter_phone_enc,
              reporter_phone_hash, reporter_phone_last4, external_ref, device_id, suggested_class,
              suggested_by, attributes, is_public, duplicate_candidates, sla, time_basis, light, clock_error,
              return_count, rework_count, extension_count, reopen_count, supervise_count, on_the_spot, category_id,
              handling_unit_id, lon, lat, created_at, accepted_at, dispatched_at, handle_due_at, done_reported_at,
              closed_at, satisfaction, updated_at)
            SELECT '基准事件' || s, '基准事件描述', (ARRAY['grid_worker','resident_app','hotline','wechat','sensor'])[1 + s % 5],
              'normal',
              CASE WHEN r.u < 0.85 THEN 'closed' WHEN r.u < 0.95 THEN 'handling' WHEN r.u < 0.98 THEN 'dispatched'
                   ELSE 'reported' END,
              '', '', '', g.path, g.grid_id, false, 0, '', '', '', '', '', '', '', '', '{{}}', true, '[]', '{{}}', '',
              CASE WHEN r.u >= 0.98 OR r.u < 0.85 THEN 'none' WHEN r.v < 0.1 THEN 'red' WHEN r.v < 0.25 THEN 'yellow'
                   ELSE 'green' END,
              '', 0, 0, 0, 0, 0, false, c.id,
              CASE WHEN r.u < 0.98 THEN un.id END,
              g.x + r.v * 0.05, g.y + random() * 0.02, r.created,
              CASE WHEN r.u < 0.98 THEN r.created + interval '1 hour' END,
              CASE WHEN r.u < 0.98 THEN r.created + interval '2 hours' END,
              CASE WHEN r.u < 0.98 THEN r.created + interval '5 days' END,
              CASE WHEN r.u < 0.85 THEN r.created + r.days * interval '1 day' END,
              CASE WHEN r.u < 0.85 THEN r.created + r.days * interval '1 day' + interval '3 hours' END,
              CASE WHEN r.u < 0.85 * 0.6 THEN 3 + (s % 3) END,
              r.created
            FROM r JOIN bench_grid g ON g.i = r.gi JOIN bench_cat c ON c.i = r.ci JOIN bench_unit un ON un.i = r.ui
            """)
            print(f"  {min(start + step, n):,} cases written", flush=True)
        cur.execute("ANALYZE cases_case")


def queries(region_path: str, today: dt.date):
    """(name, from the rollups, naive over the cases) — the same figure both ways."""
    from django.db.models import Count, F, Q, Sum
    from django.db.models.functions import Substr, TruncDate, TruncHour

    from gridgov.analytics.models import DailyFlow, HeatCell, HourlyFlow, MixDaily, OpenStock, UnitDaily
    from gridgov.cases.models import OPEN_STATES, Case
    from gridgov.core.timeutil import LOCAL_TZ, now

    month_start = today.replace(day=1)
    start30 = today - dt.timedelta(days=29)
    m0 = dt.datetime.combine(month_start, dt.time(), tzinfo=LOCAL_TZ)
    d30 = dt.datetime.combine(start30, dt.time(), tzinfo=LOCAL_TZ)
    last_month = (month_start - dt.timedelta(days=1)).replace(day=1)
    lm0 = dt.datetime.combine(last_month, dt.time(), tzinfo=LOCAL_TZ)
    from gridgov.regions.models import Region

    flows = DailyFlow.objects.filter(region=region_path)  # the region's own rows (analytics.rollups.levels)
    kids = list(Region.objects.filter(parent__path=region_path).values_list("path", flat=True))
    cases = Case.objects.filter(region_path__startswith=region_path)
    h24 = now() - dt.timedelta(hours=24)
    return [
        ("本月受理/立案/结案/按期/满意",
         lambda: flows.filter(day__gte=month_start).aggregate(*(Sum(m) for m in DailyFlow.MEASURES)),
         lambda: (cases.filter(created_at__gte=m0).count(), cases.filter(accepted_at__gte=m0).count(),
                  cases.filter(state="closed", closed_at__gte=m0).aggregate(
                      n=Count("id"), on_time=Count("id", filter=Q(done_reported_at__lte=F("handle_due_at"))),
                      sat=Count("id", filter=Q(satisfaction__gte=3))))),
        ("近30天趋势",
         lambda: list(flows.filter(day__gte=start30).values("day").annotate(n=Sum("received"))),
         lambda: list(cases.filter(created_at__gte=d30).annotate(d=TruncDate("created_at", tzinfo=LOCAL_TZ))
                      .values("d").annotate(n=Count("id")))),
        ("近24小时趋势",
         lambda: list(HourlyFlow.objects.filter(region=region_path, hour__gte=h24).values("hour")
                      .annotate(n=Sum("received"))),
         lambda: list(cases.filter(created_at__gte=h24).annotate(h=TruncHour("created_at", tzinfo=LOCAL_TZ))
                      .values("h").annotate(n=Count("id")))),
        ("问题类别(近30天)",
         lambda: list(MixDaily.objects.filter(region=region_path, day__gte=start30, kind="category")
                      .values("code").annotate(n=Sum("n"))),
         lambda: list(cases.filter(created_at__gte=d30).annotate(c=Substr("category__code", 1, 2)).values("c")
                      .annotate(n=Count("id")))),
        ("下级区域(本月)",
         lambda: list(DailyFlow.objects.filter(region__in=kids, day__gte=month_start).values("region")
                      .annotate(n=Sum("received"))),
         lambda: list(cases.filter(created_at__gte=m0).annotate(r=Substr("region_path", 1, 40)).values("r")
                      .annotate(n=Count("id")))),
        ("在办事件按亮灯",
         lambda: list(OpenStock.objects.filter(region=region_path).values("light").annotate(n=Sum("n"))),
         lambda: list(cases.filter(state__in=OPEN_STATES).values("light").annotate(n=Count("id")))),
        ("承办单位排名(本月)",
         lambda: list(UnitDaily.objects.filter(region=region_path, day__gte=month_start)
                      .values("unit_id").annotate(n=Sum("closed"), t=Sum("closed_on_time"))),
         lambda: list(cases.filter(state="closed", closed_at__gte=m0).values("handling_unit_id")
                      .annotate(n=Count("id")))),
        ("热力(本月及上月)",
         lambda: list(HeatCell.objects.filter(region=region_path, month__gte=last_month).values("cell")
                      .annotate(n=Sum("n")).order_by("-n")[:400]),
         lambda: list(cases.filter(created_at__gte=lm0, lon__isnull=False).values_list("lon", "lat"))),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=5_000_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--keep", action="store_true", help="reuse the database of an earlier run with --keep")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--check", action="store_true", help="also recount every case and compare (minutes on 5 M)")
    args = ap.parse_args()
    url = fresh_database(DB, keep=args.keep)
    setup_django(url)
    from django.db import connection

    from gridgov.analytics import rollups, screen
    from gridgov.analytics.models import Pending
    from gridgov.cases.models import Case
    from gridgov.core.timeutil import local_today
    from gridgov.regions.models import Level, Region

    if not (args.keep and Case.objects.exists()):
        t = time.perf_counter()
        _, communities, units = build_district()
        write_cases(args.cases, communities, units)
        print(f"wrote {args.cases:,} cases in {time.perf_counter() - t:.0f} s", flush=True)
        t = time.perf_counter()
        n = rollups.rebuild()
        print(f"rollups.rebuild(): {n:,} cases counted in {time.perf_counter() - t:.0f} s", flush=True)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    if args.check:
        t = time.perf_counter()
        diff = rollups.differences()
        print(f"rollups equal a full recount: {not diff} ({time.perf_counter() - t:.0f} s)", *diff, sep="\n")
    district = Region.objects.get(level=Level.DISTRICT)
    town = Region.objects.filter(level=Level.TOWN).order_by("code").first()
    today = local_today()
    rollup_p95, naive_p95 = [], []
    print(f"\n{'query':<24}{'scope':<8}{'rollups p95 ms':>16}{'naive p95 ms':>16}")
    for scope, region in (("区", district), ("街道", town)):
        for name, fast, naive in queries(region.path, today):
            a, b = timed(fast, args.runs), timed(naive, max(3, args.runs // 4))
            rollup_p95.append(a)
            naive_p95.append(b)
            print(f"{name:<24}{scope:<8}{a:>16.1f}{b:>16.1f}", flush=True)
    admin = _admin()
    screen.hot(admin, district)  # 热点问题 is cached per region (five minutes): the screen's polls find it there
    overview = timed(lambda: screen.overview(actor=admin), args.runs)
    print(f"{'screen.overview (区, 整页)':<32}{overview:>16.1f}")
    ids = list(Case.objects.filter(state="handling").values_list("id", flat=True)[:1000])
    Case.objects.filter(pk__in=ids).update(light="red")
    Pending.objects.bulk_create([Pending(case_id=i) for i in ids])
    t = time.perf_counter()
    if args.profile:
        import cProfile

        cProfile.runctx("rollups.fold()", globals(), {"rollups": rollups}, sort="cumulative")
    changed = rollups.fold()
    print(f"fold of {changed} changed cases: {(time.perf_counter() - t) * 1000:.0f} ms")
    print(f"rollup_p95_ms={max(rollup_p95):.1f} naive_p95_ms={max(naive_p95):.1f} overview_p95_ms={overview:.1f} "
          f"cases={Case.objects.count()}")


def _admin():
    from django.contrib.auth import get_user_model

    from gridgov.accounts.services import user_create

    return get_user_model().objects.filter(is_superuser=True).first() or user_create(
        actor=None, username="bench-admin", password="", display_name="基准管理员", is_superuser=True,
        is_system=True)


if __name__ == "__main__":
    main()
