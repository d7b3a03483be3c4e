"""Periodic work of the deliberation module, run by the Huey consumer: steps that end by date."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.deliberation.services import advance_due


@db_periodic_task(crontab(minute="*/5"))
def advance_topics():
    return advance_due()
