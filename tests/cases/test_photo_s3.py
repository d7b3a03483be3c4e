"""Photos in an S3-compatible store (GRIDGOV_S3_BUCKET: MinIO, a government cloud's 对象存储) instead of the media
directory: a report's original and public copy are objects in the bucket, read back through the same views that
check who asks — streamed by gridgov, never handed to nginx (whose media directory does not hold them) — and the
retention job deletes an original from the bucket. The store is moto's S3 (botocore answered in-process)."""

import pytest

from gridgov.cases.models import Attachment
from gridgov.settings.base import s3_storage
from tests.cases.conftest import report

BUCKET = "gridgov-photos"
ENV = {"GRIDGOV_S3_BUCKET": BUCKET, "GRIDGOV_S3_REGION": "us-east-1", "GRIDGOV_S3_ACCESS_KEY": "test-key",
       "GRIDGOV_S3_SECRET_KEY": "test-secret", "GRIDGOV_S3_PREFIX": "district-990101"}


def test_without_a_bucket_files_stay_on_the_filesystem():
    assert s3_storage({}) is None
    assert s3_storage({"GRIDGOV_S3_BUCKET": ""}) is None
    options = s3_storage({**ENV, "GRIDGOV_S3_ENDPOINT_URL": "http://minio.intranet:9000"})["OPTIONS"]
    assert options["endpoint_url"] == "http://minio.intranet:9000" and options["addressing_style"] == "path"
    assert options["file_overwrite"] is False and options["default_acl"] is None


@pytest.fixture
def bucket(settings):
    import boto3
    from moto import mock_aws

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="test-key",
                          aws_secret_access_key="test-secret")
        s3.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage(ENV)}  # undone with the test's settings
        yield s3


def _objects(s3) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_reports_photos_are_objects_in_the_bucket_served_through_the_views(cw, client, bucket, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/protected-media/"  # nginx cannot send what is not on its disk
    case = report(cw, is_public=True)
    att = Attachment.objects.get(case=case)
    stored = _objects(bucket)
    assert set(stored) == {f"district-990101/{att.file.name}", f"district-990101/{att.public_file.name}"}
    assert b"TestCam" in stored[f"district-990101/{att.file.name}"]  # the original, EXIF and all
    assert b"TestCam" not in stored[f"district-990101/{att.public_file.name}"]

    public = client.get(att.url)  # anyone, for a public case
    assert public.status_code == 200 and "X-Accel-Redirect" not in public
    assert _body(public) == stored[f"district-990101/{att.public_file.name}"]
    assert client.get(att.original_url).status_code == 404
    client.force_login(cw.dispatcher)
    original = client.get(att.original_url)
    assert original.status_code == 200 and "X-Accel-Redirect" not in original
    assert _body(original) == stored[f"district-990101/{att.file.name}"]
    assert "private" in original["Cache-Control"] and original["X-Content-Type-Options"] == "nosniff"


def test_two_photos_of_one_name_never_overwrite_each_other(cw, bucket):
    first = Attachment.objects.get(case=report(cw))
    second = Attachment.objects.get(case=report(cw, description="另一处垃圾堆放,也很多天了"))
    assert first.file.name != second.file.name
    assert len(_objects(bucket)) == 4


def test_the_retention_job_deletes_an_original_from_the_bucket(cw, bucket, django_capture_on_commit_callbacks):
    import datetime as dt

    from gridgov.cases.models import Case
    from gridgov.cases.retention import anonymise
    from gridgov.core.timeutil import now

    case = report(cw)
    att = Attachment.objects.get(case=case)
    public = f"district-990101/{att.public_file.name}"
    Case.objects.filter(pk=case.pk).update(state="closed", closed_at=now() - dt.timedelta(days=2000))
    with django_capture_on_commit_callbacks(execute=True):
        assert anonymise(case.pk)
    assert set(_objects(bucket)) == {public}
    att.refresh_from_db()
    assert att.file.name == att.public_file.name
