"""GeoReport v2 bodies: XML (element names from the specification) and JSON (the "Spark" mapping, where a list
is a top-level array)."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


def _xml_value(parent, key, value):
    el = ET.SubElement(parent, key)
    if value is None:
        return
    if isinstance(value, bool):
        el.text = "true" if value else "false"
    elif isinstance(value, dict):
        for k, v in value.items():
            _xml_value(el, k, v)
    elif isinstance(value, list):
        child = _SINGULAR.get(key, "item")
        for item in value:
            if isinstance(item, dict):
                sub = ET.SubElement(el, child)
                for k, v in item.items():
                    _xml_value(sub, k, v)
            else:
                ET.SubElement(el, child).text = str(item)
    else:
        el.text = str(value)


_SINGULAR = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
             "photos": "photo", "notes": "note", "extended_attributes": "attribute"}


def render(fmt: str, data, *, root: str | None = None, item: str | None = None, status: int = 200) -> HttpResponse:
    """`data` is a list of dicts (rendered <root><item>…</item></root> or a JSON array) or a dict (<root>…</root>)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, default=str)
    else:
        top = ET.Element(root)
        if isinstance(data, list):
            for entry in data:
                el = ET.SubElement(top, item)
                for k, v in entry.items():
                    _xml_value(el, k, v)
        else:
            for k, v in data.items():
                _xml_value(top, k, v)
        body = '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="unicode")
    return HttpResponse(body, content_type=CONTENT_TYPES[fmt], status=status)


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def render_error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt if fmt in CONTENT_TYPES else "xml", [{"code": status, "description": description}],
                  root="errors", item="error", status=status)
