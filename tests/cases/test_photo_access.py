"""Photos have no public URL: the public copy (no EXIF) is served to whoever may see the case (anyone for a public
case), the original with its GPS position only to staff on the case and to its uploader."""

import pytest
from PIL import Image

from gridgov.cases.models import Attachment
from tests.cases.conftest import report
from tests.conftest import make_user


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def private_case(cw):
    return report(cw, is_public=False)


def _login(client, user):
    client.force_login(user)
    return client


def test_nothing_under_media_is_served(cw, client, private_case, settings):
    """Also in development (DEBUG, as scripts/start.sh runs): the URL patterns are built with DEBUG on."""
    import importlib

    from django.urls import Resolver404, resolve

    import gridgov.urls

    settings.DEBUG = True
    try:
        patterns = importlib.reload(gridgov.urls).urlpatterns
        with pytest.raises(Resolver404):
            resolve("/media/cases/2026/11/x.jpg", urlconf=gridgov.urls)
        assert not any("media" in str(p.pattern) for p in patterns)
    finally:
        settings.DEBUG = False
        importlib.reload(gridgov.urls)
    att = Attachment.objects.get(case=private_case)
    for name in (att.file.name, att.public_file.name):
        assert client.get(f"/media/{name}").status_code == 404
    assert att.file.name.rsplit("/", 1)[-1].split(".")[0] != att.public_file.name.rsplit("/", 1)[-1].split(".")[0]


def test_anonymous_sees_public_copies_of_public_cases_only(cw, client, private_case):
    att = Attachment.objects.get(case=private_case)
    assert client.get(att.url).status_code == 404
    assert client.get(att.original_url).status_code == 404
    public = report(cw, is_public=True)
    patt = Attachment.objects.get(case=public)
    r = client.get(patt.url)
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg" and "private" in r["Cache-Control"]
    import io

    with Image.open(io.BytesIO(_body(r))) as img:
        assert not img.getexif()  # no GPS, no camera
    assert client.get(patt.original_url).status_code == 404  # the original never, even of a public case


def test_originals_for_staff_of_the_case_and_the_uploader(cw, client, private_case):
    att = Attachment.objects.get(case=private_case)
    att.file.open("rb")
    original = att.file.read()
    att.file.close()
    r = _login(client, cw.dispatcher).get(att.original_url)
    body = _body(r)
    assert r.status_code == 200 and body == original and b"TestCam" in body
    client.logout()
    assert _login(client, cw.w.resident_user).get(att.original_url).status_code == 200  # the uploader
    client.logout()
    other_town = cw.w.user_b
    assert _login(client, other_town).get(att.original_url).status_code == 404
    assert client.get(att.url).status_code == 404
    client.logout()
    neighbour = make_user("neighbour", "resident", cw.w.grid_a_west)
    assert _login(client, neighbour).get(att.original_url).status_code == 404
    assert client.get(att.url).status_code == 404


def test_behind_nginx_the_file_is_handed_over_with_x_accel_redirect(cw, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/protected-media/"
    att = Attachment.objects.get(case=report(cw, is_public=False))
    assert (tmp_path / att.file.name).is_file()
    r = _login(client, cw.dispatcher).get(att.original_url)
    assert r.status_code == 200 and r["X-Accel-Redirect"] == f"/protected-media/{att.file.name}"
    assert r.content == b""


def test_pages_and_api_link_photos_through_the_view(cw, client, private_case):
    att = Attachment.objects.get(case=private_case)
    _login(client, cw.dispatcher)
    page = client.get(f"/console/cases/{private_case.pk}/").content.decode()
    assert att.url in page and att.original_url in page and "/media/" not in page
    detail = client.get(f"/api/v1/cases/{private_case.pk}/").json()
    assert detail["timeline"][0]["photos"] == [att.url]
