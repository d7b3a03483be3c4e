"""A missed daily look: yellow when due (the pairing reminded), red and a case once overdue by red_after_hours
(the pairing and the grid told, the nearest unit called); a check-in turns it green again; a concern makes a case
with one tap; pausing stops the clock."""

import datetime as dt

import pytest
import time_machine

from gridgov.care.models import CareEvent, CarePlan, CheckIn
from gridgov.care.services import check_in, plan_act, plan_create
from gridgov.care.sweeper import sweep_care
from gridgov.cases.models import Case
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import now
from gridgov.emergency.models import Callout
from gridgov.notify.models import Message


def lights(plan):
    return list(CareEvent.objects.filter(subject="plan", subject_id=plan.pk, action="light")
                .values_list("to_state", flat=True))


def test_a_missed_daily_look_turns_yellow_then_red_and_becomes_a_case(care):
    plan, start = care.plan, care.plan.created_at
    assert plan.light == "green" and plan.look_due_at == start + dt.timedelta(hours=24)
    with time_machine.travel(start + dt.timedelta(hours=23), tick=False):
        sweep_care()
    assert CarePlan.objects.get(pk=plan.pk).light == "green"
    with time_machine.travel(start + dt.timedelta(hours=24, minutes=1), tick=False):
        sweep_care()
        sweep_care()
    plan.refresh_from_db()
    assert plan.light == "yellow" and lights(plan) == ["yellow"]
    assert Message.objects.filter(recipient=care.neighbour, subject__startswith="【关爱提醒】请看望张三").count() == 1
    assert not Case.objects.exists()
    with time_machine.travel(start + dt.timedelta(hours=36, minutes=1), tick=False):
        sweep_care()
        sweep_care()
    plan.refresh_from_db()
    assert plan.light == "red" and lights(plan) == ["yellow", "red"]
    case = Case.objects.get()
    assert plan.alert_case == case and case.category.code == "2501" and case.channel == "care"
    assert case.grid_id == plan.grid_id and not case.is_public and "张三" in case.description
    assert "张*" in case.title and "张三" not in case.title
    assert Message.objects.filter(recipient=care.worker, subject__contains="超时未看望").exists()
    assert Message.objects.filter(recipient=care.party_member, subject__contains=case.number).exists()
    assert Callout.objects.get(case=case).units.first().unit == care.ew.eu_a  # 就近 unit knocks on the door
    with time_machine.travel(start + dt.timedelta(hours=37), tick=False):
        check_in(actor=care.neighbour, plan=plan, kind="look", result="ok", note="在家,感冒了")
    plan.refresh_from_db()
    assert plan.light == "green" and plan.alert_case is None and lights(plan) == ["yellow", "red", "green"]
    assert plan.look_due_at == start + dt.timedelta(hours=37 + 24)


def test_a_check_in_in_time_keeps_it_green(care):
    plan, start = care.plan, care.plan.created_at
    for day in range(1, 4):
        with time_machine.travel(start + dt.timedelta(hours=20 * day), tick=False):
            check_in(actor=care.neighbour, plan=plan, kind="look", result="nothing_seen", note="窗帘已拉开,灯亮")
            sweep_care()
    plan.refresh_from_db()
    assert plan.light == "green" and lights(plan) == [] and not Case.objects.exists()


def test_the_weekly_visit_is_due_too(care):
    plan, start = care.plan, care.plan.created_at
    for day in range(1, 8):  # daily looks, but nobody visits
        with time_machine.travel(start + dt.timedelta(days=day, minutes=-30), tick=False):
            check_in(actor=care.neighbour, plan=plan, kind="look", result="ok")
    with time_machine.travel(start + dt.timedelta(days=7, minutes=1), tick=False):
        sweep_care()
    plan.refresh_from_db()
    assert plan.light == "yellow" and not Case.objects.exists()
    with time_machine.travel(start + dt.timedelta(days=7, hours=2), tick=False):
        check_in(actor=care.party_member, plan=plan, kind="visit", result="ok", note="上门量了血压")
    plan.refresh_from_db()
    assert plan.light == "green" and plan.visit_due_at == start + dt.timedelta(days=14, hours=2)


def test_a_concern_makes_a_case_in_one_tap(care):
    c = check_in(actor=care.neighbour, plan=care.plan, kind="look", result="concern", idempotency_key="k1")
    again = check_in(actor=care.neighbour, plan=care.plan, kind="look", result="concern", idempotency_key="k1")
    assert again.pk == c.pk and CheckIn.objects.count() == 1 and Case.objects.count() == 1
    care.plan.refresh_from_db()
    assert care.plan.light == "red" and care.plan.alert_case == c.case and c.case.reporter == care.neighbour
    assert Message.objects.filter(recipient=care.party_member, subject__startswith="【关爱告警】").exists()


def test_only_the_pairing_and_staff_check_in(care):
    from tests.conftest import make_user

    stranger = make_user("stranger")
    with pytest.raises(PermissionDenied):
        check_in(actor=stranger, plan=care.plan, kind="look", result="ok")
    check_in(actor=care.worker, plan=care.plan, kind="visit", result="ok")  # the grid worker may
    with pytest.raises(ApplicationError) as e:
        check_in(actor=care.neighbour, plan=care.plan, kind="look", result="fine")
    assert e.value.code == "invalid_result"


def test_pausing_stops_the_clock_and_the_date_resumes_it(care):
    plan, start = care.plan, care.plan.created_at
    with pytest.raises(ApplicationError) as e:
        plan_act(actor=care.worker, plan=plan, action="pause", values={"reason": "住院"})
    assert e.value.code == "invalid_until"
    until = (start + dt.timedelta(days=5)).date()
    plan_act(actor=care.worker, plan=plan, action="pause", values={"reason": "住院治疗", "until": until})
    with pytest.raises(ApplicationError) as e:
        check_in(actor=care.neighbour, plan=plan, kind="look", result="ok")
    assert e.value.code == "plan_not_active"
    with time_machine.travel(start + dt.timedelta(days=3), tick=False):
        sweep_care()
    plan.refresh_from_db()
    assert plan.state == "paused" and plan.light == "green" and not Case.objects.exists()
    with time_machine.travel(start + dt.timedelta(days=6), tick=False):
        sweep_care()
        t = now()
    plan.refresh_from_db()
    assert plan.state == "active" and plan.look_due_at == t + dt.timedelta(hours=24)


def test_a_plan_needs_a_focus_group_and_is_one_per_resident(care):
    w = care.ew.cw.w
    with pytest.raises(ApplicationError) as e:
        plan_create(actor=w.worker_a, resident=w.res_a1, group="living_alone_elderly")
    assert e.value.code == "plan_exists"
    with pytest.raises(ApplicationError) as e:
        plan_create(actor=w.user_b, resident=w.res_b1, group="disabled")
    assert e.value.code == "not_in_focus_group"
    with pytest.raises(PermissionDenied):
        plan_create(actor=w.worker_a, resident=w.res_b1, group="disabled")  # not their grid
