"""The grid worker's phone pages: tasks, patrol check-in, report and resolve on the spot, verify."""

from gridgov.cases import services as s
from gridgov.cases.models import Case, PatrolCheckin
from tests.cases.conftest import photo, report


def test_checkin_report_on_the_spot_and_verify(cw, client):
    client.force_login(cw.w.worker_a)
    assert "网格员工作台" in client.get("/m/work/").content.decode()
    client.post("/m/work/", {"kind": "checkin", "lon": "120.005", "lat": "30.01", "note": "例行巡查"})
    client.post("/m/work/", {"kind": "checkin", "lon": "120.03", "lat": "30.01"})
    own, other = PatrolCheckin.objects.order_by("at")
    assert own.in_own_grid and own.grid == cw.w.grid_a_west and not other.in_own_grid
    r = client.post("/m/work/", {"kind": "checkin"}, follow=True)
    assert "打卡需要定位" in r.content.decode() and PatrolCheckin.objects.count() == 2
    r = client.post("/m/work/", {"description": "垃圾桶满溢", "category": "0302", "lon": 120.005, "lat": 30.01,
                                 "photos": photo(), "on_spot": "1", "resolution": "已通知保洁清运", "submission_id": "w1"})
    case = Case.objects.get(channel="grid_worker")
    assert r.status_code == 302 and case.state == "done_reported" and case.on_the_spot
    # another case reported done by a department waits for the worker's check
    c2 = report(cw)
    s.case_accept(case=c2, actor=cw.dispatcher)
    s.case_dispatch(case=Case.objects.get(pk=c2.pk), actor=cw.dispatcher, unit=cw.cg)
    s.case_acknowledge(case=Case.objects.get(pk=c2.pk), actor=cw.handler_cg)
    s.case_report_done(case=Case.objects.get(pk=c2.pk), actor=cw.handler_cg, note="已清运", photos=[photo()])
    home = client.get("/m/work/").content.decode()
    assert c2.title in home and "回单待核查" in home
    due = Case.objects.get(pk=c2.pk).verify_due_at
    from gridgov.core.timeutil import local

    assert f"核查时限 {local(due):%m-%d %H:%M}" in home and "绿灯" in home  # the worker sees how long is left
    page = client.get(f"/m/work/cases/{c2.pk}/").content.decode()
    assert "核查通过" in page and "核查不通过(返工)" in page
    assert '<li class="current">核查时限' in page and "按时完成" in page  # 签收/处置 done on time, 核查 running
    r = client.post(f"/m/work/cases/{c2.pk}/verify_fail/", {"reason": ""})
    assert r.status_code == 400 and Case.objects.get(pk=c2.pk).state == "done_reported"
    r = client.post(f"/m/work/cases/{c2.pk}/verify_pass/", {"note": "已干净", "photos": photo()})
    assert r.status_code == 302 and Case.objects.get(pk=c2.pk).state == "closed"
    # the worker cannot verify their own on-the-spot resolution; the center can
    r = client.post(f"/m/work/cases/{case.pk}/verify_pass/", {"note": "自己核查"})
    assert Case.objects.get(pk=case.pk).state == "done_reported"


def test_the_phone_page_shows_unread_messages_and_opens_the_case(cw, client):
    from gridgov.notify.services import notify

    case = report(cw)
    message = notify(recipient=cw.w.worker_a, subject="【待核查】请到现场核查", data={"case": case.pk})
    client.force_login(cw.w.worker_a)
    page = client.get("/m/work/").content.decode()
    assert "未读消息" in page and "【待核查】请到现场核查" in page
    r = client.get(f"/console/messages/{message.pk}/?m=work")
    assert r.status_code == 302 and r.url == f"/m/work/cases/{case.pk}/"
    assert "未读消息" not in client.get("/m/work/").content.decode()
