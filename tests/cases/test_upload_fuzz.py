"""Hostile uploads (#18): wrong types named .jpg, SVG with a script, HTML, an empty file, a GIF, a truncated JPEG,
decompression bombs (a 100-megapixel PNG of a few kilobytes, just over the limit and far over it), a file over
10 MB, and a JPEG with a script and a ZIP appended (a polyglot). Each is refused through the API with its own code
and nothing is created — except the polyglot, a real picture, whose public copy is re-encoded without what was
appended and whose original is sent as an image that the browser must not sniff."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.cases.models import Attachment, Case
from tests.cases.conftest import cw  # noqa: F401


def _jpeg(size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 20)).save(out, "JPEG")
    return out.getvalue()


def _png(mode: str, size) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    return out.getvalue()


HOSTILE = {
    "svg_with_script": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
                        "photo_invalid"),
    "html_named_jpg": (b"<!doctype html><html><script>alert(document.cookie)</script></html>", "photo_invalid"),
    "empty": (b"", "invalid"),  # refused by the API's form already: an empty file
    "gif": (None, "photo_format"),
    "truncated_jpeg": (None, "photo_invalid"),
    "bomb_100mp_png": (None, "photo_too_many_pixels"),
    "bomb_400mp_png": (None, "photo_too_many_pixels"),
    "over_10mb": (None, "photo_too_large"),
}


def _content(name: str) -> bytes:
    data, _ = HOSTILE[name]
    if data is not None:
        return data
    return {"gif": _gif, "truncated_jpeg": lambda: _jpeg()[:2500], "bomb_100mp_png": lambda: _png("1", (10000, 10000)),
            "bomb_400mp_png": lambda: _png("1", (20000, 20000)),
            "over_10mb": lambda: _jpeg() + b"\0" * (10 * 1024 * 1024)}[name]()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused_and_nothing_is_created(cw, api, name):  # noqa: F811
    data = _content(name)
    before = (Case.objects.count(), Attachment.objects.count())
    r = api(cw.w.resident_user).post("/api/v1/cases/", {
        "description": "小区门口堆了很多垃圾", "category": "1101", "lon": 120.005, "lat": 30.01, "channel": "resident_app",
        "photos": [SimpleUploadedFile(f"{name}.jpg", data, content_type="image/jpeg")]}, format="multipart")
    assert r.status_code == 400, r.content
    assert r.json()["error"]["code"] == HOSTILE[name][1]
    assert (Case.objects.count(), Attachment.objects.count()) == before


def test_a_polyglot_is_kept_as_a_picture_only(cw, api, client):  # noqa: F811
    payload = b"<script>alert(1)</script>PK\x03\x04evil.zip"
    r = api(cw.w.resident_user).post("/api/v1/cases/", {
        "description": "小区门口堆了很多垃圾", "category": "1101", "lon": 120.005, "lat": 30.01, "channel": "resident_app",
        "photos": [SimpleUploadedFile("p.jpg", _jpeg() + payload, content_type="image/jpeg")]}, format="multipart")
    assert r.status_code == 201
    att = Attachment.objects.get(case_id=r.json()["id"])
    assert payload not in att.public_file.read()  # re-encoded: what was appended is gone from what anyone sees
    client.force_login(cw.w.resident_user)
    original = client.get(f"/files/photos/{att.pk}/original")
    assert original.status_code == 200 and original["Content-Type"] == "image/jpeg"
    assert original["X-Content-Type-Options"] == "nosniff"
