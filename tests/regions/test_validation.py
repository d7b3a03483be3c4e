"""Grid polygons are refused, with the grids named, when invalid, outside their community or overlapping."""

import pytest

from gridgov.core.errors import ApplicationError
from gridgov.core.models import AuditLog
from gridgov.regions.models import Level, LocatorVersion, Region
from gridgov.regions.services import region_create, region_deactivate, region_update
from tests.conftest import poly


def create_grid(world, name, geometry, **kw):
    return region_create(actor=world.admin, parent=world.comm_a, level=Level.GRID, name=name, geometry=geometry, **kw)


def test_self_intersecting_polygon_is_refused(world):
    bowtie = {"type": "Polygon", "coordinates": [[[120.001, 30.001], [120.005, 30.005], [120.005, 30.001],
                                                  [120.001, 30.005], [120.001, 30.001]]]}
    before = Region.objects.count()
    with pytest.raises(ApplicationError) as exc:
        create_grid(world, "蝴蝶网格", bowtie)
    assert exc.value.code == "invalid_geometry"
    assert "自相交" in exc.value.message and "蝴蝶网格" in exc.value.message
    assert Region.objects.count() == before


@pytest.mark.parametrize("geometry,reason", [
    ({"type": "Point", "coordinates": [120, 30]}, "Polygon"),
    ({"type": "Polygon", "coordinates": [[[120.0, 30.0], [120.1, 30.0]]]}, "坐标"),
    ({"type": "Polygon", "coordinates": [[[200.0, 30.0], [200.1, 30.0], [200.1, 30.1], [200.0, 30.0]]]}, "超出经纬度"),
    ("not json", "GeoJSON"),
])
def test_malformed_geometry_is_refused(world, geometry, reason):
    with pytest.raises(ApplicationError, match=reason):
        create_grid(world, "坏网格", geometry)


def test_grid_outside_its_community_is_refused_naming_both(world):
    with pytest.raises(ApplicationError) as exc:
        create_grid(world, "越界网格", poly(120.015, 30.0, 120.025, 30.005))
    assert "超出所属社区/村「甲一社区」(990102001001)" in exc.value.message
    assert "越界网格" in exc.value.message


def test_overlapping_grids_of_one_community_are_refused_naming_both(world):
    with pytest.raises(ApplicationError) as exc:
        create_grid(world, "重叠网格", poly(120.005, 30.0, 120.009, 30.005))
    msg = exc.value.message
    assert "重叠网格" in msg and "甲一西网格" in msg and world.grid_a_west.code in msg
    assert "重叠面积约" in msg


def test_touching_grids_and_a_grid_inside_a_hole_are_accepted(world):
    # the hole of the eastern grid is free: a special grid (e.g. a school) may fill it exactly
    school = create_grid(world, "学校专属网格", poly(120.013, 30.008, 120.017, 30.012), grid_kind="special",
                         special_kind="school")
    assert school.code == world.comm_a.code + "003"
    assert school.area_m2 == pytest.approx(400 * 0.9619 * 444.8, rel=0.02)


def test_special_grid_needs_its_kind(world):
    with pytest.raises(ApplicationError, match="类别"):
        create_grid(world, "专属", poly(120.013, 30.008, 120.017, 30.012), grid_kind="special")


def test_update_validates_against_neighbours_but_not_itself(world):
    v = LocatorVersion.current()
    region_update(actor=world.admin, region=world.grid_a_west, geometry=poly(120.0, 30.0, 120.0099, 30.02))
    assert LocatorVersion.current() == v + 1
    with pytest.raises(ApplicationError, match="甲一东网格"):
        region_update(actor=world.admin, region=world.grid_a_west, geometry=poly(120.0, 30.0, 120.012, 30.02))
    assert AuditLog.objects.filter(action="region.update", object_id=str(world.grid_a_west.pk)).count() == 1


@pytest.mark.parametrize("level,parent_attr,code,msg", [
    (Level.TOWN, "district", "990103001000", "前6位"),
    (Level.TOWN, "district", "990102000000", "非000"),
    (Level.COMMUNITY, "town_a", "990102002001", "前9位"),
    (Level.GRID, "comm_a", "990102001001A01", "数字"),
    (Level.GRID, "comm_a", "99010200100101", "15位"),
])
def test_codes_follow_the_statistical_scheme(world, level, parent_attr, code, msg):
    with pytest.raises(ApplicationError, match=msg):
        region_create(actor=None, parent=getattr(world, parent_attr), level=level, name="x", code=code)


def test_levels_must_nest(world):
    with pytest.raises(ApplicationError, match="只能建立"):
        region_create(actor=None, parent=world.town_a, level=Level.GRID, name="直属网格")


def test_deactivate_requires_reason_and_no_active_children(world):
    with pytest.raises(ApplicationError, match="下级"):
        region_deactivate(actor=world.admin, region=world.comm_a, reason="撤并")
    with pytest.raises(ApplicationError, match="原因"):
        region_deactivate(actor=world.admin, region=world.grid_b, reason="")
    region_deactivate(actor=world.admin, region=world.grid_b, reason="网格调整")
    with pytest.raises(ApplicationError, match="已被停用"):
        region_deactivate(actor=world.admin, region=world.grid_b, reason="再次")
