"""导出 on the console's lists: the whole filtered list as a workbook, whatever page is shown."""

import io

from openpyxl import load_workbook


def _rows(response):
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]  # the Chinese name, for every browser
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_lists_export_what_they_show(cw, client):
    from tests.cases.conftest import report

    report(cw)
    client.force_login(cw.w.admin)
    assert _rows(client.get("/console/disputes/", {"export": "xlsx"}))[0][:3] == ("事件名称", "纠纷类型", "风险等级")
    assert _rows(client.get("/console/care/", {"export": "xlsx"}))[0][:2] == ("关爱灯", "姓名")
    assert _rows(client.get("/console/topics/", {"export": "xlsx", "state": ""}))[0][:2] == ("编号", "议题")
    page = client.get("/console/disputes/").content.decode()
    assert 'name="export" value="xlsx"' in page
