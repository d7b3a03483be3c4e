"""The console's dispute pages: 转为矛盾纠纷 on a 矛盾纠纷 case, the 台账 with colour tags and filters, the dispute
page with masked parties and its actions made from the table — a refusal next to the field, nothing changed."""

import re

from gridgov.accounts.services import membership_grant
from gridgov.mediation.models import Dispute
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from tests.cases.conftest import report
from tests.conftest import make_user


def test_a_case_becomes_a_dispute_and_is_mediated_in_the_console(cw, client):
    committee = org_unit_create(actor=None, code="MC-CA", name="甲一社区人民调解委员会",
                                kind=UnitKind.MEDIATION_COMMITTEE, region=cw.w.comm_a)
    mediator = make_user("mediator_a", is_staff=True)
    mediator.display_name = "王调解"
    mediator.save()
    membership_grant(actor=None, user=mediator, role_code="mediator", region=cw.w.comm_a, unit=committee)
    case = report(cw, description="楼上漏水邻居吵起来了", category="2101", reporter_name="赵六")
    client.force_login(cw.dispatcher)
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "转为矛盾纠纷调解" in page and 'value="赵六"' in page
    r = client.post(f"/console/cases/{case.pk}/to-dispute/", {"dispute_type": "0201", "risk_level": "yellow",
                                                              "applicant": "赵六", "respondent": "钱七"})
    d = Dispute.objects.get()
    assert r.status_code == 302 and r.url == f"/console/disputes/{d.pk}/"
    assert "已转为矛盾纠纷" in client.get(f"/console/cases/{case.pk}/").content.decode()
    listing = client.get("/console/disputes/").content.decode()
    assert "矛盾纠纷台账" in listing and 'data-risk="yellow"' in listing and "黄色(可能激化)" in listing
    assert d.title in client.get("/console/disputes/", {"risk_level": "yellow"}).content.decode()
    assert d.title not in client.get("/console/disputes/", {"risk_level": "red"}).content.decode()
    detail = client.get(f"/console/disputes/{d.pk}/").content.decode()
    assert "钱七" in detail and "受理" in detail and "王调解(甲一社区人民调解委员会,在办 0 件)" in detail
    assert "矛盾分诊建议:<b>甲一社区人民调解委员会</b> · 调解员 王调解(在办 0 件)" in detail
    assert f'<option value="{committee.pk}" selected>' in detail
    # a refusal shows next to its field and changes nothing
    r = client.post(f"/console/disputes/{d.pk}/reject/", {"reason": ""})
    assert r.status_code == 400 and "请填写不予受理的原因" in r.content.decode()
    assert Dispute.objects.get().state == "registered"
    r = client.post(f"/console/disputes/{d.pk}/accept/", {"committee": str(committee.pk), "mediator": str(mediator.pk)})
    assert r.status_code == 302 and Dispute.objects.get().state == "accepted"
    client.force_login(mediator)
    assert "矛盾纠纷" in client.get("/console/disputes/").content.decode()
    client.post(f"/console/disputes/{d.pk}/start/", {"note": ""})
    r = client.post(f"/console/disputes/{d.pk}/rerate/", {"risk_level": "red", "reason": "一方扬言报复"})
    assert r.status_code == 302
    detail = client.get(f"/console/disputes/{d.pk}/").content.decode()
    assert re.search(r"黄色\(可能激化\) → <b[^>]*>红色\(重大风险\)</b>:一方扬言报复", detail)
    r = client.post(f"/console/disputes/{d.pk}/agree/", {"kind": "written", "content": "维修并赔偿", "amount": "abc"})
    assert r.status_code == 400 and "金额应为数字" in r.content.decode() and Dispute.objects.get().state == "mediating"
    # another town's dispatcher does not find it
    client.force_login(cw.w.user_b)
    assert client.get(f"/console/disputes/{d.pk}/").status_code == 404
