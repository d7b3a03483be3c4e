"""Aware datetimes only: UTC in storage, Asia/Shanghai for display."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
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


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """'2026-11' → the month's first instant and the next month's, in local time."""
    from gridgov.core.errors import ApplicationError

    try:
        first = datetime.strptime(month, "%Y-%m").replace(tzinfo=LOCAL_TZ)
    except ValueError:
        raise ApplicationError("invalid_month", "月份格式应为 YYYY-MM,如 2026-11", fields={"month": "格式无效"}) from None
    if not 2000 <= first.year <= 2100:
        raise ApplicationError("invalid_month", "月份超出范围", fields={"month": "超出范围"})
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following
