from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.core.ratelimit import purge_expired


@db_periodic_task(crontab(minute="41", hour="3"))
def purge_rate_counters() -> int:
    """Rate-limit windows that ended are forgotten each night."""
    return purge_expired()
