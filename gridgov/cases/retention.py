"""保存期限: a case finished (结案, 不予立案, 合并, 撤回) more than `CASE_RETENTION_DAYS` ago (three years by default, never
less than 180 days) keeps what it was about — category, place, the timeline, the public photo copies, the figures
— but no longer who reported it: the reporter's account link, name and phone, the followers to be told, the
photos' originals (with their GPS position and device) are deleted, and phone and identity numbers written in
its title or description are masked. One system row in its timeline says so. Run daily by the worker and by
`gridgov sweep`, a batch at a time; each case in its own transaction, so a run cut short loses nothing."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from gridgov.cases import events
from gridgov.cases.models import FINAL_STATES, Case, CaseFollower
from gridgov.core.pii import mask
from gridgov.core.timeutil import now

MIN_DAYS = 180
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def retention_days() -> int:
    return max(MIN_DAYS, int(getattr(settings, "CASE_RETENTION_DAYS", 1095)))


def scrub(text: str) -> str:
    """Mask mobile numbers and identity numbers written in free text."""
    text = ID_NUMBER.sub(lambda m: mask("id_number", m.group()), text or "")
    return PHONE.sub(lambda m: mask("phone", m.group()), text)


def due(at: dt.datetime | None = None):
    cutoff = (at or now()) - dt.timedelta(days=retention_days())
    return (Case.objects.filter(anonymised_at__isnull=True, state__in=FINAL_STATES)
            .filter(Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, updated_at__lt=cutoff)))


def anonymise(case_id: int, *, at: dt.datetime | None = None) -> bool:
    at = at or now()
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id, anonymised_at__isnull=True).first()
        if case is None:
            return False
        photos, gone = 0, list[str]()
        for a in case.attachments.all():
            if a.public_file and a.file.name and a.file.name != a.public_file.name:
                gone.append(a.file.name)
                a.file.name = a.public_file.name
                a.save(update_fields=["file"])
                photos += 1
        followers, _ = CaseFollower.objects.filter(case=case).delete()
        Case.objects.filter(pk=case.pk).update(
            reporter=None, reporter_name="", reporter_phone_enc="", reporter_phone_hash="", reporter_phone_last4="",
            title=scrub(case.title)[:100], description=scrub(case.description), anonymised_at=at)
        case.refresh_from_db()
        events.anonymised(case, photos=photos, followers=followers, at=at)
        storage = case.attachments.model._meta.get_field("file").storage

        def delete_originals() -> None:
            for name in gone:
                storage.delete(name)

        transaction.on_commit(delete_originals)
    return True


def anonymise_due(*, at: dt.datetime | None = None, batch: int = 500) -> int:
    """Anonymise up to `batch` cases whose retention period is over. Returns how many."""
    return sum(anonymise(pk, at=at) for pk in due(at).order_by("pk").values_list("pk", flat=True)[:batch])
