"""Every row of the callout table and of the care plan's, from every source state: the service lands in the row's
target state and writes the row's timeline entry (the pattern of tests/cases/test_workflow_table.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from gridgov.care.models import CareEvent, CarePlan
from gridgov.care.services import plan_act
from gridgov.care.workflow import CARE_PLAN
from gridgov.cases.models import Case, State
from gridgov.core.timeutil import local_today
from gridgov.emergency import workflow as ewf
from gridgov.emergency.models import Callout, EmergencyEvent
from gridgov.emergency.services import callout_act
from gridgov.emergency.workflow import CALLOUT
from tests.care.conftest import care  # noqa: F401
from tests.cases.conftest import cw, report  # noqa: F401

CALLOUT_ROWS = [(t, s) for t in CALLOUT.transitions for s in t.sources]
PLAN_ROWS = [(t, s) for t in CARE_PLAN.transitions for s in t.sources]


def _callout_in(ew, state: str) -> Callout:
    case = report(ew.cw, category="1404", description="楼道冒烟", photos=[])
    c = Callout.objects.get(case=case)
    if state in ("acknowledged", "on_scene"):
        callout_act(actor=ew.member_a, callout=c, action="acknowledge")
    if state == "on_scene":
        callout_act(actor=ew.member_a, callout=c, action="arrive")
    if state == "exhausted":
        for _ in range(2):  # rings "1,2": the second escalation finds nobody left
            callout_act(actor=ew.cw.dispatcher, callout=c, action="escalate")
    c.refresh_from_db()
    assert c.state == state
    return c


@pytest.mark.parametrize(("t", "source"), CALLOUT_ROWS, ids=[f"{t.action}-from-{s}" for t, s in CALLOUT_ROWS])
def test_every_callout_row_lands_in_its_target_state(ew, t, source):
    c = _callout_in(ew, source)
    if t.action == "case_closed":
        Case.objects.filter(pk=c.case_id).update(state=State.CLOSED)
    actor = (ew.member_a if ewf.RESPONDER in t.actors else ew.cw.dispatcher if ewf.COMMANDER in t.actors else None)
    callout_act(actor=actor, callout=c, action=t.action, values={"note": "按规定处置", "reason": "误报"})
    c.refresh_from_db()
    assert c.state == (t.target or source)
    last = EmergencyEvent.objects.filter(subject="callout", subject_id=c.pk, action=t.action).last()
    assert (last.action, last.from_state, last.to_state) == (t.action, source, c.state)


def _plan_in(care, state: str) -> CarePlan:  # noqa: F811
    plan = care.plan
    if state == "paused":
        plan_act(actor=care.worker, plan=plan, action="pause",
                 values={"reason": "外出", "until": local_today() + dt.timedelta(days=3)})
    plan.refresh_from_db()
    assert plan.state == state
    return plan


@pytest.mark.parametrize(("t", "source"), PLAN_ROWS, ids=[f"{t.action}-from-{s}" for t, s in PLAN_ROWS])
def test_every_care_plan_row_lands_in_its_target_state(care, t, source):  # noqa: F811
    plan = _plan_in(care, source)
    plan_act(actor=care.worker, plan=plan, action=t.action,
             values={"reason": "按规定办理", "until": local_today() + dt.timedelta(days=2)})
    plan.refresh_from_db()
    assert plan.state == t.target
    last = CareEvent.objects.filter(subject="plan", subject_id=plan.pk).last()
    assert (last.action, last.from_state, last.to_state) == (t.action, source, t.target)
