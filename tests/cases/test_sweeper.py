"""The sweep: yellow at 80 % of the allowed time, red when overdue, escalation after the grace — each once."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from gridgov.cases import services as s
from gridgov.cases.models import Case, CaseEvent
from gridgov.cases.sweeper import sweep
from gridgov.core.timeutil import LOCAL_TZ
from gridgov.notify.models import Message
from tests.cases.conftest import report
from tests.concurrency import at_once

MONDAY_9 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=LOCAL_TZ)


def dispatch_at(cw, when, **kw):
    with time_machine.travel(when, tick=False):
        case = report(cw, **kw)
        s.case_accept(case=case, actor=cw.dispatcher)
        return s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.cg)


def test_lights_and_escalation_happen_once(cw):
    case = dispatch_at(cw, MONDAY_9)
    assert case.acknowledge_due_at == MONDAY_9 + dt.timedelta(hours=2)  # 120 working minutes
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=90), tick=False):
        assert {k: v for k, v in sweep().items() if k != "suggested"} == {
            "filled": 0, "yellow": 0, "red": 0, "escalated": 0, "queued": 0}
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=97), tick=False):  # 80 % of 120 = 96
        assert sweep()["yellow"] == 1
        assert sweep()["yellow"] == 0  # twice is once
    assert Case.objects.get(pk=case.pk).light == "yellow"
    assert Message.objects.filter(subject__startswith="【即将超时】", recipient=cw.handler_cg).count() == 1
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=121), tick=False):
        assert sweep()["red"] == 1
        assert sweep()["red"] == 0
    red_to = set(Message.objects.filter(subject__startswith="【已超时】").values_list("recipient__username", flat=True))
    assert red_to == {"handler_cg", "disp_ca"}  # the handler and the responsible center
    # acknowledging late switches to the handling clock: green again
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=130), tick=False):
        s.case_acknowledge(case=Case.objects.get(pk=case.pk), actor=cw.handler_cg)
    case = Case.objects.get(pk=case.pk)
    assert case.light == "green" and case.due_at == case.handle_due_at
    # past the handling deadline plus the grace (420 working-policy minutes, natural time): to the town
    late = case.handle_due_at + dt.timedelta(minutes=421)
    with time_machine.travel(late, tick=False):
        result = sweep()
        assert result["red"] == 1 and result["escalated"] == 1
        assert sweep()["escalated"] == 0
    case = Case.objects.get(pk=case.pk)
    assert case.owner_center == cw.gc_town_a and case.escalation_level == 1
    assert Message.objects.filter(subject__startswith="【提级】", recipient=cw.town_dispatcher).count() == 1
    # another grace later: the district; then the top, nothing more
    with time_machine.travel(late + dt.timedelta(minutes=421), tick=False):
        assert sweep()["escalated"] == 1
    with time_machine.travel(late + dt.timedelta(days=30), tick=False):
        assert sweep()["escalated"] == 0
    case = Case.objects.get(pk=case.pk)
    assert case.owner_center == cw.gc_district and case.escalation_level == 2
    assert CaseEvent.objects.filter(case=case, action="escalate").count() == 2


def test_suspended_and_closed_cases_are_left_alone(cw):
    a = dispatch_at(cw, MONDAY_9)
    b = dispatch_at(cw, MONDAY_9, lon=120.0055)
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=10), tick=False):
        s.case_suspend(case=Case.objects.get(pk=a.pk), actor=cw.dispatcher, reason="等待")
        s.case_return(case=Case.objects.get(pk=b.pk), actor=cw.handler_cg, reason="非本部门")
    with time_machine.travel(MONDAY_9 + dt.timedelta(days=10), tick=False):
        assert {k: v for k, v in sweep().items() if k != "suggested"} == {
            "filled": 0, "yellow": 0, "red": 0, "escalated": 0, "queued": 0}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweepers_at_once_escalate_exactly_once(cw):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers need PostgreSQL row locks (SQLite serialises writers anyway)")
    cases = [dispatch_at(cw, MONDAY_9, lon=120.001 + i * 0.00001) for i in range(60)]
    late = max(Case.objects.get(pk=c.pk).handle_due_at for c in cases) + dt.timedelta(minutes=500)

    def worker():
        with time_machine.travel(late, tick=False):
            return sweep()

    results, errors = at_once(worker, worker)
    assert not errors, errors
    assert sum(r["red"] for r in results) == 60
    assert sum(r["escalated"] for r in results) == 60
    assert CaseEvent.objects.filter(action="escalate").count() == 60
    assert CaseEvent.objects.filter(action="sla_overdue").count() == 60
    assert set(Case.objects.values_list("owner_center_id", flat=True)) == {cw.gc_town_a.pk}


def test_periodic_tasks_are_registered_and_run(cw):
    from huey.contrib.djhuey import HUEY

    from gridgov.cases.tasks import sweep_cases
    from gridgov.notify.tasks import deliver_notifications

    names = {t.name for t in HUEY._registry.periodic_tasks}
    assert {"sweep_cases", "deliver_notifications"} <= {n.rsplit(".", 1)[-1] for n in names}
    dispatch_at(cw, MONDAY_9)
    with time_machine.travel(MONDAY_9 + dt.timedelta(minutes=121), tick=False):
        assert sweep_cases.call_local()["red"] == 1
        assert deliver_notifications.call_local()["sent"] >= 1
