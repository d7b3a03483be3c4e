"""A dispute in a real browser: the community center turns a 矛盾纠纷 case into a dispute, gives it to the
committee's mediator, who re-rates it red, records the 联合会商 it then asks for, adds a photo to the file and
records an agreement; the 台账 shows the colours. Screenshots go to
test-artifacts/console-story/ (d1-ledger.png, d2-dispute.png)."""

import pytest

from gridgov.accounts.services import membership_grant
from gridgov.mediation.models import Dispute
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from tests.browser.conftest import ARTIFACTS, act
from tests.browser.test_console_story import login
from tests.cases.conftest import jpeg, report
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_dispute_from_case_to_agreement(cw, live_server, browser, tmp_path):
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
    receipt = tmp_path / "现场.jpg"
    receipt.write_bytes(jpeg())
    d = Dispute.objects.get()
    page.goto(f"{base}/console/disputes/{d.pk}/")
    act(page, "start")
    act(page, "record_session", {"textarea[name=note]": "双方陈述事实,楼上同意维修", "input[name=place]": "社区调解室",
                                 "input[name=participants]": "调解员、社区民警"})
    act(page, "rerate", {"select[name=risk_level]": "red", "textarea[name=reason]": "一方扬言报复"})
    assert page.locator("#consultation-due").is_visible()  # red: 多部门联合会商 asked for until one is recorded
    act(page, "consult", {"input[name=participants]": "司法所、派出所、人民法庭", "input[name=place]": "街道综治中心",
                          "textarea[name=note]": "一方扬言报复,研判有民转刑风险", "textarea[name=decision]": "派出所稳控,调委会继续调解"})
    assert page.locator("#consultation-due").count() == 0 and "会商意见及分工" in page.content()
    act(page, "attach", {"select[name=kind]": "evidence", "file:": [str(receipt)], "textarea[name=note]": "漏水现场照片"})
    assert page.locator("#materials img").count() == 1
    assert page.evaluate("document.querySelector('#materials img').naturalWidth") > 0  # the private file is served
    act(page, "agree", {"select[name=kind]": "written", "textarea[name=content]": "楼上负责维修并赔偿2000元",
                        "input[name=amount]": "2000"})
    assert "已达成调解协议" in page.content() and "红色(重大风险)" in page.content()
    page.screenshot(path=str(ARTIFACTS / "d2-dispute.png"), full_page=True)
    page.goto(f"{base}/console/disputes/")
    assert "矛盾纠纷台账" in page.content() and 'data-risk="red"' in page.content()
    page.screenshot(path=str(ARTIFACTS / "d1-ledger.png"), full_page=True)
    assert Dispute.objects.get().state == "agreed"
    context.close()


def test_window_board_report_and_inbox_pages(cw, live_server, browser):
    """The county window registers a 诉求 and passes it to 人社; the mediator's inbox, the colour board and the
    monthly report render in Chinese. Screenshots d3-window.png, d4-board.png, d5-report.png, d6-inbox.png."""
    import datetime as dt

    from gridgov.core.timeutil import local_today
    from gridgov.mediation import services as m

    base = live_server.url
    committee = org_unit_create(actor=None, code="MC-CA", name="甲一社区人民调解委员会",
                                kind=UnitKind.MEDIATION_COMMITTEE, region=cw.w.comm_a)
    mediator = make_user("mediator_a", is_staff=True)
    membership_grant(actor=None, user=mediator, role_code="mediator", region=cw.w.comm_a, unit=committee)
    for title, level in (("红色群体性劳资纠纷", "red"), ("黄色邻里纠纷", "yellow"), ("蓝色噪音纠纷", "blue")):
        d = m.dispute_register(actor=cw.dispatcher, title=title, dispute_type="0201", source="application",
                               summary="双方争执", occurred_on=local_today() - dt.timedelta(days=1),
                               parties=[{"role": "applicant", "name": "张三"}], grid=cw.w.grid_a_west,
                               risk_level=level)
        m.dispute_accept(dispute=d, actor=cw.dispatcher, committee=committee, mediator=mediator)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login(page, base, "disp_d")
    page.goto(f"{base}/console/disputes/window/")
    page.click("text=窗口登记")
    page.fill("input[name=title]", "农民工讨薪")
    page.select_option("select[name=dispute_type]", "0799")
    page.select_option("select[name=risk_level]", "yellow")
    page.fill("input[name=occurred_on]", (local_today() - dt.timedelta(days=2)).isoformat())
    page.select_option("select[name=grid]", cw.w.grid_a_west.code)
    page.fill("textarea[name=summary]", "工地拖欠十二名工人工资")
    page.fill("input[name=applicant]", "赵工")
    assert page.is_checked("input[name=window]")
    with page.expect_navigation():
        page.click("#dispute-new button[type=submit]")
    assert "矛盾纠纷已登记" in page.content()
    act(page, "relay", {"select[name=to]": "hrss", "input[name=receipt]": "仲裁院窗口",
                        "textarea[name=note]": "劳动报酬争议,转劳动人事争议仲裁"})
    page.goto(f"{base}/console/disputes/window/")
    assert "窗口受理 → 人社(劳动人事争议仲裁)" in page.content()
    page.screenshot(path=str(ARTIFACTS / "d3-window.png"), full_page=True)
    page.goto(f"{base}/console/disputes/board/")
    assert "在办矛盾纠纷 4 件" in page.content() and "红色群体性劳资纠纷" in page.content()
    page.screenshot(path=str(ARTIFACTS / "d4-board.png"), full_page=True)
    page.goto(f"{base}/console/disputes/report/")
    assert "人民调解工作情况" in page.content() and "按司法部统计类别" in page.content()
    page.screenshot(path=str(ARTIFACTS / "d5-report.png"), full_page=True)
    page.click("text=退出")
    login(page, base, "mediator_a")
    page.goto(f"{base}/console/disputes/mine/")
    assert "黄色邻里纠纷" in page.content() and "告知权利义务并开始调解" in page.content()
    page.screenshot(path=str(ARTIFACTS / "d6-inbox.png"), full_page=True)
    context.close()
