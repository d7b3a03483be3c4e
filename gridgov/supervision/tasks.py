"""Periodic work of supervision, run by the Huey consumer: the inspections a compound's period makes due."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.supervision.services import schedule_due


@db_periodic_task(crontab(minute="5", hour="6"))
def schedule_inspections():
    return schedule_due()
