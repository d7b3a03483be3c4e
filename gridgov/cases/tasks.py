"""Periodic work run by the Huey consumer (`gridgov run_huey`): the SLA sweep and notification delivery."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.cases.sweeper import sweep


@db_periodic_task(crontab(minute="*"))
def sweep_cases():
    return sweep()
