"""掌上社区 pages: the console's 社区发布, 我要办事 (a voice clip played back) and 预约管理; the phone's columns, 已阅,
报名, a matter with a photo and a voice message, booking. Refusals in Chinese that change nothing."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.core.timeutil import local, now
from gridgov.portal.models import Appointment, Article, ChatMessage, Conversation, Slot
from tests.deliberation.conftest import dw  # noqa: F401
from tests.portal.test_portal import OGG, _jpeg


def test_staff_publish_and_residents_read_and_sign_up(dw, client):  # noqa: F811
    client.force_login(dw.chief)
    r = client.post("/console/portal/", {"kind": "guide", "region": dw.w.comm_a.pk, "title": "居住证办理",
                                         "body": "流动人口办理居住证"})
    assert r.status_code == 400 and "办事指南须写明所需材料" in r.content.decode() and Article.objects.count() == 0
    client.post("/console/portal/", {"kind": "notice", "region": dw.w.comm_a.pk, "title": "停水通知",
                                     "body": "12月5日1号楼停水", "requires_receipt": "on"})
    notice = Article.objects.get()
    assert client.post(f"/console/portal/{notice.pk}/publish/", {}).status_code == 302
    start = local(now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post("/console/portal/", {"kind": "activity", "region": dw.w.comm_a.pk, "title": "重阳节包饺子",
                                     "body": "欢迎老人参加", "starts_at": start, "place": "社区食堂", "capacity": 1})
    party = Article.objects.get(kind="activity")
    client.post(f"/console/portal/{party.pk}/publish/", {})
    client.force_login(dw.users[0])
    page = client.get("/m/portal/").content.decode()
    assert "停水通知" in page and "待确认阅读" in page and "重阳节包饺子" in page
    client.post(f"/m/portal/{notice.pk}/", {"do": "read"})
    assert "待确认阅读" not in client.get("/m/portal/").content.decode()
    client.post(f"/m/portal/{party.pk}/", {"do": "signup"})
    client.force_login(dw.users[1])
    r = client.post(f"/m/portal/{party.pk}/", {"do": "signup"}, follow=True)
    assert "名额已满" in r.content.decode()
    client.force_login(dw.chief)
    page = client.get(f"/console/portal/{notice.pk}/").content.decode()
    assert "阅读回执 1 / 8" in page
    client.force_login(dw.outsider.user)
    assert client.get(f"/m/portal/{notice.pk}/").status_code == 404


def test_a_matter_with_a_voice_message_is_answered_and_becomes_a_case(dw, client):  # noqa: F811
    client.force_login(dw.users[0])
    r = client.post("/m/ask/", {"subject": "办", "body": ""})
    assert r.status_code == 400 and Conversation.objects.count() == 0
    r = client.post("/m/ask/", {"subject": "楼道漏水", "body": "3楼楼道天花板漏水",
                                "photo": SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg"),
                                "voice": SimpleUploadedFile("v.ogg", OGG, content_type="audio/ogg")})
    conv = Conversation.objects.get()
    assert r.status_code == 302 and ChatMessage.objects.get().voice
    msg = ChatMessage.objects.get()
    r = client.post(f"/m/ask/{conv.pk}/", {"body": "", "voice": SimpleUploadedFile("x.ogg", b"nonsense" * 10)})
    assert r.status_code == 400 and "不是可识别的语音文件" in r.content.decode()
    client.force_login(dw.chief)
    page = client.get("/console/ask/").content.decode()
    assert "楼道漏水" in page and "待回复" in page
    page = client.get(f"/console/ask/{conv.pk}/").content.decode()
    assert f"/m/ask/media/{msg.pk}/voice/" in page and "<audio" in page
    voice = client.get(f"/m/ask/media/{msg.pk}/voice/")
    assert voice.status_code == 200 and voice["Content-Type"] == "audio/ogg" and b"".join(voice.streaming_content) == OGG
    client.post(f"/console/ask/{conv.pk}/", {"step": "reply", "body": "收到,马上联系物业"})
    client.post(f"/console/ask/{conv.pk}/convert/", {"description": "3楼楼道天花板漏水"})
    conv.refresh_from_db()
    assert conv.state == "converted" and conv.case is not None
    client.force_login(dw.users[1])  # another resident sees nothing of it
    assert client.get(f"/m/ask/media/{msg.pk}/voice/").status_code == 404
    assert client.get(f"/m/ask/{conv.pk}/").status_code == 404


def test_booking_a_slot_on_the_phone_and_confirming_it(dw, client):  # noqa: F811
    client.force_login(dw.chief)
    start = local(now() + dt.timedelta(days=1)).replace(minute=0)
    r = client.post("/console/appointments/", {"region": dw.w.comm_a.pk, "kind": "home_visit", "service": "上门养老认证",
                                               "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                                               "ends_at": (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                                               "capacity": 1})
    assert r.status_code == 400 and "结束时间须晚于开始" in r.content.decode() and Slot.objects.count() == 0
    client.post("/console/appointments/", {"region": dw.w.comm_a.pk, "kind": "home_visit", "service": "上门养老认证",
                                           "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                                           "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                                           "capacity": 1})
    slot = Slot.objects.get()
    client.force_login(dw.users[0])
    assert "上门养老认证" in client.get("/m/appointments/").content.decode()
    client.post("/m/appointments/", {"slot": slot.pk})
    client.force_login(dw.users[1])
    r = client.post("/m/appointments/", {"slot": slot.pk}, follow=True)
    assert "该时段已约满" in r.content.decode()
    appt = Appointment.objects.get()
    assert appt.address == "幸福里1号楼1单元101室"
    client.force_login(dw.chief)
    client.post(f"/console/appointments/{appt.pk}/confirm/", {})
    assert Appointment.objects.get().state == "confirmed"
