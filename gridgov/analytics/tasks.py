"""The fold of the rollups, every minute (the big screen is at most a minute behind the cases)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.analytics.rollups import fold


@db_periodic_task(crontab(minute="*"))
def fold_rollups() -> int:
    return fold()
