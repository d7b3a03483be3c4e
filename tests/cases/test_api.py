"""The case API: report with photos and an Idempotency-Key, lists with filters, detail with the allowed
actions, one endpoint per action with stable error codes, and jurisdiction."""

from gridgov.cases.models import Case
from tests.cases.conftest import photo


def post_report(client, key=None, **extra):
    data = {"description": "小区门口堆了很多垃圾", "category": "1101", "lon": 120.005, "lat": 30.01,
            "channel": "resident_app", "photos": [photo()]}
    data.update(extra)
    headers = {"Idempotency-Key": key} if key else None
    return client.post("/api/v1/cases/", data, format="multipart", headers=headers)


def test_report_list_detail_and_act(cw, api):
    resident = api(cw.w.resident_user)
    r = post_report(resident, key="k1")
    assert r.status_code == 201, r.json()
    created = r.json()
    assert created["state"] == "reported" and created["grid_id"] == cw.w.grid_a_west.pk and created["number"]
    body = resident.get(f"/api/v1/cases/{created['id']}/").json()
    assert body["grid"] == cw.w.grid_a_west.code
    assert [a["action"] for a in body["actions"]] == ["withdraw"]
    assert body["timeline"][0]["photos"][0].endswith(".jpg")
    again = post_report(resident, key="k1")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    pk = body["id"]

    center = api(cw.dispatcher)
    listed = center.get("/api/v1/cases/", {"state": "reported", "light": "none", "category": "11"}).json()
    assert [c["id"] for c in listed["results"]] == [pk]
    assert center.get("/api/v1/cases/", {"state": "closed"}).json()["count"] == 0
    detail = center.get(f"/api/v1/cases/{pk}/").json()
    assert [a["action"] for a in detail["actions"]] == ["accept", "reject", "merge", "escalate"]

    assert center.post(f"/api/v1/cases/{pk}/accept/", {}, format="json").status_code == 200
    r = center.post(f"/api/v1/cases/{pk}/dispatch/", {"unit": cw.cg.pk}, format="json")
    assert r.json()["state"] == "dispatched" and r.json()["handling_unit"] == "区城管局"

    handler = api(cw.handler_cg)
    inbox = handler.get("/api/v1/cases/", {"inbox": "1"}).json()
    assert [c["id"] for c in inbox["results"]] == [pk]
    assert handler.post(f"/api/v1/cases/{pk}/acknowledge/", {}, format="json").status_code == 200
    r = handler.post(f"/api/v1/cases/{pk}/report_done/", {"note": "已清运"}, format="multipart")
    assert r.status_code == 400 and r.json()["error"]["code"] == "photo_required"
    r = handler.post(f"/api/v1/cases/{pk}/report_done/", {"note": "已清运", "photos": [photo()]}, format="multipart")
    assert r.status_code == 200 and r.json()["state"] == "done_reported"

    worker = api(cw.w.worker_a)
    assert worker.post(f"/api/v1/cases/{pk}/verify_pass/", {"note": "干净了"}, format="json").json()["state"] == "closed"
    r = resident.post(f"/api/v1/cases/{pk}/follow_up/", {"satisfaction": 5}, format="json")
    assert r.status_code == 200 and r.json()["satisfaction"] == 5


def test_errors_have_stable_codes(cw, api):
    center = api(cw.dispatcher)
    pk = post_report(api(cw.w.resident_user)).json()["id"]
    r = center.post(f"/api/v1/cases/{pk}/reject/", {}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid" and "reason" in r.json()["error"]["fields"]
    r = center.post(f"/api/v1/cases/{pk}/acknowledge/", {}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "state_conflict"
    r = api(cw.handler_cg).post(f"/api/v1/cases/{pk}/accept/", {}, format="json")
    assert r.status_code == 404  # not assigned to them: they cannot even see it
    r = api(cw.w.user_b).get(f"/api/v1/cases/{pk}/")
    assert r.status_code == 404
    assert api(cw.w.user_b).get("/api/v1/cases/").json()["count"] == 0
    r = center.post(f"/api/v1/cases/{pk}/dispatch/", {"unit": 999999}, format="json")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_unit"  # a record named: 404, field named
    assert r.json()["error"]["fields"] == {"unit": "不存在"}
    r = center.post(f"/api/v1/cases/{pk}/dispatch/", {"unit": "9" * 30}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid" and "unit" in r.json()["error"]["fields"]
    for target in ("0", "999999", "202611010999999"):  # no such case to merge into: 404, field named
        r = center.post(f"/api/v1/cases/{pk}/merge/", {"target": target}, format="json")
        assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_case", (target, r.json())
        assert r.json()["error"]["fields"] == {"target": "没有这个事件"}
    r = center.post(f"/api/v1/cases/{pk}/merge/", {"target": "9" * 30}, format="json")  # not a 编号 at all
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid" and "target" in r.json()["error"]["fields"]
    r = center.get("/api/v1/cases/", {"created_after": "yesterday"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_filter"
    r = center.get("/api/v1/cases/", {"created_before": "2026-13-45"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_filter"
    r = post_report(api(cw.w.resident_user), lon=500)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_location"
    assert Case.objects.count() == 1


def test_every_action_has_an_endpoint_in_the_schema(cw, client):
    from gridgov.cases.workflow import ACTIONS

    client.force_login(cw.w.admin)
    schema = client.get("/api/v1/schema/").content.decode()
    for action in ACTIONS:
        assert f"/api/v1/cases/{{id}}/{action}/" in schema, action


def test_date_filters_cover_whole_days(cw, api):
    import datetime as dt

    from gridgov.cases.selectors import parse_moment
    from gridgov.core.timeutil import LOCAL_TZ

    assert parse_moment("2026-11-24", "x", end=True) == dt.datetime(2026, 11, 25, tzinfo=LOCAL_TZ)
    assert parse_moment("2026-11-24T08:00:00+08:00", "x") == dt.datetime(2026, 11, 24, 8, tzinfo=LOCAL_TZ)
    post_report(api(cw.w.resident_user))
    from gridgov.core.timeutil import local_today

    today = local_today().isoformat()
    body = api(cw.dispatcher).get("/api/v1/cases/", {"created_after": today, "created_before": today}).json()
    assert body["count"] == 1


def test_lists_sort_by_deadline_and_the_inbox_does_by_default(cw, api, client):
    import datetime as dt

    import time_machine

    from gridgov.cases import services as s
    from gridgov.core.timeutil import LOCAL_TZ
    from tests.cases.conftest import report

    monday = dt.datetime(2026, 11, 23, 9, tzinfo=LOCAL_TZ)
    made = {}
    for minutes, urgency in ((0, "urgent"), (10, "normal"), (20, None)):  # the last one is never dispatched
        with time_machine.travel(monday + dt.timedelta(minutes=minutes), tick=False):
            case = report(cw, urgency=urgency or "normal", lon=120.001 + minutes * 0.0001)
            if urgency:
                s.case_accept(case=case, actor=cw.dispatcher)
                s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.cg)
        made[urgency] = case.pk
    # newest first by default; nearest deadline first (the urgent one: 30 minutes to sign) with ordering=due,
    # cases without a running clock last
    ids = [c["id"] for c in api(cw.dispatcher).get("/api/v1/cases/").json()["results"]]
    assert ids == [made[None], made["normal"], made["urgent"]]
    ids = [c["id"] for c in api(cw.dispatcher).get("/api/v1/cases/", {"ordering": "due"}).json()["results"]]
    assert ids == [made["urgent"], made["normal"], made[None]]
    r = api(cw.dispatcher).get("/api/v1/cases/", {"ordering": "oldest"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_ordering"
    # the handler's inbox: nearest deadline first unless asked otherwise
    client.force_login(cw.handler_cg)
    page = client.get("/console/inbox/").content.decode()
    urgent, normal = (Case.objects.get(pk=made[k]).number for k in ("urgent", "normal"))
    assert page.index(urgent) < page.index(normal)
    page = client.get("/console/inbox/", {"ordering": "newest"}).content.decode()
    assert page.index(normal) < page.index(urgent)  # the normal one was reported later
    page = client.get("/console/inbox/", {"ordering": "updated"}).content.decode()
    assert "时限最近" in page and "最近办理" in page


def test_the_openapi_document_is_complete_and_valid(db, tmp_path):
    """Every view has its request and response described, tokens are a bearer scheme, and the document
    validates: drf-spectacular would warn (and this fail) about any view it has to guess."""
    import yaml
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "gg_…",
        "description": schema["components"]["securitySchemes"]["apiToken"]["description"]}
    kpi = schema["paths"]["/api/v1/kpis/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert kpi == {"$ref": "#/components/schemas/KpiOut"}


def test_a_unit_named_in_a_form_is_an_active_unit_the_database_can_hold(cw):
    """The console and the phone pages post straight to `resolve`, past the API's bounds: an id no bigint holds, a
    word or a unit that was closed names no unit (404 `unknown_unit`, the field named) and nothing is queried
    out of range on PostgreSQL — cases and disputes share the one resolver."""
    import pytest

    from gridgov.cases.action_inputs import resolve
    from gridgov.core.errors import ApplicationError
    from gridgov.mediation.action_inputs import resolve as resolve_dispute

    closed = cw.cg.__class__.objects.create(name="已撤销的科室", code="X-CLOSED", kind=cw.cg.kind,
                                            region=cw.cg.region, is_active=False)
    for value in ("9" * 30, "-3", "环卫所", str(closed.pk)):
        with pytest.raises(ApplicationError) as e:
            resolve(cw.dispatcher, "dispatch", {"unit": value})
        assert (e.value.code, e.value.status, e.value.fields) == ("unknown_unit", 404, {"unit": "不存在"})
        with pytest.raises(ApplicationError) as e:
            resolve_dispute("accept", {"committee": value})
        assert (e.value.code, e.value.fields) == ("unknown_unit", {"committee": "不存在"})
    assert resolve(cw.dispatcher, "dispatch", {"unit": f" {cw.cg.pk} "})["unit"] == cw.cg
