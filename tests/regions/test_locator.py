"""Point → grid: borders, holes, points outside every grid, other coordinate systems, cache rebuilds."""

import numpy as np
import pytest

from gridgov.core.coords import wgs84_to_bd09, wgs84_to_gcj02
from gridgov.regions.locator import get_locator, locate
from gridgov.regions.models import Level
from gridgov.regions.services import region_create
from tests.conftest import poly


def test_point_inside_a_grid_gets_grid_and_ancestors(world):
    loc = locate(120.005, 30.01)
    assert loc.grid.code == world.grid_a_west.code
    assert loc.by_level(Level.COMMUNITY).code == world.comm_a.code
    assert loc.by_level(Level.TOWN).code == world.town_a.code
    assert loc.by_level(Level.DISTRICT).code == world.district.code
    assert loc.nearest is None


def test_shared_border_goes_to_the_lower_code_every_time(world):
    for lat in (30.0, 30.005, 30.02):
        assert locate(120.01, lat).grid.code == world.grid_a_west.code  # west < east
    # the border between towns: 甲一 community's east grid (…001001002) beats 乙一 (…002001001)
    assert locate(120.02, 30.001).grid.code == world.grid_a_east.code
    # a vertex shared by grids is deterministic too
    idx = get_locator().grid_indices([120.01, 120.02], [30.0, 30.001])
    assert [get_locator().places[i].code for i in idx] == [world.grid_a_west.code, world.grid_a_east.code]


def test_point_in_a_hole_is_in_no_grid_and_reports_the_nearest(world):
    loc = locate(120.015, 30.010)
    assert loc.grid is None
    assert loc.nearest.code == world.grid_a_east.code
    # the hole's edge is 0.002° of longitude away at 30°N: ≈ 192.7 m
    assert loc.nearest_distance_m == pytest.approx(192.7, abs=1.0)


def test_point_outside_every_grid(world):
    loc = locate(120.05, 30.01)
    assert loc.grid is None and loc.chain == ()
    assert loc.nearest.code == world.grid_b.code
    assert loc.nearest_distance_m == pytest.approx(963.5, abs=2)
    assert loc.as_dict()["found"] is False


def test_gcj02_and_bd09_inputs_land_in_the_right_grid(world):
    # 30 m west of the border, in WGS-84: as GCJ-02 the raw numbers would lie ~500 m east, in another grid
    lon, lat = 120.00969, 30.01
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert get_locator().locate(glon, glat).grid.code == world.grid_a_east.code  # raw numbers mislead
    assert locate(glon, glat, "gcj02").grid.code == world.grid_a_west.code
    assert locate(*wgs84_to_bd09(lon, lat), "bd09").grid.code == world.grid_a_west.code


def test_bulk_equals_single(world):
    rng = np.random.default_rng(1)
    lons = rng.uniform(119.99, 120.05, 2000)
    lats = rng.uniform(29.99, 30.03, 2000)
    loc = get_locator()
    bulk = loc.grid_indices(lons, lats)
    single = [loc.grid_index(x, y) for x, y in zip(lons, lats, strict=True)]
    assert bulk.tolist() == single
    assert (bulk == -1).any() and (bulk >= 0).any()


def test_locator_rebuilds_when_grids_change(world):
    first = get_locator()
    assert locate(120.015, 30.010).grid is None
    region_create(actor=None, parent=world.comm_a, level=Level.GRID, name="学校", grid_kind="special",
                  special_kind="school", geometry=poly(120.013, 30.008, 120.017, 30.012))
    second = get_locator()
    assert second is not first and second.version > first.version
    assert locate(120.015, 30.010).grid.name == "学校"
    assert get_locator() is second  # unchanged version: cached


def test_microgrid_is_reported(world):
    mg = region_create(actor=None, parent=world.grid_a_west, level=Level.MICROGRID, name="1号微网格",
                       geometry=poly(120.0, 30.0, 120.005, 30.02))
    assert mg.code == world.grid_a_west.code + "01"
    assert locate(120.002, 30.01).microgrid.code == mg.code
    assert locate(120.007, 30.01).microgrid is None


def test_locate_api(world, api):
    client = api(world.worker_a)
    r = client.get("/api/v1/locate/", {"lon": 120.005, "lat": 30.01})
    assert r.status_code == 200 and r.json()["grid"]["code"] == world.grid_a_west.code
    r = client.get("/api/v1/locate/", {"lon": 120.005, "lat": 95})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_location"
    r = client.get("/api/v1/locate/", {"lon": 120.005, "lat": 30.01, "crs": "utm"})
    assert r.status_code == 400 and "坐标系" in r.json()["error"]["message"]
    r = client.get("/api/v1/locate/", {"lon": "abc", "lat": 30.01})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"
    assert api().get("/api/v1/locate/", {"lon": 1, "lat": 1}).status_code in (401, 403)


def _lattice(rng, cols=30, rows=20, step=0.01):
    from shapely.geometry import Polygon, box

    xs = 118.0 + np.arange(cols + 1) * step
    ys = 31.0 + np.arange(rows + 1) * step
    vx, vy = np.meshgrid(xs, ys, indexing="ij")
    vx[1:-1, 1:-1] += rng.uniform(-0.2, 0.2, (cols - 1, rows - 1)) * step
    vy[1:-1, 1:-1] += rng.uniform(-0.2, 0.2, (cols - 1, rows - 1)) * step
    geoms = []
    for i in range(cols):
        for j in range(rows):
            p = Polygon([(vx[i, j], vy[i, j]), (vx[i + 1, j], vy[i + 1, j]), (vx[i + 1, j + 1], vy[i + 1, j + 1]),
                         (vx[i, j + 1], vy[i, j + 1])])
            if (i + j) % 7 == 0:  # some grids have a hole
                c = p.centroid
                p = p.difference(box(c.x - step / 5, c.y - step / 5, c.x + step / 5, c.y + step / 5))
            if (i * 3 + j) % 11 == 0:
                continue  # and some cells are no grid at all
            geoms.append(p)
    return geoms, vx, vy


def test_bin_index_agrees_with_brute_force_on_a_jittered_lattice():
    import shapely

    from gridgov.regions.locator import Locator, Place

    rng = np.random.default_rng(7)
    geoms, vx, vy = _lattice(rng)
    loc = Locator.from_geometries((Place(k, f"{k:06d}", str(k), "grid"), g, ()) for k, g in enumerate(geoms))
    xs = np.concatenate([rng.uniform(117.99, 118.31, 20000), vx.ravel()])  # random points and every vertex
    ys = np.concatenate([rng.uniform(30.99, 31.21, 20000), vy.ravel()])
    tree = shapely.STRtree(loc.geoms)
    src, hit = tree.query(shapely.points(xs, ys), predicate="intersects")
    expect = np.full(len(xs), len(geoms))
    np.minimum.at(expect, src, hit)
    expect[expect == len(geoms)] = -1
    assert loc.grid_indices(xs, ys).tolist() == expect.tolist()
    assert [loc.grid_index(x, y) for x, y in zip(xs[:3000], ys[:3000], strict=True)] == expect[:3000].tolist()
    assert (expect == -1).sum() > 100 and (expect >= 0).sum() > 10000


def test_empty_locator():
    from gridgov.regions.locator import Locator

    loc = Locator.from_geometries([])
    assert loc.grid_indices([1.0], [2.0]).tolist() == [-1]
    assert loc.locate(1.0, 2.0).grid is None


def test_locate_outside_ones_jurisdiction_names_nothing_there(world, api):
    """Town B's dispatcher locating a point in town A learns only that it is outside their jurisdiction."""
    r = api(world.user_b).get("/api/v1/locate/", {"lon": 120.005, "lat": 30.01}).json()
    assert r["in_jurisdiction"] is False and r["found"] is False and r["message"] == "该位置不在您的管辖范围内"
    assert r["grid"] is None and r["community"] is None and r["town"] is None and r["microgrid"] is None
    assert r["district"]["code"] == world.district.code  # their own district they know
    text = str(r)
    for place in (world.grid_a_west, world.comm_a, world.town_a):
        assert place.code not in text and place.name not in text
    # a point in no grid near town A: the nearest grid is not named either
    r = api(world.user_b).get("/api/v1/locate/", {"lon": 119.999, "lat": 30.01}).json()
    assert r["nearest_grid"] is None and r["in_jurisdiction"] is False
    # their own area as before
    r = api(world.user_b).get("/api/v1/locate/", {"lon": 120.03, "lat": 30.01}).json()
    assert r["in_jurisdiction"] is True and r["grid"]["code"] == world.grid_b.code and r["town"]["name"] == "乙街道"
    r = api(world.admin).get("/api/v1/locate/", {"lon": 120.005, "lat": 30.01}).json()
    assert r["grid"]["code"] == world.grid_a_west.code and r["in_jurisdiction"] is True
