"""Periodic work of 掌上社区, run by the Huey consumer: appointment reminders."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.portal.services import remind_due


@db_periodic_task(crontab(minute="*/10"))
def remind_appointments():
    return remind_due()
