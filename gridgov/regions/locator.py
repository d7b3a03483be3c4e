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


@dataclass(frozen=True)
class Location:
    lon: float
    lat: float
    grid: Place | None
    chain: tuple[Place, ...] = ()  # district, town, community (administrative ancestors of the grid)
    microgrid: Place | None = None
    nearest: Place | None = None
    nearest_distance_m: float | None = None

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
        self.tree = STRtree(self.geoms)
        for g in self.geoms:
            shapely.prepare(g)
        self.micro_tree = STRtree(self.micro_geoms) if self.micro_geoms else None
        self._no_hit = len(self.places)

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
        """Index of the grid containing the point, or -1."""
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return -1
        return int(hits.min()) if len(hits) > 1 else int(hits[0])

    def grid_indices(self, lons, lats) -> np.ndarray:
        """Bulk lookup: an array of grid indices, -1 where a point is in no grid."""
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        src, hit = self.tree.query(points, predicate="intersects")
        result = np.full(len(points), self._no_hit, dtype=np.int64)
        np.minimum.at(result, src, hit)
        result[result == self._no_hit] = -1
        return result

    def locate(self, lon: float, lat: float, crs: CRS | str = CRS.WGS84, *, with_nearest: bool = True) -> Location:
        if crs not in (CRS.WGS84, "wgs84"):
            lon, lat = to_wgs84(lon, lat, crs)
        i = self.grid_index(lon, lat)
        if i >= 0:
            return Location(lon, lat, self.places[i], self.chains[i], self._microgrid(i, lon, lat))
        if not with_nearest or not self.places:
            return Location(lon, lat, None)
        point = shapely.Point(lon, lat)
        j = int(self.tree.query_nearest(point, all_matches=False)[0])
        near = nearest_points(self.geoms[j], point)[0]
        return Location(
            lon, lat, None, nearest=self.places[j], nearest_distance_m=haversine_m(lon, lat, near.x, near.y)
        )

    def _microgrid(self, grid_i: int, lon: float, lat: float) -> Place | None:
        if self.micro_tree is None:
            return None
        hits = self.micro_tree.query(shapely.Point(lon, lat), predicate="intersects")
        candidates = sorted(self.micro_places[h].code for h in hits if self.micro_parent[h] == grid_i)
        if not candidates:
            return None
        return next(self.micro_places[h] for h in hits if self.micro_places[h].code == candidates[0])

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
