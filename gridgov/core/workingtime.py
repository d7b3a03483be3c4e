"""Deadlines in working time on the Chinese calendar (holidays and 调休 working weekends) or natural time.

Walk day by day, spending the remaining minutes in each working period (as Frappe Helpdesk's calc_time does).
A needed day in a year that has no calendar raises CalendarNotCovered: never guess a holiday."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridgov.core.snapshot import Snapshot
from gridgov.core.timeutil import LOCAL_TZ


class CalendarNotCovered(Exception):
    def __init__(self, year: int):
        self.year = year
        super().__init__(f"{year}年的工作日历尚未录入(节假日与调休安排),无法计算工作日时限,请管理员按国务院办公厅通知录入")


@dataclass(frozen=True)
class Calendar:
    years: frozenset[int]
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    periods: dict[int, tuple[tuple[dt.time, dt.time], ...]]

    def is_working_day(self, day: dt.date) -> bool:
        if day.year not in self.years:
            raise CalendarNotCovered(day.year)
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5

    def periods_of(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        if not self.is_working_day(day):
            return ()
        ranges = self.periods.get(day.weekday()) or self.periods.get(0, ())
        return tuple(
            (dt.datetime.combine(day, a, tzinfo=LOCAL_TZ), dt.datetime.combine(day, b, tzinfo=LOCAL_TZ))
            for a, b in ranges
        )

    def add_working_minutes(self, start: dt.datetime, minutes: float) -> dt.datetime:
        """The moment when `minutes` of working time have passed after `start`."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        remaining = dt.timedelta(minutes=minutes)
        cursor = start.astimezone(LOCAL_TZ)
        day = cursor.date()
        for _ in range(3660):  # ten years of days; a calendar with no working time at all fails below
            for a, b in self.periods_of(day):
                if cursor >= b:
                    continue
                begin = max(cursor, a)
                available = b - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
                cursor = b
            day += dt.timedelta(days=1)
            cursor = max(cursor, dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL_TZ))
        raise ValueError("no working time found in ten years: check the working periods")

    def working_minutes_between(self, start: dt.datetime, end: dt.datetime) -> float:
        if end <= start:
            return 0.0
        total = dt.timedelta()
        s, e = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
        day = s.date()
        while day <= e.date():
            for a, b in self.periods_of(day):
                lo, hi = max(a, s), min(b, e)
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total.total_seconds() / 60


DEFAULT_PERIODS = ((dt.time(8, 30), dt.time(12, 0)), (dt.time(14, 0), dt.time(17, 30)))

def load_calendar() -> Calendar:
    from gridgov.core.models import CalendarDay, CalendarYear, WorkingPeriod

    periods: dict[int, list] = {}
    for p in WorkingPeriod.objects.order_by("weekday", "start"):
        periods.setdefault(p.weekday, []).append((p.start, p.end))
    if not periods:
        periods = {d: list(DEFAULT_PERIODS) for d in range(5)}
    return Calendar(
        years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
        holidays=frozenset(CalendarDay.objects.filter(kind="holiday").values_list("date", flat=True)),
        workdays=frozenset(CalendarDay.objects.filter(kind="workday").values_list("date", flat=True)),
        periods={k: tuple(v) for k, v in periods.items()},
    )


_calendar = Snapshot(load_calendar, max_age=60.0, name="calendar")


def get_calendar(*, max_age: float | None = None) -> Calendar:
    """The calendar, re-read from the database at most every 60 seconds (`max_age`) and after edits."""
    return _calendar.get(max_age=max_age)


def reset_calendar_cache() -> None:
    _calendar.reset()
