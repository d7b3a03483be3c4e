"""协商议事 in a real browser, the story of the issue: a resident proposes on the phone (390×844), three neighbours
support it, the committee accepts it and puts the decision to the vote in the console, households vote on their
phones (one of them twice from the same flat: refused), the committee counts and the result is published to the
residents. Screenshots: test-artifacts/console-story/d1-topics-phone.png, d2-propose-phone.png,
d3-support-phone.png, d4-console-topic.png, d5-vote-phone.png, d6-console-result.png, d7-result-phone.png."""

import pytest

from gridgov.deliberation.models import Ballot, Topic
from tests.browser.conftest import ARTIFACTS, act
from tests.browser.test_console_story import login
from tests.deliberation.conftest import dw  # noqa: F401 - the deliberation world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _phone(browser, base, username):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    login(page, base, username)
    return context, page


def _tap(page, selector):
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def test_residents_propose_support_and_vote_and_the_result_is_published(dw, live_server, browser):  # noqa: F811
    base = live_server.url
    context, page = _phone(browser, base, dw.users[0].username)
    page.goto(f"{base}/m/topics/")
    assert "本社区暂无正在协商的议题" in page.content()
    page.screenshot(path=str(ARTIFACTS / "d1-topics-phone.png"), full_page=True)
    page.click("#propose")
    page.fill("#id_title", "1号楼前增设电动车充电桩")
    page.fill("#id_body", "1号楼住户多用电动车,楼道飞线充电有火灾隐患,建议在楼前空地增设充电桩,费用由运营方承担。")
    page.screenshot(path=str(ARTIFACTS / "d2-propose-phone.png"), full_page=True)
    _tap(page, "#propose-form button[type=submit]")
    assert "邻居附议满 3 人即提交居委会审核" in page.content()
    topic = Topic.objects.get()
    context.close()

    for u in dw.users[1:4]:
        context, page = _phone(browser, base, u.username)
        page.goto(f"{base}/m/topics/{topic.pk}/")
        _tap(page, "#support button")
        assert "已附议" in page.content()
        if u == dw.users[3]:
            assert "审核议题" in page.locator("#topic").inner_text()
            page.screenshot(path=str(ARTIFACTS / "d3-support-phone.png"), full_page=True)
        context.close()
    assert Topic.objects.get(pk=topic.pk).state == "review"

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, base, "chief_a")
    page.goto(f"{base}/console/topics/")
    page.click(f"#topics a[href='/console/topics/{topic.pk}/']")
    page.wait_for_load_state()
    act(page, "accept", {"textarea[name=note]": "符合议事范围,转入协商讨论"})
    assert "协商讨论" in page.locator("#facts").inner_text()
    act(page, "open_vote", {"textarea[name=decision]": "同意在1号楼前空地增设充电桩6个,由运营方出资建设、按量收费"})
    assert "表决进行中" in page.locator("#tally").inner_text()
    page.screenshot(path=str(ARTIFACTS / "d4-console-topic.png"), full_page=True)
    desk.close()

    for u, choice in ((dw.users[0], "yes"), (dw.users[1], "yes"), (dw.users[2], "no")):
        context, page = _phone(browser, base, u.username)
        page.goto(f"{base}/m/topics/{topic.pk}/")
        if u == dw.users[0]:
            page.screenshot(path=str(ARTIFACTS / "d5-vote-phone.png"), full_page=True)
        _tap(page, f"#vote button[value={choice}]")
        assert "已投票" in page.content()
        context.close()
    context, page = _phone(browser, base, dw.spouse.user.username)  # the same flat as users[0]
    page.goto(f"{base}/m/topics/{topic.pk}/")
    assert "本户已投票(线上投票)" in page.content() and page.locator("#vote").count() == 0
    context.close()
    assert Ballot.objects.filter(topic=topic).count() == 3

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    login(page, base, "chief_a")
    page.goto(f"{base}/console/topics/{topic.pk}/")
    act(page, "count")
    tally = page.locator("#tally").inner_text()
    assert "通过" in tally and "赞成 2,反对 1" in tally and "投票率 75.0%" in tally
    page.screenshot(path=str(ARTIFACTS / "d6-console-result.png"), full_page=True)
    desk.close()

    context, page = _phone(browser, base, dw.users[3].username)
    page.goto(f"{base}/m/topics/{topic.pk}/")
    text = page.locator("#tally").inner_text()
    assert "表决结果:通过" in text and "赞成 2 · 反对 1 · 弃权 0" in text and "投票率 75.0%" in text
    page.screenshot(path=str(ARTIFACTS / "d7-result-phone.png"), full_page=True)
    context.close()
