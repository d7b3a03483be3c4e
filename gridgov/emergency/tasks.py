"""Periodic work of the emergency module, run by the Huey consumer: the next ring for callouts nobody
acknowledged in time."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.emergency.sweeper import sweep_callouts


@db_periodic_task(crontab(minute="*"))
def sweep_emergency_callouts():
    return sweep_callouts()
