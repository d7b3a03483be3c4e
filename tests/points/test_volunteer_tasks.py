"""志愿任务: a community officer puts out a task; verified volunteers of the community take it within the places,
report it done, and the officer's confirmation writes the award of the task item (within the caps); cancelling
ends the parts taken; nobody confirms their own part."""

import datetime as dt

import pytest

from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import now
from gridgov.points import ledger
from gridgov.points.models import PointsEvent, Task, TaskTake, Transfer
from gridgov.points.volunteer_tasks import take_act, task_act, task_publish, task_take
from tests.points.conftest import make_volunteer


def _task(pw, places=2, **kw):
    start = now() + dt.timedelta(hours=2)
    return task_publish(actor=pw.officer, community=pw.cw.w.comm_a, title="陪独居老人就医",
                        description="陪同李奶奶到区医院复查,往返约3小时", starts_at=start,
                        ends_at=start + dt.timedelta(hours=3), places=places, **kw)


def test_take_report_confirm_award(pw):
    task = _task(pw)
    take = task_take(actor=pw.volunteer, task=task)
    with pytest.raises(ApplicationError) as e:
        task_take(actor=pw.volunteer, task=task)
    assert e.value.code == "already_taken"
    with pytest.raises(ApplicationError) as e:
        take_act(actor=pw.volunteer, take=take, action="report")
    assert e.value.code == "note_required"
    take_act(actor=pw.volunteer, take=take, action="report", values={"note": "已陪同复查并送回家"})
    with pytest.raises(PermissionDenied):
        take_act(actor=pw.volunteer, take=take, action="confirm")  # not their own
    take = take_act(actor=pw.officer, take=take, action="confirm")
    assert take.state == "confirmed" and take.award is not None
    assert ledger.member_account(pw.volunteer).balance == task.item.points == 10
    assert Transfer.objects.filter(source_key=f"task:{take.pk}").count() == 1
    assert ledger.problems() == []


def test_places_unverified_volunteers_and_cancelling(pw):
    task = _task(pw, places=1)
    stranger = make_volunteer(pw.cw, "rider_x", verify=False)
    with pytest.raises(PermissionDenied):
        task_take(actor=stranger, task=task)
    first = task_take(actor=pw.volunteer, task=task)
    other = make_volunteer(pw.cw, "rider_y")
    with pytest.raises(ApplicationError) as e:
        task_take(actor=other, task=task)
    assert e.value.code == "task_full" and Task.objects.get(pk=task.pk).taken == 1
    take_act(actor=pw.volunteer, take=first, action="withdraw")
    assert Task.objects.get(pk=task.pk).taken == 0
    second = task_take(actor=other, task=task)  # the place came back
    task_act(actor=pw.officer, task=task, action="cancel", values={"reason": "老人家属已陪同"})
    assert TaskTake.objects.get(pk=second.pk).state == "withdrawn"
    with pytest.raises(ApplicationError) as e:
        task_take(actor=pw.volunteer, task=task)
    assert e.value.code == "task_closed"


def test_a_cap_reached_confirms_the_work_and_withholds_the_points(pw):
    done = []
    for i in range(3):  # daily cap 2
        task = _task(pw, places=1)
        take = task_take(actor=pw.volunteer, task=task)
        take_act(actor=pw.volunteer, take=take, action="report", values={"note": f"第{i + 1}次"})
        done.append(take_act(actor=pw.officer, take=take, action="confirm"))
    assert [t.state for t in done] == ["confirmed"] * 3 and done[2].award is None
    assert ledger.member_account(pw.volunteer).balance == 20
    assert PointsEvent.objects.filter(action="award_withheld", data__item="task").count() == 1
