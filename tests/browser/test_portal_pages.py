"""掌上社区 in a real browser. On the phone (390×844): a resident reads the community's notice and confirms it
(已阅), signs up for an activity, asks about a leaking corridor with a photo and a voice message, books a home
visit. In the console: the staff member hears the voice message (an audio player), answers, and the resident reads
the answer. Screenshots: test-artifacts/console-story/p1-portal-phone.png, p2-notice-phone.png, p3-ask-phone.png,
p4-console-ask.png, p5-answer-phone.png, p6-appointments-phone.png."""

import datetime as dt

import pytest

from gridgov.core.timeutil import now
from gridgov.portal import services
from gridgov.portal.models import Appointment, ChatMessage, Conversation, Receipt, Signup
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_console_story import login
from tests.deliberation.conftest import dw  # noqa: F401 - residents with accounts and their committee
from tests.portal.test_portal import OGG, _jpeg

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _tap(page, selector):
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def test_a_resident_reads_asks_and_books_and_staff_answer(dw, live_server, browser, tmp_path):  # noqa: F811
    chief = dw.chief
    notice = services.article_save(actor=chief, region=dw.w.comm_a, kind="notice", title="12月6日停水通知",
                                   body="因管网改造,12月6日8:00—18:00停水,请提前储水。", requires_receipt=True, pinned=True)
    services.article_act(actor=chief, article=notice, action="publish")
    party = services.article_save(actor=chief, region=dw.w.comm_a, kind="activity", title="周末亲子手工课",
                                  body="志愿者老师带孩子做灯笼。", starts_at=now() + dt.timedelta(days=3), place="社区活动室",
                                  capacity=20)
    services.article_act(actor=chief, article=party, action="publish")
    start = now() + dt.timedelta(days=1)
    services.slot_create(actor=chief, region=dw.w.comm_a, kind="home_visit", service="上门为老人办理认证",
                         starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=2)
    photo, voice = tmp_path / "leak.jpg", tmp_path / "voice.ogg"
    photo.write_bytes(_jpeg())
    voice.write_bytes(OGG)

    base = live_server.url
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    login(page, base, dw.users[0].username)
    page.goto(f"{base}/m/portal/")
    assert "待确认阅读" in page.locator("#articles").inner_text()
    page.screenshot(path=str(ARTIFACTS / "p1-portal-phone.png"), full_page=True)
    page.click("#articles a:has-text('停水通知')")
    page.wait_for_load_state()
    _tap(page, "#receipt button")
    assert "已确认阅读" in page.locator("#receipt").inner_text()
    page.screenshot(path=str(ARTIFACTS / "p2-notice-phone.png"), full_page=True)
    page.goto(f"{base}/m/portal/{party.pk}/")
    _tap(page, "#signup button")
    assert Receipt.objects.filter(user=dw.users[0]).count() == 1 and Signup.objects.count() == 1

    page.goto(f"{base}/m/ask/")
    page.fill("#id_subject", "楼道漏水")
    page.fill("#id_body", "3楼楼道天花板漏水,地面很滑")
    page.set_input_files("#id_photo", str(photo))
    page.set_input_files("#id_voice", str(voice))
    _tap(page, "#ask-form button[type=submit]")
    conv = Conversation.objects.get()
    assert "社区工作人员会尽快回复" in page.content() and ChatMessage.objects.get().voice
    page.screenshot(path=str(ARTIFACTS / "p3-ask-phone.png"), full_page=True)

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    staff = desk.new_page()
    login(staff, base, "chief_a")
    staff.goto(f"{base}/console/ask/")
    staff.click(f"#asks a[href='/console/ask/{conv.pk}/']")
    staff.wait_for_load_state()
    assert staff.locator("#messages audio").count() == 1 and staff.locator("#messages img").count() == 1
    staff.fill("#reply textarea[name=body]", "收到,已通知物业今天下午上门维修")
    _tap(staff, "#reply button[type=submit]")
    staff.screenshot(path=str(ARTIFACTS / "p4-console-ask.png"), full_page=True)
    desk.close()

    page.goto(f"{base}/m/ask/{conv.pk}/")
    assert "已通知物业" in page.locator("#messages").inner_text()
    page.screenshot(path=str(ARTIFACTS / "p5-answer-phone.png"), full_page=True)
    page.goto(f"{base}/m/appointments/")
    _tap(page, "#slots button[type=submit]")
    assert "已预约" in page.content() and Appointment.objects.get().address == "幸福里1号楼1单元101室"
    page.screenshot(path=str(ARTIFACTS / "p6-appointments-phone.png"), full_page=True)
    phone.close()
