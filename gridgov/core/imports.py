"""Imports that run in the background: a big file is stored, a job row is queued, the worker checks and imports it
while the page shows its progress. The result is saved in the same transaction as the rows the import writes, so a
worker that dies half-way leaves a job that is simply run again (nothing written twice, nothing lost).

Apps register their importers (`register("grids", …)` in their AppConfig.ready); core knows none of them."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from gridgov.core.timeutil import now

STALE_AFTER = dt.timedelta(minutes=10)  # a running job whose worker has not reported for this long is run again


@dataclass(frozen=True)
class Importer:
    kind: str
    title: str
    run: Callable  # run(file, *, actor, dry_run, progress, on_written) -> ImportResult
    permission: str
    admin_path: str = ""  # the admin list it belongs to, e.g. "regions/region": its page is <that>/import/
    accept: str = ""  # file types offered by the upload field
    help_text: str = ""
    template: Callable[[], tuple[bytes, str]] | None = None  # an empty workbook to fill in, and its file name


REGISTRY: dict[str, Importer] = {}


def register(kind: str, *, title: str, run: Callable, permission: str, admin_path: str = "", accept: str = "",
             help_text: str = "", template: Callable[[], tuple[bytes, str]] | None = None) -> None:
    REGISTRY[kind] = Importer(kind, title, run, permission, admin_path, accept, help_text, template)


def import_job_create(*, actor, kind: str, upload, dry_run: bool):
    """Store the upload and queue its import; the worker picks it up (tasks.run_import_job)."""
    from gridgov.core.models import ImportJob, audit

    importer = REGISTRY[kind]
    with transaction.atomic():
        job = ImportJob(kind=kind, title=importer.title, dry_run=dry_run, created_by=actor,
                        filename=(getattr(upload, "name", "") or "")[:200], created_at=now())
        job.file.save(f"{kind}.bin", ContentFile(upload.read()), save=False)
        job.save()
        audit(actor=actor, action="import.queued", obj=job, detail={"kind": kind, "dry_run": dry_run})
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from gridgov.core.tasks import run_import_job

    run_import_job(job_id)


def import_job_run(job_id: int) -> bool:
    """Claim a queued job (compare-and-set, so two workers never run one job) and run it. False when another
    worker has it or it is finished."""
    from gridgov.core.models import ImportJob
    from gridgov.core.xlsx import ImportResult

    t = now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=t, heartbeat_at=t, attempts=F("attempts") + 1)
    if not claimed:
        return False
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    importer = REGISTRY[job.kind]
    last = [0.0]
    finished = []

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= 0.5 or done == total:
            last[0] = time.monotonic()
            ImportJob.objects.filter(pk=job.pk).update(done=done, total=total, heartbeat_at=now())

    def finish(result: ImportResult) -> None:
        finished.append(True)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE, finished_at=now(), heartbeat_at=now(), result=_as_json(result),
            done=result.rows, total=result.rows)

    try:
        with job.file.open("rb") as f:
            result = importer.run(f, actor=job.created_by, dry_run=job.dry_run, progress=progress, on_written=finish)
    except Exception as exc:  # a bug or a broken file: the job says so instead of hanging
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, finished_at=now(),
                                                   result={"ok": False, "summary": f"导入失败:{type(exc).__name__}",
                                                           "errors": []})
        raise
    if not finished:  # a dry run, or a file with errors: nothing was written, so no transaction to join
        finish(result)
    return True


def _as_json(result) -> dict:
    return {"ok": result.ok, "dry_run": result.dry_run, "rows": result.rows, "summary": result.summary(),
            "created": result.created, "errors": [e.as_dict() for e in result.errors[:5000]],
            "error_count": len(result.errors)}


def requeue_stale() -> list[int]:
    """Jobs left running by a worker that died go back to the queue (their import wrote nothing: it commits with
    the job's result) and are run again; jobs queued but never picked up are sent again."""
    from gridgov.core.models import ImportJob

    t = now()
    stale = list(ImportJob.objects.filter(status=ImportJob.Status.RUNNING, heartbeat_at__lt=t - STALE_AFTER)
                 .values_list("pk", flat=True))
    for pk in stale:
        ImportJob.objects.filter(pk=pk, status=ImportJob.Status.RUNNING, heartbeat_at__lt=t - STALE_AFTER).update(
            status=ImportJob.Status.QUEUED)
    waiting = list(ImportJob.objects.filter(status=ImportJob.Status.QUEUED, created_at__lt=t - dt.timedelta(minutes=2))
                   .values_list("pk", flat=True))
    for pk in waiting:
        _enqueue(pk)
    return waiting
