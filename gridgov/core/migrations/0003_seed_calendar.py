import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    WorkingPeriod = apps.get_model("core", "WorkingPeriod")
    years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    version = getattr(chinese_calendar, "__version__", "")
    for y in years:
        CalendarYear.objects.get_or_create(year=y, defaults={"source": f"chinesecalendar {version}".strip()})
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, kind="holiday", name=str(n)) for d, n in chinese_calendar.holidays.items()]
        + [CalendarDay(date=d, kind="workday", name=str(n)) for d, n in chinese_calendar.workdays.items()],
        ignore_conflicts=True,
    )
    if not WorkingPeriod.objects.exists():
        for weekday in range(5):
            WorkingPeriod.objects.create(weekday=weekday, start=dt.time(8, 30), end=dt.time(12, 0))
            WorkingPeriod.objects.create(weekday=weekday, start=dt.time(14, 0), end=dt.time(17, 30))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
