"""Entering next year's holidays from the State Council notice: every day checked before anything is written."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from gridgov.core.calendar_entry import calendar_year_enter, parse_arrangement
from gridgov.core.models import AuditLog, CalendarDay, CalendarYear
from gridgov.core.workingtime import CalendarNotCovered, get_calendar

# 国务院办公厅关于2025年部分节假日安排的通知, as published (with its title and closing words)
NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作。
国务院办公厅
2024年11月12日
"""


def test_the_published_notice_gives_the_same_days_as_chinesecalendar(db):
    days, errors = parse_arrangement(2025, NOTICE_2025)
    assert errors == []
    seeded = set(CalendarDay.objects.filter(date__year=2025).values_list("date", "kind"))
    assert {(d, k) for d, k, _ in days} == seeded  # the migration seeded 2025 from chinesecalendar
    names = {d: n for d, _, n in days}
    assert names[dt.date(2025, 1, 28)] == "春节" and names[dt.date(2025, 2, 8)] == "春节调休上班"


@pytest.mark.parametrize(("text", "reason"), [
    ("春节:2月6日至13日放假。2月10日上班。", "2027-02-10 是周三,应为周六或周日"),
    ("元旦:2026年12月31日至2027年1月2日放假", "放假日期 2026-12-31 不在2027年"),
    ("元旦:1月1日至3日放假。1月2日上班。", "既是放假日又是上班日"),
    ("春节:6日至13日放假", "「6日」前面缺少月份"),
    ("春节:2月30日放假", "「2月30日」不是有效日期"),
    ("春节:2月13日至2月6日放假", "结束早于开始"),
    ("国庆节:10月1日至11月1日放假", "超过15天"),
    ("1月1日放假", "应为「节日名称:放假日期」"),
])
def test_what_cannot_be_right_is_refused_by_line(db, text, reason):
    days, errors = parse_arrangement(2027, "清明节:4月3日至5日放假\n" + text)
    assert len(errors) == 1 and errors[0]["row"] == 2 and reason in errors[0]["reason"]


def test_entering_a_year_writes_it_whole_once_audited_and_counts_at_once(db):
    text = "元旦:1月1日至3日放假调休\n春节:2月6日至13日放假调休。2月14日、2月20日上班。"
    with pytest.raises(CalendarNotCovered):
        get_calendar().is_working_day(dt.date(2027, 2, 8))  # not entered yet
    checked = calendar_year_enter(actor=None, year=2027, source="国办发明电〔2026〕1号", text=text, dry_run=True)
    assert checked["errors"] == [] and not checked["written"] and not CalendarYear.objects.filter(year=2027).exists()
    done = calendar_year_enter(actor=None, year=2027, source="国办发明电〔2026〕1号", text=text)
    assert done["written"] and CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕1号"
    calendar = get_calendar()
    assert not calendar.is_working_day(dt.date(2027, 2, 8)) and calendar.is_working_day(dt.date(2027, 2, 14))
    row = AuditLog.objects.get(action="calendar.enter")
    assert row.detail["holidays"] == 11 and row.detail["workdays"] == 2
    again = calendar_year_enter(actor=None, year=2027, source="更正", text="元旦:1月1日放假")
    assert not again["written"] and "已录入" in again["errors"][0]["reason"]
    replaced = calendar_year_enter(actor=None, year=2027, source="更正", text="元旦:1月1日放假", replace=True)
    assert replaced["written"] and CalendarDay.objects.filter(date__year=2027).count() == 1
    assert get_calendar().is_working_day(dt.date(2027, 2, 8))


def test_the_admin_page_checks_then_enters(world, client):
    client.force_login(world.admin)
    assert "录入全年安排" in client.get("/admin/core/calendaryear/").content.decode()
    data = {"year": "2027", "source": "国办发明电〔2026〕1号", "text": "春节:2月6日至13日放假。2月10日上班。", "check": "检查"}
    r = client.post("/admin/core/calendaryear/enter/", data)
    assert r.status_code == 400 and "应为周六或周日" in r.content.decode()
    data["text"] = "春节:2月6日至13日放假。2月14日上班。"
    page = client.post("/admin/core/calendaryear/enter/", data).content.decode()
    assert "检查通过:放假 8 天,调休上班 1 天" in page and not CalendarYear.objects.filter(year=2027).exists()
    data.pop("check")
    data["save"] = "录入"
    page = client.post("/admin/core/calendaryear/enter/", data).content.decode()
    assert "已录入 2027 年" in page and CalendarDay.objects.filter(date__year=2027).count() == 9
    assert AuditLog.objects.get(action="calendar.enter").actor == world.admin
    client.force_login(world.user_a)
    assert client.get("/admin/core/calendaryear/enter/").status_code in (302, 403)


def test_the_command_reads_the_notice(db, tmp_path, capsys):
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE_2025.replace("2025", "2027").replace("2024年", "2026年"), encoding="utf-8")
    with pytest.raises(CommandError):  # 2027's weekdays differ from 2025's: the 调休 days fall on weekdays
        call_command("enter_calendar", "2027", str(notice), "--source", "测试")
    assert not CalendarYear.objects.filter(year=2027).exists()
    notice.write_text("元旦:1月1日至3日放假\n", encoding="utf-8")
    call_command("enter_calendar", "2027", str(notice), "--source", "测试")
    assert "已录入2027年" in capsys.readouterr().out and CalendarYear.objects.filter(year=2027).exists()
