"""梯次增援: a safety report calls the nearest unit; with no acknowledgement in time the sweep calls the next ring;
when nobody is left the center is told. Acknowledging stops the rings; the case's timeline shows each step."""

import datetime as dt

import pytest
import time_machine

from gridgov.cases.models import CaseEvent
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import now
from gridgov.emergency.models import Callout, CalloutUnit, EmergencyEvent
from gridgov.emergency.services import callout_act, escalate_due, shift_add
from gridgov.emergency.sweeper import sweep_callouts
from gridgov.notify.models import Message
from tests.cases.conftest import report


def fire(ew):
    return report(ew.cw, category="1404", description="楼道冒烟,有焦糊味", photos=[])


def test_a_safety_report_calls_the_nearest_unit_only(ew):
    case = fire(ew)
    callout = Callout.objects.get(case=case)
    assert callout.state == "alerting" and callout.ring == 1
    assert [cu.unit_id for cu in callout.units.all()] == [ew.eu_a.pk]
    assert Message.objects.filter(recipient=ew.member_a, subject__startswith="【就近处置】").exists()
    assert not Message.objects.filter(recipient=ew.member_a2).exists()
    ev = CaseEvent.objects.get(case=case, action="alert_emergency_units")
    assert ev.data["ring"] == 1 and ev.data["units"][0]["name"] == "甲一应急单元"


def test_no_acknowledgement_calls_the_next_ring_then_the_center(ew):
    case = fire(ew)
    start = now()
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        assert sweep_callouts() == 0  # not yet
    with time_machine.travel(start + dt.timedelta(minutes=3, seconds=1), tick=False):
        assert sweep_callouts() == 1
        assert sweep_callouts() == 0  # twice is once
    callout = Callout.objects.get(case=case)
    assert callout.ring == 2 and callout.state == "alerting"
    ring2 = list(CalloutUnit.objects.filter(callout=callout, ring=2).values_list("unit__name", flat=True))
    assert ring2 == ["甲二应急单元", "乙一应急单元"]  # the next two by distance; the far unit is out of reach
    assert Message.objects.filter(recipient=ew.member_b, subject__startswith="【第2梯次增援】").exists()
    assert CaseEvent.objects.filter(case=case, action="alert_emergency_units").count() == 2
    with time_machine.travel(start + dt.timedelta(minutes=6, seconds=2), tick=False):
        assert escalate_due() == 1
    callout.refresh_from_db()
    assert callout.state == "exhausted" and callout.ack_due_at is None
    assert Message.objects.filter(recipient=ew.cw.dispatcher, subject__startswith="【无人响应】").exists()
    # any called unit may still respond
    callout_act(actor=ew.member_b, callout=callout, action="acknowledge")
    callout.refresh_from_db()
    assert callout.state == "acknowledged" and callout.acknowledged_unit == ew.eu_b


def test_acknowledging_stops_the_rings_and_tells_the_center(ew):
    case = fire(ew)
    callout = Callout.objects.get(case=case)
    with pytest.raises(PermissionDenied):
        callout_act(actor=ew.member_b, callout=callout, action="acknowledge")  # not called (yet)
    callout_act(actor=ew.member_a, callout=callout, action="acknowledge", values={"note": "五分钟到"})
    callout.refresh_from_db()
    assert callout.state == "acknowledged" and callout.acknowledged_by == ew.member_a
    assert callout.ack_due_at is None and callout.ack_seconds is not None
    with time_machine.travel(now() + dt.timedelta(minutes=10), tick=False):
        assert sweep_callouts() == 0
    assert Message.objects.filter(recipient=ew.cw.dispatcher, subject__startswith="【已响应】").exists()
    callout_act(actor=ew.member_a, callout=callout, action="arrive")
    with pytest.raises(ApplicationError) as e:
        callout_act(actor=ew.member_a, callout=callout, action="finish", values={"note": " "})
    assert e.value.code == "note_required"
    callout_act(actor=ew.member_a, callout=callout, action="finish", values={"note": "楼道杂物阴燃,已扑灭"})
    callout.refresh_from_db()
    assert callout.state == "closed" and callout.arrived_at and callout.closed_at
    steps = list(CaseEvent.objects.filter(case=case, action="emergency_response").values_list("data__step", flat=True))
    assert steps == ["acknowledge", "arrive", "finish"]
    assert list(EmergencyEvent.objects.filter(subject="callout", subject_id=callout.pk)
                .values_list("action", flat=True)) == ["open", "ring", "acknowledge", "arrive", "finish"]


def test_the_commander_calls_reinforcements_at_once_or_stands_down(ew):
    case = fire(ew)
    callout = Callout.objects.get(case=case)
    with pytest.raises(PermissionDenied):
        callout_act(actor=ew.member_a, callout=callout, action="stand_down", values={"reason": "误报"})
    callout_act(actor=ew.cw.dispatcher, callout=callout, action="escalate")
    callout.refresh_from_db()
    assert callout.ring == 2
    with pytest.raises(ApplicationError) as e:
        callout_act(actor=ew.cw.dispatcher, callout=callout, action="stand_down", values={})
    assert e.value.code == "reason_required"
    callout_act(actor=ew.cw.dispatcher, callout=callout, action="stand_down", values={"reason": "居民自行扑灭"})
    callout.refresh_from_db()
    assert callout.state == "stood_down"
    assert Message.objects.filter(recipient=ew.member_b, subject__startswith="【出警已撤销】").exists()


def test_the_roster_decides_who_is_paged(ew):
    from gridgov.accounts.services import membership_grant
    from tests.conftest import make_user

    night = make_user("eu_night")
    membership_grant(actor=None, user=night, role_code="emergency_responder", region=ew.cw.w.comm_a, unit=ew.eu_a)
    t = now()
    shift_add(actor=ew.cw.dispatcher, unit=ew.eu_a, user=night, starts_at=t - dt.timedelta(hours=1),
              ends_at=t + dt.timedelta(hours=7))
    with pytest.raises(ApplicationError) as e:
        shift_add(actor=ew.cw.dispatcher, unit=ew.eu_a, user=night, starts_at=t, ends_at=t + dt.timedelta(hours=2))
    assert e.value.code == "shift_overlap"
    with pytest.raises(ApplicationError) as e:
        shift_add(actor=ew.cw.dispatcher, unit=ew.eu_a, user=ew.member_b, starts_at=t,
                  ends_at=t + dt.timedelta(hours=2))
    assert e.value.code == "not_a_member"
    with pytest.raises(PermissionDenied):
        shift_add(actor=ew.member_a, unit=ew.eu_a, user=night, starts_at=t + dt.timedelta(days=1),
                  ends_at=t + dt.timedelta(days=1, hours=8))
    fire(ew)
    assert Message.objects.filter(recipient=night, subject__startswith="【就近处置】").exists()
    assert not Message.objects.filter(recipient=ew.member_a, subject__startswith="【就近处置】").exists()


def test_no_unit_within_reach_tells_the_center_at_once(ew, settings):
    settings.EMERGENCY_RADIUS_M = 10
    case = fire(ew)
    callout = Callout.objects.get(case=case)
    assert callout.state == "exhausted" and not callout.units.exists()
    assert Message.objects.filter(recipient=ew.cw.dispatcher, subject__startswith="【无可用应急单元】").exists()


def test_a_normal_report_calls_nobody(ew):
    report(ew.cw)
    assert not Callout.objects.exists()


def test_a_callout_ends_with_its_case(ew):
    from gridgov.cases.models import State
    from gridgov.emergency.services import close_with_cases

    case = fire(ew)
    callout = Callout.objects.get(case=case)
    assert close_with_cases() == 0
    type(case).objects.filter(pk=case.pk).update(state=State.REJECTED)  # e.g. a false alarm, not taken in
    with time_machine.travel(now() + dt.timedelta(minutes=4), tick=False):
        assert sweep_callouts() == 1  # closed, not rung again
    callout.refresh_from_db()
    assert callout.state == "closed" and callout.ring == 1 and callout.ack_due_at is None
    assert CalloutUnit.objects.filter(callout=callout).count() == 1
