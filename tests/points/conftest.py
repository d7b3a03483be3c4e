"""The points world: the case world plus a verified volunteer (a courier of community A), the default catalogue,
a 爱心驿站 in community A with rewards."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gridgov.accounts.services import membership_grant
from gridgov.points.models import PointItem, Reward, Station, VolunteerKind
from gridgov.points.services import volunteer_act, volunteer_apply
from tests.cases.conftest import CaseWorld, cw  # noqa: F401, F811 - the case world the volunteers report in
from tests.conftest import make_user


@dataclass
class PointsWorld:
    cw: CaseWorld
    volunteer: object  # the user, verified, community A
    officer: object  # community A center dispatcher: verifies, approves, hands out rewards
    station: Station
    soap: Reward  # unlimited
    mug: Reward  # stock 1, one per person

    def item(self, key: str) -> PointItem:
        return PointItem.objects.get(key=key, is_current=True)


def make_volunteer(pw_cw, username: str, *, verify: bool = True, officer=None):
    user = make_user(username)
    v = volunteer_apply(actor=user, kind=VolunteerKind.COURIER, community_id=pw_cw.w.comm_a.pk, employer="某快递公司")
    if verify:
        volunteer_act(actor=officer or pw_cw.dispatcher, volunteer=v, action="verify")
    return user


@pytest.fixture
def pw(cw) -> PointsWorld:  # noqa: F811 - the imported fixture
    station = Station.objects.create(name="甲一社区爱心驿站", region=cw.w.comm_a, address="甲一社区服务中心一楼",
                                     hours="周一至周五 9:00-17:00")
    soap = Reward.objects.create(name="洗衣液", points=20, stock=None, station=station)
    mug = Reward.objects.create(name="保温杯", points=30, stock=1, per_person_limit=1, station=station)
    volunteer = make_volunteer(cw, "courier_a")
    return PointsWorld(cw, volunteer, cw.dispatcher, station, soap, mug)


def grant(user, role, region):
    membership_grant(actor=None, user=user, role_code=role, region=region)
