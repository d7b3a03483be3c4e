"""积分 in the console: the officer's desk (applications, claims, rewards to hand out), one claim's page with its
photo and the table's steps, the pick-up by code, and 积分统计; nothing of another place."""

from __future__ import annotations

from gridgov.core.timeutil import local_today
from gridgov.points import ledger
from gridgov.points.models import Claim, Redemption
from gridgov.points.services import claim_submit, give, redeem
from tests.cases.conftest import photo
from tests.points.conftest import make_volunteer, pw  # noqa: F401 - the points world


def test_the_officer_verifies_approves_and_hands_out(pw, client):  # noqa: F811
    cw = pw.cw
    applicant = make_volunteer(cw, "rider_c", verify=False)
    claim = claim_submit(actor=pw.volunteer, item_key="patrol", note="夜间巡逻两小时", happened_on=local_today(),
                         photos=[photo()])
    client.force_login(pw.officer)
    desk = client.get("/console/points/").content.decode()
    assert "积分审核" in desk and "rider_c" in desk and "夜间巡逻两小时" in desk and "没有待领取的奖品" in desk

    page = client.get(f"/console/points/volunteers/{applicant.volunteer.pk}/").content.decode()
    assert "认证通过" in page and "不予认证" in page
    r = client.post(f"/console/points/volunteers/{applicant.volunteer.pk}/verify/", {"note": "已核实"})
    assert r.status_code == 302
    applicant.volunteer.refresh_from_db()
    assert applicant.volunteer.state == "verified"

    page = client.get(f"/console/points/claims/{claim.pk}/").content.decode()
    photo_url = f"/console/points/claims/photos/{claim.photos.get().pk}/"
    assert photo_url in page and "审核通过" in page
    assert client.get(photo_url).status_code == 200
    r = client.post(f"/console/points/claims/{claim.pk}/reject/", {"reason": ""})
    assert r.status_code == 400 and "请填写原因" in r.content.decode()
    r = client.post(f"/console/points/claims/{claim.pk}/approve/", {"note": "照片属实"})
    assert r.status_code == 302
    assert Claim.objects.get(pk=claim.pk).state == "approved"
    timeline = client.get(f"/console/points/claims/{claim.pk}/").content.decode()
    assert "提交申请" in timeline and "审核通过" in timeline

    account = ledger.member_account(pw.volunteer, lock=True)
    from gridgov.core.timeutil import now

    give(account, pw.item("clue"), at=now(), day=local_today(), source_key="t:c")
    red = redeem(actor=pw.volunteer, reward_id=pw.soap.pk)
    r = client.post("/console/points/", {"code": "00000000"})
    assert r.status_code == 400 and "没有这个兑换码" in r.content.decode()
    r = client.post("/console/points/", {"code": red.code})
    assert r.status_code == 302
    assert Redemption.objects.get(pk=red.pk).state == "picked_up"
    assert "已核销" in client.get("/console/points/").content.decode()

    stats = client.get("/console/points/stats/").content.decode()
    assert "积分统计" in stats and "参加治安巡逻" in stats and "洗衣液" in stats
    assert client.get("/console/points/stats/?month=2026-13").status_code == 400


def test_nothing_of_another_place(pw, client):  # noqa: F811
    cw = pw.cw
    claim = claim_submit(actor=pw.volunteer, item_key="patrol", note="巡逻", happened_on=local_today(),
                         photos=[photo()])
    client.force_login(cw.w.user_b)
    assert client.get(f"/console/points/claims/{claim.pk}/").status_code == 404
    assert client.get(f"/console/points/claims/photos/{claim.photos.get().pk}/").status_code == 404
    assert client.post(f"/console/points/claims/{claim.pk}/approve/", {}).status_code == 404
    assert "巡逻" not in client.get("/console/points/").content.decode()
    assert client.get("/console/points/nothing/1/").status_code == 404
    assert Claim.objects.get(pk=claim.pk).state == "submitted"


def test_volunteer_tasks_in_the_console_and_on_the_phone(pw, client):  # noqa: F811
    import datetime as dt

    from gridgov.core.timeutil import local, now
    from gridgov.points.models import Task, TaskTake

    client.force_login(pw.officer)
    start = local(now() + dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    values = {"step": "task", "community": pw.cw.w.comm_a.pk, "title": "防汛值守", "description": "暴雨期间巡查低洼地段",
              "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": (start - dt.timedelta(hours=1)).strftime(
                  "%Y-%m-%dT%H:%M"), "places": 2}
    r = client.post("/console/points/", values)
    assert r.status_code == 400 and "结束时间须晚于开始时间" in r.content.decode() and Task.objects.count() == 0
    values["ends_at"] = (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post("/console/points/", values).status_code == 302
    task = Task.objects.get()
    client.force_login(pw.volunteer)
    assert "防汛值守" in client.get("/m/points/tasks/").content.decode()
    client.post("/m/points/tasks/", {"take": task.pk})
    take = TaskTake.objects.get()
    client.post("/m/points/tasks/", {"mine": take.pk, "action": "report", "note": "已巡查三处低洼地段"})
    client.force_login(pw.officer)
    assert "已巡查三处低洼地段" in client.get("/console/points/").content.decode()
    assert client.post(f"/console/points/takes/{take.pk}/confirm/", {"note": ""}).status_code == 302
    client.force_login(pw.volunteer)
    page = client.get("/m/points/tasks/").content.decode()
    assert "已确认" in page and "+10" in page
