"""What a new user tripped over, seen in a real browser (#10): the board's 督办 opens the 督办 form of the case,
photos labelled 处置前/处置后 on the grid worker's phone, and 我的反映 in pages at phone size. Screenshots:
test-artifacts/console-story/n1-board-supervise.png, n2-phone-photos.png, n3-phone-my-reports.png."""

import pytest

from gridgov.cases import services as s
from gridgov.cases.models import Case
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_console_story import login
from tests.cases.conftest import report
from tests.cases.test_workflow import done, fresh

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_supervise_from_the_board_labelled_photos_and_paged_reports(cw, live_server, browser):
    base = live_server.url
    red = s.case_acknowledge(case=fresh(s.case_dispatch(case=s.case_accept(case=report(cw), actor=cw.dispatcher),
                                                        actor=cw.dispatcher, unit=cw.cg)), actor=cw.handler_cg)
    Case.objects.filter(pk=red.pk).update(light="red")
    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, base, "leader_d")
    page.goto(f"{base}/console/board/")
    with page.expect_navigation():
        page.click(f"a[href='/console/cases/{red.pk}/supervise/#act-supervise']")
    assert page.locator("details[data-action=supervise]").get_attribute("open") is not None
    assert page.locator("details[data-action=supervise] textarea[name=note]").is_visible()
    page.screenshot(path=str(ARTIFACTS / "n1-board-supervise.png"), full_page=True)
    desk.close()

    checked = done(cw)  # the report's photo and the 回单's
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    login(page, base, "worker_a")
    page.goto(f"{base}/m/work/cases/{checked.pk}/")
    stages = page.locator(".photo-group").evaluate_all("els => els.map(e => e.dataset.stage)")
    assert stages == ["处置前", "处置后"] and "处置后 · 处置反馈(回单)" in page.content()
    page.screenshot(path=str(ARTIFACTS / "n2-phone-photos.png"), full_page=True)
    page.context.clear_cookies()

    for i in range(12):
        report(cw, description=f"第{i + 1}号反映:楼道灯不亮", photos=[])
    login(page, base, "resident_a")
    page.goto(f"{base}/m/")
    assert page.locator("#mine ul.list li").count() == 10 and "第 1/2 页" in page.content()
    with page.expect_navigation():
        page.click("#mine .pager a:has-text('下一页')")
    assert page.locator("#mine ul.list li").count() >= 2 and "第 2/2 页" in page.content()
    page.screenshot(path=str(ARTIFACTS / "n3-phone-my-reports.png"), full_page=True)
    phone.close()
