"""Bad input found by a hostile probe: each is a 400 with a stable code (a Chinese page in the console), never a
500. Dates far out of range, huge numbers, wrong JSON shapes."""

import pytest
from rest_framework.test import APIClient

FAR_DATES = [("created_after", "0001-01-01"), ("created_before", "9999-12-31T23:59:59"),
             ("created_before", "9999-12-31"), ("created_after", "0001-01-01T00:00:00+14:00")]


@pytest.fixture
def api(cw):
    c = APIClient()
    c.force_authenticate(cw.district_dispatcher)
    return c


@pytest.mark.parametrize("name,value", FAR_DATES)
def test_case_list_filters_with_dates_out_of_range(api, client, cw, name, value):
    r = api.get("/api/v1/cases/", {name: value})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_filter"
    client.force_login(cw.district_dispatcher)
    page = client.get("/console/cases/", {name: value})
    assert page.status_code == 400 and "日期超出范围" in page.content.decode()


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1", "1.5"])
def test_unit_filter_must_be_an_id(api, value):
    r = api.get("/api/v1/cases/", {"unit": value})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_filter"


def test_kpis_over_all_time(api, client, cw):
    r = api.get("/api/v1/kpis/", {"start": "0001-01-01", "end": "9999-12-31"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_filter"
    client.force_login(cw.district_dispatcher)
    page = client.get("/console/stats/", {"start": "0001-01-01", "end": "9999-12-31"})
    assert page.status_code == 400 and "日期超出范围" in page.content.decode()


def test_open311_dates_and_pages_out_of_range(cw, client):
    for params in ({"updated_after": "0001-01-01"}, {"updated_before": "9999-12-31T23:59:59"},
                   {"start_date": "0001-01-01", "end_date": "0001-02-01"}, {"page": "99999999999999999999"},
                   {"page": "100000000000"}):
        r = client.get("/open311/v2/requests.json", params)
        assert r.status_code == 400, params
        assert r.json()[0]["code"] == 400
    for params in ({"start_date": "0001-01-01", "end_date": "0001-01-02"},
                   {"start_date": "9999-12-30", "end_date": "9999-12-31T23:59:59"}):
        r = client.get("/open311/v2/servicerequestupdates.json", params)
        assert r.status_code == 400, params


def test_marking_huge_message_ids_read(api):
    r = api.post("/api/v1/messages/read/", {"ids": [10**30]}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"
    r = api.post("/api/v1/messages/read/", {"ids": [2**63]}, format="json")
    assert r.status_code == 400


@pytest.mark.parametrize("value", [True, False, "true"])
def test_booleans_are_not_coordinates(api, value):
    r = api.post("/api/v1/cases/", {"channel": "hotline", "description": "路灯不亮", "lon": value, "lat": 30.01},
                 format="json")
    assert r.status_code == 400
    r = api.get("/api/v1/locate/", {"lon": "true", "lat": "30.01"})
    assert r.status_code == 400


def test_a_boolean_coordinate_is_refused_by_the_service_too(cw):
    from gridgov.cases.services import case_report
    from gridgov.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as exc:
        case_report(actor=cw.dispatcher, channel="hotline", description="路灯不亮", lon=True, lat=30.01)
    assert exc.value.code == "invalid_location"


def test_unknown_addresses_answer_in_chinese_or_in_the_api_format(api, client):
    r = api.get("/api/v1/cases/99999999999999999999/")  # longer than any id: no overflow, a 404
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = api.get("/api/v1/no-such-thing/")
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
    assert r.json()["error"]["code"] == "not_found"
    page = client.get("/console/no-such-page/")
    assert page.status_code == 404 and "页面不存在" in page.content.decode() and "Not Found" not in page.content.decode()


def test_nested_field_errors_are_plain_messages(api):
    r = api.post("/api/v1/messages/read/", {"ids": ["x", 0]}, format="json")
    assert r.status_code == 400
    message = r.json()["error"]["fields"]["ids"]
    assert "ErrorDetail" not in message and "{" not in message and "整数" in message


def test_the_schema_states_the_constraints(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    report = schema["components"]["schemas"]["ReportJsonIn"]
    assert report["properties"]["lat"]["maximum"] == 90 and "1101" in report["properties"]["category"]["enum"]
    assert "photos" not in report["properties"]
    detail = schema["paths"]["/api/v1/cases/{id}/"]["get"]
    assert detail["parameters"][0]["schema"]["type"] == "integer" and {"400", "403", "404"} <= set(detail["responses"])
    assert "409" in schema["paths"]["/api/v1/cases/"]["post"]["responses"]


def test_a_nul_character_is_refused_before_any_view(api, client, cw):
    r = api.get("/api/v1/residents/", {"q": "张\x00三"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_character"
    client.force_login(cw.dispatcher)
    assert client.get("/console/cases/", {"q": "a\x00"}).status_code == 400
    assert client.post("/console/intake/", {"description": "x\x00y"}).status_code == 400


def test_the_api_answers_json_only_and_development_runs_without_debug_pages(api):
    r = api.get("/api/v1/me/", HTTP_ACCEPT="text/html")
    assert r["Content-Type"].startswith("application/json")
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG")}
    env["DJANGO_SETTINGS_MODULE"] = "gridgov.settings.dev"
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s;"
                          " print(s.DEBUG, s.NOTIFY_LOG_TEXT)"], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "True"], out.stderr


def test_a_favicon(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r.url == "/static/favicon.svg"
    assert 'rel="icon"' in client.get("/console/login/").content.decode()


def test_a_database_out_of_reach_is_a_503_to_retry_not_a_500(cw, client):
    """A restart or fail-over of PostgreSQL: the API says service_unavailable with Retry-After (the client sends
    the same request again), pages say so in Chinese — neither asks the database again to say it."""
    from unittest import mock

    from django.db import OperationalError

    api = APIClient(raise_request_exception=False)
    api.force_authenticate(cw.district_dispatcher)
    down = OperationalError("server closed the connection unexpectedly")
    with mock.patch("gridgov.cases.api.CaseListCreateApi.get_queryset", side_effect=down):
        r = api.get("/api/v1/cases/")
    assert r.status_code == 503 and r["Retry-After"] == "5"
    assert r.json()["error"]["code"] == "service_unavailable"
    client.raise_request_exception = False
    client.force_login(cw.district_dispatcher)
    with mock.patch("gridgov.web.console.render", side_effect=down):
        page = client.get("/console/cases/")
    assert page.status_code == 503 and "服务暂时不可用" in page.content.decode()
    with mock.patch("gridgov.cases.api.CaseListCreateApi.get_queryset", side_effect=ValueError("a bug")):
        assert api.get("/api/v1/cases/").status_code == 500  # other errors stay what they are
