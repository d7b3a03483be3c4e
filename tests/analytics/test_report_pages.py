"""统计报表 and 台账 in the console: make a report for a past month, read it, download it; the ledgers as workbooks."""

import datetime as dt
import io

import time_machine
from openpyxl import load_workbook

from gridgov.analytics import rollups
from gridgov.analytics.models import Report
from gridgov.core.timeutil import LOCAL_TZ

DEC_2 = dt.datetime(2026, 12, 2, 8, tzinfo=LOCAL_TZ)


def test_make_read_and_download_a_report(month, client):
    rollups.fold()
    client.force_login(month.w.admin)
    with time_machine.travel(DEC_2, tick=False):
        page = client.get("/console/reports/").content.decode()
        assert "生成报表" in page and "事件台账" in page and "还没有报表" in page
        assert 'value="2026-11-30"' in page  # the day proposed: last month's last
        bad = client.post("/console/reports/", {"period": "month", "day": "2026-12-01", "region": "990102001000"})
        assert "报表只能在周期结束后生成" in bad.content.decode() and not Report.objects.exists()
        none = client.post("/console/reports/", {"period": "month", "day": "2026-11-15"})
        assert "请选择一个区划或一个承办单位" in none.content.decode()
        r = client.post("/console/reports/", {"period": "month", "day": "2026-11-15", "region": "990102001000"})
    report = Report.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/console/reports/{report.pk}/"
    client.force_login(month.w.admin)  # the idle timeout saw the last request on 12-02
    got = client.get(r["Location"])
    assert got.status_code == 200, (got.status_code, got.get("Location"))
    page = got.content.decode()
    assert "甲街道2026年11月综治工作月报" in page and "按期办结率" in page and "66.7%" in page
    x = client.get(f"/console/reports/{report.pk}.xlsx")
    assert x.status_code == 200 and "attachment" in x["Content-Disposition"]
    assert load_workbook(io.BytesIO(x.content)).sheetnames[0] == "工作概况"
    p = client.get(f"/console/reports/{report.pk}.pdf")
    assert p.status_code == 200 and p.content.startswith(b"%PDF")
    client.force_login(month.handler_cg)
    assert client.get(f"/console/reports/{report.pk}/").status_code == 404  # not the department's report


def test_the_ledgers(month, client):
    client.force_login(month.dispatcher)
    r = client.get("/console/ledgers/cases.xlsx", {"month": "2026-11"})
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("事件编号", "上报时间", "来源渠道", "问题类别", "标题") and len(rows) == 7  # 6 reports
    closed = [row for row in rows[1:] if row[7] == "已结案"]
    assert len(closed) == 3 and sorted(row[10] for row in closed) == ["否", "是", "是"]
    focus = list(load_workbook(io.BytesIO(client.get("/console/ledgers/focus.xlsx").content)).active.iter_rows(
        values_only=True))
    assert focus[0][:4] == ("姓名", "性别", "身份证号", "联系电话")
    for code in ("disputes", "visits"):
        got = client.get(f"/console/ledgers/{code}.xlsx", {"month": "2026-11"})
        assert got.status_code == 200 and got["Content-Type"].startswith("application/vnd.openxml")
    bad = client.get("/console/ledgers/cases.xlsx", {"month": "2026-13"}, follow=True)
    assert "月份" in bad.content.decode() and bad.redirect_chain[-1][0] == "/console/reports/"
    assert client.get("/console/ledgers/nothing.xlsx").status_code == 302  # 没有这种台账, back to the list
    client.force_login(month.w.resident_user)
    assert client.get("/console/ledgers/cases.xlsx").status_code in (302, 404)  # residents go to 掌上社区
