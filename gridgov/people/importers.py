"""Excel imports of buildings and residents. Every row is checked first; a dry run, or a file with any
bad row, writes nothing and lists each problem as (row, column, reason). A clean file is written in one
transaction, so a crash half-way leaves nothing half-imported."""

from __future__ import annotations

import re

from django.db import transaction

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.coords import parse_crs, to_wgs84, validate_lonlat
from gridgov.core.errors import ApplicationError
from gridgov.core.identity import IdType, id_hash_kind
from gridgov.core.models import audit
from gridgov.core.pii import lookup_hash, lookup_hashes, set_pii
from gridgov.core.xlsx import ImportResult, RowError, SheetError, read_rows
from gridgov.people.models import (
    Building,
    BuildingUse,
    FocusGroup,
    FocusGroupMembership,
    Gender,
    ResidenceType,
    Resident,
)
from gridgov.people.services import household_get_or_create, id_number_label, validate_resident_values
from gridgov.regions.models import Level, Region

RESIDENT_COLUMNS = ["网格编码", "楼栋编号", "楼栋名称", "单元", "房号", "姓名", "证件类型", "证件号码", "手机号",
                    "人口类型", "民族", "与户主关系", "重点人群", "性别", "出生日期"]
RESIDENT_REQUIRED = ["网格编码", "楼栋编号", "房号", "姓名", "证件号码"]
# Earlier templates had one column 身份证号 where 证件类型 + 证件号码 are now; they are still read.
OLD_ID_COLUMN = "身份证号"
BUILDING_COLUMNS = ["网格编码", "楼栋编号", "楼栋名称", "地址", "用途", "层数", "经度", "纬度", "坐标系"]
BUILDING_REQUIRED = ["网格编码", "楼栋编号", "楼栋名称"]

_FIELD_COLUMN = {"name": "姓名", "id_number": "证件号码", "id_type": "证件类型", "phone": "手机号",
                 "residence_type": "人口类型", "gender": "性别", "birth_date": "出生日期"}
_ID_TYPE_BY_LABEL = {str(label): value for value, label in IdType.choices}
_GENDER_BY_LABEL = {str(label): value for value, label in Gender.choices}
_RESIDENCE_BY_LABEL = {str(label): value for value, label in ResidenceType.choices}
_FOCUS_BY_LABEL = {str(label): value for value, label in FocusGroup.choices}
_USE_BY_LABEL = {str(label): value for value, label in BuildingUse.choices}


class _Grids:
    """Grid lookups by code, limited to what the actor may edit."""

    def __init__(self, actor, perm: str):
        self.j = jurisdiction_of(actor) if actor is not None else None
        self.perm = perm
        self.cache: dict[str, Region | None] = {}

    def get(self, code: str) -> tuple[Region | None, str | None]:
        if code not in self.cache:
            self.cache[code] = Region.objects.filter(code=code, level=Level.GRID).first()
        grid = self.cache[code]
        if grid is None:
            return None, f"网格编码 {code} 不存在"
        if not grid.is_active:
            return None, f"网格「{grid.name}」已停用"
        if self.j is not None and not self.j.covers(self.perm, grid.path):
            return None, f"网格「{grid.name}」不在您的管辖范围内"
        return grid, None


def _read(file, columns, required, result: ImportResult) -> list[tuple[int, dict]]:
    try:
        rows = read_rows(file, columns, required)
    except SheetError as exc:
        result.errors.append(RowError(1, "文件", str(exc)))
        return []
    result.rows = len(rows)
    if not rows:
        result.errors.append(RowError(2, "文件", "没有数据行"))
    return rows


def _number(value: str) -> str | None:
    return value.zfill(5) if value.isdigit() and 1 <= int(value) <= 99999 else None


def import_buildings(file, *, actor=None, dry_run: bool = True, progress=None, on_written=None) -> ImportResult:
    """`progress(done, total)` is told how far the check has come; `on_written(result)` runs inside the transaction
    that writes the rows (a background job saves its result there)."""
    result = ImportResult(dry_run=dry_run)
    rows = _read(file, BUILDING_COLUMNS, BUILDING_REQUIRED, result)
    grids = _Grids(actor, "people:building:edit")
    seen: dict[tuple[str, str], int] = {}
    clean = []
    for i, (n, r) in enumerate(rows, start=1):
        if progress and i % 100 == 0:
            progress(i, len(rows))
        errs = []
        for c in BUILDING_REQUIRED:
            if not r.get(c):
                errs.append(RowError(n, c, "必填"))
        grid, problem = grids.get(r.get("网格编码", "")) if r.get("网格编码") else (None, None)
        if problem:
            errs.append(RowError(n, "网格编码", problem))
        number = _number(r.get("楼栋编号", ""))
        if r.get("楼栋编号") and number is None:
            errs.append(RowError(n, "楼栋编号", "应为1–99999的数字"))
        use = r.get("用途") or str(BuildingUse.RESIDENTIAL.label)
        if use not in _USE_BY_LABEL and use not in BuildingUse.values:
            errs.append(RowError(n, "用途", f"应为{'/'.join(_USE_BY_LABEL)}之一"))
        floors = r.get("层数") or ""
        if floors and not (floors.isdigit() and 0 < int(floors) < 300):
            errs.append(RowError(n, "层数", "应为1–299的整数"))
        lon = lat = None
        if r.get("经度") or r.get("纬度"):
            try:
                lon, lat = validate_lonlat(r.get("经度"), r.get("纬度"))
                lon, lat = to_wgs84(lon, lat, parse_crs(r.get("坐标系") or "wgs84"))
            except ValueError as exc:
                errs.append(RowError(n, "经度", str(exc)))
        if grid and number:
            key = (grid.code, number)
            if key in seen:
                errs.append(RowError(n, "楼栋编号", f"与第{seen[key]}行重复"))
            elif Building.objects.filter(grid=grid, number=number).exists():
                errs.append(RowError(n, "楼栋编号", f"网格「{grid.name}」已有编号 {number} 的楼栋"))
            seen[key] = n
        if errs:
            result.errors.extend(errs)
            continue
        clean.append(dict(grid=grid, number=number, name=r["楼栋名称"], address=r.get("地址", ""),
                          use=_USE_BY_LABEL.get(use, use), floors=int(floors) if floors else None, lon=lon, lat=lat))
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        Building.objects.bulk_create([Building(**c) for c in clean])
        result.created = {"楼栋": len(clean)}
        _audit_import(actor, "import.buildings", result)
        if on_written:
            on_written(result)
    return result


def _read_residents(file, result: ImportResult) -> list[tuple[int, dict]]:
    """The rows of a resident sheet; a sheet from the earlier template (身份证号, no 证件类型) reads as 身份证."""
    required = [c for c in RESIDENT_REQUIRED if c != "证件号码"]
    rows = _read(file, [*RESIDENT_COLUMNS, OLD_ID_COLUMN], required, result)
    if rows and "证件号码" not in rows[0][1] and OLD_ID_COLUMN not in rows[0][1]:
        result.errors.append(RowError(1, "文件", "缺少必需的列:证件号码(第1行须为列名)"))
        return []
    for _, r in rows:
        if OLD_ID_COLUMN in r:
            r.setdefault("证件号码", r.pop(OLD_ID_COLUMN))
    return rows


def import_residents(file, *, actor=None, dry_run: bool = True, progress=None, on_written=None) -> ImportResult:
    result = ImportResult(dry_run=dry_run)
    rows = _read_residents(file, result)
    grids = _Grids(actor, "people:resident:edit")
    seen_ids: dict[str, int] = {}
    new_buildings: dict[tuple[str, str], str] = {}
    clean = []
    for i, (n, r) in enumerate(rows, start=1):
        if progress and i % 100 == 0:
            progress(i, len(rows))
        errs = [RowError(n, c, "必填") for c in RESIDENT_REQUIRED if not r.get(c)]
        grid, problem = grids.get(r["网格编码"]) if r.get("网格编码") else (None, None)
        if problem:
            errs.append(RowError(n, "网格编码", problem))
        number = _number(r.get("楼栋编号", ""))
        if r.get("楼栋编号") and number is None:
            errs.append(RowError(n, "楼栋编号", "应为1–99999的数字"))
        rt_label = r.get("人口类型") or str(ResidenceType.REGISTERED.label)
        residence_type = _RESIDENCE_BY_LABEL.get(rt_label, rt_label)
        values = {}
        id_type = _ID_TYPE_BY_LABEL.get(r.get("证件类型", ""), r.get("证件类型", ""))
        try:
            values = validate_resident_values(
                name=r.get("姓名", ""), id_number=r.get("证件号码", ""), phone=r.get("手机号", ""),
                residence_type=residence_type, id_type=id_type,
                gender=_GENDER_BY_LABEL.get(r.get("性别", ""), r.get("性别", "")), birth_date=r.get("出生日期") or None)
        except ApplicationError as exc:
            for f, reason in exc.fields.items():
                if f == "name" and not r.get("姓名"):
                    continue  # already reported as 必填
                if f == "id_number" and not r.get("证件号码"):
                    continue
                errs.append(RowError(n, _FIELD_COLUMN.get(f, f), reason))
        focus = [x for x in re.split(r"[、,,;;\s]+", r.get("重点人群", "")) if x]
        bad_focus = [x for x in focus if x not in _FOCUS_BY_LABEL and x not in FocusGroup.values]
        if bad_focus:
            errs.append(RowError(n, "重点人群", f"未知类别 {'、'.join(bad_focus)};可选:{'、'.join(_FOCUS_BY_LABEL)}"))
        if values.get("id_number"):
            kind = id_hash_kind(values["id_type"])
            h = lookup_hash(kind, values["id_number"])
            if h in seen_ids:
                errs.append(RowError(n, "证件号码", f"与第{seen_ids[h]}行重复"))
            elif Resident.objects.filter(id_number_hash__in=lookup_hashes(kind, values["id_number"]),
                                         is_active=True).exists():
                errs.append(RowError(n, "证件号码", f"该{id_number_label(values['id_type'])}已登记为在册居民"))
            seen_ids[h] = n
        if grid and number and not Building.objects.filter(grid=grid, number=number).exists():
            key = (grid.code, number)
            if not r.get("楼栋名称") and key not in new_buildings:
                errs.append(RowError(n, "楼栋名称", f"楼栋 {number} 尚未登记,新楼栋须填写楼栋名称"))
            new_buildings.setdefault(key, r.get("楼栋名称", ""))
        if errs:
            result.errors.extend(errs)
            continue
        values.update(grid=grid, number=number, unit=r.get("单元", ""), room=r["房号"],
                      ethnicity=r.get("民族", ""), relation=r.get("与户主关系", ""),
                      focus=[_FOCUS_BY_LABEL.get(x, x) for x in focus])
        clean.append(values)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        buildings: dict[tuple[str, str], Building] = {}
        created_buildings = 0
        for c in clean:
            key = (c["grid"].code, c["number"])
            if key not in buildings:
                b = Building.objects.filter(grid=c["grid"], number=c["number"]).first()
                if b is None:
                    b = Building.objects.create(grid=c["grid"], number=c["number"], name=new_buildings[key])
                    created_buildings += 1
                buildings[key] = b
            household = household_get_or_create(building=buildings[key], unit_number=c["unit"], room=c["room"])
            resident = Resident(name=c["name"], gender=c["gender"], birth_date=c["birth_date"], id_type=c["id_type"],
                                residence_type=c["residence_type"], household=household, grid=c["grid"],
                                ethnicity=c["ethnicity"], relation_to_head=c["relation"])
            set_pii(resident, "id_number", id_hash_kind(c["id_type"]), c["id_number"])
            set_pii(resident, "phone", "phone", c["phone"])
            resident.save()
            FocusGroupMembership.objects.bulk_create(
                [FocusGroupMembership(resident=resident, group=g) for g in dict.fromkeys(c["focus"])]
            )
        result.created = {"居民": len(clean), "新楼栋": created_buildings}
        _audit_import(actor, "import.residents", result)
        if on_written:
            on_written(result)
    return result


def _audit_import(actor, action: str, result: ImportResult) -> None:
    audit(actor=actor, action=action, object_type="import", object_id=action, object_repr=result.summary(),
          detail={"rows": result.rows, "created": result.created})
