"""GeoJSON import of grids and microgrids. Every feature is checked (parent, name, polygon validity,
inside the parent, no overlap with existing grids or with other features); a dry run, or a file with
any problem, writes nothing. New grids without a code are numbered west→east, north→south after the
highest serial their community already has."""

from __future__ import annotations

import json
from collections import defaultdict

from django.db import transaction

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import ApplicationError
from gridgov.core.models import audit
from gridgov.core.xlsx import ImportResult, RowError
from gridgov.regions.geometry import GeometryError, bbox, parse_polygon
from gridgov.regions.models import CHILD_LEVEL, GridKind, Level, LocatorVersion, Region, SpecialKind
from gridgov.regions.services import (
    apply_geometry,
    grid_geometry_problems,
    next_child_code,
    normalize_code,
    order_west_east_north_south,
)

_KIND_BY_LABEL = {str(label): value for value, label in GridKind.choices}
_SPECIAL_BY_LABEL = {str(label): value for value, label in SpecialKind.choices}


def _prop(props: dict, *names: str) -> str:
    for n in names:
        v = props.get(n)
        if v not in (None, ""):
            return str(v).strip()
    return ""


def import_grids(data, *, actor=None, dry_run: bool = True, progress=None, on_written=None) -> ImportResult:
    """`data`: a GeoJSON FeatureCollection (text, bytes, dict or file). Feature properties: `parent`
    (社区编码, or a grid code for a microgrid), `name`, optional `code`, `grid_kind`, `special_kind`."""
    result = ImportResult(dry_run=dry_run)
    try:
        if hasattr(data, "read"):
            data = data.read()
        if isinstance(data, bytes):
            data = data.decode("utf-8-sig")
        if isinstance(data, str):
            data = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        result.errors.append(RowError(1, "文件", "不是 UTF-8 编码的 GeoJSON 文件"))
        return result
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        result.errors.append(RowError(1, "文件", "须为 GeoJSON FeatureCollection"))
        return result
    features = data.get("features") or []
    if not isinstance(features, list):
        result.errors.append(RowError(1, "features", "features 须为要素数组"))
        return result
    result.rows = len(features)
    if not features:
        result.errors.append(RowError(1, "文件", "没有要素"))
        return result
    j = jurisdiction_of(actor) if actor is not None else None
    parents: dict[str, Region | None] = {}
    accepted: dict[int, list] = defaultdict(list)  # parent id → [(name, code, geom)] of features so far
    seen_codes: dict[str, int] = {}
    clean = []
    for n, feature in enumerate(features, start=1):
        if progress and n % 100 == 0:
            progress(n, len(features))
        errs = []
        if not isinstance(feature, dict) or feature.get("type", "Feature") != "Feature":
            result.errors.append(RowError(n, "要素", "须为 GeoJSON Feature 对象"))
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            result.errors.append(RowError(n, "properties", "properties 须为对象(键值对)"))
            continue
        parent_code = _prop(props, "parent", "parent_code", "community_code", "所属社区编码", "上级编码")
        name = _prop(props, "name", "名称", "网格名称")
        code = _prop(props, "code", "编码", "网格编码")
        kind = _prop(props, "grid_kind", "网格类型") or GridKind.BASIC
        kind = _KIND_BY_LABEL.get(kind, kind)
        special = _prop(props, "special_kind", "专属网格类别")
        special = _SPECIAL_BY_LABEL.get(special, special)
        if not parent_code:
            errs.append(RowError(n, "parent", "缺少所属社区编码"))
        if not name:
            errs.append(RowError(n, "name", "缺少网格名称"))
        if kind not in GridKind.values:
            errs.append(RowError(n, "grid_kind", "网格类型应为 basic(基础网格)或 special(专属网格)"))
        if kind == GridKind.SPECIAL and special not in SpecialKind.values:
            errs.append(RowError(n, "special_kind", f"专属网格须注明类别:{'/'.join(_SPECIAL_BY_LABEL)}"))
        parent = None
        if parent_code:
            if parent_code not in parents:
                parents[parent_code] = Region.objects.filter(code=parent_code).first()
            parent = parents[parent_code]
            if parent is None:
                errs.append(RowError(n, "parent", f"上级编码 {parent_code} 不存在"))
            elif parent.level not in (Level.COMMUNITY, Level.GRID):
                errs.append(RowError(n, "parent", f"「{parent.name}」是{parent.get_level_display()},网格只能建在社区/村下"))
                parent = None
            elif j is not None and not j.covers("region:grid:import", parent.path):
                errs.append(RowError(n, "parent", f"「{parent.name}」不在您的管辖范围内"))
                parent = None
        level = CHILD_LEVEL[parent.level] if parent else Level.GRID
        if code and parent:
            try:
                code = normalize_code(level, code, parent)
            except ApplicationError as exc:
                errs.append(RowError(n, "code", exc.message))
            else:
                if code in seen_codes:
                    errs.append(RowError(n, "code", f"编码与第{seen_codes[code]}个要素重复"))
                elif Region.objects.filter(code=code).exists():
                    errs.append(RowError(n, "code", f"编码 {code} 已存在"))
                seen_codes[code] = n
        try:
            geom = parse_polygon(feature.get("geometry"))
        except GeometryError as exc:
            errs.append(RowError(n, "geometry", str(exc)))
            geom = None
        if geom is not None and parent is not None and name:
            problems = grid_geometry_problems(name=name, code=code, geom=geom, parent=parent,
                                              others=accepted[parent.pk])
            errs.extend(RowError(n, "geometry", p) for p in problems)
            if not problems:
                accepted[parent.pk].append((name, code or f"第{n}个要素", geom))
        if errs:
            result.errors.extend(errs)
            continue
        clean.append(dict(parent=parent, level=level, name=name, code=code, geom=geom,
                          grid_kind=kind, special_kind=special if kind == GridKind.SPECIAL else ""))
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        by_parent = defaultdict(list)
        for c in clean:
            by_parent[c["parent"].pk].append(c)
        created = 0
        for items in by_parent.values():
            fixed = [c for c in items if c["code"]]
            to_number = [c for c in items if not c["code"]]
            order = order_west_east_north_south(
                [(c["geom"].centroid.x, c["geom"].centroid.y) for c in to_number],
                [bbox(c["geom"])[3] - bbox(c["geom"])[1] for c in to_number],
            )
            for c in fixed + [to_number[i] for i in order]:
                parent = c["parent"]
                code = c["code"] or next_child_code(parent, c["level"])
                region = Region(code=code, name=c["name"], level=c["level"], parent=parent,
                                path=parent.path + code + "/", grid_kind=c["grid_kind"],
                                special_kind=c["special_kind"])
                apply_geometry(region, c["geom"])
                region.save()
                created += 1
        LocatorVersion.bump()
        result.created = {"网格": created}
        audit(actor=actor, action="import.grids", object_type="import", object_id="grids",
              object_repr=result.summary(), detail={"rows": result.rows, "created": result.created})
        if on_written:
            on_written(result)
    return result
