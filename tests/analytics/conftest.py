"""The hand-worked month (November 2026, working-day clocks: acknowledge 2 working hours, handle 5 working days)
that the KPI and rollup tests count."""

import datetime as dt

import pytest
import time_machine

from gridgov.cases import services as s
from gridgov.cases.models import Case
from gridgov.core.timeutil import LOCAL_TZ
from tests.cases.conftest import cw as cw  # the case world fixture
from tests.cases.conftest import photo, report


def at(day, h=9, m=0):
    return dt.datetime(2026, 11, day, h, m, tzinfo=LOCAL_TZ)


def step(when, fn, **kw):
    with time_machine.travel(when, tick=False):
        case = kw.pop("case")
        return fn(case=Case.objects.get(pk=case.pk), **kw)


def new(world, when, **kw):
    with time_machine.travel(when, tick=False):
        return report(world, lon=120.001 + Case.objects.count() * 0.001, **kw)


@pytest.fixture
def month(cw):  # noqa: F811 - the fixture imported above
    d, h, w, r = cw.dispatcher, cw.handler_cg, cw.w.worker_a, cw.w.resident_user
    # 1: on time all along, rated 非常满意
    c1 = new(cw, at(2))
    step(at(2), s.case_accept, case=c1, actor=d)
    step(at(2), s.case_dispatch, case=c1, actor=d, unit=cw.cg)
    step(at(2, 9, 30), s.case_acknowledge, case=c1, actor=h)
    step(at(3, 10), s.case_report_done, case=c1, actor=h, note="好", photos=[photo()])
    step(at(3, 11), s.case_verify, case=c1, actor=w, passed=True)
    step(at(4), s.case_follow_up, case=c1, actor=r, satisfaction=5)
    # 2: signed late (due 11:00), done a day late (due 11-09 09:00), rated 基本满意
    c2 = new(cw, at(2))
    step(at(2), s.case_accept, case=c2, actor=d)
    step(at(2), s.case_dispatch, case=c2, actor=d, unit=cw.cg)
    step(at(2, 12), s.case_acknowledge, case=c2, actor=h)
    step(at(10), s.case_report_done, case=c2, actor=h, note="好", photos=[photo()])
    step(at(10, 10), s.case_verify, case=c2, actor=w, passed=True)
    step(at(11), s.case_follow_up, case=c2, actor=r, satisfaction=3)
    # 3: still being handled at the end of the month (due 11-23)
    c3 = new(cw, at(16))
    step(at(16), s.case_accept, case=c3, actor=d)
    step(at(16), s.case_dispatch, case=c3, actor=d, unit=cw.cg)
    step(at(16, 10), s.case_acknowledge, case=c3, actor=h)
    # 4: one rework, then closed on time
    c4 = new(cw, at(16))
    step(at(16), s.case_accept, case=c4, actor=d)
    step(at(16), s.case_dispatch, case=c4, actor=d, unit=cw.cg)
    step(at(16, 10), s.case_acknowledge, case=c4, actor=h)
    step(at(17, 10), s.case_report_done, case=c4, actor=h, note="好", photos=[photo()])
    step(at(17, 11), s.case_verify, case=c4, actor=w, passed=False, note="没弄好")
    step(at(18, 10), s.case_report_done, case=c4, actor=h, note="好了", photos=[photo()])
    step(at(18, 11), s.case_verify, case=c4, actor=w, passed=True)
    # 5: not a case (不予立案)
    c5 = new(cw, at(20))
    step(at(20), s.case_reject, case=c5, actor=d, reason="不属实")
    # 6: returned once (推诿), re-dispatched, granted an extension, still open
    c6 = new(cw, at(20))
    step(at(20), s.case_accept, case=c6, actor=d)
    step(at(20), s.case_dispatch, case=c6, actor=d, unit=cw.zj)
    step(at(20, 9, 30), s.case_return, case=c6, actor=cw.handler_zj, reason="非本部门")
    step(at(20, 10), s.case_dispatch, case=c6, actor=d, unit=cw.cg)
    step(at(20, 11), s.case_request_extension, case=c6, actor=h, minutes=420, reason="等配件")
    step(at(20, 11, 30), s.case_decide_extension, case=c6, actor=d, approve=True)
    # outside the month: not counted
    new(cw, dt.datetime(2026, 12, 2, 9, tzinfo=LOCAL_TZ))
    return cw
