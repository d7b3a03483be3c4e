"""积分 at phone size in a real browser: a volunteer registers, claims points with a photo, sees the balance and
the history, redeems a reward and sees the code to show at the station. Screenshots:
test-artifacts/console-story/p1-points-register.png, p2-points-claim.png, p3-points-shop.png, p4-points-home.png;
and the community officer's console: p5-console-points-desk.png (the pick-up by code), p6-console-points-stats.png."""

import pytest

from gridgov.points.models import Claim, Redemption
from gridgov.points.services import claim_act, volunteer_act
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_console_story import login
from tests.cases.conftest import jpeg
from tests.conftest import make_user
from tests.points.conftest import pw  # noqa: F401 - the points world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_volunteer_earns_and_redeems_on_the_phone(pw, live_server, browser, tmp_path):  # noqa: F811
    base = live_server.url
    make_user("rider_p")
    photo = tmp_path / "p.jpg"
    photo.write_bytes(jpeg())
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    login(page, base, "rider_p")
    page.goto(f"{base}/m/points/")
    page.select_option("select[name=kind]", "rider")
    page.fill("input[name=employer]", "某外卖平台")
    page.screenshot(path=str(ARTIFACTS / "p1-points-register.png"), full_page=True)
    with page.expect_navigation():
        page.click("#register button[type=submit]")
    assert "社区正在审核您的申请" in page.content()
    from gridgov.points.models import Volunteer

    volunteer_act(actor=pw.officer, volunteer=Volunteer.objects.get(user__username="rider_p"), action="verify")

    page.click("a:has-text('申请积分')")
    page.wait_for_selector("#claim")
    page.select_option("select[name=item]", "flood_duty")
    page.fill("textarea[name=note]", "台风夜在小区值守到凌晨两点")
    page.set_input_files("input[name=photos]", str(photo))
    with page.expect_navigation():
        page.click("#claim button[type=submit]")
    assert "待审核" in page.locator("#claims").inner_text()
    claim_act(actor=pw.officer, claim=Claim.objects.get(), action="approve")
    page.reload()
    assert "已通过" in page.locator("#claims").inner_text()
    page.screenshot(path=str(ARTIFACTS / "p2-points-claim.png"), full_page=True)

    page.click("a:has-text('积分商城')")
    page.wait_for_selector("#rewards")
    assert page.locator(".balance .big").inner_text() == "15"
    assert page.locator("#rewards li", has_text="洗衣液").locator("button").is_disabled()  # 20 > 15
    from gridgov.points.models import Reward

    Reward.objects.filter(pk=pw.soap.pk).update(points=12)
    page.reload()
    with page.expect_navigation():
        page.locator("#rewards li", has_text="洗衣液").locator("button").click()
    code = Redemption.objects.get().code
    assert f"兑换码 {code}" in page.locator("#mine").inner_text()
    assert page.locator(".balance .big").inner_text() == "3"
    page.screenshot(path=str(ARTIFACTS / "p3-points-shop.png"), full_page=True)
    page.click("a:has-text('我的积分')")
    page.wait_for_selector("#history")
    assert page.locator("#history li").count() == 2
    page.screenshot(path=str(ARTIFACTS / "p4-points-home.png"), full_page=True)
    phone.close()

    # the station: the community officer hands the soap out by the code the rider shows
    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, base, "disp_ca")
    page.click("nav a:has-text('积分审核')")
    page.wait_for_selector("#pickup")
    assert "洗衣液" in page.locator("#reserved").inner_text()
    page.fill("input[name=code]", code)
    page.screenshot(path=str(ARTIFACTS / "p5-console-points-desk.png"), full_page=True)
    with page.expect_navigation():
        page.click("#pickup button[type=submit]")
    assert "已核销" in page.content() and Redemption.objects.get().state == "picked_up"
    page.click("nav a:has-text('积分统计')")
    page.wait_for_selector("#by-item")
    assert "防汛防台值守" in page.locator("#by-item").inner_text()
    page.screenshot(path=str(ARTIFACTS / "p6-console-points-stats.png"), full_page=True)
    desk.close()


def test_the_credit_lists_on_the_phone(pw, live_server, browser):  # noqa: F811
    """test-artifacts/console-story/p7-credit-lists.png: the red list with names, the grey one masked, and the
    resident's own grey record with its appeal form."""
    from gridgov.points import credit
    from tests.cases.conftest import photo

    cw = pw.cw
    red = credit.credit_propose(actor=cw.w.worker_a, resident=cw.w.res_a1, list_="red", reason="brave",
                                description="跳入河中救起落水儿童")
    grey = credit.credit_propose(actor=cw.w.worker_a, resident=cw.w.res_a1, list_="grey", reason="environment",
                                 description="多次从楼上向下倾倒垃圾", photos=[photo()])
    for r in (red, grey):
        credit.credit_act(actor=pw.officer, record=r, action="approve")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    login(page, live_server.url, "resident_a")
    page.goto(f"{live_server.url}/m/points/credit/")
    assert "张三" in page.locator("#red").inner_text() and "张*" in page.locator("#grey").inner_text()
    assert page.locator("#my-records button:has-text('提出申诉')").count() == 1  # the grey one only
    page.fill("#my-records textarea", "已改正,不再倾倒")
    page.screenshot(path=str(ARTIFACTS / "p7-credit-lists.png"), full_page=True)
    with page.expect_navigation():
        page.click("#my-records button:has-text('提出申诉')")
    assert "申诉中" in page.locator("#my-records").inner_text()
    phone.close()
