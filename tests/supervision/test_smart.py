"""智慧小区 1–5 星: stars from the configured criteria a compound meets, checked on site; the console and the API."""

from __future__ import annotations

import pytest
from django.test import override_settings

from gridgov.core.errors import ApplicationError, NotFound
from gridgov.supervision import smart
from gridgov.supervision.models import SmartCriterion, SupervisionEvent
from tests.cases.conftest import cw  # noqa: F401 - the case world
from tests.supervision.test_inspections import sw  # noqa: F401 - a compound of 幸福物业


def test_stars_follow_the_criteria_met(sw):  # noqa: F811
    c, _, compound = sw
    assert sum(SmartCriterion.objects.filter(is_active=True).values_list("points", flat=True)) == 100  # seeded
    assert smart.ratings([compound])[compound.pk] | {"missing": None} == {
        "score": 0.0, "stars": 1, "met": [], "missing": None, "checked_at": None}  # never checked: nothing met
    rating = smart.smart_check(actor=c.dispatcher, compound=compound,
                               met={"face_gate": True, "vehicle_gate": True, "video": True, "high_fall": True,
                                    "fire_iot": True, "elevator_iot": True, "ebike": False},
                               notes={"ebike": "充电桩未建"})
    assert rating["score"] == 75.0 and rating["stars"] == 4 and "电动车智能充电及阻车入梯" in rating["missing"]
    row = SupervisionEvent.objects.get(subject="compound", subject_id=compound.pk, action="smart_check")
    assert row.data["stars"] == 4 and row.actor == c.dispatcher
    # the others keep their last check; a better one lifts the stars
    rating = smart.smart_check(actor=c.dispatcher, compound=compound, met={"ebike": True, "waste": True})
    assert (rating["score"], rating["stars"]) == (90.0, 5)
    # the district retires a criterion: it stops counting (the compound now meets 90 of 95)
    SmartCriterion.objects.filter(code="care_call").update(is_active=False)
    assert smart.ratings([compound])[compound.pk]["score"] == round(90 * 100 / 95, 1)
    with override_settings(SMART_COMPOUND_STARS=(95, 90, 80, 50)):
        assert smart.ratings([compound])[compound.pk]["stars"] == 5 - 1


def test_refused_checks_change_nothing(sw):  # noqa: F811
    c, _, compound = sw
    with pytest.raises(ApplicationError) as e:
        smart.smart_check(actor=c.dispatcher, compound=compound, met={"face_gate": True, "teleport": True})
    assert e.value.code == "unknown_criterion" and "teleport" in e.value.message
    with pytest.raises(ApplicationError) as e:
        smart.smart_check(actor=c.dispatcher, compound=compound, met={})
    assert e.value.code == "nothing_checked"
    with pytest.raises(NotFound):
        smart.smart_check(actor=c.w.user_b, compound=compound, met={"face_gate": True})  # town B's dispatcher
    assert smart.ratings([compound])[compound.pk]["checked_at"] is None


def test_console_and_api(sw, client, api):  # noqa: F811
    c, _, compound = sw
    client.force_login(c.dispatcher)
    page = client.get(f"/console/supervision/compounds/{compound.pk}/smart/").content.decode()
    assert "人脸识别门禁(15分)" in page and "尚未核查" in page
    form = {f"m_{code}": "yes" for code in SmartCriterion.objects.values_list("code", flat=True)}
    form["m_waste"] = "no"
    form["n_waste"] = "分类投放点无感知设备"
    r = client.post(f"/console/supervision/compounds/{compound.pk}/smart/", form)
    assert r.status_code == 302
    home = client.get("/console/supervision/").content.decode()
    assert "智慧小区评星" in home and "★★★★★" in home and "智能垃圾分类" in home
    bad = client.post(f"/console/supervision/compounds/{compound.pk}/smart/", {"m_face_gate": "yes"})
    assert bad.status_code == 400 and "请选择" in bad.content.decode()
    body = api(c.dispatcher).get("/api/v1/supervision/compounds/").json()
    assert body["results"][0]["smart_score"] == 95.0 and body["results"][0]["smart_stars"] == 5
    r = api(c.dispatcher).post(f"/api/v1/supervision/compounds/{compound.pk}/smart/", {"met": {"video": False}},
                               format="json")
    assert r.status_code == 200 and r.json()["score"] == 80.0 and r.json()["stars"] == 4
    r = api(c.dispatcher).post(f"/api/v1/supervision/compounds/{compound.pk}/smart/", {"met": {"x": True}},
                               format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_criterion"
    assert api(c.w.user_b).post(f"/api/v1/supervision/compounds/{compound.pk}/smart/", {"met": {"video": True}},
                                format="json").status_code == 404
    client.force_login(c.w.worker_a)  # inspects, does not rate
    assert client.get(f"/console/supervision/compounds/{compound.pk}/smart/").status_code == 404
