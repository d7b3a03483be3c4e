from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.notify.services import deliver_due, purge_old


@db_periodic_task(crontab(minute="*"))
def deliver_notifications():
    return deliver_due()


@db_periodic_task(crontab(minute="17", hour="3"))
def purge_old_messages():
    """Every night: delivered messages past NOTIFY_RETENTION_DAYS go (unread in-app ones stay)."""
    return purge_old()
