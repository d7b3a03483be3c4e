"""Open311 GeoReport v2 driven by real, unmodified clients from PyPI over HTTP: `georeport` 0.3.1 (JSON and XML)
and `three` 0.8.0 (JSON; it needs `itertools.ifilter = filter` set before import on Python 3, done below —
its XML mode breaks inside the library). `open311` 1.1 cannot be imported on Python 3 and is not used."""

import datetime as dt
import itertools
import json

import pytest
import requests
from georeport import GeoReport

from gridgov.accounts.services import api_token_issue, api_token_revoke, membership_grant, user_create
from gridgov.cases import services as s
from gridgov.cases.models import Case, CategoryQuestion
from gridgov.cases.selectors import case_list
from tests.cases.conftest import jpeg
from tests.conftest import fresh_window

itertools.ifilter = filter  # `three` still imports itertools.ifilter (Python 2)
from three import Three  # noqa: E402

# A live server needs committed data; serialized_rollback restores the seeded roles, categories and calendar
# that the flush after each test would otherwise remove.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def o311(cw, live_server, settings):
    system = user_create(actor=None, username="fms-bridge", password="", is_system=True)
    membership_grant(actor=None, user=system, role_code="resident", region=cw.w.district)
    token, key = api_token_issue(actor=None, user=system, name="FixMyStreet 对接")
    CategoryQuestion.objects.create(category_id=cw.garbage.pk, code="bags", description="有几袋", datatype="number",
                                    required=True, order=9)
    settings.OPEN311_RATE_LIMITS = {"key": 1000, "ip": 1000}
    base = live_server.url + "/open311/v2"
    return {"cw": cw, "key": key, "token": token, "base": base, "jid": cw.w.district.code}


def post(o, fmt="json", **data):
    body = {"api_key": o["key"], "service_code": "1101", "lat": 30.01, "long": 120.005,
            "description": "路边垃圾堆放", "attribute[bags]": "3", "attribute[volume]": "medium",
            "first_name": "三", "last_name": "张", "phone": "13800138000"}
    body.update(data)
    return requests.post(f"{o['base']}/requests.{fmt}", data={k: v for k, v in body.items() if v is not None})


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client(o311, fmt):
    o = o311
    client = GeoReport(o["base"], jurisdiction=o["jid"], output_format=fmt)
    services = client.get_service_list()
    codes = {s_["service_code"] for s_ in services}
    assert {"1101", "0102", "1404"} <= codes and "11" not in codes  # 小类 only; 大类 is the group
    garbage = next(x for x in services if x["service_code"] == "1101")
    assert garbage["group"] == "市容环境" and garbage["type"] == "realtime" and garbage["metadata"] in (True, "true")
    definition = client.get_service_definition("1101")
    attrs = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    by_code = {a["code"]: a for a in attrs}
    assert by_code["bags"]["required"] in (True, "true") and by_code["volume"]["datatype"] == "singlevaluelist"
    r = post(o, fmt)
    assert r.status_code == 201, r.text
    number = r.json()[0]["service_request_id"] if fmt == "json" else r.text.split("<service_request_id>")[1].split("<")[0]
    one = client.get_service_request(number)  # one dict in both formats (JSON: the array's only element)
    assert one["service_request_id"] == number and one["status"] == "open" and one["service_code"] == "1101"
    assert one["requested_datetime"].endswith("+08:00") and one["expected_datetime"] in (None, "")
    listed = client.get_service_requests(service_code="1101,0102", status="open")
    if fmt == "xml":
        listed = listed if isinstance(listed, list) else [listed]  # xmltodict: a single child is a dict
    assert [x["service_request_id"] for x in listed] == [number]
    if fmt == "json":
        assert client.get_service_requests(status="closed") == []
    else:  # an empty <service_requests/> has no <request> child for the client to index
        r = requests.get(f"{o['base']}/requests.xml", params={"status": "closed"})
        assert r.text.endswith("<service_requests />")


def test_three_client_json_with_token(o311, settings):
    o = o311
    settings.OPEN311_DEFERRED = True
    t = Three(o["base"], api_key=o["key"], jurisdiction=o["jid"], format="json")
    disco = t.discovery()
    assert disco["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert "application/json" in disco["endpoints"][0]["formats"]
    assert any(x["service_code"] == "1101" for x in t.services())
    assert t.services("1101")["service_code"] == "1101"
    answer = t.post("1101", lat=30.01, long=120.005, description="小区门口垃圾", address="甲路1号",
                    name="三 张", phone="13800138000", **{"attribute[bags]": 2})
    assert isinstance(answer, list), answer  # a server error would come back as raw bytes
    token = answer[0]["token"]
    assert "service_request_id" not in answer[0]
    resolved = t.token(token)
    if resolved[0]["service_request_id"] is None:  # deferred: the worker or the next sweep makes the case
        import datetime as dt

        from gridgov.cases.queued import make_waiting

        make_waiting(older_than=dt.timedelta(0))
        resolved = t.token(token)
    number = resolved[0]["service_request_id"]
    assert number and resolved[0]["token"] == token
    case = Case.objects.get(channel="open311")
    assert case.number == number and case.reporter_name == "张 三" and case.attributes["bags"] == 2.0
    detail = t.request(number)
    assert detail[0]["address"] == "甲路1号" and detail[0]["status"] == "open"


def test_media_upload_through_three(o311):
    o = o311
    t = Three(o["base"], api_key=o["key"], jurisdiction=o["jid"], format="json")
    import io

    media = io.BytesIO(jpeg())
    media.name = "photo.jpg"
    answer = t.post("1101", lat=30.01, long=120.005, description="带照片", media=media, **{"attribute[bags]": 1})
    number = answer[0]["service_request_id"]
    got = t.request(number)[0]
    assert got["media_url"].startswith("http://") and got["media_url"].endswith(".jpg")
    assert requests.get(got["media_url"]).status_code in (200, 404)  # served by the media server in production


ERRORS = [
    ("services.{fmt}", {"jurisdiction_id": "990199000000"}, 404),
    ("services/9999.{fmt}", {}, 404),
    ("requests/2026010100000999.{fmt}", {}, 404),
    ("tokens/nosuchtoken.{fmt}", {}, 404),
    ("requests.{fmt}", {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"}, 400),
    ("requests.{fmt}", {"status": "pending"}, 400),
    ("requests.{fmt}", {"start_date": "yesterday"}, 400),
    ("requests.{fmt}", {"start_date": "2026-13-45T00:00:00+08:00", "end_date": "2026-11-01"}, 400),
    ("servicerequestupdates.{fmt}", {"start_date": "2026-11-01T00:00:00+08:00"}, 400),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_error_paths_in_both_formats(o311, fmt):
    o = o311
    for path, params, status in ERRORS:
        r = requests.get(f"{o['base']}/{path.format(fmt=fmt)}", params=params)
        assert r.status_code == status, (path, params, r.text)
        _check_error_body(r, fmt, status)
    for data, status in [({"api_key": None}, 403), ({"api_key": "gg_wrong"}, 403), ({"service_code": None}, 400),
                         ({"service_code": "9999"}, 404), ({"lat": None, "long": None}, 400),
                         ({"long": None}, 400), ({"description": "长" * 4001}, 400),
                         ({"attribute[bags]": None}, 400), ({"attribute[volume]": "huge"}, 400),
                         ({"jurisdiction_id": "990199000000"}, 404), ({"lat": 95}, 400)]:
        r = post(o, fmt, **data)
        assert r.status_code == status, (data, r.text)
        _check_error_body(r, fmt, status)
    assert Case.objects.count() == 0
    api_token_revoke(actor=None, token=o["token"])
    assert post(o, fmt).status_code == 403
    r = requests.get(f"{o['base']}/services.yaml")
    assert r.status_code == 404


def _check_error_body(r, fmt, status):
    if fmt == "json":
        assert r.headers["Content-Type"].startswith("application/json")
        body = r.json()
        assert isinstance(body, list) and body[0]["code"] == status and body[0]["description"]
    else:
        assert r.headers["Content-Type"].startswith("text/xml")
        assert r.text.startswith('<?xml version="1.0" encoding="utf-8"?><errors><error><code>' + str(status))


def test_rate_limit_per_key(o311, settings):
    settings.OPEN311_RATE_LIMITS = {"key": 2, "ip": 100}
    fresh_window()
    assert post(o311).status_code == 201
    assert post(o311).status_code == 201
    r = post(o311)
    assert r.status_code == 429 and r.json()[0]["code"] == 429


def test_round_trip_to_the_console_and_back(o311):
    o, cw = o311, o311["cw"]
    number = post(o).json()[0]["service_request_id"]
    case = Case.objects.get(channel="open311")
    assert case.number == number
    assert case in case_list(actor=cw.dispatcher, filters={"state": "reported", "channel": "open311"})
    s.case_accept(case=case, actor=cw.dispatcher)
    s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.cg)
    s.case_acknowledge(case=Case.objects.get(pk=case.pk), actor=cw.handler_cg)
    from tests.cases.conftest import photo

    s.case_report_done(case=Case.objects.get(pk=case.pk), actor=cw.handler_cg, note="已清运", photos=[photo()])
    s.case_verify(case=Case.objects.get(pk=case.pk), actor=cw.w.worker_a, passed=True)
    got = requests.get(f"{o['base']}/requests/{number}.json", params={"extensions": "true"}).json()[0]
    assert got["status"] == "closed" and got["status_notes"] == "已办结" and got["agency_responsible"] == "区城管局"
    assert got["updated_datetime"] >= got["requested_datetime"] and got["expected_datetime"].endswith("+08:00")
    assert got["extended_attributes"]["detailed_status"] == "closed"
    assert got["extended_attributes"]["grid"] == cw.w.grid_a_west.code
    xml = requests.get(f"{o['base']}/requests/{number}.xml").text
    assert "<status>closed</status>" in xml and "<status_notes>已办结</status_notes>" in xml
    updates = requests.get(f"{o['base']}/servicerequestupdates.json").json()
    assert [u["status"] for u in updates if u["service_request_id"] == number] == [
        "OPEN", "ACTION_SCHEDULED", "IN_PROGRESS", "IN_PROGRESS", "FIXED"]
    page = requests.get(f"{o['base']}/requests.json", params={"page": 1, "page_size": 1}).json()
    assert len(page) == 1
    after = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).isoformat()
    assert requests.get(f"{o['base']}/requests.json", params={"updated_after": after}).json() == []
    assert json.loads(requests.get(f"{o['base']}/discovery.json").text)["endpoints"][0]["type"] == "production"


def test_rate_limit_per_ip(o311, settings):
    settings.OPEN311_RATE_LIMITS = {"key": 100, "ip": 1}
    fresh_window()
    assert post(o311).status_code == 201
    r = post(o311, fmt="xml")
    assert r.status_code == 429 and "<code>429</code>" in r.text
