"""Resident, building and organisation services: validation in Chinese, one record per identity number,
jurisdiction checks, history kept."""

import pytest

from gridgov.core.errors import ApplicationError
from gridgov.core.models import AuditLog
from gridgov.people.models import Resident
from gridgov.people.services import (
    building_create,
    organisation_create,
    resident_create,
    resident_move_out,
    resident_update,
)
from tests.conftest import ID_A1, fix_id


def test_create_derives_birth_and_gender(world):
    r = resident_create(actor=world.worker_a, grid=world.grid_a_west, name=" 钱八 ",
                        id_number=fix_id("44010619950505002"), focus_groups=["disabled"])
    assert r.name == "钱八" and str(r.birth_date) == "1995-05-05" and r.gender == "female"
    assert AuditLog.objects.filter(action="resident.create", actor=world.worker_a).count() == 1


def test_create_refusals(world):
    with pytest.raises(ApplicationError) as exc:
        resident_create(actor=None, grid=world.grid_a_west, name="", id_number="123", phone="1")
    assert set(exc.value.fields) == {"name", "id_number", "phone"}
    with pytest.raises(ApplicationError, match="已登记"):
        resident_create(actor=None, grid=world.grid_a_west, name="冒名", id_number=ID_A1)
    with pytest.raises(ApplicationError, match="网格"):
        resident_create(actor=None, grid=world.comm_a, name="x", id_number=fix_id("44010619950505004"))
    with pytest.raises(ApplicationError) as exc:
        resident_create(actor=world.worker_a, grid=world.grid_b, name="越界", id_number=fix_id("44010619950505006"))
    assert exc.value.status == 403
    with pytest.raises(ApplicationError, match="重点人群"):
        resident_create(actor=None, grid=world.grid_a_west, name="x", id_number=fix_id("44010619950505008"),
                        focus_groups=["vip"])
    assert Resident.objects.count() == 3


def test_move_out_keeps_the_record_and_frees_the_number(world):
    resident_move_out(actor=world.worker_a, resident=world.res_a1, reason="搬迁")
    r = Resident.objects.get(pk=world.res_a1.pk)
    assert not r.is_active and r.moved_out_at is not None
    with pytest.raises(ApplicationError, match="已迁出"):
        resident_move_out(actor=world.worker_a, resident=r, reason="再次")
    again = resident_create(actor=None, grid=world.grid_a_east, name="张三", id_number=ID_A1)
    assert again.pk != r.pk


def test_update_phone_and_name(world):
    r = resident_update(actor=world.worker_a, resident=world.res_a1, name="张叁", phone="13511112222")
    assert r.name == "张叁" and r.phone_masked.endswith("2222")
    with pytest.raises(ApplicationError, match="11位"):
        resident_update(actor=world.worker_a, resident=world.res_a1, phone="999")
    assert AuditLog.objects.get(action="resident.update").detail == {"fields": ["name", "phone"]}


def test_building_numbers(world):
    b1 = building_create(actor=None, grid=world.grid_a_west, name="一栋")
    b2 = building_create(actor=None, grid=world.grid_a_west, name="二栋")
    assert (b1.number, b2.number) == ("00001", "00002")
    assert b1.code == world.grid_a_west.code + "00001"
    with pytest.raises(ApplicationError, match="已有编号"):
        building_create(actor=None, grid=world.grid_a_west, name="x", number="2")
    with pytest.raises(ApplicationError, match="1–99999"):
        building_create(actor=None, grid=world.grid_a_west, name="x", number="100000")
    b = building_create(actor=None, grid=world.grid_a_west, name="坐标楼", lon=120.005, lat=30.01, crs="gcj02")
    assert b.lon != 120.005  # converted to WGS-84


def test_organisation_uscc(world):
    o = organisation_create(actor=None, grid=world.grid_a_west, name="甲公司", kind="enterprise",
                            uscc="91110000600037341l")
    assert o.uscc == "91110000600037341L"
    with pytest.raises(ApplicationError, match="已登记"):
        organisation_create(actor=None, grid=world.grid_a_west, name="乙公司", kind="enterprise",
                            uscc="91110000600037341L")
    with pytest.raises(ApplicationError, match="校验位"):
        organisation_create(actor=None, grid=world.grid_a_west, name="丙公司", kind="enterprise",
                            uscc="91110000600037341M")
