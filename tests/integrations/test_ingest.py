"""Ingest webhooks: per-source keys, repeated alarms from one device de-duplicated, retries idempotent."""

import datetime as dt

import time_machine

from gridgov.cases.models import Case, CaseEvent, Category
from gridgov.core.timeutil import now
from gridgov.integrations.ingest import source_create


def alarm(**kw):
    body = {"alarm_id": "A-1", "device_id": "SMOKE-0042", "description": "烟感报警:3栋2单元", "lon": 120.005,
            "lat": 30.01}
    body.update(kw)
    return body


def test_ingest_creates_dedupes_and_refuses(cw, client):
    _, key = source_create(code="smoke", name="智慧烟感", channel="sensor", category=Category.objects.get(code="1404"),
                           dedupe_minutes=30)
    url = "/api/v1/ingest/smoke/"
    r = client.post(url, alarm(), content_type="application/json", HTTP_X_INGEST_KEY=key)
    assert r.status_code == 201 and r.json()["result"] == "created"
    case = Case.objects.get(pk=r.json()["case"])
    assert case.channel == "sensor" and case.category.code == "1404" and case.urgency == "critical"
    assert case.grid == cw.w.grid_a_west and not case.is_public and case.device_id == "SMOKE-0042"
    assert CaseEvent.objects.filter(case=case, action="alert_emergency_units").exists()
    # the same alarm again (a retry): the same case
    r = client.post(url, alarm(), content_type="application/json", HTTP_X_INGEST_KEY=key)
    assert r.status_code == 200 and r.json() == {"case": case.pk, "number": case.number, "result": "duplicate"}
    # a new alarm from the same device within the window joins the open case
    r = client.post(url, alarm(alarm_id="A-2"), content_type="application/json", HTTP_X_INGEST_KEY=key)
    assert r.json()["result"] == "repeat" and r.json()["case"] == case.pk
    assert CaseEvent.objects.filter(case=case, action="repeat_alarm").count() == 1
    # after the window: a new case
    with time_machine.travel(now() + dt.timedelta(minutes=31)):
        r = client.post(url, alarm(alarm_id="A-3"), content_type="application/json", HTTP_X_INGEST_KEY=key)
    assert r.json()["result"] == "created" and Case.objects.count() == 2
    # refusals
    r = client.post(url, alarm(alarm_id="A-4"), content_type="application/json", HTTP_X_INGEST_KEY="wrong")
    assert r.status_code == 403 and r.json()["error"]["code"] == "invalid_source_key"
    r = client.post("/api/v1/ingest/nosuch/", alarm(), content_type="application/json", HTTP_X_INGEST_KEY=key)
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_source"
    r = client.post(url, {"alarm_id": "A-5"}, content_type="application/json", HTTP_X_INGEST_KEY=key)
    assert r.status_code == 400 and "device_id" in r.json()["error"]["fields"]
    r = client.post(url, alarm(alarm_id="A-6", lat=99), content_type="application/json", HTTP_X_INGEST_KEY=key)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_location"
    assert Case.objects.count() == 2
