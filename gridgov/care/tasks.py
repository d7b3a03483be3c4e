"""Periodic work of the care module, run by the Huey consumer: lights, resumptions, offline devices."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.care.sweeper import sweep_care


@db_periodic_task(crontab(minute="*"))
def sweep_care_plans():
    return sweep_care()
