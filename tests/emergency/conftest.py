"""The emergency world: the case world's unit 甲一 (near the report) plus units 甲二 and 乙一 farther away, each
with a member; a ring of one unit first, then two."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gridgov.accounts.services import membership_grant
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from tests.cases.conftest import CaseWorld, cw  # noqa: F401 - the case world the units answer in
from tests.conftest import make_user


@dataclass
class EmergencyWorld:
    cw: CaseWorld
    eu_a: object  # 甲一应急单元, ~100 m from the report
    eu_a2: object  # ~1 km
    eu_b: object  # ~3 km
    eu_far: object  # 20 km: never called
    member_a: object
    member_a2: object
    member_b: object


@pytest.fixture
def ew(cw, settings) -> EmergencyWorld:  # noqa: F811
    settings.EMERGENCY_RINGS = "1,2"
    settings.EMERGENCY_ACK_MINUTES = 3
    settings.EMERGENCY_RADIUS_M = 10000
    w = cw.w
    a2 = org_unit_create(actor=None, code="EU-A2", name="甲二应急单元", kind=UnitKind.EMERGENCY_UNIT, region=w.comm_a,
                         lon=120.015, lat=30.01)
    b = org_unit_create(actor=None, code="EU-B", name="乙一应急单元", kind=UnitKind.EMERGENCY_UNIT, region=w.comm_b,
                        lon=120.036, lat=30.01)
    far = org_unit_create(actor=None, code="EU-FAR", name="远郊应急单元", kind=UnitKind.EMERGENCY_UNIT,
                          region=w.comm_b, lon=120.2, lat=30.01)
    members = []
    for name, unit, region in (("eu_member_a", cw.eu, w.comm_a), ("eu_member_a2", a2, w.comm_a),
                               ("eu_member_b", b, w.comm_b)):
        user = make_user(name)
        membership_grant(actor=None, user=user, role_code="emergency_responder", region=region, unit=unit)
        members.append(user)
    return EmergencyWorld(cw, cw.eu, a2, b, far, *members)
