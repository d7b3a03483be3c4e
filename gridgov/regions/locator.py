"""Point → grid. One STRtree per grid version, built in-process; the version row tells when to rebuild.

Rules: a point on the shared border of two grids belongs to the one with the lower code (deterministic
for every caller); a point in a hole of a grid is not in that grid; a point in no grid gets `grid=None`
and the nearest grid with its distance in metres.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.conf import settings
from shapely import STRtree
from shapely.ops import nearest_points

from gridgov.core.coords import CRS, haversine_m, to_wgs84
from gridgov.regions.geometry import parse_polygon
from gridgov.regions.models import Level, LocatorVersion, Region


@dataclass(frozen=True)
class Place:
    id: int
    code: str
    name: str
    level: str


@dataclass(slots=True)
class Location:
    lon: float
    lat: float
    grid: Place | None
    chain: tuple[Place, ...] = ()  # district, town, community (administrative ancestors of the grid)
    microgrid: Place | None = None
    nearest: Place | None = None
    nearest_distance_m: float | None = None
    nearest_chain: tuple[Place, ...] = ()  # the nearest grid's district, town, community

    def nearest_district(self) -> Place | None:
        """The district of the nearest grid, for a point in no grid (a province has many districts)."""
        return next((p for p in self.nearest_chain if p.level == Level.DISTRICT), None)

    @property
    def grid_path(self) -> str:
        """The grid's region path ("/district/town/community/grid/"), without a database query."""
        if self.grid is None:
            return ""
        return "/" + "/".join([p.code for p in self.chain] + [self.grid.code]) + "/"

    def by_level(self, level: str) -> Place | None:
        return next((p for p in self.chain if p.level == level), None)

    def as_dict(self) -> dict:
        def place(p):
            return None if p is None else {"id": p.id, "code": p.code, "name": p.name, "level": p.level}

        return {
            "lon": self.lon,
            "lat": self.lat,
            "found": self.grid is not None,
            "grid": place(self.grid),
            "microgrid": place(self.microgrid),
            "community": place(self.by_level(Level.COMMUNITY)),
            "town": place(self.by_level(Level.TOWN)),
            "district": place(self.by_level(Level.DISTRICT)),
            "nearest_grid": place(self.nearest),
            "nearest_distance_m": None if self.nearest_distance_m is None else round(self.nearest_distance_m, 1),
        }


class BinIndex:
    """A uniform lattice of bins over all grids. A bin lying wholly inside one grid answers without any
    geometry test; other bins keep their candidate grids (by bounding box, ascending index) and points there
    are tested exactly with vectorised `intersects_xy` on prepared polygons. No point geometries are made,
    which is what makes bulk lookups cost about as little as a bare tree query."""

    def __init__(self, geoms: list, bins_per_grid: int = 16, min_bins: int = 65_536, max_bins: int = 4_000_000):
        self.geoms = np.array(geoms, dtype=object)
        n = len(geoms)
        if n == 0:
            self.nx = self.ny = 0
            return
        bounds = shapely.bounds(self.geoms)
        x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
        x1, y1 = bounds[:, 2].max(), bounds[:, 3].max()
        target = int(min(max(n * bins_per_grid, min_bins), max_bins))
        size = max(((x1 - x0) * (y1 - y0) / target) ** 0.5, 1e-9)
        self.x0, self.y0, self.w, self.h = float(x0), float(y0), float(size), float(size)
        self.nx = int((x1 - x0) / size) + 1
        self.ny = int((y1 - y0) / size) + 1
        ix0 = ((bounds[:, 0] - x0) / size).astype(np.int64)
        iy0 = ((bounds[:, 1] - y0) / size).astype(np.int64)
        ix1 = np.minimum(((bounds[:, 2] - x0) / size).astype(np.int64), self.nx - 1)
        iy1 = np.minimum(((bounds[:, 3] - y0) / size).astype(np.int64), self.ny - 1)
        nyg = iy1 - iy0 + 1
        counts = (ix1 - ix0 + 1) * nyg
        grid_of_pair = np.repeat(np.arange(n, dtype=np.int64), counts)
        k = np.arange(counts.sum(), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        pair_nyg = nyg[grid_of_pair]
        bin_of_pair = (ix0[grid_of_pair] + k // pair_nyg) * self.ny + iy0[grid_of_pair] + k % pair_nyg
        order = np.lexsort((grid_of_pair, bin_of_pair))
        self.cand = grid_of_pair[order].astype(np.int32)
        bins_sorted = bin_of_pair[order]
        n_bins = self.nx * self.ny
        per_bin = np.bincount(bins_sorted, minlength=n_bins)
        self.ptr = np.concatenate([[0], np.cumsum(per_bin)]).astype(np.int64)
        # -1: no grid can be here; -2: test the candidates; ≥ 0: the bin lies inside that grid
        answer = np.where(per_bin == 0, -1, -2).astype(np.int32)
        single = np.flatnonzero(per_bin == 1)
        if len(single):
            grid = self.cand[self.ptr[single]]
            bx, by = single // self.ny, single % self.ny
            boxes = shapely.box(x0 + bx * size, y0 + by * size, x0 + (bx + 1) * size, y0 + (by + 1) * size)
            inside = shapely.contains_properly(self.geoms[grid], boxes)
            answer[single[inside]] = grid[inside]
        self.answer = answer
        # plain Python sequences: scalar indexing of numpy arrays is slow in the single-lookup path
        self._answer_list = answer.tolist()
        self._ptr_list = self.ptr.tolist()
        self._cand_list = self.cand.tolist()
        self._geom_list = list(geoms)

    def lookup_many(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        out = np.full(len(xs), -1, dtype=np.int64)
        if self.nx == 0:
            return out
        fx = (xs - self.x0) / self.w
        fy = (ys - self.y0) / self.h
        valid = (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)
        idx = np.flatnonzero(valid)
        b = fx[idx].astype(np.int64) * self.ny + fy[idx].astype(np.int64)
        ans = self.answer[b]
        out[idx] = ans
        need = ans == -2
        if need.any():
            pts = idx[need]
            bn = b[need]
            starts = self.ptr[bn]
            counts = self.ptr[bn + 1] - starts
            rep = np.repeat(np.arange(len(pts)), counts)
            offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            cand = self.cand[np.repeat(starts, counts) + offs]
            p = pts[rep]
            hit = shapely.intersects_xy(self.geoms[cand], xs[p], ys[p])
            best = np.full(len(pts), np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(best, rep[hit], cand[hit])
            best[best == np.iinfo(np.int64).max] = -1
            out[pts] = best
        return out

    def lookup(self, x: float, y: float) -> int:
        if self.nx == 0:
            return -1
        fx = (x - self.x0) / self.w
        fy = (y - self.y0) / self.h
        if not (0 <= fx < self.nx and 0 <= fy < self.ny):
            return -1
        b = int(fx) * self.ny + int(fy)
        a = self._answer_list[b]
        if a != -2:
            return a
        intersects_xy = shapely.intersects_xy
        geoms = self._geom_list
        for c in self._cand_list[self._ptr_list[b]:self._ptr_list[b + 1]]:
            if intersects_xy(geoms[c], x, y):
                return c
        return -1


@dataclass
class Locator:
    version: int
    places: list[Place]
    geoms: list
    chains: list[tuple[Place, ...]]
    micro_places: list[Place] = field(default_factory=list)
    micro_geoms: list = field(default_factory=list)
    micro_parent: list[int] = field(default_factory=list)  # index into places

    def __post_init__(self):
        # Sorted by code so that "the lowest index wins" is "the lowest code wins" on shared borders.
        order = sorted(range(len(self.places)), key=lambda i: self.places[i].code)
        self.places = [self.places[i] for i in order]
        self.geoms = [self.geoms[i] for i in order]
        self.chains = [self.chains[i] for i in order]
        remap = {old: new for new, old in enumerate(order)}
        self.micro_parent = [remap[i] for i in self.micro_parent]
        shapely.prepare(np.array(self.geoms, dtype=object))
        self.tree = STRtree(self.geoms)  # for the nearest grid of a point outside every grid
        self.bins = BinIndex(self.geoms)
        self.micro_by_grid: dict[int, list[tuple[Place, object]]] = {}
        for place, geom, parent in zip(self.micro_places, self.micro_geoms, self.micro_parent, strict=True):
            shapely.prepare(geom)
            self.micro_by_grid.setdefault(parent, []).append((place, geom))
        for items in self.micro_by_grid.values():
            items.sort(key=lambda pg: pg[0].code)

    @classmethod
    def from_geometries(cls, items, version: int = 0) -> Locator:
        """items: (Place, shapely geometry, chain); for benchmarks and tests without a database."""
        places, geoms, chains = [], [], []
        for place, geom, chain in items:
            places.append(place)
            geoms.append(geom)
            chains.append(tuple(chain))
        return cls(version=version, places=places, geoms=geoms, chains=chains)

    @classmethod
    def from_database(cls) -> Locator:
        version = LocatorVersion.current()
        admin = {
            r["code"]: Place(r["id"], r["code"], r["name"], r["level"])
            for r in Region.objects.filter(level__in=[Level.DISTRICT, Level.TOWN, Level.COMMUNITY]).values(
                "id", "code", "name", "level"
            )
        }
        places, geoms, chains, index_by_id = [], [], [], {}
        rows = Region.objects.active().filter(level=Level.GRID, geometry__isnull=False).values(
            "id", "code", "name", "level", "path", "geometry"
        )
        for r in rows.iterator(chunk_size=2000):
            index_by_id[r["id"]] = len(places)
            places.append(Place(r["id"], r["code"], r["name"], r["level"]))
            geoms.append(parse_polygon(r["geometry"]))
            codes = [c for c in r["path"].strip("/").split("/")[:-1]]
            chains.append(tuple(admin[c] for c in codes if c in admin))
        micro_places, micro_geoms, micro_parent = [], [], []
        mrows = Region.objects.active().filter(level=Level.MICROGRID, geometry__isnull=False).values(
            "id", "code", "name", "level", "parent_id", "geometry"
        )
        for r in mrows.iterator(chunk_size=2000):
            if r["parent_id"] not in index_by_id:
                continue
            micro_places.append(Place(r["id"], r["code"], r["name"], r["level"]))
            micro_geoms.append(parse_polygon(r["geometry"]))
            micro_parent.append(index_by_id[r["parent_id"]])
        return cls(version, places, geoms, chains, micro_places, micro_geoms, micro_parent)

    # -- lookups -----------------------------------------------------------------------------------

    def grid_index(self, lon: float, lat: float) -> int:
        """Index of the grid containing the point (the lowest code on a shared border), or -1."""
        return self.bins.lookup(lon, lat)

    def grid_indices(self, lons, lats) -> np.ndarray:
        """Bulk lookup: an array of grid indices, -1 where a point is in no grid."""
        return self.bins.lookup_many(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))

    def locate(self, lon: float, lat: float, crs: CRS | str = CRS.WGS84, *, with_nearest: bool = True) -> Location:
        if crs is not CRS.WGS84 and crs != "wgs84":
            lon, lat = to_wgs84(lon, lat, crs)
        i = self.bins.lookup(lon, lat)
        if i >= 0:
            return Location(lon, lat, self.places[i], self.chains[i], self._microgrid(i, lon, lat))
        if not with_nearest or not self.places:
            return Location(lon, lat, None)
        point = shapely.Point(lon, lat)
        j = int(self.tree.query_nearest(point, all_matches=False)[0])
        near = nearest_points(self.geoms[j], point)[0]
        return Location(
            lon, lat, None, nearest=self.places[j], nearest_distance_m=haversine_m(lon, lat, near.x, near.y),
            nearest_chain=self.chains[j],
        )

    def _microgrid(self, grid_i: int, lon: float, lat: float) -> Place | None:
        for place, geom in self.micro_by_grid.get(grid_i, ()):
            if shapely.intersects_xy(geom, lon, lat):
                return place
        return None

    def place(self, index: int) -> Place | None:
        return None if index < 0 else self.places[index]


_lock = threading.Lock()
_state: dict = {"locator": None, "checked_at": 0.0}


def get_locator(*, refresh: bool = False) -> Locator:
    """The process's locator for the current grid version (checked at most every LOCATOR_VERSION_TTL s)."""
    now = time.monotonic()
    cached: Locator | None = _state["locator"]
    if cached is not None and not refresh and now - _state["checked_at"] < settings.LOCATOR_VERSION_TTL:
        return cached
    version = LocatorVersion.current()
    if cached is not None and not refresh and cached.version == version:
        _state["checked_at"] = now
        return cached
    with _lock:
        cached = _state["locator"]
        if cached is None or refresh or cached.version != version:
            cached = Locator.from_database()
            _state["locator"] = cached
        _state["checked_at"] = now
        return cached


def locate(lon: float, lat: float, crs: CRS | str = CRS.WGS84) -> Location:
    return get_locator().locate(lon, lat, crs)


def reset_locator_cache() -> None:
    _state.update(locator=None, checked_at=0.0)
