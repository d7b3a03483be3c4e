"""The admin is Chinese, refuses bad input next to the field keeping what was typed, and runs imports."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.regions.models import Region
from tests.conftest import poly


def test_admin_index_in_chinese(world, client):
    client.force_login(world.admin)
    page = client.get("/admin/").content.decode()
    for word in ("区划/网格", "实有人口", "机构", "楼栋", "审计日志"):
        assert word in page


def test_region_add_refused_next_to_the_field_keeping_input(world, client):
    client.force_login(world.admin)
    overlap = poly(120.005, 30.0, 120.009, 30.005)
    r = client.post("/admin/regions/region/add/", {
        "code": "", "name": "重叠的新网格", "level": "grid", "parent": world.comm_a.pk, "grid_kind": "basic",
        "special_kind": "", "geometry_text": json.dumps(overlap),
    })
    assert r.status_code == 200
    page = r.content.decode()
    assert "甲一西网格" in page and "重叠" in page
    assert "重叠的新网格" in page  # what was typed is still there
    assert not Region.objects.filter(name="重叠的新网格").exists()
    r = client.post("/admin/regions/region/add/", {
        "code": "", "name": "学校网格", "level": "grid", "parent": world.comm_a.pk, "grid_kind": "special",
        "special_kind": "school", "geometry_text": json.dumps(poly(120.013, 30.008, 120.017, 30.012)),
    })
    assert r.status_code == 302
    assert Region.objects.get(name="学校网格").code == world.comm_a.code + "003"


def test_resident_add_via_admin(world, client):
    client.force_login(world.worker_a)
    data = {"name": "孙九", "grid": world.grid_a_west.pk, "household": "", "residence_type": "registered",
            "ethnicity": "汉族", "relation_to_head": "", "id_number": "110105199003070018", "phone": "",
            "focus_groups-TOTAL_FORMS": "0", "focus_groups-INITIAL_FORMS": "0"}
    r = client.post("/admin/people/resident/add/", data)
    assert r.status_code == 200 and "校验位" in r.content.decode() and "孙九" in r.content.decode()
    data["id_number"] = "110105199003070017"
    r = client.post("/admin/people/resident/add/", data)
    assert "已登记" in r.content.decode()


def test_import_page_dry_run_and_errors(world, client):
    client.force_login(world.admin)
    assert "导入" in client.get("/admin/regions/region/").content.decode()
    assert client.get("/admin/people/resident/import/").status_code == 200
    template = client.get("/admin/people/resident/import/template.xlsx")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    bad = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"parent": world.comm_a.code, "name": "撞车"},
         "geometry": poly(120.001, 30.001, 120.002, 30.002)}]})
    r = client.post("/admin/regions/region/import/", {
        "file": SimpleUploadedFile("g.geojson", bad.encode()), "dry_run": "on"})
    page = r.content.decode()
    assert "未导入任何数据" in page and "甲一西网格" in page


def test_import_page_needs_permission(world, client):
    client.force_login(world.user_a)
    assert client.get("/admin/regions/region/import/").status_code == 403


def test_api_schema_and_docs_are_served_offline(world, client):
    client.force_login(world.admin)
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/residents/" in schema.content
    docs = client.get("/api/v1/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs


def test_home_page(db, client):
    page = client.get("/").content.decode()
    assert '<meta charset="utf-8">' in page and "网格化基层社会治理平台" in page


def test_org_unit_edit_in_the_admin_goes_through_the_service_and_is_audited(world, client):
    from gridgov.core.models import AuditLog
    from gridgov.orgs.models import OrgUnit, UnitKind
    from gridgov.orgs.services import org_unit_create

    center = org_unit_create(actor=None, code="GC-CA", name="甲一社区综治中心", kind=UnitKind.GOVERNANCE_CENTER,
                             region=world.comm_a)
    org_unit_create(actor=None, code="GC-TA", name="甲街道综治中心", kind=UnitKind.GOVERNANCE_CENTER,
                    region=world.town_a)
    client.force_login(world.admin)
    form = {"code": "GC-CA", "name": "甲一社区综治中心(新址)", "kind": "governance_center", "department_type": "",
            "region": world.comm_a.pk, "parent": "", "phone": "020-12345678", "address": "甲路8号", "lon": "",
            "lat": "", "uscc": "", "members_count": "", "equipment": "", "duty_hours": "", "is_active": "on"}
    url = f"/admin/orgs/orgunit/{center.pk}/change/"
    r = client.post(url, {**form, "code": "GC-TA"})  # another unit's code: refused next to the field
    assert r.status_code == 200 and "已被使用" in r.content.decode() and "甲一社区综治中心(新址)" in r.content.decode()
    center.refresh_from_db()
    assert center.code == "GC-CA" and center.name == "甲一社区综治中心"
    assert not AuditLog.objects.filter(action="org_unit.update").exists()
    r = client.post(url, form)
    assert r.status_code == 302
    center.refresh_from_db()
    assert center.name == "甲一社区综治中心(新址)" and center.phone == "020-12345678"
    row = AuditLog.objects.get(action="org_unit.update", object_id=str(center.pk))
    assert row.actor == world.admin
    assert row.detail["changed"]["name"] == ["甲一社区综治中心", "甲一社区综治中心(新址)"]
    assert set(row.detail["changed"]) == {"name", "phone", "address"}
    assert OrgUnit.objects.count() == 2


def test_an_overseas_resident_is_registered_with_a_passport_in_the_admin(world, client):
    from gridgov.core.pii import get_pii
    from gridgov.people.models import Resident

    client.force_login(world.worker_a)
    data = {"name": "Maria Rossi", "grid": world.grid_a_west.pk, "household": "", "residence_type": "overseas",
            "id_type": "passport", "id_number": "YA1234567", "gender": "", "birth_date": "1992-02-30",
            "ethnicity": "", "relation_to_head": "", "phone": "", "focus_groups-TOTAL_FORMS": "0",
            "focus_groups-INITIAL_FORMS": "0"}
    r = client.post("/admin/people/resident/add/", data)
    assert r.status_code == 200 and "Maria Rossi" in r.content.decode()  # an impossible date, kept input
    assert not Resident.objects.filter(name="Maria Rossi").exists()
    r = client.post("/admin/people/resident/add/", {**data, "birth_date": "1992-02-28", "gender": "female"})
    assert r.status_code == 302
    maria = Resident.objects.get(name="Maria Rossi")
    assert (maria.id_type, maria.gender, str(maria.birth_date)) == ("passport", "female", "1992-02-28")
    assert get_pii(maria, "id_number") == "YA1234567" and maria.id_number_masked.endswith("4567")
    r = client.post("/admin/people/resident/add/", {**data, "name": "Maria Rossi 2", "birth_date": ""})
    assert r.status_code == 200 and "该证件号码已登记为在册居民" in r.content.decode()
    api = client.get(f"/api/v1/residents/{maria.pk}/").json()
    assert api["id_type"] == "passport" and "YA1234567" not in str(api)


def test_roles_are_granted_and_revoked_through_the_services_with_an_audit_row(world, client):
    from gridgov.accounts.models import Membership, Role
    from gridgov.core.models import AuditLog
    from tests.conftest import make_user

    newbie = make_user("newbie")
    client.force_login(world.admin)
    role = Role.objects.get(code="grid_worker")
    r = client.post("/admin/accounts/membership/add/", {"user": newbie.pk, "role": role.pk,
                                                        "region": world.grid_a_west.pk, "unit": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    m = Membership.objects.get(user=newbie)
    grant = AuditLog.objects.get(action="membership.grant", object_id=str(m.pk))
    assert grant.actor == world.admin and grant.detail["role"] == "grid_worker"
    # no editing in place, no deleting: revoke instead
    assert client.post(f"/admin/accounts/membership/{m.pk}/change/", {"user": newbie.pk, "role": role.pk,
                       "region": world.district.pk}).status_code == 403
    assert client.get(f"/admin/accounts/membership/{m.pk}/delete/").status_code == 403
    r = client.post("/admin/accounts/membership/", {"action": "revoke", "_selected_action": [m.pk]})
    assert r.status_code == 302
    m.refresh_from_db()
    assert not m.is_active and AuditLog.objects.filter(action="membership.revoke", actor=world.admin).count() == 1
    assert Membership.objects.filter(pk=m.pk).exists()


def test_account_edits_in_the_admin_are_audited_and_accounts_are_not_deleted(world, client):
    from gridgov.core.models import AuditLog

    client.force_login(world.admin)
    u = world.user_a
    page = client.get(f"/admin/accounts/user/{u.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update({"username": u.username, "display_name": "甲街道调度员", "is_active": "on", "is_staff": "on",
                 "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00", "last_login_0": "",
                 "last_login_1": "", "locked_until_0": "", "locked_until_1": "",
                 "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    data.pop("password", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    data.pop("locked_until", None)
    r = client.post(f"/admin/accounts/user/{u.pk}/change/", data)
    assert r.status_code == 302, [str(e) for e in r.context["errors"]] if r.context else r.status_code
    row = AuditLog.objects.get(action="user.update", object_id=str(u.pk))
    assert "display_name" in row.detail["changed"] and row.actor == world.admin
    assert client.get(f"/admin/accounts/user/{u.pk}/delete/").status_code == 403


def test_building_and_organisation_edits_go_through_services_audited(world, client):
    from gridgov.core.models import AuditLog
    from gridgov.core.pii import get_pii
    from gridgov.people.models import Building, Organisation
    from gridgov.people.services import building_create, organisation_create

    b1 = building_create(actor=None, grid=world.grid_a_west, name="甲一1栋")
    building_create(actor=None, grid=world.grid_a_west, name="甲一2栋")
    org = organisation_create(actor=None, grid=world.grid_a_west, name="老王面馆", kind="shop", phone="13700001111")
    client.force_login(world.admin)
    base = {"grid": world.grid_a_west.pk, "microgrid": "", "number": b1.number, "name": "甲一1栋", "address": "甲路1号",
            "use": "residential", "floors": "6", "lon": "", "lat": ""}
    r = client.post(f"/admin/people/building/{b1.pk}/change/", {**base, "number": "2"})  # 00002 is taken
    assert r.status_code == 200 and "编号已被使用" in r.content.decode()
    assert Building.objects.get(pk=b1.pk).address == ""
    r = client.post(f"/admin/people/building/{b1.pk}/change/", {**base, "grid": world.grid_b.pk})
    assert r.status_code == 302
    b1.refresh_from_db()
    assert b1.grid == world.grid_a_west and b1.address == "甲路1号" and b1.floors == 6  # the grid field is fixed
    row = AuditLog.objects.get(action="building.update")
    assert row.detail["changed"]["address"] == ["", "甲路1号"] and row.actor == world.admin

    data = {"name": "老王面馆(新店)", "kind": "shop", "uscc": "", "grid": world.grid_a_west.pk, "address": "",
            "legal_representative": "王五", "employees": "3", "phone": "13700002222", "is_active": "on"}
    r = client.post(f"/admin/people/organisation/{org.pk}/change/", {**data, "uscc": "123"})
    assert r.status_code == 200 and "统一社会信用代码" in r.content.decode()
    r = client.post(f"/admin/people/organisation/{org.pk}/change/", data)
    assert r.status_code == 302
    org = Organisation.objects.get(pk=org.pk)
    assert org.name == "老王面馆(新店)" and get_pii(org, "phone") == "13700002222"  # the phone is no longer lost
    row = AuditLog.objects.get(action="organisation.update")
    assert row.detail["changed"]["phone_enc"] == ["…", "…"] and "13700002222" not in str(row.detail)
    r = client.post(f"/admin/people/organisation/{org.pk}/change/", {**data, "phone": ""})  # empty: kept
    assert get_pii(Organisation.objects.get(pk=org.pk), "phone") == "13700002222"


def test_org_units_and_organisations_are_switched_off_not_deleted(world, client):
    from gridgov.orgs.models import UnitKind
    from gridgov.orgs.services import org_unit_create
    from gridgov.people.services import organisation_create

    unit = org_unit_create(actor=None, code="GC-X", name="某中心", kind=UnitKind.GOVERNANCE_CENTER, region=world.comm_a)
    org = organisation_create(actor=None, grid=world.grid_a_west, name="某店", kind="shop")
    client.force_login(world.admin)
    assert client.get(f"/admin/orgs/orgunit/{unit.pk}/delete/").status_code == 403
    assert client.get(f"/admin/people/organisation/{org.pk}/delete/").status_code == 403
