"""Periodic work run by the Huey consumer (`gridgov run_huey`): the SLA sweep and notification delivery."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from gridgov.cases.sweeper import sweep


@db_periodic_task(crontab(minute="*"))
def sweep_cases():
    return sweep()


@db_periodic_task(crontab(minute="40", hour="3"))
def anonymise_old_cases():
    """Each night: cases finished longer ago than CASE_RETENTION_DAYS lose their reporter's data (cases.retention)."""
    from gridgov.cases.queued import forget_processed
    from gridgov.cases.retention import anonymise_due

    forget_processed()  # and the tokens of reports accepted for later, QUEUED_REPORT_KEEP_DAYS after their answer
    return anonymise_due(batch=5000)


def make_months(*, ahead: int = 3, since=None) -> list[str]:
    """The monthly partitions of the cases and their timeline (migrations cases 0025 and 0023) from `since` (default:
    this month) to `ahead` months after this one; rows that waited in a default partition move into their month."""
    from gridgov.cases.models import Case, CaseEvent
    from gridgov.core.partitions import ensure_months

    return [name for model in (Case, CaseEvent)
            for name in ensure_months(model._meta.db_table, model.PARTITION_COLUMN, ahead=ahead, since=since)]


@db_periodic_task(crontab(minute="20", hour="3"))
def make_monthly_partitions():
    """Each night: the months ahead of the cases and their timeline (PostgreSQL)."""
    return make_months(ahead=3)


@db_task()
def suggest_department(case_id: int):
    """智能分拨 of a new case, after its intake committed."""
    from gridgov.cases.services import case_suggest

    return case_suggest(case_id)


@db_task()
def make_queued_cases(queued_ids: list[int]):
    """The cases of reports accepted for later (`cases.queued`), after their acceptance committed; one task for
    the reports a process accepted within QUEUED_REPORT_BATCH_SECONDS."""
    from gridgov.cases.queued import make_case

    return [make_case(pk) for pk in queued_ids]
