"""Hex bins for the heat map: pointy-top hexagons of `SIZE_M` metres (centre to corner) on a plane where a degree
of longitude is shortened by cos(REF_LAT). One plane for the whole country keeps a cell's name ("q:r") the same
wherever it is computed; at a district's scale the cells look regular."""

from __future__ import annotations

import math

SIZE_M = 250.0
REF_LAT = 30.0
M_PER_DEG = 111_320.0
_KX = M_PER_DEG * math.cos(math.radians(REF_LAT))
_SQ3 = math.sqrt(3.0)


def cell_of(lon: float, lat: float, size: float = SIZE_M) -> str:
    x, y = lon * _KX, lat * M_PER_DEG
    q = (_SQ3 / 3 * x - y / 3) / size
    r = (2 / 3 * y) / size
    # cube rounding
    cx, cz = q, r
    cy = -cx - cz
    rx, ry, rz = round(cx), round(cy), round(cz)
    dx, dy, dz = abs(rx - cx), abs(ry - cy), abs(rz - cz)
    if dx > dy and dx > dz:
        rx = -ry - rz
    elif dy <= dz:
        rz = -rx - ry
    return f"{int(rx)}:{int(rz)}"


def centre(cell: str, size: float = SIZE_M) -> tuple[float, float]:
    """(lon, lat) of the cell's centre."""
    q, r = (int(v) for v in cell.split(":"))
    x = size * (_SQ3 * q + _SQ3 / 2 * r)
    y = size * 1.5 * r
    return x / _KX, y / M_PER_DEG


def polygon(cell: str, size: float = SIZE_M) -> list[tuple[float, float]]:
    """The six corners (lon, lat) of the cell, closed."""
    lon, lat = centre(cell, size)
    x0, y0 = lon * _KX, lat * M_PER_DEG
    pts = []
    for i in range(7):
        a = math.radians(60 * (i % 6) - 30)
        pts.append(((x0 + size * math.cos(a)) / _KX, (y0 + size * math.sin(a)) / M_PER_DEG))
    return pts
