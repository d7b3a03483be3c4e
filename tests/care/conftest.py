"""The care world: the emergency world plus 张三 (living alone, grid 甲一西) in a building next to unit 甲一, under a
care plan with a neighbour and a party member paired, and a vendor with an emergency button and a vital-sign
monitor in his flat."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gridgov.care.models import CarePlan, Device
from gridgov.care.services import device_register, pairing_set, plan_create
from gridgov.people.models import FocusGroupMembership
from gridgov.people.services import building_create, household_get_or_create
from tests.cases.conftest import cw  # noqa: F401
from tests.conftest import make_user
from tests.emergency.conftest import EmergencyWorld, ew  # noqa: F401 - the units the alarms reach


@dataclass
class CareWorld:
    ew: EmergencyWorld
    plan: CarePlan
    worker: object  # grid worker of 甲一西 (officer of the plan)
    neighbour: object
    party_member: object
    button: Device
    monitor: Device


@pytest.fixture
def care(ew) -> CareWorld:  # noqa: F811
    w = ew.cw.w
    building = building_create(actor=None, grid=w.grid_a_west, name="幸福里3号楼", lon=120.0061, lat=30.0101)
    r = w.res_a1
    r.household = household_get_or_create(building=building, unit_number="1", room="101")
    r.address = "幸福里3号楼1单元101"
    r.save(update_fields=["household", "address"])
    FocusGroupMembership.objects.create(resident=r, group="living_alone_elderly")
    plan = plan_create(actor=w.worker_a, resident=r, group="living_alone_elderly")
    neighbour, party = make_user("neighbour_a"), make_user("party_a")
    pairing_set(actor=w.worker_a, plan=plan, user=neighbour, role="neighbour")
    pairing_set(actor=w.worker_a, plan=plan, user=party, role="party_member")
    button = device_register(actor=w.worker_a, vendor="acme", serial="SOS-001", kind="sos_button", plan=plan,
                             heartbeat_minutes=30)
    monitor = device_register(actor=w.worker_a, vendor="acme", serial="VT-001", kind="vitals", plan=plan)
    return CareWorld(ew, plan, w.worker_a, neighbour, party, button, monitor)
