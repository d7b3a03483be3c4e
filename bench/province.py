"""Province scale (#18): a synthetic province, then every case list, the board, the statistics, the KPIs and the
screen as the roles that use them — p95 server time and queries per request.

    .venv/bin/python bench/province.py [--cases 10000000] [--grids 200000] [--staff 100000] [--runs 20] [--keep]

The province (written by SQL and COPY into a throw-away PostgreSQL database `gridgov_bench_province`,
BENCH_POSTGRES_URL as the other benchmarks): 122 districts × 13 towns × 10 communities, their grids (about
`--grids`, 13 per community at the default), a governance center at each district, town and community and ten
departments per district; `--staff` staff accounts (a grid worker for every other grid, a dispatcher at each
community, two at each town, three at each district, a leader per district, a handler per department); `--cases`
cases over the last 365 days in every state of their life with their timelines (report, accept, dispatch,
acknowledge, report_done, verify_pass, the follow-up of the rated ones; an acknowledgement and a report of done
say whether it was on time, as the product writes them), counted into the rollups by the product's own
`rollups.rebuild()`.
`--keep` reuses the database an earlier run left.

Each request is made in-process through Django's test client (all middleware, the session, the templates: the
server's time without the network) `--runs` times after one warm-up. Prints per page: p50, p95, queries; its
last line: `worst_p95_ms=<slowest p95> cases=<n> grids=<n> staff=<n>` (target: ≤ 300 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _pg import fresh_database, setup_django  # noqa: E402

DB = "gridgov_bench_province"
DISTRICTS, TOWNS, COMMUNITIES = 122, 13, 10  # 粤: 122 counties; 1,586 towns; 15,860 communities
DEPARTMENTS = ["housing", "urban_management", "ecology", "human_resources", "education", "health", "transport",
               "market_regulation", "civil_affairs", "water"]
X0, Y0, DW, DH = 108.0, 20.0, 0.7, 0.55  # district boxes 0.7° × 0.55°, 12 to a row

# (role, path): what each role opens most. The region scope of each role is its own (district, town, community).
PAGES = [
    ("district_leader", "/api/v1/kpis/?start={month}&end={today}"),
    ("district_leader", "/api/v1/screen/"),
    ("district_leader", "/api/v1/screen/feed/"),
    ("district_leader", "/console/stats/"),
    ("district_leader", "/console/hot/"),
    ("district_dispatcher", "/api/v1/cases/"),
    ("district_dispatcher", "/api/v1/cases/?state=handling&light=red"),
    ("district_dispatcher", "/console/cases/"),
    ("district_dispatcher", "/console/cases/?state=dispatched"),
    ("district_dispatcher", "/console/board/"),
    ("district_dispatcher", "/console/queue/"),
    ("town_dispatcher", "/console/cases/"),
    ("town_dispatcher", "/console/board/"),
    ("community_dispatcher", "/console/queue/"),
    ("community_dispatcher", "/console/cases/"),
    ("community_dispatcher", "/console/map/data.json"),
    ("handler", "/console/inbox/"),
    ("handler", "/api/v1/cases/"),
    ("grid_worker", "/m/work/"),
    ("grid_worker", "/api/v1/cases/"),
]


def box(x0: float, y0: float, w: float, h: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h], [x0, y0]]]}


def copy_rows(cur, table: str, columns: list[str], rows) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def build_regions(cur, grids_per_community: int) -> None:
    """Regions level by level, each a box inside its parent, with path, bbox and centroid as region_create sets."""
    cols = ["code", "name", "level", "path", "grid_kind", "special_kind", "geometry", "min_lon", "min_lat", "max_lon",
            "max_lat", "centroid_lon", "centroid_lat", "area_m2", "is_active", "created_at", "updated_at", "parent_id"]

    def row(code, name, level, path, x, y, w, h, parent):
        return (code, name, level, path, "basic" if level == "grid" else "", "", json.dumps(box(x, y, w, h)),
                x, y, x + w, y + h, x + w / 2, y + h / 2, w * h * 1.1e10, True, "now", "now", parent)

    def ids(level: str) -> dict:
        cur.execute("SELECT code, id FROM regions_region WHERE level = %s", [level])
        return dict(cur.fetchall())

    tw, ch = DW / TOWNS, DH / COMMUNITIES
    gw = tw / grids_per_community
    districts = [(f"{910000 + d}", X0 + (d % 12) * DW, Y0 + (d // 12) * DH) for d in range(DISTRICTS)]
    copy_rows(cur, "regions_region", cols, (row(c, f"模拟{c[-3:]}区", "district", f"/{c}/", x, y, DW, DH, None)
                                            for c, x, y in districts))
    did = ids("district")
    towns = [(f"{dc}{t + 1:03d}000", dc, x + t * tw, y) for dc, x, y in districts for t in range(TOWNS)]
    copy_rows(cur, "regions_region", cols, (row(c, f"第{c[6:9]}街道", "town", f"/{dc}/{c}/", x, y, tw, DH, did[dc])
                                            for c, dc, x, y in towns))
    tid = ids("town")
    comms = [(f"{tc[:9]}{k + 1:03d}", tc, dc, x, y + k * ch) for tc, dc, x, y in towns for k in range(COMMUNITIES)]
    copy_rows(cur, "regions_region", cols, (row(c, f"第{c[9:]}社区", "community", f"/{dc}/{tc}/{c}/", x, y, tw, ch,
                                                tid[tc]) for c, tc, dc, x, y in comms))
    cid = ids("community")
    copy_rows(cur, "regions_region", cols, (
        row(f"{c}{g + 1:03d}", f"第{g + 1}网格", "grid", f"/{dc}/{tc}/{c}/{c}{g + 1:03d}/", x + g * gw, y, gw, ch,
            cid[c]) for c, tc, dc, x, y in comms for g in range(grids_per_community)))


def build_units_and_staff(cur, staff: int) -> int:
    """Centers and departments; staff accounts with their memberships (unusable passwords). Returns the staff."""
    cols = ["code", "name", "kind", "department_type", "phone", "address", "uscc", "equipment", "duty_hours",
            "is_active", "created_at", "updated_at", "region_id", "lon", "lat"]
    cur.execute("SELECT id, code, level, centroid_lon, centroid_lat FROM regions_region "
                "WHERE level IN ('district', 'town', 'community')")
    rows = cur.fetchall()
    upper = [(rid, code, level) for rid, code, level, _x, _y in rows]
    copy_rows(cur, "orgs_orgunit", cols, [(f"GC-{code}", f"{code}综治中心", "governance_center", "", "", "", "", "",
                                           "", True, "now", "now", rid, None, None) for rid, code, _ in upper] +
              [(f"D-{code}-{t}", f"{code}{t}", "department", t, "", "", "", "", "", True, "now", "now", rid, None,
                None) for rid, code, level in upper if level == "district" for t in DEPARTMENTS] +
              [(f"EU-{code}", f"{code}应急单元", "emergency_unit", "", "", "", "", "", "", True, "now", "now", rid, x, y)
               for rid, code, level, x, y in rows if level == "community"])  # 最小应急单元: one per community
    cur.execute("SELECT region_id, id FROM orgs_orgunit WHERE kind = 'governance_center'")
    center = dict(cur.fetchall())
    cur.execute("SELECT region_id, id FROM orgs_orgunit WHERE kind = 'department'")
    departments = cur.fetchall()
    cur.execute("SELECT code, id FROM accounts_role")
    role = dict(cur.fetchall())
    seats = []  # (role, region id, unit id)
    for rid, _code, level in upper:
        n = {"district": 3, "town": 2, "community": 1}[level]
        seats += [("center_dispatcher", rid, center[rid])] * n
        if level == "district":
            seats.append(("center_leader", rid, center[rid]))
    seats += [("department_handler", rid, uid) for rid, uid in departments]
    cur.execute("SELECT id FROM regions_region WHERE level = 'grid' ORDER BY id")
    grids = [r[0] for r in cur.fetchall()]
    workers = max(staff - len(seats), len(grids) // 20)  # a small run still has grid workers
    step = max(1, len(grids) // workers) if workers else 0
    seats += [("grid_worker", g, None) for g in grids[::step][:workers]] if workers else []
    copy_rows(cur, "accounts_user", ["password", "is_superuser", "username", "first_name", "last_name", "email",
                                     "is_staff", "is_active", "date_joined", "display_name", "phone_enc",
                                     "phone_hash", "phone_last4", "is_system", "failed_login_count"],
              (("!", False, f"s{n:06d}", "", "", "", True, True, "now", f"工作人员{n}", "", "", "", False, 0)
               for n in range(len(seats))))
    cur.execute("SELECT username, id FROM accounts_user WHERE username ~ '^s[0-9]{6}$'")
    user = dict(cur.fetchall())
    copy_rows(cur, "accounts_membership", ["is_active", "created_at", "region_id", "unit_id", "user_id", "role_id"],
              ((True, "now", rid, uid, user[f"s{n:06d}"], role[r]) for n, (r, rid, uid) in enumerate(seats)))
    return len(seats)


def write_cases(cur, n: int) -> None:
    """`n` cases over the last 365 days at random grids: the older mostly closed (60% rated), the recent open in
    every state, each with its community's center and a department of its district."""
    cur.execute("""CREATE TEMP TABLE bench_grid AS
        SELECT row_number() OVER (ORDER BY g.id) - 1 AS i, g.id AS grid_id, g.path, g.min_lon AS x, g.min_lat AS y,
               g.max_lon - g.min_lon AS w, g.max_lat - g.min_lat AS h, gc.id AS center_id, d.id AS district_id
        FROM regions_region g JOIN regions_region c ON c.id = g.parent_id
        JOIN orgs_orgunit gc ON gc.region_id = c.id AND gc.kind = 'governance_center'
        JOIN regions_region d ON d.code = split_part(g.path, '/', 2)
        WHERE g.level = 'grid'""")
    cur.execute("CREATE TEMP TABLE bench_dept AS SELECT region_id, array_agg(id ORDER BY id) AS ids FROM orgs_orgunit "
                "WHERE kind = 'department' GROUP BY region_id")
    cur.execute("CREATE TEMP TABLE bench_cat AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM cases_category "
                "WHERE parent_id IS NOT NULL")
    cur.execute("SELECT count(*) FROM bench_grid")
    grids = cur.fetchone()[0]
    cur.execute("SELECT count(*) FROM bench_cat")
    cats = cur.fetchone()[0]
    step = 250_000
    t0 = time.perf_counter()
    for start in range(0, n, step):
        cur.execute(f"""
        WITH r AS (
          SELECT s, now() - random() * interval '365 days' AS created, random() AS u, random() AS v,
                 floor(random() * {grids})::int AS gi, floor(random() * {cats})::int AS ci,
                 1 + floor(random() * {len(DEPARTMENTS)})::int AS di, (random() * 10)::int AS days
          FROM generate_series({start + 1}, {min(start + step, n)}) s),
        st AS (
          SELECT r.*, CASE WHEN r.created < now() - interval '30 days' THEN
                        CASE WHEN r.u < 0.97 THEN 'closed' ELSE 'handling' END
                      ELSE CASE WHEN r.u < 0.55 THEN 'closed' WHEN r.u < 0.70 THEN 'done_reported'
                                WHEN r.u < 0.85 THEN 'handling' WHEN r.u < 0.92 THEN 'dispatched'
                                WHEN r.u < 0.96 THEN 'accepted' ELSE 'reported' END END AS state
          FROM r)
        INSERT INTO cases_case (title, description, channel, urgency, state, resume_state, crs_source, address,
          region_path, grid_id, out_of_grid, escalation_level, reporter_name, reporter_phone_enc,
          reporter_phone_hash, reporter_phone_last4, external_ref, device_id, suggested_class,
          suggested_by, attributes, is_public, duplicate_candidates, sla, time_basis, light, clock_error,
          return_count, rework_count, extension_count, reopen_count, supervise_count, on_the_spot, category_id,
          owner_center_id, handling_unit_id, lon, lat, created_at, accepted_at, dispatched_at, acknowledged_at,
          handle_due_at, due_at, done_reported_at, closed_at, satisfaction, updated_at)
        SELECT '模拟事件' || s, '模拟事件描述:路边垃圾堆放,影响通行', (ARRAY['grid_worker','resident_app','hotline','wechat','sensor'])[1 + s % 5],
          'normal', st.state, '', 'wgs84', '', g.path, g.grid_id, false, 0, '', '', '', '', '', '', '', '-',
          '{{}}', true, '[]', '{{}}', 'working',
          CASE WHEN st.state IN ('dispatched', 'handling') THEN
            CASE WHEN st.v < 0.1 THEN 'red' WHEN st.v < 0.25 THEN 'yellow' ELSE 'green' END ELSE 'none' END,
          '', 0, 0, 0, 0, 0, false, c.id, g.center_id,
          CASE WHEN st.state NOT IN ('reported', 'accepted') THEN dp.ids[st.di] END,
          g.x + st.v * g.w, g.y + random() * g.h, st.created,
          CASE WHEN st.state <> 'reported' THEN st.created + interval '1 hour' END,
          CASE WHEN st.state NOT IN ('reported', 'accepted') THEN st.created + interval '2 hours' END,
          CASE WHEN st.state NOT IN ('reported', 'accepted', 'dispatched') THEN st.created + interval '3 hours' END,
          CASE WHEN st.state NOT IN ('reported', 'accepted') THEN st.created + interval '5 days' END,
          CASE WHEN st.state IN ('dispatched', 'handling') THEN st.created + interval '5 days' END,
          CASE WHEN st.state IN ('done_reported', 'closed') THEN st.created + st.days * interval '1 day' END,
          CASE WHEN st.state = 'closed' THEN st.created + st.days * interval '1 day' + interval '3 hours' END,
          CASE WHEN st.state = 'closed' AND st.v < 0.6 THEN 3 + (s % 3) END,
          st.created
        FROM st JOIN bench_grid g ON g.i = st.gi JOIN bench_cat c ON c.i = st.ci
        JOIN bench_dept dp ON dp.region_id = g.district_id
        """)
        done = min(start + step, n)
        print(f"  {done:,} cases ({done / (time.perf_counter() - t0):,.0f}/s)", flush=True)


def write_timelines(cur) -> int:
    """A timeline row for each step each case went through, at the moments the case records; the lead unit's
    assignment of each dispatched case. Returns the timeline rows."""
    cur.execute("SELECT min(id), max(id) FROM cases_case")
    lo, hi = cur.fetchone()
    step, written = 500_000, 0
    t0 = time.perf_counter()
    for start in range(lo, hi + 1, step):
        cur.execute("""
        INSERT INTO cases_caseevent (case_id, at, action, from_state, to_state, note, data, actor_id, actor_unit_id)
        SELECT c.id, v.at, v.action, v.from_state, v.to_state, '', v.data, NULL, v.unit
        FROM cases_case c CROSS JOIN LATERAL (VALUES
          (c.created_at, 'report', '', 'reported', NULL::bigint, '{}'::jsonb),
          (c.accepted_at, 'accept', 'reported', 'accepted', c.owner_center_id, '{}'),
          (c.dispatched_at, 'dispatch', 'accepted', 'dispatched', c.owner_center_id, '{}'),
          (c.acknowledged_at, 'acknowledge', 'dispatched', 'handling', c.handling_unit_id,
           jsonb_build_object('unit', c.handling_unit_id, 'on_time', c.acknowledged_at <= c.dispatched_at + interval '2 hours')),
          (c.done_reported_at, 'report_done', 'handling', 'done_reported', c.handling_unit_id,
           jsonb_build_object('unit', c.handling_unit_id, 'on_time', c.done_reported_at <= c.handle_due_at)),
          (c.closed_at, 'verify_pass', 'done_reported', 'closed', c.owner_center_id, '{}'),
          (c.closed_at + interval '1 hour', 'follow_up', 'closed', 'closed', NULL,
           jsonb_build_object('satisfaction', c.satisfaction, 'reopened', false))
        ) AS v(at, action, from_state, to_state, unit, data)
        WHERE c.id >= %s AND c.id < %s AND v.at IS NOT NULL
          AND (v.action <> 'follow_up' OR c.satisfaction IS NOT NULL)""", [start, start + step])
        written += cur.rowcount
        print(f"  {written:,} timeline rows ({written / (time.perf_counter() - t0):,.0f}/s)", flush=True)
    cur.execute("""
        INSERT INTO cases_assignment (role, status, note, created_at, acknowledged_at, done_at, unit_id, case_id,
                                      case_created_at)
        SELECT 'lead', CASE state WHEN 'dispatched' THEN 'dispatched' WHEN 'handling' THEN 'acknowledged'
                                  ELSE 'done' END, '', dispatched_at, acknowledged_at, done_reported_at,
               handling_unit_id, id, created_at
        FROM cases_case WHERE handling_unit_id IS NOT NULL""")
    print(f"  {cur.rowcount:,} assignments (主办)", flush=True)
    return written


def users_by_role() -> dict:
    """One account of each role, in the first district (the dispatcher of its first town and community)."""
    from gridgov.accounts.models import Membership

    def first(role: str, level: str | None = None):
        qs = Membership.objects.filter(role__code=role).select_related("user", "region").order_by("region__path", "id")
        if level:
            qs = qs.filter(region__level=level)
        return qs.first().user

    return {"district_leader": first("center_leader"), "district_dispatcher": first("center_dispatcher", "district"),
            "town_dispatcher": first("center_dispatcher", "town"),
            "community_dispatcher": first("center_dispatcher", "community"),
            "handler": first("department_handler"), "grid_worker": first("grid_worker")}


def measure(runs: int) -> list[tuple]:
    """Each page of PAGES as its role: (role, url, p50 ms, p95 ms, queries)."""
    import logging

    from django.core.signals import request_started
    from django.db import reset_queries

    request_started.disconnect(reset_queries)  # it would empty the query log each request, before it is counted
    security = logging.getLogger("gridgov.security")
    level = security.level
    security.setLevel(logging.WARNING)  # the log-ins of the test client
    try:
        return _measure(runs)
    finally:
        request_started.connect(reset_queries)
        security.setLevel(level)


def _measure(runs: int) -> list[tuple]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gridgov.core.timeutil import local_today

    today = local_today()
    clients = {}
    for role, user in users_by_role().items():
        clients[role] = Client()
        clients[role].force_login(user)
    out = []
    for role, page in PAGES:
        url = page.format(month=today.replace(day=1).isoformat(), today=today.isoformat())
        client = clients[role]
        r = client.get(url)  # warm: plans, snapshots, caches
        if r.status_code != 200:
            raise SystemExit(f"{role} {url}: {r.status_code} {r.content[:300]!r}")
        samples = []
        with CaptureQueriesContext(connection) as q:
            client.get(url)
        queries = len(q.captured_queries)  # now: the log is emptied below
        for _ in range(runs):
            t = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - t) * 1000)
            reset_queries()
        p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) >= 2 else samples[0]
        out.append((role, url, statistics.median(samples), p95, queries))
        print(f"{role:<22}{url[:52]:<54}{statistics.median(samples):>9.1f}{p95:>9.1f}{queries:>6}",
              flush=True)
    return out


def spatial(runs: int) -> list[tuple]:
    """The lookups PostGIS would serve (#18 asks to decide by measurement): likely duplicates of a report at a
    random place (open cases of its category within 100 m, last 72 h) and the nearest emergency units within
    EMERGENCY_RADIUS_M, each at `runs` × 10 random places of the province: (name, p50 ms, p95 ms)."""
    import random

    from django.conf import settings

    from gridgov.cases.duplicates import find_duplicates
    from gridgov.cases.models import Case
    from gridgov.cases.routing import nearest_emergency_units
    from gridgov.core.timeutil import now

    rng = random.Random(7)
    busy = list(Case.objects.filter(state__in=["dispatched", "handling"]).order_by("?")
                .values_list("lon", "lat", "category_id")[:runs * 10])
    out = []
    for name, call in (
        ("疑似重复(100 m, 72 h)", lambda p: find_duplicates(Case(lon=p[0], lat=p[1], category_id=p[2], created_at=now(),
                                                               title="路边垃圾", description="路边垃圾堆放"))),
        (f"就近应急单元({settings.EMERGENCY_RADIUS_M} m)", lambda p: nearest_emergency_units(
            p[0] + rng.uniform(-0.01, 0.01), p[1], n=3, radius_m=settings.EMERGENCY_RADIUS_M)),
    ):
        samples = []
        for place in busy:
            t = time.perf_counter()
            call(place)
            samples.append((time.perf_counter() - t) * 1000)
        p95 = statistics.quantiles(samples, n=20)[-1]
        out.append((name, statistics.median(samples), p95))
        print(f"{name:<28}{statistics.median(samples):>9.2f}{p95:>9.2f}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=10_000_000)
    ap.add_argument("--grids", type=int, default=200_000)
    ap.add_argument("--staff", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--keep", action="store_true", help="reuse the database an earlier run left")
    args = ap.parse_args()
    url = fresh_database(DB, keep=args.keep)
    setup_django(url)
    from django.db import connection

    from gridgov.accounts.models import Membership
    from gridgov.analytics import rollups
    from gridgov.cases.models import Case
    from gridgov.regions.models import Region

    if not (args.keep and Case.objects.exists()):
        per_community = max(1, round(args.grids / (DISTRICTS * TOWNS * COMMUNITIES)))
        t = time.perf_counter()
        with connection.cursor() as cur:
            build_regions(cur.cursor, per_community)
            staff = build_units_and_staff(cur.cursor, args.staff)
        print(f"regions, units and {staff:,} staff in {time.perf_counter() - t:.0f} s", flush=True)
        t = time.perf_counter()
        from gridgov.cases.tasks import make_months
        from gridgov.core.timeutil import now

        # the months of the year of history (cases, timeline), as the nightly job would have made them one by one
        make_months(since=(now() - dt.timedelta(days=366)).date())
        with connection.cursor() as cur:
            write_cases(cur.cursor, args.cases)
            events = write_timelines(cur.cursor)
        print(f"{args.cases:,} cases and {events:,} timeline rows in {time.perf_counter() - t:.0f} s", flush=True)
        t = time.perf_counter()
        n = rollups.rebuild()
        print(f"rollups.rebuild(): {n:,} cases counted in {time.perf_counter() - t:.0f} s", flush=True)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    cases, grids = Case.objects.count(), Region.objects.filter(level="grid").count()
    staff = Membership.objects.exclude(role__code="resident").count()
    print(f"\nprovince: {cases:,} cases, {grids:,} grids, {staff:,} staff; {args.runs} runs per page, in-process")
    print(f"{'role':<22}{'page':<54}{'p50 ms':>9}{'p95 ms':>9}{'SQL':>6}")
    results = measure(args.runs)
    print(f"\n{'spatial lookup (PostGIS question)':<28}{'p50 ms':>9}{'p95 ms':>9}")
    spatial(args.runs)
    worst = max(results, key=lambda r: r[3])
    print(f"slowest: {worst[0]} {worst[1]} p95 {worst[3]:.1f} ms (target ≤ 300 ms)")
    print(f"worst_p95_ms={worst[3]:.1f} cases={cases} grids={grids} staff={staff}")


if __name__ == "__main__":
    main()
