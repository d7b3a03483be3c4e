"""导出 on the console's lists: the whole filtered list as a workbook, whatever page is shown."""

import io

from openpyxl import load_workbook


def _rows(response):
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]  # the Chinese name, for every browser
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_lists_export_what_they_show(cw, client):
    import datetime as dt

    from gridgov.mediation.services import dispute_register
    from tests.cases.conftest import report

    report(cw)
    for i in range(25):  # more than a page of the list
        dispute_register(actor=cw.w.admin, title=f"楼上漏水纠纷{i}", dispute_type="0201", source="application",
                         summary="楼上住户卫生间漏水,楼下要求赔偿", occurred_on=dt.date(2026, 11, 30),
                         parties=[{"role": "applicant", "name": "张三"}, {"role": "respondent", "name": "李四"}],
                         lon=120.005, lat=30.01)
    client.force_login(cw.w.admin)
    rows = _rows(client.get("/console/disputes/", {"export": "xlsx"}))
    assert rows[0][:3] == ("事件名称", "纠纷类型", "风险等级") and len(rows) == 26  # all of them, not a page
    assert {r[4] for r in rows[1:]} == {"甲一西网格"}
    assert _rows(client.get("/console/care/", {"export": "xlsx"}))[0][:2] == ("关爱灯", "姓名")
    assert _rows(client.get("/console/topics/", {"export": "xlsx", "state": ""}))[0][:2] == ("编号", "议题")
    assert _rows(client.get("/console/portal/", {"export": "xlsx"}))[0][:2] == ("栏目", "标题")
    assert _rows(client.get("/console/ask/", {"export": "xlsx"}))[0][:2] == ("事项", "居民")
    assert _rows(client.get("/console/appointments/", {"export": "xlsx"}))[0][:2] == ("服务事项", "类型")
    page = client.get("/console/disputes/").content.decode()
    assert 'name="export" value="xlsx"' in page
