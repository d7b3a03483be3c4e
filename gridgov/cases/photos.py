"""Photos: checked by content (not by name), size-limited, stored as uploaded (private) plus a public copy
re-encoded without EXIF (no GPS position, no device serial), turned upright and scaled down."""

from __future__ import annotations

import hashlib
import io
import uuid
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from gridgov.core.errors import ApplicationError

try:  # HEIC photos from iPhones
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - the dependency is declared; keep working without it
    pillow_heif = None  # type: ignore[assignment]

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 9
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}
PUBLIC_MAX_SIDE = 2048
MAX_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # refuse decompression bombs
# All photos of one request together, counted from their headers before any is decoded: nine 7,700² PNGs of
# 57 KB each took 14 s and 320 MB to decode. 200 megapixels is four 50-megapixel camera photos, or nine of 20.
MAX_REQUEST_PIXELS = 200_000_000


def check_photo(data: bytes, name: str = "") -> tuple[str, int, int]:
    label = f"「{name}」" if name else ""
    if len(data) > MAX_BYTES:
        raise ApplicationError("photo_too_large", f"照片{label}超过 {MAX_BYTES // 1024 // 1024} MB",
                               fields={"photos": "照片过大"})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # over the limit at all: refused
            with Image.open(io.BytesIO(data)) as img:
                fmt = img.format
                img.verify()
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                img.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # a JPEG decodes at 1/8: cheap
                img.load()  # the whole stream is read: a truncated or corrupt file fails here, not later
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ApplicationError("photo_too_many_pixels", f"照片{label}像素过多(超过 {MAX_PIXELS // 1_000_000} "
                               "百万),请缩小后再传", fields={"photos": "像素过多"}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ApplicationError("photo_invalid", f"文件{label}不是可识别的图片,或已损坏",
                               fields={"photos": "不是图片"}) from None
    if fmt not in FORMATS:
        raise ApplicationError("photo_format", f"照片{label}格式为 {fmt},只接受 JPEG、PNG、WebP、HEIC",
                               fields={"photos": "格式不支持"})
    return FORMATS[fmt], width, height


def public_copy(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        # Scale first (a JPEG is then decoded at 1/2–1/8 size by its DCT, never at full size), then turn and
        # convert the small image: no full-size copies.
        img.draft("RGB", (PUBLIC_MAX_SIDE, PUBLIC_MAX_SIDE))
        img.thumbnail((PUBLIC_MAX_SIDE, PUBLIC_MAX_SIDE), reducing_gap=2.0)
        small = ImageOps.exif_transpose(img).convert("RGB")
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=85)  # a fresh file: no EXIF, no XMP, no GPS
        return out.getvalue()


def read_upload(upload) -> tuple[bytes, str]:
    if isinstance(upload, tuple):
        name, data = upload
        return data, name
    data = upload.read()
    return data, getattr(upload, "name", "")


def check_photos(uploads) -> list[tuple[bytes, str, str, int, int]]:
    """Validate every upload before anything is written: (data, name, content_type, width, height)."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_PHOTOS:
        raise ApplicationError("too_many_photos", f"最多上传 {MAX_PHOTOS} 张照片", fields={"photos": "数量过多"})
    out = []
    pixels = 0
    for upload in uploads:
        data, name = read_upload(upload)
        content_type, w, h = check_photo(data, name)
        pixels += w * h
        if pixels > MAX_REQUEST_PIXELS:
            raise ApplicationError("photos_too_many_pixels",
                                   f"照片像素合计超过 {MAX_REQUEST_PIXELS // 1_000_000} 百万,请减少张数或缩小后再传",
                                   fields={"photos": "像素过多"})
        out.append((data, name, content_type, w, h))
    return out


EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}


def keep_original(att, data: bytes, content_type: str) -> None:
    """Put an accepted photo as uploaded on an attachment row (its `file`, `content_type`, `size`, `sha256`),
    under a random name: nothing about it can be derived from another copy's name."""
    att.content_type, att.size, att.sha256 = content_type, len(data), hashlib.sha256(data).hexdigest()
    att.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}", ContentFile(data), save=False)


def store_photos(*, case, event, checked, actor) -> list:
    from gridgov.cases.models import Attachment

    saved = []
    for data, _name, content_type, w, h in checked:
        att = Attachment(case=case, event=event, width=w, height=h,
                         uploaded_by=actor if getattr(actor, "pk", None) else None)
        keep_original(att, data, content_type)
        att.public_file.save(f"{uuid.uuid4().hex}.jpg", ContentFile(public_copy(data)), save=False)
        att.save()
        saved.append(att)
    return saved
