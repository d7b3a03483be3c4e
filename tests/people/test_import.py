"""Excel imports: a dry run and a dirty file list every bad row (row, column, reason) and import nothing;
a clean file imports in one go."""

import io

import pytest
from openpyxl import Workbook

from gridgov.core import pii
from gridgov.core.models import AuditLog
from gridgov.people.importers import RESIDENT_COLUMNS, import_buildings, import_residents
from gridgov.people.models import Building, FocusGroupMembership, Household, Resident
from gridgov.people.selectors import resident_list
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
    row = dict(zip(RESIDENT_COLUMNS, [world.grid_a_west.code, "1", "甲一1栋", "1", "101", "赵六", "居民身份证",
                                      fix_id("11010519800101003"), "13600136000", "户籍人口", "汉族", "户主",
                                      "独居老人", "", ""], strict=True))
    row.update(over)
    return [row[c] for c in RESIDENT_COLUMNS]


def test_dirty_file_lists_every_error_and_imports_nothing(world):
    before = (Resident.objects.count(), Building.objects.count(), Household.objects.count())
    rows = [
        resident_row(world),  # row 2: fine
        resident_row(world, 姓名="", 证件号码="110105198001010031"),  # row 3: name missing, bad check digit
        resident_row(world, 网格编码="990102999999001", 证件号码=fix_id("11010519800101005")),  # row 4
        resident_row(world, 证件号码=ID_A1),  # row 5: already registered
        resident_row(world, 手机号="12345", 重点人群="火星人", 证件号码=fix_id("11010519800101007")),  # row 6
        resident_row(world, 网格编码=world.grid_b.code, 楼栋编号="7", 楼栋名称="",
                     证件号码=fix_id("11010519800101009")),  # row 7: new building without a name
        resident_row(world, 证件号码=fix_id("11010519800101003").lower()),  # row 8: duplicate of row 2
        resident_row(world, 楼栋编号="abc", 人口类型="外星人口", 证件号码=fix_id("11010519800101011")),  # row 9
    ]
    result = import_residents(xlsx(RESIDENT_COLUMNS, rows), actor=world.admin, dry_run=False)
    got = {(e.row, e.column) for e in result.errors}
    assert got == {
        (3, "姓名"), (3, "证件号码"),
        (4, "网格编码"),
        (5, "证件号码"),
        (6, "手机号"), (6, "重点人群"),
        (7, "楼栋名称"),
        (8, "证件号码"),
        (9, "楼栋编号"), (9, "人口类型"),
    }
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert reasons[(3, "证件号码")] == "身份证号校验位不正确"
    assert "不存在" in reasons[(4, "网格编码")]
    assert "已登记" in reasons[(5, "证件号码")]
    assert "第2行" in reasons[(8, "证件号码")]
    assert "未导入任何数据" in result.summary()
    assert (Resident.objects.count(), Building.objects.count(), Household.objects.count()) == before
    assert not AuditLog.objects.filter(action="import.residents").exists()


def test_dry_run_of_a_clean_file_writes_nothing(world):
    result = import_residents(xlsx(RESIDENT_COLUMNS, [resident_row(world)]), actor=world.admin, dry_run=True)
    assert result.ok and result.rows == 1 and "试导入" in result.summary()
    assert not Building.objects.exists()


def test_clean_file_imports_buildings_households_residents_focus_groups(world):
    rows = [resident_row(world),
            resident_row(world, 姓名="赵七", 证件号码=fix_id("11010520100101002"), 与户主关系="子女", 重点人群="",
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


def test_people_from_hong_kong_macao_taiwan_and_abroad_are_imported_with_their_documents(world):
    rows = [
        resident_row(world, 姓名="John Smith", 证件类型="护照", 证件号码="p1234 5678", 人口类型="境外人员", 性别="男",
                     出生日期="1985-04-02", 手机号="", 重点人群="", 与户主关系=""),
        resident_row(world, 姓名="陈大文", 证件类型="港澳居民来往内地通行证", 证件号码="H12345678", 人口类型="流动人口",
                     手机号="", 重点人群="", 与户主关系=""),
        resident_row(world, 姓名="林小明", 证件类型="台湾居民来往大陆通行证", 证件号码="12345678", 手机号="",
                     重点人群="", 与户主关系=""),
        resident_row(world, 姓名="Hans Muster", 证件类型="护照", 证件号码="12345678", 人口类型="境外人员", 手机号="",
                     重点人群="", 与户主关系=""),  # the same digits as 林小明's permit: another document
    ]
    result = import_residents(xlsx(RESIDENT_COLUMNS, rows), actor=world.admin, dry_run=False)
    assert result.ok, result.errors
    john = Resident.objects.get(name="John Smith")
    assert (john.id_type, john.gender, str(john.birth_date), john.residence_type) == (
        "passport", "male", "1985-04-02", "overseas")
    assert pii.get_pii(john, "id_number") == "P12345678"
    assert Resident.objects.get(name="陈大文").id_type == "hk_macao_permit"
    # found by the number alone, whatever the document
    assert {r.name for r in resident_list(actor=world.admin, filters={"q": "12345678"})} == {"林小明", "Hans Muster"}
    assert [r.name for r in resident_list(actor=world.admin, filters={"id_number": "P12345678"})] == ["John Smith"]
    # the same document again is refused; bad numbers are named per document
    again = import_residents(xlsx(RESIDENT_COLUMNS, [
        resident_row(world, 姓名="某人", 证件类型="护照", 证件号码="P12345678"),
        resident_row(world, 姓名="某人", 证件类型="港澳居民来往内地通行证", 证件号码="X123"),
        resident_row(world, 姓名="某人", 证件类型="驾驶证", 证件号码="123456"),
        resident_row(world, 姓名="某人", 证件类型="护照", 证件号码="E99999999", 出生日期="2099-01-01"),
    ]), actor=world.admin, dry_run=True)
    reasons = {(e.row, e.column): e.reason for e in again.errors}
    assert reasons[(2, "证件号码")] == "该证件号码已登记为在册居民"
    assert "H或M" in reasons[(3, "证件号码")]
    assert "证件类型应为" in reasons[(4, "证件类型")]
    assert "晚于今天" in reasons[(5, "出生日期")]


def test_a_sheet_from_the_earlier_template_still_imports(world):
    old_columns = [c for c in RESIDENT_COLUMNS if c not in ("证件类型", "性别", "出生日期")]
    old_columns[old_columns.index("证件号码")] = "身份证号"
    row = resident_row(world)
    values = dict(zip(RESIDENT_COLUMNS, row, strict=True))
    values["身份证号"] = values.pop("证件号码")
    result = import_residents(xlsx(old_columns, [[values[c] for c in old_columns]]), actor=world.admin,
                              dry_run=False)
    assert result.ok, result.errors
    zhao = Resident.objects.get(name="赵六")
    assert zhao.id_type == "resident_id" and zhao.birth_date is not None and zhao.gender == "male"
    missing = import_residents(xlsx([c for c in old_columns if c != "身份证号"], [[values[c] for c in old_columns
                                                                              if c != "身份证号"]]),
                               actor=world.admin, dry_run=True)
    assert [(e.row, e.reason) for e in missing.errors] == [(1, "缺少必需的列:证件号码(第1行须为列名)")]
