"""保存期限: a case finished longer ago than CASE_RETENTION_DAYS loses who reported it (account link, name, phone,
followers), its photos' originals (the public copies stay) and the phone and identity numbers in its text, with a
row in its timeline; open cases and recent ones are untouched; a second run does nothing."""

import datetime as dt

from django.core.files.storage import default_storage

from gridgov.cases import retention
from gridgov.cases.models import Case, CaseEvent, CaseFollower
from gridgov.core.timeutil import now
from tests.cases.conftest import cw, report  # noqa: F401


def test_old_finished_cases_are_anonymised_and_nothing_else(cw, settings,  # noqa: F811
                                                           django_capture_on_commit_callbacks):
    settings.CASE_RETENTION_DAYS = 365
    old = report(cw, description="楼道堆放杂物,联系人 13912345678,身份证 110101199003070012,请尽快处理",
                 reporter_name="王小明", reporter_phone="13912345678")
    recent = report(cw, description="路灯不亮,电话 13800001111")
    still_open = report(cw, description="井盖缺失,电话 13700002222")
    long_ago = now() - dt.timedelta(days=400)
    Case.objects.filter(pk__in=[old.pk, recent.pk]).update(state="closed", closed_at=long_ago)
    Case.objects.filter(pk=recent.pk).update(closed_at=now() - dt.timedelta(days=30))
    Case.objects.filter(pk=still_open.pk).update(updated_at=long_ago)
    photo = old.attachments.get()
    original, public = photo.file.name, photo.public_file.name
    assert original != public and default_storage.exists(original)
    followers = CaseFollower.objects.filter(case=old).count()
    assert followers == 2  # the reporter's account and the phone they gave

    with django_capture_on_commit_callbacks(execute=True):  # the originals go once the change is committed
        assert retention.anonymise_due() == 1
    c = Case.objects.get(pk=old.pk)
    assert c.anonymised_at is not None and c.reporter is None and c.reporter_name == ""
    assert (c.reporter_phone_enc, c.reporter_phone_hash, c.reporter_phone_last4) == ("", "", "")
    assert "13912345678" not in c.description and "139****5678" in c.description
    assert "110101199003070012" not in c.description and "1101**********0012" in c.description
    assert not CaseFollower.objects.filter(case=old).exists()
    photo.refresh_from_db()
    assert photo.file.name == public and not default_storage.exists(original) and default_storage.exists(public)
    row = CaseEvent.objects.get(case=old, action="anonymise")
    assert row.actor is None and row.data == {"photos": 1, "followers": followers}
    for untouched in (recent, still_open):
        u = Case.objects.get(pk=untouched.pk)
        assert u.anonymised_at is None and u.reporter is not None and "1" in u.description
    assert retention.anonymise_due() == 0  # once
    # never sooner than 180 days, whatever the setting says
    settings.CASE_RETENTION_DAYS = 7
    assert retention.retention_days() == 180 and retention.anonymise_due() == 0


def test_the_timeline_names_it_in_chinese(cw, client):  # noqa: F811
    case = report(cw)
    Case.objects.filter(pk=case.pk).update(state="closed", closed_at=now() - dt.timedelta(days=2000))
    assert retention.anonymise_due() == 1
    client.force_login(cw.dispatcher)
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "超期匿名化" in page and "anonymise" not in page
