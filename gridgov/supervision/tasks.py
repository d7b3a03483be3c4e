"""Periodic work of supervision, run by the Huey consumer: the inspections a compound's period makes due, and
last month's 通报 of the property companies' credit scores."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.supervision.score import publish_due
from gridgov.supervision.services import schedule_due


@db_periodic_task(crontab(minute="5", hour="6"))
def schedule_inspections():
    return schedule_due()


@db_periodic_task(crontab(minute="20", hour="7"))
def publish_scores():
    return publish_due()
