"""掌上社区: what a community publishes to its residents (通知公告 with read receipts where they are required, 政策文件,
办事指南 with steps, materials, where and when, 社区新闻, 活动 with sign-up), "我要办事" — a conversation between a
resident and the community's staff in text, photos and voice messages, assigned to someone, timed from the first
message to the first answer, and turned into a case where it is one — and appointments: a home visit or a service
slot booked by a resident and confirmed by staff, reminded the day before."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimelineRow


class ArticleKind(models.TextChoices):
    NOTICE = "notice", _("通知公告")
    POLICY = "policy", _("政策文件")
    GUIDE = "guide", _("办事指南")
    NEWS = "news", _("社区新闻")
    ACTIVITY = "activity", _("社区活动")


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Article(models.Model):
    """One piece of content for the residents of `region` and below (a district's policy reaches every community
    of it). A guide has its steps, materials, place and hours; an activity its time, place and places to take."""

    kind = models.CharField(_("栏目"), max_length=16, choices=ArticleKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("发布范围"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区域路径"), max_length=255, db_index=True)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"), max_length=20000)
    state = models.CharField(_("状态"), max_length=16, choices=ArticleState.choices, default=ArticleState.DRAFT,
                             db_index=True)
    requires_receipt = models.BooleanField(_("需回执"), default=False, help_text=_("居民须点「已阅」"))
    pinned = models.BooleanField(_("置顶"), default=False)
    guide_materials = models.TextField(_("所需材料"), blank=True)
    guide_steps = models.TextField(_("办理流程"), blank=True)
    guide_where = models.CharField(_("办理地点"), max_length=200, blank=True)
    guide_hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("活动时间"), null=True, blank=True)
    place = models.CharField(_("活动地点"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True, help_text=_("不填为不限"))
    signup_until = models.DateTimeField(_("报名截止"), null=True, blank=True)
    signups_count = models.PositiveIntegerField(_("已报名"), default=0)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编辑"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("社区发布")
        verbose_name_plural = _("社区发布")
        ordering = ["-pinned", "-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__isnull=True) | Q(signups_count__lte=models.F("capacity")),
                                   name="activity_within_capacity"),
        ]

    def __str__(self) -> str:
        return self.title


class Receipt(models.Model):
    """已阅: a resident has read a notice that requires it."""

    article = models.ForeignKey(Article, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("居民"), on_delete=models.PROTECT,
                             related_name="+")
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("阅读回执")
        verbose_name_plural = _("阅读回执")
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="read_once")]


class Signup(models.Model):
    article = models.ForeignKey(Article, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报名人"), on_delete=models.PROTECT,
                             related_name="+")
    at = models.DateTimeField(_("报名时间"))

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="sign_up_for_activity_once")]


class ConversationState(models.TextChoices):
    WAITING = "waiting", _("待回复")
    ANSWERED = "answered", _("处理中")
    CLOSED = "closed", _("已办结")
    CONVERTED = "converted", _("已转事件")


class Conversation(models.Model):
    """我要办事: a resident's matter in their community, talked through with its staff. `first_reply_at` times the
    first answer (the response time); `assigned_to` is the member of staff who has it."""

    resident = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("居民"), on_delete=models.PROTECT,
                                 related_name="conversations")
    region = models.ForeignKey("regions.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区域路径"), max_length=255, db_index=True,
                                   help_text=_("居民所在网格的路径:社区、街道和该网格的网格员都能办理"))
    subject = models.CharField(_("事项"), max_length=100)
    state = models.CharField(_("状态"), max_length=16, choices=ConversationState.choices,
                             default=ConversationState.WAITING, db_index=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", db_constraint=False, verbose_name=_("转为事件"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    first_reply_at = models.DateTimeField(_("首次回复"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("最近消息"), db_index=True)
    created_at = models.DateTimeField(_("发起时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("我要办事")
        verbose_name_plural = _("我要办事")
        ordering = ["-last_message_at", "-id"]

    def __str__(self) -> str:
        return self.subject

    @property
    def response_minutes(self) -> int | None:
        if self.first_reply_at is None:
            return None
        return int((self.first_reply_at - self.created_at).total_seconds() // 60)


class ChatMessage(models.Model):
    """One message: text, a photo or a voice clip (or text with one of them)."""

    conversation = models.ForeignKey(Conversation, verbose_name=_("会话"), on_delete=models.CASCADE,
                                     related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发送人"), on_delete=models.PROTECT,
                               related_name="+")
    from_staff = models.BooleanField(_("工作人员"), default=False)
    body = models.TextField(_("内容"), max_length=2000, blank=True)
    photo = models.FileField(_("照片"), upload_to="portal/photos/%Y/%m/", blank=True)
    voice = models.FileField(_("语音"), upload_to="portal/voice/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("办事消息")
        verbose_name_plural = _("办事消息")
        ordering = ["at", "id"]


class SlotKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("预约上门")
    SERVICE = "service", _("预约办事")


class Slot(models.Model):
    """A time a community offers: staff come to the home (上门) or receive at the service hall (窗口办事)."""

    region = models.ForeignKey("regions.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区域路径"), max_length=255, db_index=True)
    kind = models.CharField(_("类型"), max_length=16, choices=SlotKind.choices)
    service = models.CharField(_("服务事项"), max_length=100)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    capacity = models.PositiveSmallIntegerField(_("可约人数"), default=1)
    booked = models.PositiveSmallIntegerField(_("已约"), default=0)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("服务人员"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    is_cancelled = models.BooleanField(_("已取消"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=models.F("capacity")), name="slot_within_capacity"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.starts_at:%m-%d %H:%M}"


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")
    NO_SHOW = "no_show", _("未到")


ACTIVE_APPOINTMENT = (AppointmentState.BOOKED, AppointmentState.CONFIRMED)


class Appointment(models.Model):
    slot = models.ForeignKey(Slot, verbose_name=_("时段"), on_delete=models.PROTECT, related_name="appointments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("预约人"), on_delete=models.PROTECT,
                             related_name="appointments")
    state = models.CharField(_("状态"), max_length=16, choices=AppointmentState.choices,
                             default=AppointmentState.BOOKED, db_index=True)
    address = models.CharField(_("上门地址"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    reminded_at = models.DateTimeField(_("已提醒"), null=True, blank=True)
    created_at = models.DateTimeField(_("预约时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "user"], condition=Q(state__in=["booked", "confirmed"]),
                                    name="book_a_slot_once"),
        ]


class PortalEvent(TimelineRow):
    """The timeline of the portal: articles published and withdrawn, conversations assigned, answered, closed and
    turned into cases, slots and appointments. Subjects: article / conversation / appointment / slot."""

    class Meta(TimelineRow.Meta):
        verbose_name = _("掌上社区记录")
        verbose_name_plural = _("掌上社区记录")
        indexes = [models.Index(fields=["subject", "subject_id"], name="portal_event_subject")]
