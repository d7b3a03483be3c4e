"""The dispute API: register with parties (masked in every answer), the actions generated from the table, a case
turned into a dispute, refusals with stable codes, scoping."""

from gridgov.mediation.models import Dispute
from tests.cases.conftest import report
from tests.conftest import ID_A1


def body(**kw):
    values = {"title": "欠薪纠纷", "dispute_type": "07", "source": "application", "summary": "工地拖欠三名工人工资",
              "occurred_on": "2026-11-30", "lon": 120.005, "lat": 30.01, "people_involved": 4, "risk_level": "yellow",
              "parties": [{"role": "applicant", "name": "张三", "id_number": ID_A1, "phone": "13800138000"},
                          {"role": "respondent", "name": "某某建筑公司"}]}
    values.update(kw)
    return values


def test_register_act_and_read_through_the_api(mw, api):
    c = api(mw.dispatcher)
    r = c.post("/api/v1/disputes/", body(), format="json")
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["state"] == "registered" and d["risk_level"] == "yellow" and d["dispute_type"] == "07"
    assert ID_A1 not in r.content.decode() and d["parties"][0]["id_number"].endswith(ID_A1[-4:])
    assert "accept" in d["actions"] and "start" not in d["actions"]
    bad = c.post("/api/v1/disputes/", body(source="court"), format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "source_ref_required"
    assert c.post("/api/v1/disputes/", body(parties=[]), format="json").status_code == 400
    assert Dispute.objects.count() == 1
    r = c.post(f"/api/v1/disputes/{d['id']}/accept/", {"committee": 999999}, format="json")  # no such unit
    assert r.status_code == 404 and r.json()["error"] == {"code": "unknown_unit", "message": "单位 999999 不存在",
                                                          "fields": {"committee": "不存在"}}
    r = c.post(f"/api/v1/disputes/{d['id']}/accept/", {"committee": "1" * 30}, format="json")  # not an id at all
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid" and "committee" in r.json()["error"]["fields"]
    r = c.post(f"/api/v1/disputes/{d['id']}/accept/", {"committee": mw.committee.pk, "mediator": mw.mediator.pk},
               format="json")
    assert r.status_code == 200 and r.json()["state"] == "accepted" and r.json()["due_at"]
    m = api(mw.mediator)
    assert m.post(f"/api/v1/disputes/{d['id']}/start/", {}, format="json").json()["state"] == "mediating"
    r = m.post(f"/api/v1/disputes/{d['id']}/agree/", {"kind": "written", "content": "十日内付清", "amount": "12000"},
               format="json")
    assert r.status_code == 200 and r.json()["agreement_amount"] == "12000.00"
    late = m.post(f"/api/v1/disputes/{d['id']}/start/", {}, format="json")
    assert late.status_code == 409 and late.json()["error"]["code"] == "state_conflict"
    listing = api(mw.w.user_b).get("/api/v1/disputes/").json()
    assert listing["count"] == 0  # another town's


def test_a_case_becomes_a_dispute_through_the_api(mw, api):
    case = report(mw, description="邻居噪音扰民吵架", category="2101")
    r = api(mw.dispatcher).post(f"/api/v1/cases/{case.pk}/to-dispute/",
                                {"dispute_type": "0299", "parties": [{"role": "applicant", "name": "赵六"}]},
                                format="json")
    assert r.status_code == 201 and r.json()["case"] == case.pk and r.json()["source"] == "case"
    again = api(mw.dispatcher).post(f"/api/v1/cases/{case.pk}/to-dispute/",
                                    {"dispute_type": "0299", "parties": [{"role": "applicant", "name": "赵六"}]},
                                    format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_converted"
