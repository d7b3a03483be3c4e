"""The care and emergency API: scoped lists, check-in by a pairing member, one endpoint per table row, the units'
roster and response times, alert-group warnings."""

import datetime as dt

from gridgov.core.timeutil import now
from gridgov.emergency.models import AlertGroup, Callout
from gridgov.notify.models import Message
from tests.cases.conftest import report


def test_the_plans_a_user_sees(api, care):
    w = care.ew.cw.w
    r = api(care.worker).get("/api/v1/care/plans/")
    assert [p["name"] for p in r.json()["results"]] == ["张三"]
    assert api(w.user_b).get("/api/v1/care/plans/").json()["results"] == []  # town B: not theirs
    mine = api(care.neighbour).get("/api/v1/care/plans/?mine=1").json()["results"]
    assert [p["id"] for p in mine] == [care.plan.pk]
    assert api(w.user_b).get(f"/api/v1/care/plans/{care.plan.pk}/").status_code == 404
    d = api(care.neighbour).get(f"/api/v1/care/plans/{care.plan.pk}/").json()
    assert {p["role"] for p in d["pairings"]} == {"neighbour", "party_member"}
    assert d["thresholds"]["heart_rate"] == [50, 120] and d["actions"] == []
    assert api(care.worker).get(f"/api/v1/care/plans/{care.plan.pk}/").json()["actions"] == ["pause", "close"]


def test_check_in_and_board(api, care):
    r = api(care.neighbour).post(f"/api/v1/care/plans/{care.plan.pk}/checkins/",
                                 {"kind": "look", "result": "concern", "note": "敲门无人应,灯一直亮着"},
                                 format="json")
    assert r.status_code == 201 and r.json()["case"]
    assert api(care.worker).get("/api/v1/care/board/").json() == {"red": 1, "yellow": 0, "green": 0, "paused": 0}
    bad = api(care.neighbour).post(f"/api/v1/care/plans/{care.plan.pk}/checkins/", {"kind": "look", "result": "x"},
                                   format="json")
    assert bad.status_code == 400


def test_plan_steps_through_the_table(api, care):
    until = (now() + dt.timedelta(days=3)).date().isoformat()
    r = api(care.worker).post(f"/api/v1/care/plans/{care.plan.pk}/pause/", {"reason": "住院", "until": until},
                              format="json")
    assert r.status_code == 200 and r.json()["state"] == "paused" and r.json()["actions"] == ["resume", "close"]
    r = api(care.neighbour).post(f"/api/v1/care/plans/{care.plan.pk}/resume/", {}, format="json")
    assert r.status_code == 403
    r = api(care.worker).post(f"/api/v1/care/plans/{care.plan.pk}/close/", {}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]


def test_create_a_plan_and_register_a_device(api, care):
    from gridgov.people.models import FocusGroupMembership

    w = care.ew.cw.w
    FocusGroupMembership.objects.create(resident=w.res_a2, group="disabled")
    town = api(w.user_a)
    r = town.post("/api/v1/care/plans/", {"resident": w.res_a2.pk, "group": "disabled", "look_every_hours": 48},
                  format="json")
    assert r.status_code == 201 and r.json()["look_every_hours"] == 48
    plan = r.json()["id"]
    r = town.post("/api/v1/care/devices/", {"vendor": "acme", "serial": "SM-9", "kind": "smoke", "plan": plan},
                  format="json")
    assert r.status_code == 201 and r.json()["grid"] == "甲一东网格"
    again = town.post("/api/v1/care/devices/", {"vendor": "acme", "serial": "SM-9", "kind": "smoke", "plan": plan},
                      format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "device_exists"


def test_a_responder_acknowledges_through_the_api(api, care):
    ew = care.ew
    case = report(ew.cw, category="1404", description="楼道冒烟", photos=[])
    callout = Callout.objects.get(case=case)
    mine = api(ew.member_a).get("/api/v1/emergency/callouts/?open=1").json()["results"]
    assert [c["id"] for c in mine] == [callout.pk] and mine[0]["actions"] == ["acknowledge", "arrive"]
    assert api(ew.member_b).get(f"/api/v1/emergency/callouts/{callout.pk}/").status_code == 404  # not called
    r = api(ew.member_a).post(f"/api/v1/emergency/callouts/{callout.pk}/acknowledge/", {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "acknowledged"
    units = api(ew.cw.dispatcher).get("/api/v1/emergency/units/").json()
    row = next(u for u in units if u["name"] == "甲一应急单元")
    assert row["called"] == 1 and row["acknowledged"] == 1 and row["median_ack_s"] is not None


def test_shifts_and_alert_group_warnings(api, care):
    from gridgov.emergency.services import group_member_set
    from tests.conftest import make_user

    ew = care.ew
    t = now()
    r = api(ew.cw.dispatcher).post("/api/v1/emergency/shifts/", {
        "unit": ew.eu_a.pk, "user": ew.member_a.pk, "starts_at": t.isoformat(),
        "ends_at": (t + dt.timedelta(hours=8)).isoformat()}, format="json")
    assert r.status_code == 201
    units = api(ew.cw.dispatcher).get("/api/v1/emergency/units/").json()
    assert [s["name"] for s in next(u for u in units if u["name"] == "甲一应急单元")["on_duty"]] == ["eu_member_a"]
    assert api(ew.cw.dispatcher).post(f"/api/v1/emergency/shifts/{r.json()['id']}/cancel/").status_code == 200
    group = AlertGroup.objects.create(name="幸福路铺户联防", region=ew.cw.w.comm_a, region_path=ew.cw.w.comm_a.path)
    shop1, shop2 = make_user("shop1"), make_user("shop2")
    for u in (shop1, shop2):
        group_member_set(actor=ew.cw.dispatcher, group=group, user=u, label="幸福路12号")
    r = api(shop1).post(f"/api/v1/emergency/groups/{group.pk}/broadcast/",
                        {"message": "有人冒充燃气公司上门推销,请注意", "level": "warning"}, format="json")
    assert r.status_code == 201 and r.json()["recipients"] == 1
    assert Message.objects.filter(recipient=shop2, subject__startswith="【幸福路铺户联防·预警】").exists()
    stranger = make_user("stranger")
    r = api(stranger).post(f"/api/v1/emergency/groups/{group.pk}/broadcast/", {"message": "测试测试"}, format="json")
    assert r.status_code == 404
    assert [g["name"] for g in api(shop2).get("/api/v1/emergency/groups/").json()["results"]] == ["幸福路铺户联防"]
    # 应急指挥 lists the group with its members and its last warnings, in a bounded number of queries
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    other = AlertGroup.objects.create(name="和平路铺户联防", region=ew.cw.w.comm_a, region_path=ew.cw.w.comm_a.path)
    group_member_set(actor=ew.cw.dispatcher, group=other, user=shop1, label="和平路1号")
    browser = Client()
    browser.force_login(ew.cw.dispatcher)
    browser.get("/console/emergency/")  # warm: the session's first request does more
    with CaptureQueriesContext(connection) as queries:
        page = browser.get("/console/emergency/").content.decode()
    assert "幸福路铺户联防" in page and "2 人" in page and "有人冒充燃气公司" in page and "和平路铺户联防" in page
    group3 = AlertGroup.objects.create(name="第三联防群", region=ew.cw.w.comm_a, region_path=ew.cw.w.comm_a.path)
    group_member_set(actor=ew.cw.dispatcher, group=group3, user=shop2, label="1号")
    with CaptureQueriesContext(connection) as more:
        browser.get("/console/emergency/")
    assert len(more) == len(queries)  # one more group, no more queries


def test_the_admin_lists_care_and_emergency_records_in_scope(client, care):
    from gridgov.emergency.services import group_member_set

    w = care.ew.cw.w
    client.force_login(w.admin)
    for url in ("/admin/care/careplan/", "/admin/care/device/", "/admin/care/devicealarm/",
                "/admin/emergency/callout/", "/admin/emergency/dutyshift/", "/admin/emergency/alertgroup/",
                "/admin/emergency/broadcast/", "/admin/integrations/devicevendor/", "/admin/emergency/alertgroup/add/"):
        assert client.get(url).status_code == 200, url
    client.force_login(w.user_b)  # town B's dispatcher: 张三 is not theirs
    r = client.get("/admin/care/careplan/")
    assert r.status_code == 200 and "张三" not in r.content.decode()
    group = AlertGroup.objects.create(name="乙街铺户联防", region=w.comm_b, region_path=w.comm_b.path)
    group_member_set(actor=w.user_b, group=group, user=w.resident_user)
    r = client.get("/admin/emergency/alertgroup/")
    assert "乙街铺户联防" in r.content.decode()
    client.force_login(w.user_a)
    assert "乙街铺户联防" not in client.get("/admin/emergency/alertgroup/").content.decode()
