"""Coordinate systems used in China and conversion between them.

WGS-84 (GPS; CGCS2000 differs from it by centimetres, below what a grid cares about) is what gridgov
stores. GCJ-02 (国测局, used by WeChat, Amap/高德, Tencent maps) and BD-09 (Baidu) are obfuscations of it,
not datums: pyproj cannot convert them, so the published algorithms are implemented here.
GCJ-02 → WGS-84 has no closed form; it is inverted by fixed-point iteration to well under 1 cm.
Outside mainland China GCJ-02 equals WGS-84.
"""

from __future__ import annotations

import math
from enum import StrEnum

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 algorithm uses it
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0
EARTH_RADIUS_M = 6371008.8


class CRS(StrEnum):
    WGS84 = "wgs84"
    CGCS2000 = "cgcs2000"
    GCJ02 = "gcj02"
    BD09 = "bd09"


CRS_LABELS = {
    CRS.WGS84: "WGS-84 (GPS)",
    CRS.CGCS2000: "CGCS2000",
    CRS.GCJ02: "GCJ-02 (微信/高德/腾讯)",
    CRS.BD09: "BD-09 (百度)",
}


def out_of_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj_delta(lon: float, lat: float) -> tuple[float, float]:
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _gcj_delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        wlon, wlat = wlon - dlon, wlat - dlat
        if abs(dlon) < 1e-10 and abs(dlat) < 1e-10:
            break
    return wlon, wlat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """The published closed-form inverse is only good to ~1e-6° (a decimetre); refine it against the
    forward formula so that a round trip returns the same point."""
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    glon, glat = z * math.cos(theta), z * math.sin(theta)
    for _ in range(10):
        blon, blat = gcj02_to_bd09(glon, glat)
        dlon, dlat = blon - lon, blat - lat
        glon, glat = glon - dlon, glat - dlat
        if abs(dlon) < 1e-11 and abs(dlat) < 1e-11:
            break
    return glon, glat


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def parse_crs(value: str | None) -> CRS:
    text = (value or "wgs84").strip().lower().replace("-", "").replace("_", "")
    aliases = {"wgs84": CRS.WGS84, "gps": CRS.WGS84, "cgcs2000": CRS.CGCS2000, "gcj02": CRS.GCJ02,
               "gcj": CRS.GCJ02, "amap": CRS.GCJ02, "wechat": CRS.GCJ02, "bd09": CRS.BD09, "baidu": CRS.BD09,
               "bd09ll": CRS.BD09}
    if text not in aliases:
        raise ValueError(f"不支持的坐标系:{value}(可选 wgs84 / cgcs2000 / gcj02 / bd09)")
    return aliases[text]


def to_wgs84(lon: float, lat: float, crs: CRS | str) -> tuple[float, float]:
    """Convert an input point to the stored system (WGS-84/CGCS2000)."""
    crs = parse_crs(crs) if isinstance(crs, str) else crs
    if crs in (CRS.WGS84, CRS.CGCS2000):
        return lon, lat
    if crs == CRS.GCJ02:
        return gcj02_to_wgs84(lon, lat)
    return bd09_to_wgs84(lon, lat)


def from_wgs84(lon: float, lat: float, crs: CRS | str) -> tuple[float, float]:
    crs = parse_crs(crs) if isinstance(crs, str) else crs
    if crs in (CRS.WGS84, CRS.CGCS2000):
        return lon, lat
    if crs == CRS.GCJ02:
        return wgs84_to_gcj02(lon, lat)
    return wgs84_to_bd09(lon, lat)


def validate_lonlat(lon, lat) -> tuple[float, float]:
    if isinstance(lon, bool) or isinstance(lat, bool):  # true is 1.0 to float(): a mistake, never a place
        raise ValueError("经纬度必须是数字")
    try:
        lon_f, lat_f = float(lon), float(lat)
    except (TypeError, ValueError):
        raise ValueError("经纬度必须是数字")
    if not (math.isfinite(lon_f) and math.isfinite(lat_f)):
        raise ValueError("经纬度必须是有限数字")
    if not -180 <= lon_f <= 180:
        raise ValueError("经度应在 -180 到 180 之间")
    if not -90 <= lat_f <= 90:
        raise ValueError("纬度应在 -90 到 90 之间")
    return lon_f, lat_f


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
