"""The deadlines as the case page shows them: each step with its deadline, when it was done, and which clock is
the one that lights the case (an urgent case's 到场 clock runs beside 处置 and can turn it red first)."""

import datetime as dt

import time_machine

from gridgov.cases import services as s
from gridgov.cases.models import Case
from gridgov.cases.sla import clock_summary
from gridgov.cases.sweeper import sweep
from gridgov.core.timeutil import LOCAL_TZ
from tests.cases.conftest import photo, report

MONDAY_9 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=LOCAL_TZ)


def at(minutes):
    return MONDAY_9 + dt.timedelta(minutes=minutes)


def rows(case, minutes):
    return {r["step"]: (r["status"], r["current"]) for r in clock_summary(Case.objects.get(pk=case.pk), at(minutes))}


def test_each_step_with_its_deadline_and_the_running_one(cw):
    with time_machine.travel(MONDAY_9, tick=False):
        case = report(cw, urgency="urgent")
        s.case_accept(case=case, actor=cw.dispatcher)
        case = s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.cg)
    assert case.arrive_due_at == at(120)  # urgent: on site within two hours
    assert "pending" not in case.sla  # nothing waits for a calendar year
    assert rows(case, 10) == {"acknowledge": ("计时中", True), "arrive": ("计时中", False),
                              "handle": ("计时中", False)}  # no 核查 deadline yet
    with time_machine.travel(at(40), tick=False):  # 30 minutes allowed to sign
        case = s.case_acknowledge(case=Case.objects.get(pk=case.pk), actor=cw.handler_cg)
    assert rows(case, 41) == {"acknowledge": ("超时完成", False), "arrive": ("计时中", True),
                              "handle": ("计时中", False)}
    with time_machine.travel(at(121), tick=False):
        sweep()
    assert Case.objects.get(pk=case.pk).light == "red"
    assert rows(case, 121)["arrive"] == ("已超时", True)  # why the case is red while 处置 still has time
    with time_machine.travel(at(130), tick=False):
        s.case_handle(case=Case.objects.get(pk=case.pk), actor=cw.handler_cg, note="已到现场", on_site=True)
    assert rows(case, 131) == {"acknowledge": ("超时完成", False), "arrive": ("超时完成", False),
                               "handle": ("计时中", True)}
    with time_machine.travel(at(150), tick=False):
        s.case_report_done(case=Case.objects.get(pk=case.pk), actor=cw.handler_cg, note="已清运", photos=[photo()])
    assert rows(case, 151)["handle"] == ("按时完成", False) and rows(case, 151)["verify"] == ("计时中", True)
    with time_machine.travel(at(160), tick=False):
        s.case_verify(case=Case.objects.get(pk=case.pk), actor=cw.w.worker_a, passed=False, note="还有垃圾")
    assert rows(case, 161)["handle"] == ("计时中", True)  # rework: handling again
    assert rows(case, 161)["verify"] == ("待回单后核查", False)
    with time_machine.travel(at(170), tick=False):
        s.case_suspend(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, reason="等待产权单位确认")
    assert rows(case, 171)["handle"] == ("挂起,暂停计时", False)


def test_the_case_page_shows_the_clocks(cw, client):
    with time_machine.travel(MONDAY_9, tick=False):
        case = report(cw, urgency="urgent")
        s.case_accept(case=case, actor=cw.dispatcher)
        s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.cg)
    client.force_login(cw.dispatcher)
    with time_machine.travel(at(10), tick=False):
        page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "签收 <small>(当前计时)</small>" in page and "到场" in page and "2026-11-23 11:00" in page


def test_policies_come_from_the_snapshot_and_an_edit_counts_at_once(cw, django_assert_max_num_queries):
    from gridgov.cases.models import SlaTarget
    from gridgov.cases.sla import policy_for, target_for

    with time_machine.travel(MONDAY_9, tick=False):
        case = report(cw)
        s.case_accept(case=case, actor=cw.dispatcher)
        case = Case.objects.get(pk=case.pk)
        policy_for(case)  # warms the snapshot
        with django_assert_max_num_queries(0):
            assert target_for(policy_for(case), "normal")["acknowledge"] == 120
        target = SlaTarget.objects.get(policy=policy_for(case), urgency="normal")
        target.acknowledge_minutes = 60
        target.save()  # as the admin does: the snapshot is reset by the signal
        case = s.case_dispatch(case=case, actor=cw.dispatcher, unit=cw.cg)
    assert case.acknowledge_due_at == at(60)
