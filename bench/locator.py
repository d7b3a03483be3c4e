"""Locator throughput: bulk and single point → grid lookups, beside a bare shapely STRtree query on the same
polygons, for the demo district's grids and for a synthetic province of 200,000 grids.

    .venv/bin/python bench/locator.py [--grids 200000] [--bulk 1000000] [--single 100000]

Targets (issue #2): bulk ≥ 50% of the bare rate; single lookups ≥ 50,000/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rate(n: int, fn) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return n / best


def measure(label: str, locator, n_bulk: int, n_single: int, rng) -> dict:
    minx, miny, maxx, maxy = shapely.total_bounds(np.array(locator.geoms, dtype=object))
    lons = rng.uniform(minx, maxx, n_bulk)
    lats = rng.uniform(miny, maxy, n_bulk)
    bare_tree = shapely.STRtree(locator.geoms)
    points = shapely.points(lons, lats)

    bare_bulk = rate(n_bulk, lambda: bare_tree.query(points, predicate="intersects"))
    ours_bulk = rate(n_bulk, lambda: locator.grid_indices(lons, lats))

    s_lons, s_lats = lons[:n_single].tolist(), lats[:n_single].tolist()
    s_points = list(points[:n_single])

    def bare_single():
        q = bare_tree.query
        for p in s_points:
            q(p, predicate="intersects")

    def ours_single():
        locate = locator.locate
        for x, y in zip(s_lons, s_lats, strict=True):
            locate(x, y, with_nearest=False)

    bare_one = rate(n_single, bare_single)
    ours_one = rate(n_single, ours_single)
    found = float((locator.grid_indices(lons[:100000], lats[:100000]) >= 0).mean())
    print(f"\n== {label}: {len(locator.geoms):,} grids, {found:.0%} of random points inside a grid")
    print(f"  bulk    locator {ours_bulk:>12,.0f} pts/s   bare STRtree {bare_bulk:>12,.0f} pts/s   "
          f"ratio {ours_bulk / bare_bulk:.2f}  (target ≥ 0.50)")
    print(f"  single  locator {ours_one:>12,.0f} pts/s   bare STRtree {bare_one:>12,.0f} pts/s   "
          f"ratio {ours_one / bare_one:.2f}  (target ≥ 50,000/s)")
    return {"bulk_ratio": ours_bulk / bare_bulk, "single": ours_one}


def demo_locator():
    os.environ.setdefault("GRIDGOV_DATA_DIR", tempfile.mkdtemp(prefix="gridgov-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "gridgov.settings.dev"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from gridgov.demo.builder import build_demo
    from gridgov.regions.locator import Locator

    call_command("migrate", verbosity=0)
    build_demo()
    return Locator.from_database()


def province_locator(n_grids: int, rng):
    """Jittered quadrilaterals tiling a rectangle, about 0.003° (≈ 300 m) across, like a province's grids."""
    from gridgov.regions.locator import Locator, Place

    cols = int(np.sqrt(n_grids * 1.25))
    rows = int(np.ceil(n_grids / cols))
    step = 0.003
    xs = 110.0 + np.arange(cols + 1) * step
    ys = 30.0 + np.arange(rows + 1) * step
    vx, vy = np.meshgrid(xs, ys, indexing="ij")
    vx[1:-1, 1:-1] += rng.uniform(-0.15, 0.15, (cols - 1, rows - 1)) * step
    vy[1:-1, 1:-1] += rng.uniform(-0.15, 0.15, (cols - 1, rows - 1)) * step
    i, j = np.meshgrid(np.arange(cols), np.arange(rows), indexing="ij")
    i, j = i.ravel()[:n_grids], j.ravel()[:n_grids]
    ring = np.stack([
        np.stack([vx[i, j], vy[i, j]], -1), np.stack([vx[i + 1, j], vy[i + 1, j]], -1),
        np.stack([vx[i + 1, j + 1], vy[i + 1, j + 1]], -1), np.stack([vx[i, j + 1], vy[i, j + 1]], -1),
        np.stack([vx[i, j], vy[i, j]], -1),
    ], axis=1)
    geoms = shapely.polygons(ring)
    chain = ()
    items = ((Place(k, f"{k:015d}", f"网格{k}", "grid"), g, chain) for k, g in enumerate(geoms))
    return Locator.from_geometries(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grids", type=int, default=200_000)
    parser.add_argument("--bulk", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=100_000)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    t = time.perf_counter()
    demo = demo_locator()
    print(f"demo district built and indexed in {time.perf_counter() - t:.1f} s")
    results = [measure("demo district", demo, args.bulk, args.single, rng)]
    t = time.perf_counter()
    province = province_locator(args.grids, rng)
    print(f"\nsynthetic province indexed in {time.perf_counter() - t:.1f} s")
    results.append(measure("synthetic province", province, args.bulk, args.single, rng))
    ok = all(r["bulk_ratio"] >= 0.5 and r["single"] >= 50_000 for r in results)
    print("\nall targets met" if ok else "\nTARGET MISSED")


if __name__ == "__main__":
    main()
