"""The deliberation world: community 甲一 with 幸福里1号楼 (grid 甲一西, four flats, a resident with an account in
each, a second adult and a child in 101) and 幸福里2号楼 (grid 甲一东, two flats); its committee (网格长 of 甲一社区);
a resident of 乙一 who has no say in 甲一."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from gridgov.core.timeutil import local, now
from gridgov.people.services import building_create, household_get_or_create, resident_create
from tests.conftest import fix_id, make_user


@dataclass
class DelibWorld:
    w: object
    chief: object  # 网格长 of 甲一社区: the committee
    b1: object
    b2: object
    users: list = field(default_factory=list)  # residents of 1号楼 101…401, then 2号楼 101, 201
    residents: list = field(default_factory=list)
    spouse: object = None  # second adult of 1号楼 101 (account)
    child: object = None
    outsider: object = None  # resident of 乙一


def _resident(w, grid, building, room, n, *, birth=dt.date(1980, 1, 1), account=True):
    household = household_get_or_create(building=building, unit_number="1", room=room)
    r = resident_create(actor=None, grid=grid, name=f"居民{n}", id_number=fix_id(f"110105{birth:%Y%m%d}{n:03d}"),
                        household=household, birth_date=birth)
    if account:
        r.user = make_user(f"res{n}", "resident", grid)
        r.save(update_fields=["user"])
    return r


@pytest.fixture
def dw(world) -> DelibWorld:
    w = world
    chief = make_user("chief_a", "grid_chief", w.comm_a, is_staff=True)
    b1 = building_create(actor=None, grid=w.grid_a_west, name="幸福里1号楼", lon=120.005, lat=30.01)
    b2 = building_create(actor=None, grid=w.grid_a_east, name="幸福里2号楼", lon=120.015, lat=30.005)
    residents = [_resident(w, w.grid_a_west, b1, f"{i}01", i) for i in range(1, 5)]
    residents += [_resident(w, w.grid_a_east, b2, f"{i}01", 10 + i) for i in range(1, 3)]
    spouse = _resident(w, w.grid_a_west, b1, "101", 20)
    child = _resident(w, w.grid_a_west, b1, "101", 21, birth=dt.date(local(now()).year - 10, 3, 1),
                      account=False)
    outsider = _resident(w, w.grid_b, building_create(actor=None, grid=w.grid_b, name="乙一1号楼"), "101", 30)
    return DelibWorld(w, chief, b1, b2, [r.user for r in residents], residents, spouse, child, outsider)
