"""Polygon handling for grids: GeoJSON in and out, validity with Chinese reasons, metric areas."""

from __future__ import annotations

import json
import math

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.validation import explain_validity

from gridgov.core.coords import EARTH_RADIUS_M

# Below this many square metres an overlap or an overhang is rounding noise on a shared edge.
AREA_TOLERANCE_M2 = 1.0

_VALIDITY_REASONS = {
    "Self-intersection": "边界自相交",
    "Ring Self-intersection": "边界环自相交",
    "Too few points": "顶点太少",
    "Hole lies outside shell": "内洞位于外边界之外",
    "Nested holes": "内洞互相嵌套",
    "Interior is disconnected": "内部不连通",
    "Nested shells": "外边界互相嵌套",
    "Duplicate Rings": "存在重复的边界环",
    "Invalid Coordinate": "坐标无效",
    "Ring is not closed": "边界环未闭合",
}


class GeometryError(ValueError):
    pass


def parse_polygon(value) -> Polygon | MultiPolygon:
    """GeoJSON (geometry or Feature, dict or text) → a shapely (Multi)Polygon, or GeometryError in Chinese."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise GeometryError("边界不是有效的 GeoJSON 文本")
    if not isinstance(value, dict):
        raise GeometryError("边界必须是 GeoJSON 对象")
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
        if not isinstance(value, dict):
            raise GeometryError("边界必须是 GeoJSON 对象")
    if value.get("type") not in ("Polygon", "MultiPolygon"):
        raise GeometryError(f"边界类型必须是 Polygon 或 MultiPolygon,而不是 {value.get('type')!r}")
    try:
        geom = shape(value)
    except Exception:  # shapely raises several types for malformed coordinates
        raise GeometryError("边界坐标格式不正确(应为 [经度, 纬度] 组成的闭合环)")
    if geom.is_empty:
        raise GeometryError("边界为空")
    for x, y in _coords(geom):
        if not (-180 <= x <= 180 and -90 <= y <= 90) or not (math.isfinite(x) and math.isfinite(y)):
            raise GeometryError(f"坐标超出经纬度范围:({x}, {y})")
    return geom


def _coords(geom):
    polys = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    for p in polys:
        yield from p.exterior.coords
        for ring in p.interiors:
            yield from ring.coords


def validity_problem(geom) -> str | None:
    """None when valid, else a Chinese reason with the location of the problem."""
    if geom.is_valid:
        return None
    text = explain_validity(geom)
    reason, _, where = text.partition("[")
    reason = reason.strip()
    label = _VALIDITY_REASONS.get(reason, f"边界无效({reason})")
    if where:
        where = where.rstrip("]")
        try:
            x, y = (float(v) for v in where.split())
            return f"{label},位置约在 ({x:.6f}, {y:.6f})"
        except ValueError:
            pass
    return label


def to_geojson(geom) -> dict:
    return json.loads(json.dumps(mapping(geom)))


def _to_local_metres(geom, lat0: float):
    k = math.radians(1) * EARTH_RADIUS_M
    cos0 = math.cos(math.radians(lat0))
    return shapely.transform(geom, lambda c: c * [k * cos0, k])


def area_m2(geom) -> float:
    """Area on a local equirectangular projection: good to a fraction of a percent at grid sizes."""
    if geom.is_empty:
        return 0.0
    return _to_local_metres(geom, geom.centroid.y).area


def bbox(geom) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in geom.bounds)  # type: ignore[return-value]
