"""Grids out as GeoJSON, in the very format the grid import reads back."""

from __future__ import annotations

import json


def grids_feature_collection(qs) -> dict:
    features = []
    for r in qs.select_related("parent").exclude(geometry__isnull=True).order_by("code"):
        props = {"code": r.code, "name": r.name, "parent": r.parent.code if r.parent_id else None,
                 "level": r.level, "area_m2": r.area_m2}
        if r.grid_kind:
            props["grid_kind"] = r.grid_kind
        if r.special_kind:
            props["special_kind"] = r.special_kind
        features.append({"type": "Feature", "properties": props, "geometry": r.geometry})
    return {"type": "FeatureCollection", "features": features}


def grids_geojson(qs) -> bytes:
    return json.dumps(grids_feature_collection(qs), ensure_ascii=False).encode("utf-8")
