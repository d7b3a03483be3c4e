"""The fold of the rollups, every minute (the big screen is at most a minute behind the cases); the monthly and
weekly reports, every morning (those of a period just over, and any a stopped worker missed)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.analytics.rollups import fold


@db_periodic_task(crontab(minute="*"))
def fold_rollups() -> int:
    return fold()


@db_periodic_task(crontab(minute="10", hour="7"))
def make_reports() -> int:
    from gridgov.analytics.reports import reports_due

    return reports_due()
