"""月报/周报: made once from the rollups when the period is over, announced through notify, written as .xlsx and PDF."""

import datetime as dt
import io

import pytest
import time_machine

from gridgov.analytics import rollups
from gridgov.analytics.models import Report
from gridgov.analytics.reports import pdf, report_get, report_make, reports_due, visible_reports, xlsx
from gridgov.core.errors import ApplicationError, NotFound, PermissionDenied
from gridgov.core.timeutil import LOCAL_TZ
from gridgov.notify.models import Message

DEC_2 = dt.datetime(2026, 12, 2, 8, tzinfo=LOCAL_TZ)
NOV = dt.date(2026, 11, 15)


@pytest.fixture
def folded(month):
    rollups.fold()
    return month


def test_the_sweep_makes_each_report_once_and_announces_it(folded):
    from gridgov.accounts.services import membership_grant

    membership_grant(actor=None, user=folded.w.user_a, role_code="center_leader", region=folded.w.town_a,
                     unit=folded.gc_town_a)
    with time_machine.travel(DEC_2, tick=False):
        made = reports_due()
        assert reports_due() == 0  # the second run (or a second worker) finds them made
    monthly = Report.objects.filter(period="month", start=dt.date(2026, 11, 1))
    town = monthly.get(region=folded.w.town_a)
    assert town.title == "甲街道2026年11月综治工作月报" and town.end == dt.date(2026, 11, 30)
    s = town.figures["summary"]
    assert (s["received"], s["accepted"], s["closed"], s["closed_on_time"]) == (6, 5, 3, 2)
    assert s["on_time_rate"] == 0.6667 and s["satisfaction_rate"] == 1.0
    assert [c["name"] for c in town.figures["children"]] == ["甲一社区"]
    assert monthly.get(region=folded.w.district).figures["summary"]["received"] == 6
    assert monthly.get(region=folded.w.town_b).figures["summary"]["received"] == 0
    dept = monthly.get(unit=folded.cg)
    assert dept.title == "区城管局2026年11月事件办理月报" and dept.figures["summary"]["dispatched"] == 5
    assert not monthly.filter(unit=folded.zj).exists()  # the case it returned is the 城管局's now
    weekly = Report.objects.filter(period="week", start=dt.date(2026, 11, 23))
    assert weekly.filter(unit__isnull=True).count() == 3 and made == monthly.count() + weekly.count()
    told = Message.objects.filter(recipient=folded.w.user_a, subject__startswith="【月报】")
    assert told.count() == 1 and told.get().data == {"report": town.pk, "url": f"/console/reports/{town.pk}/"}  # its own town center only


def test_made_once_only_when_the_period_is_over_and_within_the_jurisdiction(folded):
    with time_machine.travel(DEC_2, tick=False):
        with pytest.raises(ApplicationError) as e:
            report_make(period="month", day=dt.date(2026, 12, 1), region=folded.w.town_a)
        assert e.value.code == "period_not_over"
        with pytest.raises(ApplicationError) as e:
            report_make(period="year", day=NOV, region=folded.w.town_a)
        assert e.value.code == "invalid_period"
        with pytest.raises(NotFound):
            report_make(period="month", day=NOV, region=folded.w.town_b, actor=folded.dispatcher)
        first = report_make(period="month", day=NOV, region=folded.w.comm_a, actor=folded.dispatcher)
        assert report_make(period="month", day=dt.date(2026, 11, 2), region=folded.w.comm_a).pk == first.pk
    assert list(visible_reports(folded.dispatcher)) == [first]
    with pytest.raises(NotFound):
        report_get(actor=folded.handler_cg, pk=first.pk)  # a department sees its own reports only
    with pytest.raises(PermissionDenied):
        visible_reports(folded.w.resident_user)


def test_the_workbook_and_the_pdf(folded):
    from openpyxl import load_workbook

    with time_machine.travel(DEC_2, tick=False):
        report = report_make(period="month", day=NOV, region=folded.w.town_a)
    wb = load_workbook(io.BytesIO(xlsx(report)))
    assert wb.sheetnames == ["工作概况", "分区域", "高发问题", "上报渠道", "承办单位排名"]
    rows = list(wb["工作概况"].iter_rows(values_only=True))
    assert rows[0][0] == "甲街道2026年11月综治工作月报" and ("受理", 6) in rows and ("按期办结率", "66.7%") in rows
    assert list(wb["承办单位排名"].iter_rows(values_only=True))[3][:3] == ("区城管局", 5, 3)
    document = pdf(report)
    assert document.startswith(b"%PDF") and len(document) > 2000
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(document)).pages[0].extract_text()
    assert "甲街道2026年11月综治工作月报" in text and "按期办结率" in text
