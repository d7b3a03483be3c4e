"""Aware datetimes only: UTC in storage, Asia/Shanghai for display."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


_clock: ContextVar[datetime | None] = ContextVar("gridgov_clock", default=None)


def now() -> datetime:
    """The current moment; `clock_at` can set it, e.g. for replaying history into the demo district."""
    fixed = _clock.get()
    return fixed if fixed is not None else timezone.now()


@contextmanager
def clock_at(moment: datetime):
    if timezone.is_naive(moment):
        raise ValueError("naive datetime refused")
    token = _clock.set(moment)
    try:
        yield moment
    finally:
        _clock.reset(token)


def local(dt: datetime) -> datetime:
    if timezone.is_naive(dt):
        raise ValueError("naive datetime refused")
    return dt.astimezone(LOCAL_TZ)


def local_today():
    return local(now()).date()
