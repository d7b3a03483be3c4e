"""Periodic work of the points module, run by the Huey consumer (`gridgov run_huey`): awards for the case steps
that earn, expired lots, rewards not picked up in time."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.points.sweeper import sweep_points


@db_periodic_task(crontab(minute="*"))
def sweep_volunteer_points():
    return sweep_points()
