from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from gridgov.integrations.receipts import process_pending, receipt_process


@db_task()
def process_receipt(pk: int):
    return receipt_process(pk).status


@db_periodic_task(crontab(minute="*"))
def process_pending_receipts():
    """Anything a crashed worker left behind."""
    return process_pending()
