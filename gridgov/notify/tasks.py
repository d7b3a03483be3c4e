from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.notify.services import deliver_due


@db_periodic_task(crontab(minute="*"))
def deliver_notifications():
    return deliver_due()
