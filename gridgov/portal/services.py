"""Writes of 掌上社区: articles and their steps (`portal.workflow.ARTICLE`), read receipts and activity sign-ups
(places counted by a conditional update: never more than the capacity), 我要办事 conversations and their messages
(text, photos re-encoded without EXIF, voice clips checked by their content), assignment to the community's staff
with the fewest open ones, conversion to a case, slots and appointments (capacity and overlaps refused, reminders
the day before). Every change writes its timeline row in the same transaction."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q

from gridgov.accounts.models import Membership
from gridgov.accounts.paging import page
from gridgov.accounts.permissions import code_matches
from gridgov.accounts.scoping import jurisdiction_of
from gridgov.cases.photos import check_photo, public_copy, read_upload
from gridgov.core.errors import ApplicationError, PermissionDenied, text_of
from gridgov.core.timeutil import local, now
from gridgov.people.selectors import community_path, resident_of
from gridgov.portal import events
from gridgov.portal.access import CHAT, EDIT, SLOTS, published_for
from gridgov.portal.models import (
    ACTIVE_APPOINTMENT,
    Appointment,
    Article,
    ArticleKind,
    ArticleState,
    ChatMessage,
    Conversation,
    ConversationState,
    Receipt,
    Signup,
    Slot,
    SlotKind,
)
from gridgov.portal.workflow import APPOINTMENT, ARTICLE, CONVERSATION
from gridgov.regions.models import Level

VOICE_MAX_BYTES = 5 * 1024 * 1024  # about five minutes of a phone's voice message
# A voice clip is known by its first bytes, never by its name: (signature test, content type, extension)
VOICE_FORMATS = (
    (lambda b: b[:4] == b"\x1aE\xdf\xa3", "audio/webm", "webm"),
    (lambda b: b[:4] == b"OggS", "audio/ogg", "ogg"),
    (lambda b: b[4:8] == b"ftyp", "audio/mp4", "m4a"),
    (lambda b: b[:3] == b"ID3" or (len(b) > 1 and b[0] == 0xFF and b[1] & 0xE0 == 0xE0), "audio/mpeg", "mp3"),
    (lambda b: b[:4] == b"RIFF" and b[8:12] == b"WAVE", "audio/wav", "wav"),
    (lambda b: b[:6] == b"#!AMR\n", "audio/amr", "amr"),
)
OPEN = (ConversationState.WAITING, ConversationState.ANSWERED)


# -- articles -----------------------------------------------------------------------------------------------

ARTICLE_FIELDS = ("kind", "title", "body", "requires_receipt", "pinned", "guide_materials", "guide_steps",
                  "guide_where", "guide_hours", "starts_at", "place", "capacity", "signup_until")


def _checked_article(a: Article) -> None:
    a.title = text_of(a.title, "title", "标题", 2, 100)
    a.body = text_of(a.body, "body", "正文", 2, 20000)
    if a.kind not in ArticleKind.values:
        raise ApplicationError("invalid_kind", "请选择栏目", fields={"kind": "无效"})
    if a.kind == ArticleKind.GUIDE:
        for name, label in (("guide_materials", "所需材料"), ("guide_steps", "办理流程"), ("guide_where", "办理地点")):
            if not str(getattr(a, name) or "").strip():
                raise ApplicationError(f"{name}_required", f"办事指南须写明{label}", fields={name: "必填"})
    if a.kind == ArticleKind.ACTIVITY:
        if a.starts_at is None or not (a.place or "").strip():
            raise ApplicationError("activity_incomplete", "活动须写明时间和地点", fields={"starts_at": "必填"})
        if a.capacity is not None and a.capacity < 1:
            raise ApplicationError("invalid_capacity", "名额须至少 1 人", fields={"capacity": "至少 1"})
        if a.signup_until is not None and a.signup_until > a.starts_at:
            raise ApplicationError("invalid_signup_until", "报名截止须在活动开始之前", fields={"signup_until": "晚于活动"})
    if a.requires_receipt and a.kind != ArticleKind.NOTICE:
        raise ApplicationError("receipt_for_notices", "只有通知公告可以要求回执", fields={"requires_receipt": "仅限通知"})


@transaction.atomic
def article_save(*, actor, region=None, article: Article | None = None, **values) -> Article:
    """起草 a new article (for a community, town or district the editor keeps) or change a draft."""
    at = now()
    if article is None:
        if region is None or region.level not in (Level.DISTRICT, Level.TOWN, Level.COMMUNITY):
            raise ApplicationError("invalid_region", "发布范围须为社区、街道或区", fields={"region": "无效"})
        if not jurisdiction_of(actor).covers(EDIT, region.path):
            raise PermissionDenied("您不能在该范围发布")
        article = Article(region=region, region_path=region.path, created_by=actor, created_at=at)
        action = "create"
    else:
        article = Article.objects.select_for_update(of=("self",)).get(pk=article.pk)
        if not jurisdiction_of(actor).covers(EDIT, article.region_path):
            raise PermissionDenied("您不能修改该发布")
        if article.state != ArticleState.DRAFT:
            raise ApplicationError("not_draft", "已发布的内容请先撤回再修改", status=409)
        action = "edit"
    for name in ARTICLE_FIELDS:
        if name in values:
            setattr(article, name, values[name])
    _checked_article(article)
    article.updated_at = at
    article.save()
    events.record("article", article, action, actor=actor, note=article.title, at=at)
    return article


@transaction.atomic
def article_act(*, actor, article: Article, action: str, values: dict | None = None) -> Article:
    """发布 (a notice that requires a receipt is sent to the residents' consoles), 撤回 with the reason, 重新编辑."""
    values = values or {}
    article = Article.objects.get(pk=article.pk)
    t = ARTICLE.check(actor, article, action)
    note = t.require(values)
    at = now()
    fields = []
    if action == "publish":
        _checked_article(article)
        if article.kind == ArticleKind.ACTIVITY and article.starts_at is not None and article.starts_at <= at:
            raise ApplicationError("activity_past", "活动时间已过,不能发布", status=409)
        article.published_at = at
        fields.append("published_at")
    ARTICLE.commit(article, t, fields=fields, at=at,
                   event=lambda old: events.step("article", article, action, old, actor=actor, note=note, at=at))
    return article


def _reader(actor, article: Article) -> Article:
    found = published_for(actor).filter(pk=article.pk).first()
    if found is None:
        raise ApplicationError("not_published", "该内容未发布或不在您所在社区", status=404)
    return found


@transaction.atomic
def read_receipt(*, actor, article: Article) -> Receipt:
    """已阅 (once; a second tap changes nothing)."""
    article = _reader(actor, article)
    if not article.requires_receipt:
        raise ApplicationError("no_receipt", "该内容不需要回执", status=409)
    r, _ = Receipt.objects.get_or_create(article=article, user=actor, defaults={"at": now()})
    return r


@transaction.atomic
def activity_signup(*, actor, article: Article, cancel: bool = False) -> Article:
    """报名 for an activity while places are left (a conditional update: two at the last place, one gets it) and
    before the deadline; 取消报名 gives the place back."""
    article = _reader(actor, article)
    if article.kind != ArticleKind.ACTIVITY:
        raise ApplicationError("not_activity", "该内容不是活动", status=409)
    at = now()
    if cancel:
        if Signup.objects.filter(article=article, user=actor).delete()[0]:
            Article.objects.filter(pk=article.pk).update(signups_count=F("signups_count") - 1)
        return Article.objects.get(pk=article.pk)
    deadline = article.signup_until or article.starts_at
    if deadline is not None and deadline <= at:
        raise ApplicationError("signup_closed", "报名已截止", status=409)
    try:
        with transaction.atomic():
            Signup.objects.create(article=article, user=actor, at=at)
            room = Q(capacity__isnull=True) | Q(signups_count__lt=F("capacity"))
            if not Article.objects.filter(room, pk=article.pk).update(signups_count=F("signups_count") + 1):
                raise ApplicationError("activity_full", "名额已满", status=409)
    except IntegrityError:
        raise ApplicationError("already_signed_up", "您已报名", status=409) from None
    return Article.objects.get(pk=article.pk)


# -- 我要办事 ----------------------------------------------------------------------------------------------


def check_voice(data: bytes) -> tuple[str, str]:
    """(content type, extension) of a voice clip, by its content; refused when too long or not audio."""
    if len(data) > VOICE_MAX_BYTES:
        raise ApplicationError("voice_too_large", "语音超过 5 MB,请分段发送", fields={"voice": "过大"})
    for test, content_type, ext in VOICE_FORMATS:
        if len(data) >= 12 and test(data):
            return content_type, ext
    raise ApplicationError("voice_invalid", "不是可识别的语音文件(支持 webm、ogg、m4a、mp3、wav、amr)",
                           fields={"voice": "格式不支持"})


def _attach(msg: ChatMessage, photo, voice) -> None:
    """A photo is kept re-encoded without EXIF (no position, no device); a voice clip as recorded."""
    if photo is not None:
        data, name = read_upload(photo)
        check_photo(data, name)
        msg.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(public_copy(data)), save=False)
        msg.content_type = "image/jpeg"
    if voice is not None:
        data, _name = read_upload(voice)
        content_type, ext = check_voice(data)
        msg.voice.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=False)
        msg.content_type = content_type


def handlers(region_path: str) -> list[int]:
    """Staff who answer 我要办事 for a place (a resident's grid): active members with portal:chat:handle over it."""
    rows = (Membership.objects.filter(is_active=True, user__is_active=True).select_related("region", "role")
            .only("user_id", "region__path", "role__permissions"))
    out = []
    for m in rows:
        if region_path.startswith(m.region.path) and any(code_matches(p, CHAT) for p in m.role.permissions or ()):
            out.append(m.user_id)
    return list(dict.fromkeys(out))


def _least_busy(region_path: str, community_path: str) -> int | None:
    """Of the handlers of a resident's grid — those of the community itself first, then the grid's workers, then
    the town's —, the one with the fewest open matters."""
    ids = handlers(region_path)
    if not ids:
        return None
    load = dict(Conversation.objects.filter(assigned_to_id__in=ids, state__in=OPEN).values("assigned_to_id")
                .annotate(n=Count("pk")).values_list("assigned_to_id", "n"))
    paths: dict[int, str] = {}
    for user_id, path in Membership.objects.filter(user_id__in=ids, is_active=True).values_list("user_id",
                                                                                                "region__path"):
        paths[user_id] = max(paths.get(user_id, ""), path, key=len) if region_path.startswith(path) else \
            paths.get(user_id, "")

    def rank(u: int) -> int:
        p = paths.get(u, "")
        return 0 if p == community_path else (1 if len(p) > len(community_path) else 2)

    return min(ids, key=lambda u: (rank(u), load.get(u, 0), u))


@transaction.atomic
def conversation_open(*, actor, subject: str, body: str = "", photo=None, voice=None) -> Conversation:
    """我要办事: a resident starts a matter with their community; it goes to the staff member with the fewest open
    ones (who is told)."""
    resident = resident_of(actor)
    if resident is None:
        raise PermissionDenied("只有登记在册的居民可以在线办事,请联系网格员登记")
    subject = text_of(subject, "subject", "事项", 2, 100)
    if not (body or "").strip() and photo is None and voice is None:
        raise ApplicationError("message_empty", "请写下您要办的事,或发送照片、语音", fields={"body": "必填"})
    community = resident.grid.parent if resident.grid.parent is not None else resident.grid
    at = now()
    conv = Conversation.objects.create(resident=actor, region=community, region_path=resident.grid.path,
                                       subject=subject,
                                       assigned_to_id=_least_busy(resident.grid.path, community_path(resident)),
                                       last_message_at=at, created_at=at, updated_at=at)
    events.record("conversation", conv, "open", to_state=conv.state, actor=actor, note=subject, at=at,
                  data={"assigned_to": conv.assigned_to_id})
    _message(conv, actor, body, photo, voice, from_staff=False, at=at)
    if conv.assigned_to_id:
        page([conv.assigned_to_id], subject=f"【我要办事】{subject}", data={"conversation": conv.pk},
             dedupe_key=f"conv-{conv.pk}-open")
    return conv


def _message(conv: Conversation, actor, body, photo, voice, *, from_staff: bool, at) -> ChatMessage:
    msg = ChatMessage(conversation=conv, author=actor, from_staff=from_staff, body=(body or "").strip()[:2000], at=at)
    _attach(msg, photo, voice)
    msg.save()
    return msg


@transaction.atomic
def message_post(*, actor, conversation: Conversation, body: str = "", photo=None, voice=None) -> ChatMessage:
    """A message in an open matter, by the resident or the staff; the first answer of the staff starts 处理中 and
    is the response time."""
    conv = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
    kinds = CONVERSATION.kinds(actor, conv)
    if not kinds:
        raise PermissionDenied("您不能在该会话中发言")
    if conv.state not in OPEN:
        raise ApplicationError("conversation_closed", f"该事项{conv.get_state_display()},请发起新的办事", status=409)
    if not (body or "").strip() and photo is None and voice is None:
        raise ApplicationError("message_empty", "请输入内容,或发送照片、语音", fields={"body": "必填"})
    at = now()
    from_staff = "handler" in kinds and conv.resident_id != actor.pk
    msg = _message(conv, actor, body, photo, voice, from_staff=from_staff, at=at)
    fields = ["last_message_at"]
    conv.last_message_at = at
    if from_staff and conv.state == ConversationState.WAITING:
        t = CONVERSATION.get("answer")
        conv.first_reply_at = at
        if conv.assigned_to_id is None:
            conv.assigned_to = actor
            fields.append("assigned_to")
        CONVERSATION.commit(conv, t, fields=[*fields, "first_reply_at"], at=at,
                            event=lambda old: events.step("conversation", conv, "answer", old, actor=actor, at=at,
                                                          data={"minutes": conv.response_minutes}))
    else:
        conv.updated_at = at
        conv.save(update_fields=[*fields, "updated_at"])
    to = [conv.resident_id] if from_staff else ([conv.assigned_to_id] if conv.assigned_to_id else [])
    if to:
        page(to, subject=f"【我要办事】{conv.subject}:有新消息", data={"conversation": conv.pk})
    return msg


@transaction.atomic
def conversation_assign(*, actor, conversation: Conversation, user) -> Conversation:
    """转交 to another handler of the community."""
    conv = Conversation.objects.get(pk=conversation.pk)
    t = CONVERSATION.check(actor, conv, "reassign")
    if user is None or user.pk not in handlers(conv.region_path):
        raise ApplicationError("not_a_handler", "只能转交给本社区的办事人员", fields={"user": "无效"})
    old_user = conv.assigned_to_id
    conv.assigned_to = user
    at = now()
    CONVERSATION.commit(conv, t, fields=["assigned_to"], at=at,
                        event=lambda old: events.step("conversation", conv, "reassign", old, actor=actor, at=at,
                                                      note=str(user), data={"from": old_user, "to": user.pk}))
    page([user.pk], subject=f"【我要办事】{conv.subject}(转交)", data={"conversation": conv.pk})
    return conv


@transaction.atomic
def conversation_act(*, actor, conversation: Conversation, action: str, values: dict | None = None) -> Conversation:
    """办结, or 转为事件: a case reported for the resident (it is theirs in 我的反映), in their grid, at their home,
    with the conversation's words."""
    values = values or {}
    conv = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
    t = CONVERSATION.check(actor, conv, action)
    if action in ("answer", "reassign"):
        raise ApplicationError("unknown_action", "请直接回复或转交", status=404)
    note = t.require(values)
    at = now()
    fields: list[str] = []
    data = None
    if action == "convert":
        conv.case = _to_case(conv, str(values.get("description") or "").strip(), bool(values.get("urgent")))
        fields.append("case")
        data = {"case": conv.case.pk, "number": conv.case.number}
        note = f"事件 {conv.case.number}"
    CONVERSATION.commit(conv, t, fields=fields, at=at,
                        event=lambda old: events.step("conversation", conv, action, old, actor=actor, note=note,
                                                      data=data, at=at))
    if actor is not None and actor.pk != conv.resident_id:
        text = f"已转为事件 {conv.case.number},可在「我的反映」查看进展" if conv.case else "已办结"
        page([conv.resident_id], subject=f"【我要办事】{conv.subject}:{text}", data={"conversation": conv.pk})
    return conv


def _to_case(conv: Conversation, description: str, urgent: bool):
    from gridgov.cases.models import Channel, Urgency
    from gridgov.cases.services import case_report

    resident = resident_of(conv.resident)
    household = resident.household if resident is not None else None
    address = str(household) if household is not None else ""
    building = household.building if household is not None else None
    case, _ = case_report(actor=conv.resident, channel=Channel.PORTAL, title=conv.subject, description=description,
                          urgency=Urgency.URGENT if urgent else None, address=address,
                          lon=building.lon if building else None, lat=building.lat if building else None,
                          grid=resident.grid if resident is not None else None, is_public=False,
                          idempotency_key=f"portal-conversation-{conv.pk}")
    return case


# -- appointments -------------------------------------------------------------------------------------------


@transaction.atomic
def slot_create(*, actor, region, kind: str, service: str, starts_at: dt.datetime, ends_at: dt.datetime,
                capacity=1, staff=None) -> Slot:
    if region is None or region.level != Level.COMMUNITY:
        raise ApplicationError("invalid_region", "预约时段须属于一个社区", fields={"region": "须为社区"})
    if not jurisdiction_of(actor).covers(SLOTS, region.path):
        raise PermissionDenied("您不能为该社区发布预约时段")
    if kind not in SlotKind.values:
        raise ApplicationError("invalid_kind", "请选择预约类型", fields={"kind": "无效"})
    at = now()
    if starts_at is None or ends_at is None or starts_at <= at:
        raise ApplicationError("invalid_starts_at", "开始时间须晚于现在", fields={"starts_at": "须晚于现在"})
    if not starts_at < ends_at <= starts_at + dt.timedelta(hours=12):
        raise ApplicationError("invalid_ends_at", "结束时间须晚于开始,且不超过 12 小时", fields={"ends_at": "无效"})
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= 100:
        raise ApplicationError("invalid_capacity", "可约人数须在 1–100 之间", fields={"capacity": "1–100"})
    slot = Slot.objects.create(region=region, region_path=region.path, kind=kind,
                               service=text_of(service, "service", "服务事项", 2, 100), starts_at=starts_at,
                               ends_at=ends_at, capacity=capacity, staff=staff, created_by=actor)
    events.record("slot", slot, "slot", actor=actor, note=str(slot), at=at)
    return slot


@transaction.atomic
def slot_cancel(*, actor, slot: Slot, reason: str) -> Slot:
    """取消时段: its appointments are cancelled with the reason and their residents told."""
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    if not jurisdiction_of(actor).covers(SLOTS, slot.region_path):
        raise PermissionDenied("您不能取消该时段")
    if slot.is_cancelled:
        return slot
    reason = text_of(reason, "reason", "原因", 2, 500)
    for appt in Appointment.objects.filter(slot=slot, state__in=ACTIVE_APPOINTMENT):
        appointment_act(actor=actor, appointment=appt, action="cancel", values={"reason": f"时段取消:{reason}"})
    slot.is_cancelled = True
    slot.save(update_fields=["is_cancelled"])
    events.record("slot", slot, "slot_cancel", actor=actor, note=reason)
    return slot


@transaction.atomic
def book(*, actor, slot: Slot, address: str = "", note: str = "") -> Appointment:
    """预约: a resident of the slot's community takes a place while one is left (a conditional update), never two
    appointments at overlapping times, and for a home visit says where."""
    resident = resident_of(actor)
    if resident is None or community_path(resident) != slot.region_path:
        raise PermissionDenied("只能预约本社区的服务")
    at = now()
    if slot.is_cancelled or slot.starts_at <= at:
        raise ApplicationError("slot_closed", "该时段已取消或已开始", status=409)
    address = (address or "").strip()[:200]
    if slot.kind == SlotKind.HOME_VISIT and not address:
        address = str(resident.household) if resident.household_id else ""
        if not address:
            raise ApplicationError("address_required", "预约上门请填写地址", fields={"address": "必填"})
    overlapping = Appointment.objects.filter(user=actor, state__in=ACTIVE_APPOINTMENT,
                                             slot__starts_at__lt=slot.ends_at, slot__ends_at__gt=slot.starts_at)
    if overlapping.exclude(slot=slot).exists():
        raise ApplicationError("overlapping_appointment", "您在该时间段已有其他预约", status=409)
    try:
        with transaction.atomic():
            appt = Appointment.objects.create(slot=slot, user=actor, address=address, note=(note or "").strip()[:500],
                                              created_at=at, updated_at=at)
            if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity"), is_cancelled=False).update(
                    booked=F("booked") + 1):
                raise ApplicationError("slot_full", "该时段已约满,请选择其他时段", status=409)
    except IntegrityError:
        raise ApplicationError("already_booked", "您已预约该时段", status=409) from None
    events.record("appointment", appt, "book", to_state=appt.state, actor=actor, note=str(slot), at=at)
    handlers_of = [slot.staff_id] if slot.staff_id else handlers(slot.region_path)[:3]
    page(handlers_of, subject=f"【新预约】{slot.service} {local(slot.starts_at):%m-%d %H:%M}",
         data={"appointment": appt.pk})
    return appt


@transaction.atomic
def appointment_act(*, actor, appointment: Appointment, action: str, values: dict | None = None) -> Appointment:
    values = values or {}
    appt = Appointment.objects.select_for_update(of=("self",)).select_related("slot").get(pk=appointment.pk)
    t = APPOINTMENT.check(actor, appt, action)
    note = t.require(values)
    at = now()
    APPOINTMENT.commit(appt, t, at=at, event=lambda old: events.step("appointment", appt, action, old, actor=actor,
                                                                      note=note, at=at))
    if action == "cancel":
        Slot.objects.filter(pk=appt.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    if action in ("confirm", "cancel") and actor is not None and actor.pk != appt.user_id:
        page([appt.user_id], subject=f"您预约的{appt.slot.service}({local(appt.slot.starts_at):%m-%d %H:%M})"
                                     f"{appt.get_state_display()}" + (f":{note}" if note else ""),
             data={"appointment": appt.pk})
    return appt


def remind_due(*, at: dt.datetime | None = None, ahead: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """The day before: each active appointment starting within `ahead` is reminded once (compare-and-set)."""
    at = at or now()
    due = Appointment.objects.filter(state__in=ACTIVE_APPOINTMENT, reminded_at__isnull=True,
                                     slot__starts_at__gt=at, slot__starts_at__lte=at + ahead).select_related("slot")
    n = 0
    for appt in list(due):
        with transaction.atomic():
            if not Appointment.objects.filter(pk=appt.pk, reminded_at__isnull=True).update(reminded_at=at):
                continue
            page([appt.user_id], subject=f"【预约提醒】{appt.slot.service}:{local(appt.slot.starts_at):%m月%d日 %H:%M}",
                 body=appt.address or "", data={"appointment": appt.pk}, dedupe_key=f"appointment-{appt.pk}-remind")
            events.record("appointment", appt, "remind", actor=None, at=at)
            n += 1
    return n
