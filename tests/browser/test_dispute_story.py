"""A dispute in a real browser: the community center turns a 矛盾纠纷 case into a dispute, gives it to the
committee's mediator, who re-rates it red and records an agreement; the 台账 shows the colours. Screenshots go to
test-artifacts/console-story/ (d1-ledger.png, d2-dispute.png)."""

import pytest

from gridgov.accounts.services import membership_grant
from gridgov.mediation.models import Dispute
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from tests.browser.conftest import ARTIFACTS, act
from tests.browser.test_console_story import login
from tests.cases.conftest import report
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_dispute_from_case_to_agreement(cw, live_server, browser):
    base = live_server.url
    committee = org_unit_create(actor=None, code="MC-CA", name="甲一社区人民调解委员会",
                                kind=UnitKind.MEDIATION_COMMITTEE, region=cw.w.comm_a)
    mediator = make_user("mediator_a", is_staff=True)
    membership_grant(actor=None, user=mediator, role_code="mediator", region=cw.w.comm_a, unit=committee)
    case = report(cw, description="楼上卫生间漏水,楼下住户要求赔偿,双方争吵", category="2101", reporter_name="赵六")
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login(page, base, "disp_ca")
    page.goto(f"{base}/console/cases/{case.pk}/")
    page.select_option("#to-dispute select[name=dispute_type]", "0201")
    page.select_option("#to-dispute select[name=risk_level]", "yellow")
    page.fill("#to-dispute input[name=respondent]", "钱七")
    with page.expect_navigation():
        page.click("#to-dispute button[type=submit]")
    assert "已转为矛盾纠纷" in page.content()
    act(page, "accept", {"select[name=committee]": str(committee.pk), "select[name=mediator]": str(mediator.pk)})
    assert "已受理" in page.content()
    page.click("text=退出")

    login(page, base, "mediator_a")
    d = Dispute.objects.get()
    page.goto(f"{base}/console/disputes/{d.pk}/")
    act(page, "start")
    act(page, "record_session", {"textarea[name=note]": "双方陈述事实,楼上同意维修", "input[name=place]": "社区调解室",
                                 "input[name=participants]": "调解员、社区民警"})
    act(page, "rerate", {"select[name=risk_level]": "red", "textarea[name=reason]": "一方扬言报复"})
    act(page, "agree", {"select[name=kind]": "written", "textarea[name=content]": "楼上负责维修并赔偿2000元",
                        "input[name=amount]": "2000"})
    assert "已达成调解协议" in page.content() and "红色(重大风险)" in page.content()
    page.screenshot(path=str(ARTIFACTS / "d2-dispute.png"), full_page=True)
    page.goto(f"{base}/console/disputes/")
    assert "矛盾纠纷台账" in page.content() and 'data-risk="red"' in page.content()
    page.screenshot(path=str(ARTIFACTS / "d1-ledger.png"), full_page=True)
    assert Dispute.objects.get().state == "agreed"
    context.close()
