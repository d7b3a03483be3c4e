"""掌上社区: content scoped by community with read receipts and activity places, 我要办事 assigned and timed and
turned into a case, appointments with their capacity, overlaps and reminders; voice and photos checked by content."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from gridgov.cases.models import Case
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import now
from gridgov.portal import access, selectors, services
from gridgov.portal.models import Appointment, ChatMessage, Conversation, PortalEvent, Slot
from tests.deliberation.conftest import dw  # noqa: F401 - residents with accounts in 甲一, its committee

OGG = b"OggS" + b"\x00" * 60
WEBM = b"\x1aE\xdf\xa3" + b"\x00" * 60


def _jpeg() -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # a device in the EXIF: gone from the stored copy
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _publish(dw, **kw):  # noqa: F811
    values = {"kind": "notice", "title": "停水通知", "body": "12月5日8:00—18:00 1号楼停水检修。", **kw}
    region = values.pop("region", dw.w.comm_a)
    a = services.article_save(actor=dw.chief, region=region, **values)
    return services.article_act(actor=dw.chief, article=a, action="publish")


def test_content_reaches_its_community_and_the_areas_below(dw):  # noqa: F811
    notice = _publish(dw, requires_receipt=True)
    town_policy = services.article_save(actor=dw.w.user_a, region=dw.w.town_a, kind="policy", title="养老服务补贴办法",
                                        body="80周岁以上老人每月补贴100元。")
    services.article_act(actor=dw.w.user_a, article=town_policy, action="publish")
    draft = services.article_save(actor=dw.chief, region=dw.w.comm_a, kind="news", title="草稿", body="尚未发布的新闻")
    mine = set(access.published_for(dw.users[0]))
    assert {notice, town_policy} <= mine and draft not in mine
    assert not set(access.published_for(dw.outsider.user)) & {notice, town_policy}  # 乙一 is another town
    with pytest.raises(PermissionDenied):
        services.article_save(actor=dw.chief, region=dw.w.comm_b, kind="news", title="乙一的新闻", body="不在管辖")
    services.read_receipt(actor=dw.users[0], article=notice)
    services.read_receipt(actor=dw.users[0], article=notice)  # once
    services.read_receipt(actor=dw.users[1], article=notice)
    receipts = selectors.receipts(notice)
    assert receipts["read"] == 2 and receipts["expected"] == 8  # the community's residents with accounts
    with pytest.raises(ApplicationError) as e:
        services.read_receipt(actor=dw.outsider.user, article=notice)
    assert e.value.code == "not_published"
    with pytest.raises(ApplicationError) as e:
        services.article_save(actor=dw.chief, article=notice, title="改标题")
    assert e.value.code == "not_draft"
    notice = services.article_act(actor=dw.chief, article=notice, action="withdraw", values={"reason": "检修改期"})
    assert notice not in set(access.published_for(dw.users[0]))


def test_a_guide_and_an_activity_say_what_they_need(dw):  # noqa: F811
    with pytest.raises(ApplicationError) as e:
        services.article_save(actor=dw.chief, region=dw.w.comm_a, kind="guide", title="居住证办理", body="流动人口办理")
    assert e.value.code == "guide_materials_required"
    guide = _publish(dw, kind="guide", title="居住证办理", body="流动人口办理居住证", guide_materials="身份证、租房合同",
                     guide_steps="1. 登记 2. 审核 3. 领证", guide_where="社区服务中心一楼", guide_hours="工作日 9:00-17:00")
    assert guide.state == "published"
    party = _publish(dw, kind="activity", title="重阳节包饺子", body="欢迎老人参加", place="社区食堂",
                     starts_at=now() + dt.timedelta(days=3), capacity=2)
    services.activity_signup(actor=dw.users[0], article=party)
    with pytest.raises(ApplicationError) as e:
        services.activity_signup(actor=dw.users[0], article=party)
    assert e.value.code == "already_signed_up"
    services.activity_signup(actor=dw.users[1], article=party)
    with pytest.raises(ApplicationError) as e:
        services.activity_signup(actor=dw.users[2], article=party)
    assert e.value.code == "activity_full"
    services.activity_signup(actor=dw.users[0], article=party, cancel=True)
    assert services.activity_signup(actor=dw.users[2], article=party).signups_count == 2


def test_a_matter_is_assigned_answered_timed_and_turned_into_a_case(dw):  # noqa: F811
    conv = services.conversation_open(actor=dw.users[0], subject="楼道灯坏了", body="1号楼3层楼道灯不亮一周了",
                                      photo=("light.jpg", _jpeg()))
    assert conv.assigned_to == dw.chief  # the community's own handler before the grid's and the town's
    assert conv.state == "waiting"
    photo = ChatMessage.objects.get(conversation=conv).photo.read()
    assert b"SecretCam" not in photo
    services.message_post(actor=dw.users[0], conversation=conv, voice=("clip.webm", WEBM))
    with pytest.raises(ApplicationError) as e:
        services.message_post(actor=dw.users[0], conversation=conv, voice=("clip.ogg", b"not audio at all..."))
    assert e.value.code == "voice_invalid"
    with pytest.raises(PermissionDenied):
        services.message_post(actor=dw.users[1], conversation=conv, body="我也来说两句")
    services.message_post(actor=dw.chief, conversation=conv, body="收到,已通知物业")
    conv.refresh_from_db()
    assert conv.state == "answered" and conv.first_reply_at is not None and conv.response_minutes == 0
    conv = services.conversation_act(actor=dw.chief, conversation=conv, action="convert",
                                     values={"description": "1号楼3层楼道灯不亮,居民反映一周"})
    case = Case.objects.get(pk=conv.case_id)
    assert conv.state == "converted" and case.channel == "portal" and case.reporter == dw.users[0]
    assert case.grid == dw.w.grid_a_west
    with pytest.raises(ApplicationError) as e:
        services.message_post(actor=dw.users[0], conversation=conv, body="谢谢")
    assert e.value.code == "conversation_closed"
    stats = selectors.response_stats(dw.chief)
    assert stats["answered"] == 1 and stats["median_minutes"] == 0


def test_only_residents_start_a_matter_and_handlers_take_it_over(dw):  # noqa: F811
    with pytest.raises(PermissionDenied):
        services.conversation_open(actor=dw.w.worker_a, subject="测试", body="网格员不是居民")
    east = services.conversation_open(actor=dw.users[4], subject="低保申请", body="想咨询低保怎么申请")
    with pytest.raises(ApplicationError) as e:  # 甲一西's grid worker is not 甲一东's
        services.conversation_assign(actor=dw.chief, conversation=east, user=dw.w.worker_a)
    assert e.value.code == "not_a_handler"
    conv = services.conversation_open(actor=dw.users[1], subject="低保申请", body="想咨询低保怎么申请")
    with pytest.raises(ApplicationError) as e:
        services.conversation_assign(actor=dw.chief, conversation=conv, user=dw.w.user_b)
    assert e.value.code == "not_a_handler"
    services.conversation_assign(actor=dw.chief, conversation=conv, user=dw.w.worker_a)
    assert Conversation.objects.get(pk=conv.pk).assigned_to == dw.w.worker_a
    assert conv in access.visible_conversations(dw.w.worker_a)
    assert conv not in access.visible_conversations(dw.users[0])  # another resident's
    assert east not in access.visible_conversations(dw.w.worker_a)
    services.conversation_act(actor=dw.users[1], conversation=conv, action="close", values={"note": "已问清楚"})
    assert Conversation.objects.get(pk=conv.pk).state == "closed"


def _slot(dw, **kw):  # noqa: F811
    start = now() + dt.timedelta(days=1)
    values = {"region": dw.w.comm_a, "kind": "service", "service": "高龄津贴认证", "starts_at": start,
              "ends_at": start + dt.timedelta(hours=1), "capacity": 2, **kw}
    return services.slot_create(actor=dw.chief, **values)


def test_appointments_keep_to_capacity_and_never_overlap(dw):  # noqa: F811
    slot = _slot(dw)
    services.book(actor=dw.users[0], slot=slot)
    with pytest.raises(ApplicationError) as e:
        services.book(actor=dw.users[0], slot=slot)
    assert e.value.code in ("already_booked", "overlapping_appointment")
    services.book(actor=dw.users[1], slot=slot)
    with pytest.raises(ApplicationError) as e:
        services.book(actor=dw.users[2], slot=slot)
    assert e.value.code == "slot_full" and Slot.objects.get(pk=slot.pk).booked == 2
    other = _slot(dw, service="养老认证(另一窗口)", starts_at=slot.starts_at + dt.timedelta(minutes=30),
                  ends_at=slot.ends_at + dt.timedelta(minutes=30))
    with pytest.raises(ApplicationError) as e:
        services.book(actor=dw.users[0], slot=other)
    assert e.value.code == "overlapping_appointment"
    with pytest.raises(PermissionDenied):
        services.book(actor=dw.outsider.user, slot=other)
    appt = Appointment.objects.get(slot=slot, user=dw.users[1])
    services.appointment_act(actor=dw.users[1], appointment=appt, action="cancel", values={"reason": "临时有事"})
    assert Slot.objects.get(pk=slot.pk).booked == 1
    services.book(actor=dw.users[2], slot=slot)  # the place came back
    with pytest.raises(PermissionDenied):
        services.appointment_act(actor=dw.users[0], appointment=Appointment.objects.get(user=dw.users[0]),
                                 action="confirm")
    services.appointment_act(actor=dw.chief, appointment=Appointment.objects.get(user=dw.users[0]), action="confirm")


def test_a_home_visit_needs_an_address_and_reminders_go_once(dw):  # noqa: F811
    visit = _slot(dw, kind="home_visit", service="上门为老人办理认证", capacity=1)
    appt = services.book(actor=dw.users[0], slot=visit)
    assert appt.address == "幸福里1号楼1单元101室"  # their flat by default
    assert services.remind_due(at=now()) == 1 and services.remind_due(at=now()) == 0
    assert PortalEvent.objects.filter(subject="appointment", action="remind").count() == 1
    far = _slot(dw, starts_at=now() + dt.timedelta(days=3), ends_at=now() + dt.timedelta(days=3, hours=1))
    services.book(actor=dw.users[1], slot=far)
    assert services.remind_due(at=now()) == 0  # not yet: more than a day ahead
    services.slot_cancel(actor=dw.chief, slot=visit, reason="工作人员临时外出")
    assert Appointment.objects.get(pk=appt.pk).state == "cancelled"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_residents_after_the_last_place_exactly_one_gets_it(dw):  # noqa: F811
    import functools

    from django.db import connection

    from tests.concurrency import at_once

    if connection.vendor != "postgresql":
        pytest.skip("concurrent bookings need PostgreSQL (SQLite serialises writers anyway)")
    slot = _slot(dw, capacity=1)
    results, errors = at_once(*(functools.partial(services.book, actor=u, slot=slot) for u in dw.users[:2]))
    assert len(results) == 1 and [e.code for e in errors] == ["slot_full"]
    assert Slot.objects.get(pk=slot.pk).booked == 1 and Appointment.objects.count() == 1
