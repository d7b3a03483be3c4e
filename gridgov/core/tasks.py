from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from gridgov.core.ratelimit import purge_expired


@db_periodic_task(crontab(minute="41", hour="3"))
def purge_rate_counters() -> int:
    """Rate-limit windows that ended are forgotten each night."""
    return purge_expired()


@db_task()
def run_import_job(job_id: int) -> bool:
    from gridgov.core.imports import import_job_run

    return import_job_run(job_id)


@db_periodic_task(crontab(minute="*/5"))
def requeue_import_jobs() -> list[int]:
    from gridgov.core.imports import requeue_stale

    return requeue_stale()
