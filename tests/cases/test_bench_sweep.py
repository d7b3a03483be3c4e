"""bench/sweep.py writes its million cases with one raw INSERT; a column added to cases later must not break it
unnoticed (it did once: `attributes`). Here it runs on a few rows, and the sweep lights and escalates them."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.db import connection

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_sweep_benchmark_still_writes_valid_cases(db):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark's INSERT … SELECT is PostgreSQL's")
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_sweep", BENCH / "sweep.py")
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        from _pg import tiny_district
    finally:
        sys.path.remove(str(BENCH))
    from gridgov.cases.models import Case, Category
    from gridgov.cases.sweeper import sweep

    bench.insert_open_cases(connection, tiny_district(), Category.objects.get(code="1101"), 20, 3)
    assert Case.objects.filter(state="handling").count() == 20
    result = sweep()
    assert result["red"] == 3 and result["escalated"] == 3
