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
