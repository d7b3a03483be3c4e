"""The demo district's geometry: a jittered lattice whose cells tile the district with shared edges, so
grids tile their community, communities their town and towns the district, with no gaps or overlaps."""

from __future__ import annotations

import random
from dataclasses import dataclass

from shapely.geometry import Polygon, box
from shapely.ops import unary_union

COLS, ROWS = 20, 6  # cells of the lattice; row 0 is the northernmost
TOWN_COLS, TOWN_ROWS = 10, 3  # a town is a 10×3 block of cells: 2×2 towns
COMMUNITY_COLS = 2  # a community is a 2×3 block: 5 communities per town, 6 grids each
ORIGIN_LON, ORIGIN_LAT = 113.300, 23.150  # north-west corner
CELL_LON, CELL_LAT = 0.006, 0.005  # about 615 m × 555 m


@dataclass
class Cell:
    col: int
    row: int
    polygon: Polygon


def lattice(rng: random.Random) -> dict[tuple[int, int], tuple[float, float]]:
    """Vertices (i, j) for i in 0..COLS, j in 0..ROWS; interior ones jittered, the outline kept straight."""
    pts = {}
    for i in range(COLS + 1):
        for j in range(ROWS + 1):
            x = ORIGIN_LON + i * CELL_LON
            y = ORIGIN_LAT - j * CELL_LAT
            if 0 < i < COLS:
                x += rng.uniform(-0.15, 0.15) * CELL_LON
            if 0 < j < ROWS:
                y += rng.uniform(-0.15, 0.15) * CELL_LAT
            pts[(i, j)] = (round(x, 7), round(y, 7))
    return pts


def cells(rng: random.Random) -> dict[tuple[int, int], Cell]:
    pts = lattice(rng)
    out = {}
    for i in range(COLS):
        for j in range(ROWS):
            ring = [pts[(i, j)], pts[(i + 1, j)], pts[(i + 1, j + 1)], pts[(i, j + 1)], pts[(i, j)]]
            out[(i, j)] = Cell(i, j, Polygon(ring))
    return out


def union(polys) -> Polygon:
    return unary_union(list(polys)).buffer(0)


def towns() -> list[list[tuple[int, int]]]:
    """Cells of each town, towns ordered north-west, north-east, south-west, south-east."""
    out = []
    for tr in range(ROWS // TOWN_ROWS):
        for tc in range(COLS // TOWN_COLS):
            out.append([(tc * TOWN_COLS + i, tr * TOWN_ROWS + j) for i in range(TOWN_COLS) for j in range(TOWN_ROWS)])
    return out


def communities(town_cells: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    cols = sorted({c for c, _ in town_cells})
    return [
        [cell for cell in town_cells if cell[0] in cols[k:k + COMMUNITY_COLS]]
        for k in range(0, len(cols), COMMUNITY_COLS)
    ]


def carve_special(grid_poly: Polygon, size: float = 0.3) -> tuple[Polygon, Polygon]:
    """A square site (school, market …) cut out of the middle of a grid: the grid keeps a hole."""
    c = grid_poly.representative_point()
    half_w, half_h = CELL_LON * size / 2, CELL_LAT * size / 2
    site = box(c.x - half_w, c.y - half_h, c.x + half_w, c.y + half_h)
    return grid_poly.difference(site), site


def halves(grid_poly: Polygon) -> list[Polygon]:
    """Two microgrids: the western and eastern half of a grid."""
    minx, miny, maxx, maxy = grid_poly.bounds
    mid = (minx + maxx) / 2
    west = grid_poly.intersection(box(minx - 1, miny - 1, mid, maxy + 1))
    east = grid_poly.intersection(box(mid, miny - 1, maxx + 1, maxy + 1))
    return [p for p in (west, east) if not p.is_empty]


def point_in(rng: random.Random, poly) -> tuple[float, float]:
    """A random point inside a polygon (rejection sampling in its bounding box)."""
    from shapely.geometry import Point

    minx, miny, maxx, maxy = poly.bounds
    for _ in range(200):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if poly.contains(Point(x, y)):
            return round(x, 6), round(y, 6)
    p = poly.representative_point()
    return p.x, p.y
