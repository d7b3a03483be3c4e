"""A user of town A gets nothing of town B through any list, detail, search, export or API; a resident
sees only their own record."""

import io

import pytest
from openpyxl import load_workbook

from gridgov.accounts.services import membership_grant
from gridgov.orgs.models import UnitKind
from gridgov.orgs.selectors import org_unit_list
from gridgov.orgs.services import org_unit_create
from gridgov.people.selectors import building_list, organisation_list, resident_list
from gridgov.people.services import building_create, organisation_create
from gridgov.regions.selectors import region_list
from tests.conftest import ID_A1, ID_B1


@pytest.fixture
def more(world):
    ba = building_create(actor=None, grid=world.grid_a_west, name="甲楼")
    bb = building_create(actor=None, grid=world.grid_b, name="乙楼")
    oa = organisation_create(actor=None, grid=world.grid_a_west, name="甲商店", kind="shop")
    ob = organisation_create(actor=None, grid=world.grid_b, name="乙商店", kind="shop")
    ua = org_unit_create(actor=None, code="GC-A", name="甲中心", kind=UnitKind.GOVERNANCE_CENTER, region=world.town_a)
    ub = org_unit_create(actor=None, code="GC-B", name="乙中心", kind=UnitKind.GOVERNANCE_CENTER, region=world.town_b)
    ud = org_unit_create(actor=None, code="DEPT-CG", name="区城管局", kind=UnitKind.DEPARTMENT,
                         department_type="urban_management", region=world.district)
    return dict(ba=ba, bb=bb, oa=oa, ob=ob, ua=ua, ub=ub, ud=ud)


def test_selectors_are_scoped_to_the_town(world, more):
    a = world.user_a
    assert set(resident_list(actor=a)) == {world.res_a1, world.res_a2}
    assert list(resident_list(actor=a, filters={"q": ID_B1})) == []
    assert list(resident_list(actor=a, filters={"q": "王五"})) == []
    assert list(resident_list(actor=a, filters={"region": world.town_b.code})) == []
    assert set(building_list(actor=a)) == {more["ba"]}
    assert set(organisation_list(actor=a)) == {more["oa"]}
    assert world.town_b.code not in {r.code for r in region_list(actor=a)}
    assert {r.code for r in region_list(actor=a)} == {world.town_a.code, world.comm_a.code,
                                                     world.grid_a_west.code, world.grid_a_east.code}
    # units of the own town and the district units serving it; never the other town's
    assert set(org_unit_list(actor=a)) == {more["ua"], more["ud"]}


def test_grid_worker_sees_only_their_grid(world, more):
    assert list(resident_list(actor=world.worker_a)) == [world.res_a1]


def test_superuser_sees_everything(world, more):
    assert resident_list(actor=world.admin).count() == 3


def test_resident_sees_only_their_own_record(world, api):
    assert list(resident_list(actor=world.resident_user)) == [world.res_a1]
    client = api(world.resident_user)
    r = client.get("/api/v1/residents/")
    assert [x["id"] for x in r.json()["results"]] == [world.res_a1.pk]
    assert client.get(f"/api/v1/residents/{world.res_a2.pk}/").status_code == 404
    assert client.get("/api/v1/regions/").json()["count"] == 0
    assert client.get("/api/v1/residents/export.xlsx").status_code == 403


def test_memberships_in_two_towns_union(world):
    membership_grant(actor=None, user=world.user_a, role_code="center_dispatcher", region=world.town_b)
    world.user_a._gridgov_jurisdiction = None
    del world.user_a._gridgov_jurisdiction
    assert resident_list(actor=world.user_a).count() == 3


ENDPOINTS = ["/api/v1/residents/", "/api/v1/buildings/", "/api/v1/organisations/", "/api/v1/regions/",
             "/api/v1/org-units/"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_api_lists_are_scoped(world, more, api, url):
    body = api(world.user_a).get(url, {"page_size": 200}).json()
    text = repr(body)
    for needle in ("王五", "乙楼", "乙商店", "乙中心", world.town_b.code, world.grid_b.code):
        assert needle not in text
    assert body["count"] > 0


def test_api_details_of_the_other_town_are_404(world, more, api):
    client = api(world.user_a)
    assert client.get(f"/api/v1/residents/{world.res_b1.pk}/").status_code == 404
    assert client.get(f"/api/v1/regions/{world.grid_b.code}/").status_code == 404
    assert client.get(f"/api/v1/org-units/{more['ub'].pk}/").status_code == 404
    r = client.post(f"/api/v1/residents/{world.res_b1.pk}/reveal/", {"field": "phone", "reason": "核查"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/residents/{world.res_a1.pk}/").status_code == 200


def test_api_search_finds_nothing_across_the_border(world, api):
    client = api(world.user_a)
    assert client.get("/api/v1/residents/", {"q": "王五"}).json()["count"] == 0
    for q in ("王五", ID_B1, "13700137000"):
        assert client.post("/api/v1/residents/search/", {"q": q}, format="json").json()["count"] == 0
    assert client.get("/api/v1/residents/", {"q": "张三"}).json()["count"] == 1


def test_identity_numbers_and_phones_are_searched_by_post_never_in_a_url(world, api):
    client = api(world.user_a)
    for params in ({"q": ID_A1}, {"q": "13800138000"}, {"phone": "13800138000"}, {"id_number": ID_A1}):
        r = client.get("/api/v1/residents/", params)
        assert r.status_code == 400 and r.json()["error"]["code"] == "identifier_in_url"
    assert client.get("/api/v1/residents/export.xlsx", {"q": ID_A1}).status_code in (400, 403)
    for body in ({"q": ID_A1}, {"q": "13800138000"}, {"phone": "13800138000"}, {"id_number": ID_A1}):
        r = client.post("/api/v1/residents/search/", body, format="json")
        assert r.status_code == 200 and [x["name"] for x in r.json()["results"]] == ["张三"], body
        assert ID_A1 not in r.content.decode()  # masked in the answer too
    r = client.post("/api/v1/residents/search/", {"residence_type": "nonsense"}, format="json")
    assert r.status_code == 400


def test_export_contains_only_the_town(world, api):
    membership_grant(actor=None, user=world.user_a, role_code="center_leader", region=world.town_a)
    r = api(world.user_a).get("/api/v1/residents/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)]
    assert sorted(r["姓名"] for r in rows) == ["张三", "李四"]
    assert all("*" in r["证件号码"] and r["证件类型"] == "居民身份证" for r in rows)  # masked


def test_export_needs_permission(world, api):
    r = api(world.user_a).get("/api/v1/residents/export.xlsx")  # a dispatcher has no export permission
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"


def test_admin_changelists_are_scoped(world, more, client):
    client.force_login(world.user_a)
    for url, shown, hidden in [("/admin/people/resident/", "张三", "王五"), ("/admin/people/building/", "甲楼", "乙楼"),
                               ("/admin/people/organisation/", "甲商店", "乙商店"),
                               ("/admin/regions/region/", "甲一西网格", "乙一网格"),
                               ("/admin/orgs/orgunit/", "甲中心", "乙中心")]:
        r = client.get(url)
        assert r.status_code == 200, url
        page = r.content.decode()
        assert shown in page and hidden not in page, url
    assert client.get(f"/admin/people/resident/{world.res_b1.pk}/change/").status_code in (302, 404)
    # a grid worker cannot even open the users' admin
    client.force_login(world.worker_a)
    assert client.get("/admin/accounts/user/").status_code == 403
