"""Writes to base data under grids. Each is atomic and audited; personal data is encrypted on the way in."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gridgov.accounts.scoping import jurisdiction_of, require_perm
from gridgov.core.coords import to_wgs84, validate_lonlat
from gridgov.core.edits import update_fields
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.identity import IdType, id_hash_kind, parse_id_document, validate_mobile, validate_uscc
from gridgov.core.models import audit
from gridgov.core.pii import get_pii, lookup_hashes, mask, set_pii
from gridgov.core.timeutil import local_today, now
from gridgov.people.models import (
    Building,
    BuildingUnit,
    BuildingUse,
    FocusGroup,
    FocusGroupMembership,
    Gender,
    Household,
    Organisation,
    ResidenceType,
    Resident,
)
from gridgov.regions.models import Level, Region

GRID_LEVELS = (Level.GRID,)


def _require_grid(grid: Region | None) -> Region:
    if grid is None or grid.level != Level.GRID or not grid.is_active:
        raise ApplicationError("invalid_grid", "请选择一个启用中的网格", fields={"grid": "须为启用中的网格"})
    return grid


def _require_in_jurisdiction(actor, code: str, grid: Region) -> None:
    if actor is None:  # system jobs (import command, demo) act with no user
        return
    j = require_perm(actor, code)
    if not j.covers(code, grid.path):
        raise ApplicationError("out_of_jurisdiction", f"网格「{grid.name}」不在您的管辖范围内", status=403)


def id_number_label(id_type: str) -> str:
    return "身份证号" if not id_type or id_type == IdType.RESIDENT_ID else "证件号码"


def validate_resident_values(*, name: str, id_number: str, phone: str = "", residence_type: str = "",
                             id_type: str = "", gender: str = "", birth_date=None) -> dict:
    """Check what a resident record needs; returns cleaned values or raises with per-field Chinese reasons.
    Birth date and gender come from a 身份证号 (and the like); for a passport or travel permit they are given."""
    fields, clean = {}, {}
    clean["name"] = (name or "").strip()
    if not clean["name"]:
        fields["name"] = "姓名不能为空"
    elif len(clean["name"]) > 50:
        fields["name"] = "姓名不能超过50个字"
    clean["id_type"] = id_type or IdType.RESIDENT_ID
    if clean["id_type"] not in IdType.values:
        fields["id_type"] = f"证件类型应为以下之一:{'、'.join(str(label) for label in IdType.labels)}"
    else:
        try:
            doc = parse_id_document(clean["id_type"], id_number)
            clean.update(id_number=doc.number, birth_date=doc.birth_date, gender=doc.gender)
        except ValueError as exc:
            fields["id_number"] = str(exc)
    if clean.get("gender") is None:  # not carried by the document: as given
        clean["gender"] = gender or Gender.UNKNOWN
        if clean["gender"] not in Gender.values:
            fields["gender"] = "性别应为男、女或未说明"
    if clean.get("birth_date") is None and birth_date:
        if isinstance(birth_date, str):
            try:
                birth_date = dt.date.fromisoformat(birth_date.strip()[:10])
            except ValueError:
                birth_date = None
                fields["birth_date"] = "出生日期应为 YYYY-MM-DD"
        if birth_date is not None and birth_date > local_today():
            fields["birth_date"] = "出生日期不能晚于今天"
        clean["birth_date"] = birth_date
    clean["phone"] = ""
    if phone:
        try:
            clean["phone"] = validate_mobile(phone)
        except ValueError as exc:
            fields["phone"] = str(exc)
    clean["residence_type"] = residence_type or ResidenceType.REGISTERED
    if clean["residence_type"] not in ResidenceType.values:
        fields["residence_type"] = "人口类型应为户籍人口、流动人口或境外人员"
    if fields:
        raise ApplicationError("invalid", next(iter(fields.values())), fields=fields)
    return clean


@transaction.atomic
def resident_create(
    *, actor, grid: Region, name: str, id_number: str, phone: str = "", residence_type: str = "",
    household: Household | None = None, ethnicity: str = "", relation_to_head: str = "",
    focus_groups: list[str] | tuple[str, ...] = (), address: str = "", id_type: str = "", gender: str = "",
    birth_date=None,
) -> Resident:
    """Register a person living in a grid (实有人口登记). One active record per identity number."""
    _require_grid(grid)
    _require_in_jurisdiction(actor, "people:resident:edit", grid)
    clean = validate_resident_values(name=name, id_number=id_number, phone=phone, residence_type=residence_type,
                                     id_type=id_type, gender=gender, birth_date=birth_date)
    bad = [g for g in focus_groups if g not in FocusGroup.values]
    if bad:
        raise ApplicationError("invalid_focus_group", f"未知的重点人群类别:{'、'.join(bad)}")
    if household is not None and household.grid_id != grid.pk:
        raise ApplicationError("household_grid_mismatch", "所在户不属于该网格", fields={"household": "不属于该网格"})
    kind = id_hash_kind(clean["id_type"])
    if Resident.objects.filter(id_number_hash__in=lookup_hashes(kind, clean["id_number"]), is_active=True).exists():
        message = f"该{id_number_label(clean['id_type'])}已登记为在册居民"
        raise ApplicationError("duplicate_id_number", message, fields={"id_number": message})
    resident = Resident(
        name=clean["name"], gender=clean["gender"] or Gender.UNKNOWN, birth_date=clean["birth_date"],
        id_type=clean["id_type"],
        residence_type=clean["residence_type"], household=household, grid=grid, ethnicity=ethnicity.strip(),
        relation_to_head=relation_to_head.strip(), address=address.strip(),
    )
    set_pii(resident, "id_number", kind, clean["id_number"])
    set_pii(resident, "phone", "phone", clean["phone"])
    resident.save()
    for g in dict.fromkeys(focus_groups):
        FocusGroupMembership.objects.create(resident=resident, group=g)
    audit(actor=actor, action="resident.create", obj=resident, detail={"grid": grid.code})
    return resident


@transaction.atomic
def resident_move_out(*, actor, resident: Resident, reason: str) -> Resident:
    """迁出: the record stays (history refers to it) but leaves the active register."""
    _require_in_jurisdiction(actor, "people:resident:edit", resident.grid)
    if not (reason or "").strip():
        raise ApplicationError("reason_required", "请填写迁出原因", fields={"reason": "必填"})
    updated = Resident.objects.filter(pk=resident.pk, is_active=True).update(is_active=False, moved_out_at=now())
    if not updated:
        raise ApplicationError("state_changed", "该居民已迁出")
    resident.refresh_from_db()
    audit(actor=actor, action="resident.move_out", obj=resident, detail={"reason": reason})
    return resident


REVEALABLE = {"id_number": "证件号码", "phone": "手机号"}


@transaction.atomic
def resident_reveal_pii(*, actor, resident: Resident, field: str, reason: str) -> str:
    """Show one clear identity number or phone to an authorised actor, and log who, when, what and why."""
    if field not in REVEALABLE:
        raise ApplicationError("invalid_field", "只能查看证件号码或手机号", fields={"field": "取值 id_number 或 phone"})
    if not (reason or "").strip():
        raise ApplicationError("reason_required", "查看完整信息须填写事由", fields={"reason": "必填"})
    j = require_perm(actor, "people:resident:reveal")
    if not j.covers("people:resident:reveal", resident.grid.path):
        raise NotFound()
    value = get_pii(resident, field)
    audit(actor=actor, action="pii.reveal", obj=resident,
          detail={"field": field, "reason": reason.strip(), "masked": mask(field, value)})
    return value


def _building_number(grid: Region, number: str | None) -> str:
    if number:
        number = str(number).strip()
        if not number.isdigit() or not 1 <= int(number) <= 99999:
            raise ApplicationError("invalid_building_number", "楼栋编号应为1–99999的数字",
                                   fields={"number": "应为1–99999的数字"})
        return number.zfill(5)
    last = Building.objects.filter(grid=grid).order_by("-number").values_list("number", flat=True).first()
    return str(int(last or 0) + 1).zfill(5)


@transaction.atomic
def building_create(
    *, actor, grid: Region, name: str, number: str | None = None, address: str = "", use: str = "",
    floors: int | None = None, lon: float | None = None, lat: float | None = None, crs: str = "wgs84",
    microgrid: Region | None = None,
) -> Building:
    """Register a building in a grid; without a number it takes the next free one."""
    _require_grid(grid)
    _require_in_jurisdiction(actor, "people:building:edit", grid)
    if not (name or "").strip():
        raise ApplicationError("name_required", "楼栋名称不能为空", fields={"name": "必填"})
    number = _building_number(grid, number)
    if Building.objects.filter(grid=grid, number=number).exists():
        raise ApplicationError("duplicate_building", f"网格「{grid.name}」已有编号为 {number} 的楼栋",
                               fields={"number": "编号已被使用"})
    use = use or BuildingUse.RESIDENTIAL
    if use not in BuildingUse.values:
        raise ApplicationError("invalid_use", "楼栋用途无效", fields={"use": "取值无效"})
    if microgrid is not None and microgrid.parent_id != grid.pk:
        raise ApplicationError("microgrid_mismatch", "微网格不属于该网格", fields={"microgrid": "不属于该网格"})
    if lon is not None and lat is not None:
        try:
            lon, lat = validate_lonlat(lon, lat)
        except ValueError as exc:
            raise ApplicationError("invalid_location", str(exc), fields={"lon": str(exc)})
        lon, lat = to_wgs84(lon, lat, crs)
    building = Building.objects.create(grid=grid, microgrid=microgrid, number=number, name=name.strip(),
                                       address=address.strip(), use=use, floors=floors, lon=lon, lat=lat)
    audit(actor=actor, action="building.create", obj=building, detail={"grid": grid.code, "number": number})
    return building


BUILDING_EDITABLE = ("microgrid", "number", "name", "address", "use", "floors", "lon", "lat")


@transaction.atomic
def building_update(*, actor, building: Building, **changes) -> Building:
    """Change a building's facts (it stays in its grid); audited field by field."""
    _require_in_jurisdiction(actor, "people:building:edit", building.grid)

    def check(b: Building) -> None:
        if not (b.name or "").strip():
            raise ApplicationError("name_required", "楼栋名称不能为空", fields={"name": "必填"})
        b.name = b.name.strip()
        if "number" in changes:
            b.number = _building_number(b.grid, changes["number"] or b.number)
        if Building.objects.filter(grid=b.grid_id, number=b.number).exclude(pk=b.pk).exists():
            raise ApplicationError("duplicate_building", f"网格「{b.grid.name}」已有编号为 {b.number} 的楼栋",
                                   fields={"number": "编号已被使用"})
        if b.use not in BuildingUse.values:
            raise ApplicationError("invalid_use", "楼栋用途无效", fields={"use": "取值无效"})
        if b.microgrid_id is not None and b.microgrid.parent_id != b.grid_id:
            raise ApplicationError("microgrid_mismatch", "微网格不属于该网格", fields={"microgrid": "不属于该网格"})
        if (b.lon is None) != (b.lat is None):
            raise ApplicationError("invalid_location", "经度与纬度须同时填写", fields={"lon": "须与纬度同时填写"})
        if b.lon is not None:
            try:
                b.lon, b.lat = validate_lonlat(b.lon, b.lat)
            except ValueError as exc:
                raise ApplicationError("invalid_location", str(exc), fields={"lon": str(exc)})

    return update_fields(actor=actor, obj=building, changes=changes, editable=BUILDING_EDITABLE,
                         action="building.update", check=check)


ORGANISATION_EDITABLE = ("name", "kind", "uscc", "address", "legal_representative", "employees", "is_active",
                         "phone_enc", "phone_hash", "phone_last4")


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, phone: str | None = None, **changes) -> Organisation:
    """Change an organisation's facts (it stays in its grid); a phone given replaces the stored one. Audited
    field by field (the phone without its value)."""
    _require_in_jurisdiction(actor, "people:organisation:edit", organisation.grid)
    if phone:
        try:
            phone = validate_mobile(phone)
        except ValueError as exc:
            raise ApplicationError("invalid_phone", str(exc), fields={"phone": str(exc)})
        if organisation.phone_hash not in lookup_hashes("phone", phone):
            holder = Organisation(phone_enc="", phone_hash="", phone_last4="")
            set_pii(holder, "phone", "phone", phone)
            changes.update(phone_enc=holder.phone_enc, phone_hash=holder.phone_hash, phone_last4=holder.phone_last4)

    def check(o: Organisation) -> None:
        if not (o.name or "").strip():
            raise ApplicationError("invalid", "名称不能为空", fields={"name": "名称不能为空"})
        if o.kind not in Organisation.Kind.values:
            raise ApplicationError("invalid", "类型无效", fields={"kind": "类型无效"})
        if o.uscc:
            try:
                o.uscc = validate_uscc(o.uscc)
            except ValueError as exc:
                raise ApplicationError("invalid", str(exc), fields={"uscc": str(exc)})

    return update_fields(actor=actor, obj=organisation, changes=changes, editable=ORGANISATION_EDITABLE,
                         action="organisation.update", check=check,
                         secret=("phone_enc", "phone_hash", "phone_last4"))


def household_get_or_create(*, building: Building, unit_number: str, room: str) -> Household:
    """The household at building/unit/room, created on first mention (used inside import transactions)."""
    unit = None
    if unit_number:
        unit, _ = BuildingUnit.objects.get_or_create(building=building, number=str(unit_number).strip())
    household, _ = Household.objects.get_or_create(
        building=building, unit=unit, room=str(room).strip(), defaults={"grid": building.grid}
    )
    return household


@transaction.atomic
def organisation_create(
    *, actor, grid: Region, name: str, kind: str, uscc: str = "", address: str = "", legal_representative: str = "",
    phone: str = "", employees: int | None = None,
) -> Organisation:
    _require_grid(grid)
    _require_in_jurisdiction(actor, "people:organisation:edit", grid)
    fields = {}
    if not (name or "").strip():
        fields["name"] = "名称不能为空"
    if kind not in Organisation.Kind.values:
        fields["kind"] = "类型无效"
    if uscc:
        try:
            uscc = validate_uscc(uscc)
        except ValueError as exc:
            fields["uscc"] = str(exc)
    if phone:
        try:
            phone = validate_mobile(phone)
        except ValueError as exc:
            fields["phone"] = str(exc)
    if fields:
        raise ApplicationError("invalid", next(iter(fields.values())), fields=fields)
    if uscc and Organisation.objects.filter(uscc=uscc).exists():
        raise ApplicationError("duplicate_uscc", "该统一社会信用代码已登记", fields={"uscc": "已登记"})
    org = Organisation(name=name.strip(), kind=kind, uscc=uscc, grid=grid, address=address,
                       legal_representative=legal_representative, employees=employees)
    set_pii(org, "phone", "phone", phone)
    org.save()
    audit(actor=actor, action="organisation.create", obj=org)
    return org


def actor_can_see_resident(actor, resident: Resident) -> bool:
    j = jurisdiction_of(actor)
    return j.covers("people:resident:list", resident.grid.path) or (
        resident.user_id is not None and resident.user_id == getattr(actor, "pk", None)
    )


@transaction.atomic
def resident_update(*, actor, resident: Resident, name: str | None = None, phone: str | None = None,
                    residence_type: str | None = None, ethnicity: str | None = None,
                    relation_to_head: str | None = None) -> Resident:
    """Correct a resident's record. The identity number is not edited: a wrong one is moved out and
    registered again, so that the history of both stays readable."""
    _require_in_jurisdiction(actor, "people:resident:edit", resident.grid)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    changed = []
    if name is not None and name.strip() != resident.name:
        if not name.strip():
            raise ApplicationError("invalid", "姓名不能为空", fields={"name": "姓名不能为空"})
        resident.name = name.strip()
        changed.append("name")
    if phone is not None and (resident.phone_hash or "") not in (lookup_hashes("phone", phone) or [""]):
        if phone:
            try:
                phone = validate_mobile(phone)
            except ValueError as exc:
                raise ApplicationError("invalid_phone", str(exc), fields={"phone": str(exc)})
        set_pii(resident, "phone", "phone", phone)
        changed.append("phone")
    if residence_type is not None and residence_type != resident.residence_type:
        if residence_type not in ResidenceType.values:
            raise ApplicationError("invalid", "人口类型无效", fields={"residence_type": "取值无效"})
        resident.residence_type = residence_type
        changed.append("residence_type")
    for attr, value in (("ethnicity", ethnicity), ("relation_to_head", relation_to_head)):
        if value is not None and value.strip() != getattr(resident, attr):
            setattr(resident, attr, value.strip())
            changed.append(attr)
    if changed:
        resident.save()
        audit(actor=actor, action="resident.update", obj=resident, detail={"fields": changed})
    return resident
