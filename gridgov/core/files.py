"""Serving stored files that are not public: the view checks who asks, then either streams the file itself
(development, no proxy configured, or files in an S3-compatible store) or hands it to nginx with
X-Accel-Redirect (production, files on the filesystem), so that no stored file has a public URL."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.http import FileResponse, HttpResponse


def on_filesystem(storage) -> bool:
    """Whether files of `storage` lie under MEDIA_ROOT (nginx can send them), not in an object store."""
    from django.core.files.storage import FileSystemStorage

    return isinstance(getattr(storage, "_wrapped", storage), FileSystemStorage)


def serve_file(fieldfile, *, content_type: str = "", filename: str = "",
               cache_seconds: int = 3600) -> HttpResponse | FileResponse:
    content_type = content_type or mimetypes.guess_type(fieldfile.name)[0] or "application/octet-stream"
    prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_PREFIX", "")
    if prefix and on_filesystem(fieldfile.storage):  # nginx: `location <prefix> { internal; alias <MEDIA_ROOT>/; }`
        response: HttpResponse | FileResponse = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + fieldfile.name.lstrip("/")
    else:
        response = FileResponse(fieldfile.open("rb"), content_type=content_type)
    # private: a shared cache (proxy) must never keep what another user may not see
    response["Cache-Control"] = f"private, max-age={cache_seconds}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="{filename or fieldfile.name.rsplit("/", 1)[-1]}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def document_response(data: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    """A document made for the user who asked (workbook, PDF, Word file): downloaded under `filename` (or shown
    in the browser when `inline`), and never kept by a cache — it may hold what another user may not see."""
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    how = "inline" if inline else "attachment"
    if filename.isascii():
        response["Content-Disposition"] = f'{how}; filename="{filename}"'
    else:  # a Chinese name (月报 …): RFC 6266's filename*, with an ASCII stand-in for old clients
        ext = filename.rpartition(".")[2]
        response["Content-Disposition"] = f"{how}; filename=\"document.{ext or 'bin'}\"; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
