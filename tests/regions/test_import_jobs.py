"""Big imports run in the background worker with a progress page; a worker that dies half-way leaves a job that
is run again, and nothing is written twice."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.core.imports import import_job_run, requeue_stale
from gridgov.core.models import ImportJob
from gridgov.core.timeutil import now
from gridgov.regions.models import Level, Region
from tests.conftest import poly


def _grid_file(world, n: int) -> bytes:
    """n small square grids in a row inside 甲一社区 (120.0–120.02 × 30.0–30.02), clear of its existing grids
    only in a dry run; for a real import a fresh community is used."""
    features = []
    for i in range(n):
        x = 120.0 + (i % 100) * 0.0002
        y = 30.0 + (i // 100) * 0.0002
        features.append({"type": "Feature", "properties": {"parent": world["parent"], "name": f"网格{i}"},
                         "geometry": poly(x, y, x + 0.00019, y + 0.00019)})
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@pytest.fixture
def empty_community(world):
    from gridgov.regions.services import region_create

    return region_create(actor=None, parent=world.town_a, level=Level.COMMUNITY, name="甲二社区", code="990102001002",
                         geometry=None)


def _post(client, data: bytes, dry_run: bool):
    values = {"file": SimpleUploadedFile("big.geojson", data, content_type="application/geo+json")}
    if dry_run:
        values["dry_run"] = "on"
    return client.post("/admin/regions/region/import/", values)


def test_a_big_file_is_imported_by_the_worker_with_a_progress_page(world, client, settings, empty_community,
                                                                   django_capture_on_commit_callbacks):
    settings.IMPORT_INLINE_MAX_BYTES = 10_000
    data = _grid_file({"parent": empty_community.code}, 250)
    assert len(data) > settings.IMPORT_INLINE_MAX_BYTES
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, data, dry_run=True)
    job = ImportJob.objects.get()
    assert r.status_code == 302 and r.url == f"/admin/imports/{job.pk}/"
    assert job.status == "done" and job.result["ok"] and job.total == 250 and job.done == 250
    assert Region.objects.filter(parent=empty_community).count() == 0  # a dry run writes nothing
    page = client.get(r.url).content.decode()
    assert "已完成" in page and "校验通过" in page and 'http-equiv="refresh"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, data, dry_run=False)
    job = ImportJob.objects.latest("id")
    assert job.status == "done" and job.result["created"] == {"网格": 250}
    assert Region.objects.filter(parent=empty_community).count() == 250
    # someone else cannot open the job
    client.force_login(world.user_b)
    assert client.get(f"/admin/imports/{job.pk}/").status_code in (302, 404)


def test_errors_of_a_background_check_are_listed(world, client, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_INLINE_MAX_BYTES = 1_000
    data = _grid_file({"parent": "990102999999"}, 30)  # no such community
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        r = _post(client, data, dry_run=False)
    job = ImportJob.objects.get()
    assert job.status == "done" and not job.result["ok"] and job.result["error_count"] == 30
    page = client.get(r.url).content.decode()
    assert "未导入任何数据" in page and "990102999999" in page


def test_a_running_page_refreshes_itself_and_shows_progress(world, client):
    job = ImportJob.objects.create(kind="grids", title="导入网格(GeoJSON)", created_by=world.admin, created_at=now(),
                                   status="running", total=400, done=100, heartbeat_at=now())
    client.force_login(world.admin)
    page = client.get(f"/admin/imports/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "100 / 400" in page and "25%" in page


def test_a_job_is_run_once_and_a_dead_workers_job_is_run_again(world, empty_community,
                                                               django_capture_on_commit_callbacks):
    from gridgov.core.imports import import_job_create

    upload = SimpleUploadedFile("g.geojson", _grid_file({"parent": empty_community.code}, 5))
    with django_capture_on_commit_callbacks(execute=False):  # queued, not yet picked up
        job = import_job_create(actor=world.admin, kind="grids", upload=upload, dry_run=False)
    # a worker claimed it and died before its import committed (which commits the result with it)
    ImportJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=now() - dt.timedelta(minutes=11),
                                               created_at=now() - dt.timedelta(minutes=12))
    assert import_job_run(job.pk) is False  # not queued: another worker has it
    requeue_stale()  # the sweep puts it back and sends it again (the test queue runs it at once)
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1
    assert Region.objects.filter(parent=empty_community).count() == 5
    assert import_job_run(job.pk) is False  # done: never run twice
    assert Region.objects.filter(parent=empty_community).count() == 5
