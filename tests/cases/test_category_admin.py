"""Categories' extra questions are kept in the admin: checked, audited, and asked at once when reporting."""

import pytest

from gridgov.core.models import AuditLog
from tests.conftest import form_values


def test_a_category_question_added_in_the_admin_is_checked_asked_and_audited(cw, client):
    from gridgov.cases.models import Category
    from gridgov.core.errors import ApplicationError
    from tests.cases.conftest import report

    client.force_login(cw.w.admin)
    category = Category.objects.get(code="1101")
    url = f"/admin/cases/category/{category.pk}/change/"
    data = form_values(client.get(url).content.decode())
    prefix = "questions"
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update({f"{prefix}-TOTAL_FORMS": str(n + 1), f"{prefix}-{n}-code": "smell", f"{prefix}-{n}-description": "有无异味",
                 f"{prefix}-{n}-datatype": "singlevaluelist", f"{prefix}-{n}-order": "5",
                 f"{prefix}-{n}-values": '[{"key": "yes"}]', f"{prefix}-{n}-datatype_description": ""})
    page = client.post(url, data).content.decode()
    assert "每项含 key 和 name" in page and not category.questions.filter(code="smell").exists()
    data[f"{prefix}-{n}-values"] = '[{"key": "yes", "name": "有"}, {"key": "yes", "name": "无"}]'
    assert "key 不能重复" in client.post(url, data).content.decode()
    data[f"{prefix}-{n}-values"] = '[{"key": "yes", "name": "有"}, {"key": "no", "name": "无"}]'
    assert client.post(url, data).status_code == 302
    added = AuditLog.objects.get(action="admin.add", object_type="cases.categoryquestion")
    assert added.detail["values"]["code"] == "smell"
    # asked at once when reporting in the category
    case = report(cw, attributes={"smell": "yes"})
    assert case.attributes["smell"] == "yes"
    with pytest.raises(ApplicationError) as refused:
        report(cw, attributes={"smell": "maybe"})
    assert refused.value.code == "invalid_attribute" and "smell" in refused.value.fields
