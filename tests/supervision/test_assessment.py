"""考核: a grid worker's month from the data (found, on time, patrols, satisfaction, care) with a manual item that
is appealed and decided; a community's stars from its grids; every component shown with its figure."""

import datetime as dt

import pytest

from gridgov.analytics import assessment
from gridgov.cases.models import Case
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import local, now
from gridgov.supervision.services import adjustment_act, adjustment_add
from tests.cases.conftest import cw, report  # noqa: F401


def test_a_grid_workers_month_from_the_data_with_a_manual_item_and_its_appeal(cw):  # noqa: F811
    w = cw.w
    month = f"{local(now()):%Y-%m}"
    found = report(cw, actor=w.worker_a, channel="grid_worker")  # 甲一西: found by the worker
    late = report(cw)
    t = now()
    Case.objects.filter(pk=found.pk).update(state="closed", closed_at=t, handle_due_at=t + dt.timedelta(hours=1),
                                            satisfaction=5)
    Case.objects.filter(pk=late.pk).update(state="closed", closed_at=t, handle_due_at=t - dt.timedelta(hours=1),
                                           satisfaction=3)
    row = assessment.worker(w.worker_a, w.grid_a_west, month)
    parts = {p["name"]: (p["figure"], p["points"]) for p in row["parts"]}
    assert parts["发现上报"] == ("1 件", 1)
    assert parts["按期办结"] == ("50.0%(2 件办结)", 15.0)
    assert parts["巡查完成"][1] == 20.0  # no patrol points in this grid: full marks
    assert parts["群众满意"] == ("4.0 分", 16.0)
    assert parts["关爱走访"] == ("0 次", 0)
    assert row["total"] == 52.0
    with pytest.raises(ApplicationError) as e:
        adjustment_add(actor=cw.dispatcher, region=w.grid_a_west, user=w.worker_a, month=month, points=30,
                       reason="超出范围")
    assert e.value.code == "invalid_points"
    with pytest.raises(PermissionDenied):
        adjustment_add(actor=w.worker_a, region=w.grid_a_west, user=w.worker_a, month=month, points=5, reason="自评")
    a = adjustment_add(actor=cw.dispatcher, region=w.grid_a_west, user=w.worker_a, month=month, points=-5,
                       reason="台账填报不及时")
    assert assessment.worker(w.worker_a, w.grid_a_west, month)["total"] == 47.0
    with pytest.raises(PermissionDenied):
        adjustment_act(actor=w.worker_a, adjustment=a, action="revoke", values={"reason": "我不认可"})
    adjustment_act(actor=w.worker_a, adjustment=a, action="appeal", values={"reason": "系统故障导致未能填报"})
    adjustment_act(actor=cw.dispatcher, adjustment=a, action="revoke", values={"reason": "经核实系统故障"})
    assert assessment.worker(w.worker_a, w.grid_a_west, month)["total"] == 52.0
    # 评星定级: 甲一社区's one grid worker, plus a community item
    adjustment_add(actor=cw.town_dispatcher, region=w.comm_a, month=month, points=10, reason="平安社区创建达标")
    [row] = assessment.communities([w.comm_a], month)
    assert (row["workers"], row["base"], row["score"], row["stars"]) == (1, 52.0, 62.0, 2)


def test_the_assessment_pages(cw, client):  # noqa: F811
    w = cw.w
    month = f"{local(now()):%Y-%m}"
    a = adjustment_add(actor=cw.dispatcher, region=w.grid_a_west, user=w.worker_a, month=month, points=-3,
                       reason="周例会缺席")
    client.force_login(w.worker_a)
    page = client.get("/m/work/assessment/").content.decode()
    assert "发现上报" in page and "周例会缺席" in page and "申诉" in page
    client.post("/m/work/assessment/", {"adjustment": a.pk, "reason": "当天在处置突发事件"})
    a.refresh_from_db()
    assert a.state == "appealed" and a.appeal == "当天在处置突发事件"
    client.force_login(cw.town_dispatcher)
    page = client.get("/console/supervision/assessment/").content.decode()
    assert "甲一社区" in page and "★" in page and "worker_a" in page and "当天在处置突发事件" in page
    client.post("/console/supervision/assessment/", {"adjustment": a.pk, "action": "uphold", "reason": "已核实缺席"})
    a.refresh_from_db()
    assert a.state == "effective"


def test_a_community_workers_month_from_the_data(cw, client):  # noqa: F811
    """专职社区工作者 (甲一社区's dispatcher), worked by hand: 2 cases worked on (2), the community's cases 50% on time
    (12.5), satisfaction 4.0 (16), one of two matters first answered within 60 minutes (7.5), no care visits and no
    disputes (0) = 38.0; an item of theirs counts for them only."""
    import time_machine

    from gridgov.cases import services as s
    from gridgov.core.timeutil import LOCAL_TZ
    from gridgov.portal.services import conversation_open, message_post

    w = cw.w
    month = "2026-11"
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, tzinfo=LOCAL_TZ), tick=False):
        on_time, late = report(cw), report(cw)
        for case in (on_time, late):
            s.case_accept(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher)
        t = now()
        Case.objects.filter(pk=on_time.pk).update(state="closed", closed_at=t, handle_due_at=t + dt.timedelta(hours=1),
                                                  satisfaction=5)
        Case.objects.filter(pk=late.pk).update(state="closed", closed_at=t, handle_due_at=t - dt.timedelta(hours=1),
                                               satisfaction=3)
        answered = conversation_open(actor=w.resident_user, subject="开具居住证明", body="需要哪些材料?")
        conversation_open(actor=w.resident_user, subject="咨询养老补贴", body="怎么申请?")
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, 10, tzinfo=LOCAL_TZ), tick=False):
        message_post(actor=cw.dispatcher, conversation=answered, body="带身份证和户口本到社区服务站")
    row = assessment.community_worker(cw.dispatcher, w.comm_a, month)
    parts = {p["name"]: (p["figure"], p["points"]) for p in row["parts"]}
    assert parts == {"事件办理": ("2 件", 2), "按期办结": ("50.0%(社区 2 件办结)", 12.5),
                     "群众满意": ("4.0 分", 16.0), "办事回复": ("1/2 件 60 分钟内回复(本人首复 1 件)", 7.5),
                     "关爱走访": ("0 次", 0), "矛盾化解": ("0 件", 0)}
    assert row["total"] == 38.0
    adjustment_add(actor=cw.town_dispatcher, region=w.comm_a, user=cw.dispatcher, month=month, points=5,
                   reason="牵头完成人口普查入户")
    [staff] = assessment.community_workers([w.comm_a], month)
    assert (staff["user"], staff["total"]) == (cw.dispatcher, 43.0)
    [community] = assessment.communities([w.comm_a], month)
    assert community["adjustments"] == [] and community["score"] == community["base"]  # not a community item
    assert assessment.assessed(cw.dispatcher) and not assessment.assessed(cw.district_dispatcher)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=LOCAL_TZ), tick=False):
        client.force_login(cw.town_dispatcher)
        page = client.get("/console/supervision/assessment/?month=2026-11").content.decode()
        assert "专职社区工作者考核" in page and "本人首复 1 件" in page and "牵头完成人口普查入户" in page
        client.force_login(cw.dispatcher)
        assert "我的考核" in client.get("/m/").content.decode()
        page = client.get("/m/work/assessment/").content.decode()
        assert "甲一社区" in page and "办事回复" in page and "43.0" in page
        client.force_login(cw.district_dispatcher)
        assert client.get("/m/work/assessment/").status_code == 404
