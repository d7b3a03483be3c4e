"""What the OpenAPI document says of reporting a case beyond what the serializer shows: the reportable categories
of this district (read when the document is made), the reporter's contact formats, and photos only in multipart."""

from __future__ import annotations

import copy

from gridgov.core.schema import CRS, LAT, LON

EMAIL = (r"^$|^[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
         r"[A-Za-z]{2,63}$")
MOBILE = r"^$|^1[3-9][0-9]{9}$"


def report_constraints(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    from django.db import DatabaseError

    from gridgov.cases.models import Category

    schemas = result.get("components", {}).get("schemas", {})
    report = schemas.get("ReportIn")
    if not report:
        return result
    props = report["properties"]
    try:
        codes = list(Category.objects.filter(is_active=True, parent__isnull=False).order_by("code")
                     .values_list("code", flat=True))
    except DatabaseError:  # no database yet (a system check before migrate): no list of codes
        codes = []
    if codes:
        props["category"] = {**props["category"], "enum": codes, "description": "小类编码(本区可上报的类别)"}
        props["category"].pop("pattern", None)
    props["reporter_email"].update(pattern=EMAIL, maxLength=254)
    props["reporter_phone"].update(pattern=MOBILE)
    props["lon"].update(minimum=-180, maximum=180)
    props["lat"].update(minimum=-90, maximum=90)
    props["crs"].update(enum=CRS)
    props["description"].update(pattern=r"\S", maxLength=4000)
    # where: a point (lon and lat together) or, without any coordinate, an address
    for axis in ("lon", "lat"):
        props[axis].pop("nullable", None)
    report["anyOf"] = [{"required": ["lon", "lat"], "properties": {"lon": LON, "lat": LAT}},
                       {"required": ["address"], "properties": {"address": {"type": "string", "pattern": r"\S"},
                                                                "lon": {"not": {}}, "lat": {"not": {}}}}]
    # photos are files: multipart/form-data only; the JSON body has no photos
    json_body = copy.deepcopy(report)
    json_body["properties"].pop("photos", None)
    schemas["ReportJsonIn"] = json_body
    props["photos"] = {"type": "array", "items": {"type": "string", "format": "binary"}, "maxItems": 9,
                       "description": "照片(JPEG、PNG、WebP、HEIC;每张 ≤ 10 MB)"}
    post = result["paths"]["/api/v1/cases/"]["post"]
    post["requestBody"]["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/ReportJsonIn"}
    post["requestBody"]["content"].pop("application/x-www-form-urlencoded", None)
    return result
