"""A photo from a 50-megapixel phone camera (over the 10 MB limit) is made smaller in the browser and accepted,
instead of being refused; photos that fit go up untouched."""

import io

import pytest
from PIL import Image

from tests.browser.test_console_story import resident_reports_on_the_phone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def big_jpeg(path, size=(6000, 4500)):
    """A noisy picture, as a camera's at full resolution: over 10 MB as JPEG."""
    noise = [Image.effect_noise(size, 120) for _ in range(3)]
    Image.merge("RGB", noise).save(path, format="JPEG", quality=98)
    return path


def test_an_oversized_phone_photo_is_shrunk_and_accepted(cw, live_server, browser, tmp_path):
    photo = big_jpeg(tmp_path / "IMG_0001.jpg")
    assert photo.stat().st_size > 10 * 1024 * 1024
    phone, page, case = resident_reports_on_the_phone(browser, live_server.url, photo)
    [attachment] = case.attachments.all()
    with attachment.file.open("rb") as f:
        data = f.read()
    assert len(data) <= 10 * 1024 * 1024
    assert max(Image.open(io.BytesIO(data)).size) == 4096 and attachment.content_type == "image/jpeg"
    phone.close()
