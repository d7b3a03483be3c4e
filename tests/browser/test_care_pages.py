"""关爱 and 应急 in a real browser. On the phone (390×844): a neighbour checks in on 张三 and reports a concern with
one tap (a case); a responder of the nearest emergency unit sees the callout and acknowledges it. In the console:
the care board (red first), the target's page, the device map, 应急指挥 with the units' roster and response times.
Screenshots: test-artifacts/console-story/c1-care-phone.png, c2-care-phone-done.png, c3-emergency-phone.png,
c4-console-care-board.png, c5-console-care-plan.png, c6-console-devices.png, c7-console-emergency.png,
c8-console-callout.png; and 热点问题 (four neighbours report the same rubbish heap): h1-console-hot.png."""

import pytest

from gridgov.care.models import CheckIn
from gridgov.emergency.models import Callout
from tests.browser.conftest import ARTIFACTS, act, wait_js
from tests.browser.test_console_story import login
from tests.care.conftest import care  # noqa: F401 - the care world
from tests.cases.conftest import cw  # noqa: F401
from tests.emergency.conftest import ew  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_care_and_emergency_on_the_phone_and_in_the_console(care, live_server, browser):  # noqa: F811
    base = live_server.url
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    login(page, base, "neighbour_a")
    page.goto(f"{base}/m/")
    assert "关爱看望" in page.locator("#duty-links").inner_text()
    page.click("#duty-links a:has-text('关爱看望')")
    form = page.locator(f"#plan-{care.plan.pk}")
    assert "张三" in form.inner_text() and "绿灯" in form.inner_text()
    page.screenshot(path=str(ARTIFACTS / "c1-care-phone.png"), full_page=True)
    form.locator("input[name=note]").fill("敲门没人应,屋里灯一直亮着")
    with page.expect_navigation():
        form.locator("button[value=concern]").click()
    assert "已生成事件" in page.content()
    check = CheckIn.objects.get()
    assert check.result == "concern" and check.case is not None
    assert "红灯" in page.locator(f"#plan-{care.plan.pk}").inner_text()
    page.screenshot(path=str(ARTIFACTS / "c2-care-phone-done.png"), full_page=True)
    phone.close()

    # the concern's case (独居老人异常) called the nearest unit: its member answers on the phone
    callout = Callout.objects.get(case=check.case)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    login(page, base, "eu_member_a")
    page.goto(f"{base}/m/emergency/")
    card = page.locator(f"#callout-{callout.pk}")
    assert "待响应" in card.inner_text() and "第1梯次" in card.inner_text()
    page.screenshot(path=str(ARTIFACTS / "c3-emergency-phone.png"), full_page=True)
    with page.expect_navigation():
        card.locator("button[value=acknowledge]").click()
    assert "已响应出警" in page.content()
    callout.refresh_from_db()
    assert callout.state == "acknowledged" and callout.acknowledged_by.username == "eu_member_a"
    phone.close()

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, base, "worker_a")
    page.click("nav a:has-text('关爱看板')")
    page.wait_for_selector("#plans")
    assert "红灯 1" in page.locator("#counts").inner_text()
    assert "张三" in page.locator("#plans tbody tr").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "c4-console-care-board.png"), full_page=True)
    page.click("#plans a:has-text('详情')")
    page.wait_for_selector("#pairings")
    assert "neighbour_a" in page.locator("#pairings").inner_text()
    assert "发现异常" in page.locator("#checkins").inner_text()
    page.screenshot(path=str(ARTIFACTS / "c5-console-care-plan.png"), full_page=True)
    act(page, "pause", {"input[name=until]": "2099-01-01", "textarea[name=reason]": "住院治疗"})
    assert "超过一年" in page.content() or "暂停不能超过一年" in page.content()  # refused, said in Chinese
    page.click("nav a:has-text('设备地图')")
    page.wait_for_selector("#device-list")
    wait_js(page, "window.gridgovDeviceMapReady !== undefined")
    assert page.evaluate("window.gridgovDeviceMapReady") == 2
    page.screenshot(path=str(ARTIFACTS / "c6-console-devices.png"), full_page=True)
    desk.close()

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, base, "disp_ca")
    page.click("nav a:has-text('应急指挥')")
    page.wait_for_selector("#units")
    assert "已响应" in page.locator("#callouts").inner_text()
    row = page.locator("#units tr", has_text="甲一应急单元")
    assert "eu_member_a" in row.inner_text() and "秒" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "c7-console-emergency.png"), full_page=True)
    page.click("#callouts a:has-text('指挥')")
    page.wait_for_selector("#rings")
    act(page, "finish", {"textarea[name=note]": "已开门查看,老人发烧,已送医"})
    callout.refresh_from_db()
    assert callout.state == "closed"
    page.screenshot(path=str(ARTIFACTS / "c8-console-callout.png"), full_page=True)
    for text in ("Traceback", "None", "alerting", "acknowledged"):
        assert text not in page.locator("body").inner_text()

    from tests.cases.conftest import report
    from tests.conftest import make_user

    for i, text in enumerate(["小区门口垃圾堆了好几天没人清理", "小区门口的垃圾好几天没人清理,很臭",
                              "门口垃圾好几天没清理了", "小区门口垃圾没人清理"]):
        report(care.ew.cw, actor=make_user(f"nb{i}"), description=text, lon=120.005 + i * 0.0004)
    page.click("nav a:has-text('热点问题')")
    page.wait_for_selector("#hot")
    first = page.locator("#hot tbody tr").first
    assert "小区门口垃圾堆了好几天没人清理" in first.inner_text() and "甲一社区" in first.inner_text()
    assert page.locator("#hot tbody tr").count() == 1  # the concern's case is one report: not a hot issue
    first.locator("summary").click()
    page.screenshot(path=str(ARTIFACTS / "h1-console-hot.png"), full_page=True)
    desk.close()
