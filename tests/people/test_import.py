"""Excel imports: a dry run and a dirty file list every bad row (row, column, reason) and import nothing;
a clean file imports in one go."""

import io

import pytest
from openpyxl import Workbook

from gridgov.core.models import AuditLog
from gridgov.people.importers import RESIDENT_COLUMNS, import_buildings, import_residents
from gridgov.people.models import Building, FocusGroupMembership, Household, Resident
from tests.conftest import ID_A1, fix_id


def xlsx(header, rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def resident_row(world, **over):
    row = dict(zip(RESIDENT_COLUMNS, [world.grid_a_west.code, "1", "甲一1栋", "1", "101", "赵六",
                                      fix_id("11010519800101003"), "13600136000", "户籍人口", "汉族", "户主",
                                      "独居老人"], strict=True))
    row.update(over)
    return [row[c] for c in RESIDENT_COLUMNS]


def test_dirty_file_lists_every_error_and_imports_nothing(world):
    before = (Resident.objects.count(), Building.objects.count(), Household.objects.count())
    rows = [
        resident_row(world),  # row 2: fine
        resident_row(world, 姓名="", 身份证号="110105198001010031"),  # row 3: name missing, bad check digit
        resident_row(world, 网格编码="990102999999001", 身份证号=fix_id("11010519800101005")),  # row 4
        resident_row(world, 身份证号=ID_A1),  # row 5: already registered
        resident_row(world, 手机号="12345", 重点人群="火星人", 身份证号=fix_id("11010519800101007")),  # row 6
        resident_row(world, 网格编码=world.grid_b.code, 楼栋编号="7", 楼栋名称="",
                     身份证号=fix_id("11010519800101009")),  # row 7: new building without a name
        resident_row(world, 身份证号=fix_id("11010519800101003").lower()),  # row 8: duplicate of row 2
        resident_row(world, 楼栋编号="abc", 人口类型="外星人口", 身份证号=fix_id("11010519800101011")),  # row 9
    ]
    result = import_residents(xlsx(RESIDENT_COLUMNS, rows), actor=world.admin, dry_run=False)
    got = {(e.row, e.column) for e in result.errors}
    assert got == {
        (3, "姓名"), (3, "身份证号"),
        (4, "网格编码"),
        (5, "身份证号"),
        (6, "手机号"), (6, "重点人群"),
        (7, "楼栋名称"),
        (8, "身份证号"),
        (9, "楼栋编号"), (9, "人口类型"),
    }
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert reasons[(3, "身份证号")] == "身份证号校验位不正确"
    assert "不存在" in reasons[(4, "网格编码")]
    assert "已登记" in reasons[(5, "身份证号")]
    assert "第2行" in reasons[(8, "身份证号")]
    assert "未导入任何数据" in result.summary()
    assert (Resident.objects.count(), Building.objects.count(), Household.objects.count()) == before
    assert not AuditLog.objects.filter(action="import.residents").exists()


def test_dry_run_of_a_clean_file_writes_nothing(world):
    result = import_residents(xlsx(RESIDENT_COLUMNS, [resident_row(world)]), actor=world.admin, dry_run=True)
    assert result.ok and result.rows == 1 and "试导入" in result.summary()
    assert not Building.objects.exists()


def test_clean_file_imports_buildings_households_residents_focus_groups(world):
    rows = [resident_row(world),
            resident_row(world, 姓名="赵七", 身份证号=fix_id("11010520100101002"), 与户主关系="子女", 重点人群="",
                         手机号="")]
    result = import_residents(xlsx(RESIDENT_COLUMNS, rows), actor=world.admin, dry_run=False)
    assert result.ok, result.errors
    assert result.created == {"居民": 2, "新楼栋": 1}
    b = Building.objects.get()
    assert b.number == "00001" and b.name == "甲一1栋" and b.grid == world.grid_a_west
    hh = Household.objects.get()
    assert hh.residents.count() == 2
    zhao = Resident.objects.get(name="赵六")
    assert zhao.phone_masked.endswith("6000")
    assert list(FocusGroupMembership.objects.filter(resident=zhao).values_list("group", flat=True)) == [
        "living_alone_elderly"]
    assert AuditLog.objects.filter(action="import.residents", actor=world.admin).count() == 1


def test_import_refuses_grids_outside_the_jurisdiction(world):
    row = resident_row(world, 网格编码=world.grid_b.code)
    result = import_residents(xlsx(RESIDENT_COLUMNS, [row]), actor=world.worker_a, dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [(2, "网格编码")]
    assert "管辖范围" in result.errors[0].reason


@pytest.mark.parametrize("content,reason", [
    (b"not an excel file", "xlsx"),
    (None, "缺少必需的列"),
])
def test_unreadable_or_wrong_sheets(world, content, reason):
    f = io.BytesIO(content) if content else xlsx(["姓名"], [["x"]])
    result = import_residents(f, actor=world.admin, dry_run=False)
    assert not result.ok and reason in result.errors[0].reason
    assert Resident.objects.count() == 3


def test_building_import(world):
    header = ["网格编码", "楼栋编号", "楼栋名称", "地址", "用途", "层数", "经度", "纬度", "坐标系"]
    rows = [
        [world.grid_a_west.code, 1, "一栋", "甲路1号", "住宅", 6, 120.005, 30.01, "wgs84"],
        [world.grid_a_west.code, 1, "重复", "", "", "", "", "", ""],
        [world.grid_a_west.code, 2, "二栋", "", "宫殿", 500, 120.005, 95, ""],
    ]
    result = import_buildings(xlsx(header, rows), actor=world.admin, dry_run=False)
    assert {(e.row, e.column) for e in result.errors} == {(3, "楼栋编号"), (4, "用途"), (4, "层数"), (4, "经度")}
    assert not Building.objects.exists()
    result = import_buildings(xlsx(header, [rows[0]]), actor=world.admin, dry_run=False)
    assert result.ok and Building.objects.get().floors == 6
