"""Writes to the region tree. Each function is one action, atomic, audited, and bumps the locator version
when grid geometry may have changed."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence

from django.db import transaction

from gridgov.core.errors import ApplicationError
from gridgov.core.models import audit
from gridgov.regions.geometry import (
    AREA_TOLERANCE_M2,
    GeometryError,
    area_m2,
    bbox,
    parse_polygon,
    to_geojson,
    validity_problem,
)
from gridgov.regions.models import CHILD_LEVEL, GridKind, Level, LocatorVersion, Region

GEOMETRY_LEVELS = (Level.DISTRICT, Level.TOWN, Level.COMMUNITY, Level.GRID, Level.MICROGRID)


def normalize_code(level: str, code: str, parent: Region | None) -> str:
    """Check a code against its level and parent (统计用区划代码 for the administrative levels; grids are
    the community code plus a 3-digit serial, microgrids the grid code plus a 2-digit serial)."""
    code = (code or "").strip()
    if not code.isdigit():
        raise ApplicationError("invalid_code", "编码只能包含数字", fields={"code": "编码只能包含数字"})
    if level == Level.DISTRICT:
        if len(code) == 6:
            code += "000000"
        ok = len(code) == 12 and code.endswith("000000") and not code.startswith("00")
        rule = "区县编码为6位行政区划代码(或补足为以000000结尾的12位)"
    elif level == Level.TOWN:
        ok = len(code) == 12 and code[:6] == parent.code[:6] and code[9:] == "000" and code[6:9] != "000"
        rule = f"街道/乡镇编码为12位,前6位须为 {parent.code[:6]},第7–9位为非000的序号,末3位为000"
    elif level == Level.COMMUNITY:
        ok = len(code) == 12 and code[:9] == parent.code[:9] and code[9:] != "000"
        rule = f"社区/村编码为12位,前9位须为 {parent.code[:9]},末3位为非000的序号"
    elif level == Level.GRID:
        ok = len(code) == 15 and code[:12] == parent.code and code[12:] != "000"
        rule = f"网格编码为15位:社区编码 {parent.code} 加3位序号"
    else:
        ok = len(code) == 17 and code[:15] == parent.code and code[15:] != "00"
        rule = f"微网格编码为17位:网格编码 {parent.code} 加2位序号"
    if not ok:
        raise ApplicationError("invalid_code", f"编码 {code} 不符合规则:{rule}", fields={"code": rule})
    return code


def next_child_code(parent: Region, level: str) -> str:
    """The next free serial under a parent: new grids take the next number, old numbers are never reused."""
    width = 2 if level == Level.MICROGRID else 3
    codes = Region.objects.filter(parent=parent, level=level).values_list("code", flat=True)
    serials = [int(c[len(parent.code):]) for c in codes if re.fullmatch(r"\d+", c[len(parent.code):] or "x")]
    return parent.code + str((max(serials) if serials else 0) + 1).zfill(width)


def order_west_east_north_south(centroids: Sequence[tuple[float, float]], heights: Sequence[float]) -> list[int]:
    """Indices in numbering order: rows from north to south, west to east within a row. A row is the set of
    cells whose centres lie within half a typical cell height of the row's northernmost centre."""
    if not centroids:
        return []
    band = (statistics.median(heights) if heights else 0.0) / 2 or 1e-9
    by_north = sorted(range(len(centroids)), key=lambda i: (-centroids[i][1], centroids[i][0]))
    rows: list[list[int]] = []
    row_top = None
    for i in by_north:
        y = centroids[i][1]
        if row_top is None or row_top - y > band:
            rows.append([])
            row_top = y
        rows[-1].append(i)
    return [i for row in rows for i in sorted(row, key=lambda j: centroids[j][0])]


def grid_geometry_problems(
    *,
    name: str,
    code: str,
    geom,
    parent: Region,
    exclude_ids: Iterable[int] = (),
    others: Iterable[tuple[str, str, object]] = (),
) -> list[str]:
    """Why a grid/microgrid polygon may not be saved under `parent`, each reason naming the grids involved.
    `others` are (name, code, geometry) of grids not yet saved (e.g. earlier rows of the same import)."""
    label = f"「{name}」({code or '新网格'})"
    problem = validity_problem(geom)
    if problem:
        return [f"网格{label}的边界无效:{problem}"]
    problems = []
    if parent.geometry:
        container = parse_polygon(parent.geometry)
        outside = geom.difference(container)
        if area_m2(outside) > AREA_TOLERANCE_M2:
            problems.append(
                f"网格{label}超出所属{parent.get_level_display()}「{parent.name}」({parent.code})的范围,"
                f"超出约 {area_m2(outside):.0f} 平方米"
            )
    siblings = (
        Region.objects.filter(parent=parent, level=CHILD_LEVEL[parent.level], is_active=True)
        .exclude(pk__in=list(exclude_ids))
        .exclude(geometry__isnull=True)
    )
    minx, miny, maxx, maxy = bbox(geom)
    siblings = siblings.filter(min_lon__lte=maxx, max_lon__gte=minx, min_lat__lte=maxy, max_lat__gte=miny)
    candidates = [(s.name, s.code, parse_polygon(s.geometry)) for s in siblings] + list(others)
    for other_name, other_code, other_geom in candidates:
        if not geom.intersects(other_geom):
            continue
        overlap = area_m2(geom.intersection(other_geom))
        if overlap > AREA_TOLERANCE_M2:
            problems.append(f"网格{label}与「{other_name}」({other_code})重叠,重叠面积约 {overlap:.0f} 平方米")
    return problems


def apply_geometry(region: Region, geom) -> None:
    region.geometry = to_geojson(geom)
    region.min_lon, region.min_lat, region.max_lon, region.max_lat = bbox(geom)
    c = geom.representative_point() if not geom.centroid.within(geom) else geom.centroid
    region.centroid_lon, region.centroid_lat = c.x, c.y
    region.area_m2 = round(area_m2(geom), 1)


def _parse(geometry):
    try:
        return parse_polygon(geometry)
    except GeometryError as exc:
        raise ApplicationError("invalid_geometry", str(exc), fields={"geometry": str(exc)})


@transaction.atomic
def region_create(
    *,
    actor,
    parent: Region | None,
    level: str,
    name: str,
    code: str | None = None,
    geometry=None,
    grid_kind: str = "",
    special_kind: str = "",
) -> Region:
    """Add a node to the tree: a district, a town, a community, a grid or a microgrid."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("name_required", "名称不能为空", fields={"name": "名称不能为空"})
    expected = CHILD_LEVEL.get(parent.level if parent else None)
    if level != expected:
        where = f"{parent.get_level_display()}「{parent.name}」" if parent else "根节点"
        raise ApplicationError(
            "invalid_level", f"{where}下只能建立{Level(expected).label if expected else '无下级'},不能建立{Level(level).label}"
        )
    if level in (Level.GRID, Level.MICROGRID):
        code = normalize_code(level, code, parent) if code else next_child_code(parent, level)
        grid_kind = grid_kind or GridKind.BASIC
        if grid_kind == GridKind.SPECIAL and not special_kind:
            raise ApplicationError("special_kind_required", "专属网格须注明类别(学校、医院、市场等)")
    else:
        if not code:
            raise ApplicationError("code_required", "行政区划须填写统计用区划代码", fields={"code": "必填"})
        code = normalize_code(level, code, parent)
        grid_kind = special_kind = ""
    if Region.objects.filter(code=code).exists():
        raise ApplicationError("duplicate_code", f"编码 {code} 已被使用", fields={"code": "编码已被使用"})
    region = Region(
        code=code, name=name, level=level, parent=parent, grid_kind=grid_kind, special_kind=special_kind,
        path=(parent.path if parent else "/") + code + "/",
    )
    if geometry is not None:
        geom = _parse(geometry)
        if level in (Level.GRID, Level.MICROGRID):
            problems = grid_geometry_problems(name=name, code=code, geom=geom, parent=parent)
            if problems:
                raise ApplicationError("invalid_geometry", ";".join(problems), fields={"geometry": problems[0]})
        elif (p := validity_problem(geom)) is not None:
            raise ApplicationError("invalid_geometry", f"「{name}」的边界无效:{p}", fields={"geometry": p})
        apply_geometry(region, geom)
    region.save()
    audit(actor=actor, action="region.create", obj=region, detail={"level": level, "code": code})
    if level in (Level.GRID, Level.MICROGRID):
        LocatorVersion.bump()
    return region


@transaction.atomic
def region_update(*, actor, region: Region, name: str | None = None, geometry=None) -> Region:
    """Rename a node or redraw its boundary; a grid's new boundary is validated against its neighbours."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    changes = {}
    if name is not None and name.strip() and name.strip() != region.name:
        changes["name"] = [region.name, name.strip()]
        region.name = name.strip()
    if geometry is not None:
        geom = _parse(geometry)
        if region.level in (Level.GRID, Level.MICROGRID):
            problems = grid_geometry_problems(
                name=region.name, code=region.code, geom=geom, parent=region.parent, exclude_ids=[region.pk]
            )
            if problems:
                raise ApplicationError("invalid_geometry", ";".join(problems), fields={"geometry": problems[0]})
        elif (p := validity_problem(geom)) is not None:
            raise ApplicationError("invalid_geometry", f"「{region.name}」的边界无效:{p}", fields={"geometry": p})
        apply_geometry(region, geom)
        changes["geometry"] = True
    if not changes:
        return region
    region.save()
    audit(actor=actor, action="region.update", obj=region, detail=changes)
    if region.level in (Level.GRID, Level.MICROGRID):
        LocatorVersion.bump()
    return region


@transaction.atomic
def region_deactivate(*, actor, region: Region, reason: str) -> Region:
    """Retire a node (grids are re-drawn, never deleted: history keeps pointing at them)."""
    if not (reason or "").strip():
        raise ApplicationError("reason_required", "停用须填写原因", fields={"reason": "必填"})
    if Region.objects.filter(parent=region, is_active=True).exists():
        raise ApplicationError("has_active_children", f"「{region.name}」下还有启用的下级,须先停用或调整它们")
    updated = Region.objects.filter(pk=region.pk, is_active=True).update(is_active=False)
    if not updated:
        raise ApplicationError("state_changed", f"「{region.name}」已被停用")
    region.refresh_from_db()
    audit(actor=actor, action="region.deactivate", obj=region, detail={"reason": reason})
    LocatorVersion.bump()
    return region
