"""The case world: centers at every level, departments with handlers, a leader, an emergency unit."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from gridgov.accounts.services import membership_grant
from gridgov.cases.models import Category
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from tests.conftest import make_user


def jpeg(color=(200, 80, 40), exif_gps=True) -> bytes:
    img = Image.new("RGB", (64, 48), color)
    buf = io.BytesIO()
    exif = Image.Exif()
    if exif_gps:
        exif[0x010F] = "TestCam"  # Make
        exif[0x8825] = {1: "N", 2: (30.0, 1.0, 2.0), 3: "E", 4: (120.0, 0.0, 30.0)}  # GPS IFD
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def photo(name="p.jpg", **kw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, jpeg(**kw), content_type="image/jpeg")


@dataclass
class CaseWorld:
    w: object
    gc_district: object
    gc_town_a: object
    gc_town_b: object
    gc_comm_a: object
    cg: object
    zj: object
    eu: object
    dispatcher: object  # community A center
    town_dispatcher: object
    district_dispatcher: object
    leader: object
    handler_cg: object
    handler_zj: object
    garbage: object  # a category: 暴露垃圾
    fire: object  # a safety category: 火情


@pytest.fixture
def cw(world) -> CaseWorld:
    w = world
    gd = org_unit_create(actor=None, code="GC-D", name="区综治中心", kind=UnitKind.GOVERNANCE_CENTER, region=w.district)
    gta = org_unit_create(actor=None, code="GC-TA", name="甲街道综治中心", kind=UnitKind.GOVERNANCE_CENTER,
                          region=w.town_a)
    gtb = org_unit_create(actor=None, code="GC-TB", name="乙街道综治中心", kind=UnitKind.GOVERNANCE_CENTER,
                          region=w.town_b)
    gca = org_unit_create(actor=None, code="GC-CA", name="甲一社区综治中心", kind=UnitKind.GOVERNANCE_CENTER,
                          region=w.comm_a)
    cg = org_unit_create(actor=None, code="DEPT-CG", name="区城管局", kind=UnitKind.DEPARTMENT,
                         department_type="urban_management", region=w.district)
    zj = org_unit_create(actor=None, code="DEPT-ZJ", name="区住建局", kind=UnitKind.DEPARTMENT,
                         department_type="housing", region=w.district)
    eu = org_unit_create(actor=None, code="EU-A", name="甲一应急单元", kind=UnitKind.EMERGENCY_UNIT, region=w.comm_a,
                         lon=120.006, lat=30.01)
    dispatcher = make_user("disp_ca", is_staff=True)
    membership_grant(actor=None, user=dispatcher, role_code="center_dispatcher", region=w.comm_a, unit=gca)
    town_dispatcher = make_user("disp_ta", is_staff=True)
    membership_grant(actor=None, user=town_dispatcher, role_code="center_dispatcher", region=w.town_a, unit=gta)
    district_dispatcher = make_user("disp_d", is_staff=True)
    membership_grant(actor=None, user=district_dispatcher, role_code="center_dispatcher", region=w.district, unit=gd)
    leader = make_user("leader_d", is_staff=True)
    membership_grant(actor=None, user=leader, role_code="center_leader", region=w.district, unit=gd)
    handler_cg = make_user("handler_cg", is_staff=True)
    membership_grant(actor=None, user=handler_cg, role_code="department_handler", region=w.district, unit=cg)
    handler_zj = make_user("handler_zj", is_staff=True)
    membership_grant(actor=None, user=handler_zj, role_code="department_handler", region=w.district, unit=zj)
    membership_grant(actor=None, user=w.resident_user, role_code="resident", region=w.grid_a_west)
    return CaseWorld(w, gd, gta, gtb, gca, cg, zj, eu, dispatcher, town_dispatcher, district_dispatcher, leader,
                     handler_cg, handler_zj, Category.objects.get(code="1101"), Category.objects.get(code="1404"))


def report(cw, **kw):
    from gridgov.cases.services import case_report

    values = dict(actor=cw.w.resident_user, channel="resident_app", description="小区门口堆了很多垃圾,好几天没人清理",
                  category="1101", lon=120.005, lat=30.01, photos=[photo()])
    values.update(kw)
    case, _ = case_report(**values)
    return case
