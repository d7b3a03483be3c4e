"""Writes to organisation units."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from gridgov.core.coords import to_wgs84, validate_lonlat
from gridgov.core.edits import update_fields
from gridgov.core.errors import ApplicationError
from gridgov.core.identity import validate_uscc
from gridgov.core.models import audit
from gridgov.orgs.models import OrgUnit, UnitKind
from gridgov.regions.models import ADMINISTRATIVE_LEVELS


def _check(unit: OrgUnit) -> None:
    fields = {}
    if not unit.name.strip():
        fields["name"] = "名称不能为空"
    if unit.kind == UnitKind.GOVERNANCE_CENTER and unit.region.level not in ADMINISTRATIVE_LEVELS:
        fields["region"] = "综治中心只能设在区县、街道/乡镇或社区/村"
    if unit.kind == UnitKind.DEPARTMENT and not unit.department_type:
        fields["department_type"] = "职能部门须选择部门类别"
    if unit.kind == UnitKind.EMERGENCY_UNIT and (unit.lon is None or unit.lat is None):
        fields["lon"] = "最小应急单元须标注位置(经纬度)"
    if unit.uscc:
        try:
            unit.uscc = validate_uscc(unit.uscc)
        except ValueError as exc:
            fields["uscc"] = str(exc)
    if unit.lon is not None or unit.lat is not None:
        try:
            validate_lonlat(unit.lon, unit.lat)
        except ValueError as exc:
            fields["lon"] = str(exc)
    if fields:
        raise ApplicationError("invalid", next(iter(fields.values())), fields=fields)


@transaction.atomic
def org_unit_create(*, actor, crs: str = "wgs84", **values) -> OrgUnit:
    """Register a unit (center, department, committee, emergency unit …) serving a region subtree."""
    unit = OrgUnit(**values)
    if unit.lon is not None and unit.lat is not None:
        unit.lon, unit.lat = to_wgs84(float(unit.lon), float(unit.lat), crs)
    _check(unit)
    if OrgUnit.objects.filter(code=unit.code).exists():
        raise ApplicationError("duplicate_code", f"机构编码 {unit.code} 已被使用", fields={"code": "已被使用"})
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise ApplicationError("duplicate_center", f"「{unit.region.name}」已有启用的综治中心")
    audit(actor=actor, action="org_unit.create", obj=unit, detail={"kind": unit.kind})
    return unit


EDITABLE = ("code", "name", "kind", "department_type", "region", "parent", "phone", "address", "lon", "lat", "uscc",
            "members_count", "equipment", "duty_hours", "is_active")


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, crs: str = "wgs84", **changes) -> OrgUnit:
    """Change a unit's facts; the audit row lists each changed field with its old and new value."""

    def check(u: OrgUnit) -> None:
        if "lon" in changes and u.lon is not None and u.lat is not None:
            u.lon, u.lat = to_wgs84(float(u.lon), float(u.lat), crs)
        _check(u)
        if u.parent_id == u.pk:
            raise ApplicationError("invalid", "上级机构不能是它自己", fields={"parent": "不能是它自己"})
        if OrgUnit.objects.filter(code=u.code).exclude(pk=u.pk).exists():
            raise ApplicationError("duplicate_code", f"机构编码 {u.code} 已被使用", fields={"code": "已被使用"})

    region = changes.get("region") or unit.region
    return update_fields(actor=actor, obj=unit, changes=changes, editable=EDITABLE, action="org_unit.update",
                         check=check, on_conflict=ApplicationError(
                             "duplicate_center", f"「{region.name}」已有启用的综治中心",
                             fields={"region": "已有启用的综治中心"}))
