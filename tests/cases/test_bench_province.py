"""bench/province.py writes its province with raw SQL and COPY; a column added later must not break it unnoticed.
Here it builds two districts (of 122) with a few hundred cases and their timelines, and asks every page it
measures as each role: each answers, with the queries counted."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.db import connection

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_province_benchmark_still_builds_a_province_the_pages_can_read(db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark's SQL is PostgreSQL's")
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_province", BENCH / "province.py")
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
    finally:
        sys.path.remove(str(BENCH))
    from gridgov.analytics import rollups
    from gridgov.cases.models import Assignment, Case, CaseEvent
    from gridgov.orgs.models import OrgUnit
    from gridgov.regions.models import Region

    monkeypatch.setattr(bench, "DISTRICTS", 2)
    with connection.cursor() as cur:
        bench.build_regions(cur.cursor, 2)
        staff = bench.build_units_and_staff(cur.cursor, 100)
        bench.write_cases(cur.cursor, 300)
        events = bench.write_timelines(cur.cursor)
    assert Region.objects.filter(level="grid").count() == 2 * 13 * 10 * 2
    assert staff >= 100 and Case.objects.count() == 300
    assert OrgUnit.objects.filter(kind="emergency_unit", lon__isnull=False).count() == 2 * 13 * 10
    assert CaseEvent.objects.filter(action="report").count() == 300 and events > 300
    assert Assignment.objects.count() == Case.objects.filter(handling_unit__isnull=False).count() > 0
    closed = Case.objects.filter(state="closed")
    assert closed.exists() and CaseEvent.objects.filter(action="verify_pass").count() == closed.count()
    assert rollups.rebuild() == 300
    results = bench.measure(1)  # stops with the page and its status if one does not answer 200
    assert len(results) == len(bench.PAGES) and all(queries > 0 for *_, queries in results)
    assert [name for name, *_ in bench.spatial(1)][0].startswith("疑似重复")  # the PostGIS question's lookups run
