from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.mediation.sweeper import sweep_disputes


@db_periodic_task(crontab(minute="*"))
def sweep_mediation():
    return sweep_disputes()
