"""Deadlines in working time: a holiday, a 调休 working Saturday, a pause across a weekend, a year with no
calendar (a clear error and an alert, never a guess)."""

import datetime as dt

import pytest
import time_machine

from gridgov.cases import services as s
from gridgov.cases.models import Case
from gridgov.core.models import CalendarDay, CalendarYear
from gridgov.core.timeutil import LOCAL_TZ
from gridgov.core.workingtime import CalendarNotCovered, get_calendar, reset_calendar_cache
from gridgov.notify.models import Message
from tests.cases.conftest import photo, report


def at(*args):
    return dt.datetime(*args, tzinfo=LOCAL_TZ)


@pytest.fixture
def cal(db):
    reset_calendar_cache()
    yield get_calendar(max_age=0)
    reset_calendar_cache()


def test_ordinary_day_with_lunch_break(cal):
    # 2026-11-23 is a Monday: 08:30–12:00 and 14:00–17:30
    assert cal.add_working_minutes(at(2026, 11, 23, 11, 0), 90) == at(2026, 11, 23, 14, 30)
    assert cal.add_working_minutes(at(2026, 11, 23, 7, 0), 30) == at(2026, 11, 23, 9, 0)
    assert cal.add_working_minutes(at(2026, 11, 27, 17, 0), 60) == at(2026, 11, 30, 9, 0)  # Fri → Mon
    assert cal.working_minutes_between(at(2026, 11, 23, 8, 0), at(2026, 11, 24, 8, 0)) == 420


def test_national_day_holiday_is_skipped(cal):
    # 2026-09-30 (Wed) 17:00 + 60 working minutes: 10-01…10-07 are holidays → 10-08 (Thu) 09:00
    assert cal.is_working_day(dt.date(2026, 10, 1)) is False
    assert cal.add_working_minutes(at(2026, 9, 30, 17, 0), 60) == at(2026, 10, 8, 9, 0)


def test_tiaoxiu_saturday_is_a_working_day(cal):
    # 2026-10-10 is a Saturday worked in exchange for the National Day holiday
    assert dt.date(2026, 10, 10).weekday() == 5 and cal.is_working_day(dt.date(2026, 10, 10))
    assert cal.add_working_minutes(at(2026, 10, 9, 17, 0), 60) == at(2026, 10, 10, 9, 0)
    assert cal.is_working_day(dt.date(2026, 10, 11)) is False  # the Sunday after is not


def test_year_without_calendar_fails_loudly(cal):
    with pytest.raises(CalendarNotCovered, match="2027年的工作日历尚未录入"):
        cal.add_working_minutes(at(2026, 12, 31, 17, 0), 120)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_an_entered_2027_calendar_is_used(db):
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    reset_calendar_cache()
    cal = get_calendar(max_age=0)
    assert cal.add_working_minutes(at(2026, 12, 31, 17, 0), 120) == at(2027, 1, 4, 10, 0)


def test_pause_across_a_weekend_counts_working_time(cw):
    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):  # Friday
        case = report(cw)
        s.case_accept(case=case, actor=cw.dispatcher)
        s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.cg)
        s.case_acknowledge(case=Case.objects.get(pk=case.pk), actor=cw.handler_cg)
        due = Case.objects.get(pk=case.pk).handle_due_at
    assert due == at(2026, 11, 27, 9, 0)  # 5 × 420 working minutes from Fri 09:00 → next Fri 09:00
    with time_machine.travel(at(2026, 11, 20, 16, 0), tick=False):  # paused Fri 16:00
        s.case_suspend(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, reason="等待业主配合")
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):  # resumed Mon 10:00
        s.case_resume(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher)
    # paused working time: Fri 16:00–17:30 (90) + Mon 08:30–10:00 (90) = 180 minutes, the weekend is free
    assert Case.objects.get(pk=case.pk).handle_due_at == at(2026, 11, 27, 12, 0)
    ev = Case.objects.get(pk=case.pk).events.get(action="resume")
    assert ev.data["paused_minutes"] == 180


def test_dispatch_into_an_uncovered_year_keeps_the_case_and_alerts(cw):
    with time_machine.travel(at(2026, 12, 30, 10, 0), tick=False):
        case = report(cw)
        s.case_accept(case=case, actor=cw.dispatcher)
        case = s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.cg)
    case = Case.objects.get(pk=case.pk)
    assert case.state == "dispatched"  # nothing accepted is lost
    assert case.acknowledge_due_at is not None  # two working hours still fit in 2026
    assert case.handle_due_at is None and "2027" in case.clock_error
    alert = Message.objects.get(subject__contains="2027年工作日历未录入")
    assert alert.recipient == cw.w.admin
    with time_machine.travel(at(2026, 12, 30, 11, 0), tick=False):
        report(cw, description="又一处垃圾", lon=120.0052)
        c2 = Case.objects.latest("id")
        s.case_accept(case=c2, actor=cw.dispatcher)
        s.case_dispatch(case=Case.objects.get(pk=c2.pk), actor=cw.dispatcher, unit=cw.cg)
    assert Message.objects.filter(subject__contains="2027年工作日历未录入").count() == 1  # alerted once



def test_deadlines_that_waited_for_the_year_are_filled_in_once_it_is_entered(cw):
    from gridgov.cases.models import CaseEvent
    from gridgov.cases.sweeper import sweep

    def fresh():
        return Case.objects.get(pk=case.pk)

    with time_machine.travel(at(2026, 12, 30, 10, 0), tick=False):
        case = report(cw)
        s.case_accept(case=case, actor=cw.dispatcher)
        s.case_dispatch(case=fresh(), actor=cw.dispatcher, unit=cw.cg)
    with time_machine.travel(at(2026, 12, 30, 10, 30), tick=False):
        s.case_acknowledge(case=fresh(), actor=cw.handler_cg)
        req = s.case_request_extension(case=fresh(), actor=cw.handler_cg, minutes=420, reason="等配件")
        s.case_decide_extension(case=fresh(), actor=cw.dispatcher, approve=True)  # counts once the year exists
        assert req.pk and fresh().handle_due_at is None
    with time_machine.travel(at(2026, 12, 31, 9, 0), tick=False):
        s.case_suspend(case=fresh(), actor=cw.dispatcher, reason="等待产权单位确认")
    with time_machine.travel(at(2026, 12, 31, 10, 0), tick=False):
        s.case_resume(case=fresh(), actor=cw.dispatcher)  # one working hour paused
    from django.test import Client

    client = Client()
    client.force_login(cw.dispatcher)
    assert "1 件时限待工作日历录入后补算" in client.get("/console/board/").content.decode()
    assert case.number in client.get("/console/cases/", {"clock_error": "1"}).content.decode()
    with time_machine.travel(at(2027, 1, 2, 9, 0), tick=False):
        assert sweep()["filled"] == 0  # 2027 not entered yet: still waiting, nothing guessed
        assert fresh().handle_due_at is None and "2027" in fresh().clock_error
        CalendarYear.objects.create(year=2027, source="国务院办公厅通知")
        CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
        assert sweep()["filled"] == 1
        assert sweep()["filled"] == 0  # once
    case = fresh()
    # 2,100 working minutes from Wed 30 Dec 10:00 (330 + 420 in 2026; 1 Jan a holiday, then 420 a day) end on
    # Thu 7 Jan 10:00; plus the 420-minute extension and the hour paused: Fri 8 Jan 11:00
    assert case.handle_due_at == at(2027, 1, 8, 11, 0) and case.clock_error == "" and case.light == "green"
    assert "pending" not in case.sla
    event = CaseEvent.objects.get(case=case, action="deadline_filled")
    assert event.data == {"handle_due_at": at(2027, 1, 8, 11, 0).isoformat()} and event.note.startswith("工作日历已录入")
    with time_machine.travel(at(2027, 1, 8, 11, 1), tick=False):
        assert sweep()["red"] == 1  # and from now on like any other case
    assert "待工作日历录入后补算" not in client.get("/console/board/").content.decode()


def test_a_case_from_before_deadlines_were_remembered_gets_them_from_its_milestones(cw):
    from gridgov.cases.sweeper import sweep

    with time_machine.travel(at(2026, 12, 30, 10, 0), tick=False):
        case = report(cw)
        s.case_accept(case=case, actor=cw.dispatcher)
        s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.cg)
    case = Case.objects.get(pk=case.pk)
    Case.objects.filter(pk=case.pk).update(sla={k: v for k, v in case.sla.items() if k != "pending"})
    CalendarYear.objects.create(year=2027, source="国务院办公厅通知")
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    with time_machine.travel(at(2027, 1, 2, 9, 0), tick=False):
        assert sweep()["filled"] == 1
    assert Case.objects.get(pk=case.pk).handle_due_at == at(2027, 1, 7, 10, 0)

def test_photo_is_checked_by_content_and_stripped_of_exif(cw):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from gridgov.core.errors import ApplicationError

    fake = SimpleUploadedFile("evil.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    with pytest.raises(ApplicationError) as exc:
        report(cw, photos=[fake])
    assert exc.value.code == "photo_invalid"
    assert Case.objects.count() == 0
    case = report(cw, photos=[photo()])
    att = case.attachments.get()
    assert att.content_type == "image/jpeg" and att.width == 64
    with att.file.open("rb") as f:
        assert Image.open(f).getexif().get(0x8825) is not None  # the private original keeps its GPS
    with att.public_file.open("rb") as f:
        img = Image.open(f)
        assert not img.getexif() and "exif" not in img.info


def test_next_years_arrangement_is_asked_for_from_mid_november(cw):
    from gridgov.cases import sla
    from gridgov.cases.sweeper import sweep

    with time_machine.travel(at(2026, 11, 10, 9, 0), tick=False):
        sweep()
    assert not Message.objects.filter(subject__contains="请录入2027年").exists()  # too early
    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        sweep()
        sla._reminded.clear()  # another process, or a restart: still asked once
        sweep()
    [reminder] = Message.objects.filter(subject__contains="请录入2027年节假日安排")
    assert reminder.recipient == cw.w.admin and "录入全年安排" in reminder.body
    from django.test import Client

    client = Client()
    client.force_login(cw.w.admin)
    assert "前往处理" in client.get("/console/messages/").content.decode()
    r = client.get(f"/console/messages/{reminder.pk}/")
    assert r.status_code == 302 and r.url == "/admin/core/calendaryear/enter/"
    CalendarYear.objects.create(year=2028, source="测试")
    with time_machine.travel(at(2027, 11, 20, 9, 0), tick=False):
        sweep()
    assert not Message.objects.filter(subject__contains="请录入2028年").exists()  # already entered
