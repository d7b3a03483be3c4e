"""监督考核 in a real browser. On the phone (390×844): a grid worker goes through a compound's checklist, marks
楼内小广告 不合格 with a photo, submits; in the console the 社区 sees the company's score with the deduction and its
case. Screenshots: test-artifacts/console-story/s1-inspect-phone.png, s2-inspect-done-phone.png,
s3-console-supervision.png, s4-console-inspection.png, s5-console-assessment.png (考核评星)."""

import pytest

from gridgov.core.timeutil import local, now
from gridgov.supervision.models import Inspection
from gridgov.supervision.services import inspection_schedule
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_console_story import login
from tests.cases.conftest import cw  # noqa: F401
from tests.portal.test_portal import _jpeg
from tests.supervision.test_inspections import sw  # noqa: F401 - a compound under a property company

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_grid_worker_inspects_on_the_phone_and_the_console_ranks(sw, live_server, browser, tmp_path):  # noqa: F811
    c, company, compound = sw
    inspection = inspection_schedule(actor=c.dispatcher, compound=compound, due_on=local(now()).date())
    photo = tmp_path / "ads.jpg"
    photo.write_bytes(_jpeg())
    base = live_server.url
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    login(page, base, "worker_a")
    page.goto(f"{base}/m/work/")
    page.click("#duty-links a:has-text('物业检查')")
    page.wait_for_load_state()
    page.click("#inspections a")
    page.wait_for_load_state()
    for item in page.locator("#inspect-form .item").all():
        item.locator("input[value=pass]").check()
    ads = page.locator("#item-ads")
    ads.locator("input[value=fail]").check()
    ads.locator("input[type=file]").set_input_files(str(photo))
    ads.locator("input[name=n_ads]").fill("3单元楼道贴满开锁小广告")
    page.screenshot(path=str(ARTIFACTS / "s1-inspect-phone.png"), full_page=True)
    with page.expect_navigation():
        page.click("#inspect-form button[type=submit]")
    assert "1 项不合格已转整改事件" in page.content()
    assert Inspection.objects.get(pk=inspection.pk).state == "rectifying"
    page.screenshot(path=str(ARTIFACTS / "s2-inspect-done-phone.png"), full_page=True)
    phone.close()

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, base, c.dispatcher.username)
    page.goto(f"{base}/console/supervision/")
    ranking = page.locator("#ranking").inner_text()
    assert "幸福物业" in ranking and "98" in ranking and "楼内小广告" in ranking
    page.screenshot(path=str(ARTIFACTS / "s3-console-supervision.png"), full_page=True)
    page.click(f"#waiting a[href='/console/supervision/inspections/{inspection.pk}/']")
    page.wait_for_load_state()
    assert "不合格" in page.locator("#results").inner_text() and page.locator("#results img").count() == 1
    page.screenshot(path=str(ARTIFACTS / "s4-console-inspection.png"), full_page=True)
    page.goto(f"{base}/console/supervision/assessment/")
    assert "★" in page.locator("#communities").inner_text() and "worker_a" in page.locator("#workers").inner_text()
    page.screenshot(path=str(ARTIFACTS / "s5-console-assessment.png"), full_page=True)
    desk.close()
