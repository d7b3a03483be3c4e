"""Aware datetimes only: UTC in storage, Asia/Shanghai for display."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return timezone.now()


def local(dt: datetime) -> datetime:
    if timezone.is_naive(dt):
        raise ValueError("naive datetime refused")
    return dt.astimezone(LOCAL_TZ)


def local_today():
    return local(now()).date()
