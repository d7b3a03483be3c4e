"""The deliberation API: propose, support, the table's rows, votes online and on paper, the tally, errors with
stable codes that change nothing."""

from __future__ import annotations

from gridgov.deliberation.models import Ballot, Topic

BASE = "/api/v1/deliberation/topics/"


def _topic(api, dw, **kw):
    body = {"title": "小区增设充电桩", "body": "1号楼前空地增设电动自行车充电桩,解决飞线充电。", "scale": "minor",
            "region": dw.w.comm_a.pk, **kw}
    r = api(dw.chief).post(BASE, body, format="json")
    assert r.status_code == 201, r.content
    return r.json()


def test_a_topic_from_proposal_to_published_result(api, dw):
    r = api(dw.users[0]).post(BASE, {"title": "楼道堆物清理", "body": "1号楼楼道长期堆放杂物,存在消防隐患。",
                                     "region": dw.w.comm_a.pk, "buildings": [dw.b1.pk]}, format="json")
    assert r.status_code == 201, r.content
    t = r.json()
    assert t["state"] == "proposed" and t["support_needed"] == 3 and t["mine"]["can_support"] is False
    for u in dw.users[1:4]:
        assert api(u).post(f"{BASE}{t['id']}/support/", {}, format="json").status_code == 200
    t = api(dw.chief).get(f"{BASE}{t['id']}/").json()
    assert t["state"] == "review" and "accept" in t["actions"] and t["buildings"] == ["幸福里1号楼"]
    r = api(dw.chief).post(f"{BASE}{t['id']}/accept/", {"note": "列入议程"}, format="json")
    assert r.json()["state"] == "discussion"
    c = api(dw.users[2]).post(f"{BASE}{t['id']}/comments/", {"body": "同意,限期一周"}, format="json")
    assert c.status_code == 201
    r = api(dw.chief).post(f"{BASE}{t['id']}/open_vote/", {"decision": "限期一周清理,逾期由物业统一清运"},
                           format="json")
    assert r.status_code == 200 and r.json()["state"] == "voting" and r.json()["tally"]["electorate"] == 4
    assert api(dw.users[0]).get(f"{BASE}{t['id']}/").json()["mine"]["can_vote"] is True
    assert api(dw.users[0]).post(f"{BASE}{t['id']}/vote/", {"choice": "yes"}, format="json").status_code == 201
    r = api(dw.spouse.user).post(f"{BASE}{t['id']}/vote/", {"choice": "no"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_voted"
    r = api(dw.chief).post(f"{BASE}{t['id']}/ballots/", {"resident": dw.residents[1].pk, "choice": "yes",
                                                        "channel": "paper"}, format="json")
    assert r.status_code == 201 and r.json()["channel_label"] == "纸质选票"
    r = api(dw.chief).post(f"{BASE}{t['id']}/count/", {}, format="json")
    body = r.json()
    assert body["state"] == "implementing" and body["tally"]["yes"] == 2 and body["tally"]["turnout_pct"] == 50.0
    assert api(dw.users[4]).get(f"{BASE}{t['id']}/").json()["tally"]["passed"] is True  # published to residents


def test_bad_input_gets_a_stable_code_and_changes_nothing(api, dw):
    before = Topic.objects.count()
    r = api(dw.users[0]).post(BASE, {"title": "短", "body": "太短", "region": dw.w.comm_a.pk}, format="json")
    assert r.status_code == 400 and Topic.objects.count() == before
    r = api(dw.users[0]).post(BASE, {"title": "楼道堆物清理", "body": "1号楼楼道长期堆放杂物,存在消防隐患。",
                                     "region": dw.w.district.pk}, format="json")
    assert r.status_code == 404  # a district is not a community or grid
    t = _topic(api, dw)
    r = api(dw.chief).post(f"{BASE}{t['id']}/reject/", {}, format="json")
    assert r.status_code == 400
    r = api(dw.chief).post(f"{BASE}{t['id']}/count/", {}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "state_conflict"
    r = api(dw.users[0]).post(f"{BASE}{t['id']}/accept/", {}, format="json")
    assert r.status_code == 403
    r = api(dw.outsider.user).get(f"{BASE}{t['id']}/")
    assert r.status_code == 404
    api(dw.chief).post(f"{BASE}{t['id']}/accept/", {}, format="json")
    r = api(dw.chief).post(f"{BASE}{t['id']}/open_vote/", {}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "decision_missing"
    assert Topic.objects.get(pk=t["id"]).state == "discussion" and Ballot.objects.count() == 0
    r = api(dw.users[0]).post(f"{BASE}{t['id']}/vote/", {"choice": "maybe"}, format="json")
    assert r.status_code == 400


def test_meetings_and_milestones_through_the_api(api, dw):
    t = _topic(api, dw, scale="urgent")
    r = api(dw.chief).post(f"{BASE}{t['id']}/meetings/", {"kind": "onsite", "starts_at": "2030-05-01T19:00:00+08:00",
                                                         "place": "车库入口", "agenda": "渗水抢修方案"}, format="json")
    assert r.status_code == 201
    m = r.json()
    r = api(dw.chief).post(f"/api/v1/deliberation/meetings/{m['id']}/close/",
                           {"closing_report": "同意当晚抢修", "attendees_count": 12, "minutes_visible": False,
                            "minutes": "内部纪要"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "held"
    seen = api(dw.users[0]).get(f"{BASE}{t['id']}/").json()["meetings"][0]
    assert seen["attendees_count"] == 12 and seen["minutes"] == ""  # minutes kept from residents
    r = api(dw.chief).post(f"{BASE}{t['id']}/milestones/", {"title": "抢修"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_implementing"
