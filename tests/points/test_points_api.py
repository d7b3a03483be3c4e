"""The points API: a resident registers as a volunteer, their community verifies them, they claim points with a
photo, an officer approves, they redeem a reward and the station hands it out with the code only they saw; and
nobody sees what is out of their jurisdiction."""

from __future__ import annotations

from gridgov.core.timeutil import local_today
from gridgov.points.models import Account, Reward
from tests.cases.conftest import photo
from tests.conftest import make_user


def test_register_verify_claim_approve_redeem_and_pick_up_through_the_api(pw, api):
    cw = pw.cw
    user = make_user("rider_api")
    me = api(user)
    r = me.post("/api/v1/points/volunteers/", {"kind": "rider", "community": cw.w.comm_a.pk, "employer": "某外卖平台"},
                format="json")
    assert r.status_code == 201, r.content
    vid = r.json()["id"]
    assert r.json()["state"] == "applied" and r.json()["actions"] == []
    again = me.post("/api/v1/points/volunteers/", {"kind": "rider", "community": cw.w.comm_a.pk}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_registered"

    officer = api(pw.officer)
    listed = officer.get("/api/v1/points/volunteers/?state=applied").json()["results"]
    assert [v["id"] for v in listed] == [vid] and listed[0]["actions"] == ["verify", "reject"]
    assert api(cw.w.user_b).get(f"/api/v1/points/volunteers/{vid}/").status_code == 404  # town B
    assert officer.post(f"/api/v1/points/volunteers/{vid}/verify/", {}, format="json").status_code == 200

    items = me.get("/api/v1/points/items/").json()["results"]
    assert {"patrol", "report_accepted"} <= {i["key"] for i in items}
    no_photo = me.post("/api/v1/points/claims/", {"item": "patrol", "note": "夜间巡逻", "happened_on":
                                                   local_today().isoformat()}, format="json")
    assert no_photo.status_code == 400 and no_photo.json()["error"]["code"] == "evidence_required"
    claim = me.post("/api/v1/points/claims/", {"item": "patrol", "note": "夜间巡逻两小时",
                                               "happened_on": local_today().isoformat(), "photos": [photo()]},
                    format="multipart")
    assert claim.status_code == 201, claim.content
    cid = claim.json()["id"]
    assert claim.json()["photos"] == 1
    assert me.post(f"/api/v1/points/claims/{cid}/approve/", {}, format="json").status_code == 403
    ok = officer.post(f"/api/v1/points/claims/{cid}/approve/", {"note": "照片属实"}, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "approved"

    summary = me.get("/api/v1/points/me/").json()
    assert (summary["balance"], summary["spendable"], summary["volunteer"]["state"]) == (10, 10, "verified")
    history = me.get("/api/v1/points/history/").json()["results"]
    assert [(h["kind"], h["amount"]) for h in history] == [("award", 10)]

    shop = me.get("/api/v1/points/rewards/").json()["results"]
    assert [s["name"] for s in shop] == ["洗衣液", "保温杯"]
    poor = me.post(f"/api/v1/points/rewards/{pw.mug.pk}/redeem/")
    assert poor.status_code == 409 and poor.json()["error"]["code"] == "insufficient_points"
    claim2 = me.post("/api/v1/points/claims/", {"item": "meeting", "note": "参加议事会",
                                                "happened_on": local_today().isoformat()}, format="json")
    officer.post(f"/api/v1/points/claims/{claim2.json()['id']}/approve/", {}, format="json")
    officer_claim = officer.post("/api/v1/points/claims/", {"item": "vote", "note": "参与投票", "user": user.pk,
                                                            "happened_on": local_today().isoformat()}, format="json")
    assert officer_claim.status_code == 201 and officer_claim.json()["user"] == "rider_api"
    officer.post(f"/api/v1/points/claims/{officer_claim.json()['id']}/approve/", {}, format="json")
    Reward.objects.filter(pk=pw.soap.pk).update(points=15)
    red = me.post(f"/api/v1/points/rewards/{pw.soap.pk}/redeem/")
    assert red.status_code == 201, red.content
    code, rid = red.json()["code"], red.json()["id"]
    assert len(code) == 8 and red.json()["actions"] == ["cancel"]
    seen = officer.get("/api/v1/points/redemptions/?state=reserved").json()["results"]
    assert [s["id"] for s in seen] == [rid] and seen[0]["code"] is None  # the station asks for it
    wrong = officer.post(f"/api/v1/points/redemptions/{rid}/pick_up/", {"code": "12345678"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_code"
    done = officer.post(f"/api/v1/points/redemptions/{rid}/pick_up/", {"code": code}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "picked_up"
    assert me.get("/api/v1/points/me/").json()["balance"] == 10 + 5 + 2 - 15
    assert Account.objects.get(user=user).balance == 2


def test_nothing_of_another_place_is_visible(pw, api):
    cw = pw.cw
    stranger = api(cw.w.user_b)
    for url in ("/api/v1/points/volunteers/", "/api/v1/points/claims/", "/api/v1/points/redemptions/"):
        assert stranger.get(url).json()["results"] == []
    assert api().get("/api/v1/points/me/").status_code in (401, 403)


def test_the_claims_list_costs_the_same_for_one_claim_or_many(pw, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gridgov.points.services import claim_submit

    officer = api(pw.officer)

    def listing_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert officer.get("/api/v1/points/claims/").status_code == 200
        return len(ctx.captured_queries)

    claim_submit(actor=pw.volunteer, item_key="patrol", note="巡逻", happened_on=local_today(), photos=[photo()])
    one = listing_queries()
    for key in ("meeting", "vote", "errand", "ads_cleanup", "elder_visit"):
        claim_submit(actor=pw.volunteer, item_key=key, note=key, happened_on=local_today(), photos=[photo()])
    assert listing_queries() == one
