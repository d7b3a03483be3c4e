"""最小应急单元 at work: who is on duty, callouts that reach the nearest units first and the next ring when nobody
acknowledges in time ("就近处置、多点响应、梯次增援"), and alert groups (铺户联防) that fan a warning out to their
members' phones. The units themselves are `orgs.OrgUnit` of kind emergency_unit (location, equipment, members by
membership)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimelineRow


class CalloutState(models.TextChoices):
    ALERTING = "alerting", _("待响应")
    ACKNOWLEDGED = "acknowledged", _("已响应")
    ON_SCENE = "on_scene", _("已到场")
    CLOSED = "closed", _("处置完毕")
    EXHAUSTED = "exhausted", _("无人响应")
    STOOD_DOWN = "stood_down", _("已撤销")


OPEN_CALLOUT_STATES = (CalloutState.ALERTING, CalloutState.ACKNOWLEDGED, CalloutState.ON_SCENE,
                       CalloutState.EXHAUSTED)


class Callout(models.Model):
    """出警: one per case that needs the nearest units. `ring` is the ring called last; `ack_due_at` is when the
    next ring is called if nobody of the called units has acknowledged (the sweep's index)."""

    case = models.OneToOneField("cases.Case", db_constraint=False, verbose_name=_("事件"), on_delete=models.PROTECT,
                                related_name="callout")
    state = models.CharField(_("状态"), max_length=16, choices=CalloutState.choices, default=CalloutState.ALERTING,
                             db_index=True)
    ring = models.PositiveSmallIntegerField(_("梯次"), default=0)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    region_path = models.CharField(_("区域路径"), max_length=255, db_index=True)
    ack_due_at = models.DateTimeField(_("响应时限"), null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("响应人"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    acknowledged_unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("响应单元"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("发起时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("应急出警")
        verbose_name_plural = _("应急出警")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"出警 · {self.case.number}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CALLOUT_STATES

    @property
    def ack_seconds(self) -> int | None:
        return int((self.acknowledged_at - self.created_at).total_seconds()) if self.acknowledged_at else None


class CalloutUnit(models.Model):
    """A unit called for a callout: in which ring, how far from the place, when, how many people were paged."""

    callout = models.ForeignKey(Callout, verbose_name=_("出警"), on_delete=models.PROTECT, related_name="units")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("应急单元"), on_delete=models.PROTECT, related_name="+")
    ring = models.PositiveSmallIntegerField(_("梯次"))
    distance_m = models.PositiveIntegerField(_("距离(米)"))
    alerted_at = models.DateTimeField(_("通知时间"))
    paged = models.PositiveSmallIntegerField(_("通知人数"), default=0)

    class Meta:
        verbose_name = _("出警单元")
        verbose_name_plural = _("出警单元")
        ordering = ["ring", "distance_m"]
        constraints = [models.UniqueConstraint(fields=["callout", "unit"], name="unit_called_once_per_callout")]


class DutyShift(models.Model):
    """值班: who of a unit is on duty when. A unit with nobody on duty now pages all its members."""

    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("应急单元"), on_delete=models.PROTECT,
                             related_name="duty_shifts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("值班人员"), on_delete=models.PROTECT,
                             related_name="duty_shifts")
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    note = models.CharField(_("备注"), max_length=100, blank=True)
    is_cancelled = models.BooleanField(_("已取消"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["unit", "ends_at"], name="duty_unit_ends")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="duty_ends_after_start")]


class AlertGroup(models.Model):
    """联防群 (铺户联防, 楼院群): people of a place who warn each other; a warning reaches every member's phone."""

    class Kind(models.TextChoices):
        SHOPS = "shops", _("铺户联防")
        COMPOUND = "compound", _("楼院联防")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.SHOPS)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT,
                               related_name="+")
    region_path = models.CharField(_("区域路径"), max_length=255, db_index=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联防群")
        verbose_name_plural = _("联防群")
        ordering = ["region_path", "name"]

    def __str__(self) -> str:
        return self.name


class AlertGroupMember(models.Model):
    group = models.ForeignKey(AlertGroup, verbose_name=_("联防群"), on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("成员"), on_delete=models.PROTECT,
                             related_name="alert_groups")
    label = models.CharField(_("铺面/身份"), max_length=100, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    joined_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联防群成员")
        verbose_name_plural = _("联防群成员")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="member_once_per_alert_group")]


class Broadcast(models.Model):
    """预警: a warning sent to an alert group (by a member or by staff over the place)."""

    class Level(models.TextChoices):
        NOTICE = "notice", _("提醒")
        WARNING = "warning", _("预警")
        URGENT = "urgent", _("紧急")

    group = models.ForeignKey(AlertGroup, verbose_name=_("联防群"), on_delete=models.PROTECT,
                              related_name="broadcasts")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发送人"), on_delete=models.PROTECT,
                               related_name="+")
    level = models.CharField(_("级别"), max_length=8, choices=Level.choices, default=Level.WARNING)
    message = models.TextField(_("内容"))
    recipients = models.PositiveIntegerField(_("送达人数"), default=0)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("联防预警")
        verbose_name_plural = _("联防预警")
        ordering = ["-at"]


class EmergencyEvent(TimelineRow):
    """The timeline of the module: every step of a callout (rings included), every roster change and warning, and
    the unit that acted. Subjects: callout / shift / group."""

    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单元"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")

    class Meta(TimelineRow.Meta):
        verbose_name = _("应急记录")
        verbose_name_plural = _("应急记录")
        indexes = [models.Index(fields=["subject", "subject_id"], name="emergency_event_subject")]
