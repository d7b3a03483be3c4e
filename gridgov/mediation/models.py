"""Disputes (矛盾纠纷) and their people's mediation: the record per GB/T 31000-2015 (事件类型, 事件规模, 涉及人数…),
its parties (identity numbers and phones encrypted), its risk colour (三色预警, configurable levels), and its
timeline. The lifecycle is the table in `mediation.workflow`, on the engine of `core.workflow`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import mask_from_last4, pii_columns


class DisputeType(models.Model):
    """GB/T 31000-2015 矛盾纠纷 事件类型: 2-digit 大类, 4-digit 小类 (every 大类 has its xx99 其他)."""

    code = models.CharField(_("编码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey("self", verbose_name=_("大类"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")

    class Meta:
        verbose_name = _("纠纷类型")
        verbose_name_plural = _("纠纷类型")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RiskLevel(models.Model):
    """A colour of the district's 预警 scheme (default 蓝/黄/红; four colours where a district uses them): who
    leads a dispute of this level, how soon it must be reported up, and after how many hours without progress
    it escalates on its own."""

    class Lead(models.TextChoices):
        GRID_WORKER = "grid_worker", _("网格员就地化解")
        COMMUNITY = "community", _("社区调委会")
        TOWN = "town", _("街道综治中心")
        JOINT = "joint", _("多部门联合会商")

    code = models.CharField(_("编码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=20)
    color = models.CharField(_("颜色"), max_length=7, help_text=_("如 #f56c6c"))
    rank = models.PositiveSmallIntegerField(_("等级"), help_text=_("数字越大风险越高"))
    lead = models.CharField(_("牵头层级"), max_length=16, choices=Lead.choices)
    report_within_minutes = models.PositiveIntegerField(_("上报时限(分钟)"), null=True, blank=True,
                                                        help_text=_("0 为立即上报;空为不需上报"))
    escalate_after_hours = models.PositiveIntegerField(_("无进展自动升级(小时)"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("风险等级")
        verbose_name_plural = _("风险等级")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class Scale(models.TextChoices):
    """GB/T 31000 事件规模."""

    INDIVIDUAL = "01", _("个体性事件")
    GROUP = "02", _("一般群体性事件")
    MAJOR_GROUP = "03", _("重大群体性事件")


class Source(models.TextChoices):
    """案件来源, with the linkages (诉调、警调、访调对接)."""

    APPLICATION = "application", _("当事人申请")
    INITIATIVE = "initiative", _("主动调解")
    POLICE = "police", _("公安移交(警调)")
    COURT = "court", _("法院委托(诉调)")
    PETITION = "petition", _("信访转交(访调)")
    PROCURATORATE = "procuratorate", _("检察机关移送")
    GOVERNMENT = "government", _("政府指定")
    CASE = "case", _("网格事件转入")


class State(models.TextChoices):
    REGISTERED = "registered", _("待受理")
    ACCEPTED = "accepted", _("待调解")
    MEDIATING = "mediating", _("调解中")
    AGREED = "agreed", _("已达成协议")
    CLOSED = "closed", _("已结案")
    FAILED = "failed", _("调解未成")
    HANDED_OVER = "handed_over", _("已移交")
    REJECTED = "rejected", _("不予受理")


OPEN_STATES = (State.REGISTERED, State.ACCEPTED, State.MEDIATING, State.AGREED)


class Dispute(models.Model):
    title = models.CharField(_("事件名称"), max_length=100)
    dispute_type = models.ForeignKey(DisputeType, verbose_name=_("事件类型"), on_delete=models.PROTECT)
    scale = models.CharField(_("事件规模"), max_length=2, choices=Scale.choices, default=Scale.INDIVIDUAL)
    source = models.CharField(_("案件来源"), max_length=16, choices=Source.choices)
    source_ref = models.CharField(_("移交/委托文书号"), max_length=64, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.REGISTERED,
                             db_index=True)
    risk_level = models.ForeignKey(RiskLevel, verbose_name=_("风险等级"), on_delete=models.PROTECT)
    grid = models.ForeignKey("regions.Region", verbose_name=_("发生网格"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="disputes")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    occurred_on = models.DateField(_("发生日期"))
    place = models.CharField(_("发生地点"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    people_involved = models.PositiveIntegerField(_("涉及人数"), default=2)
    summary = models.TextField(_("事件简述"), max_length=2000)
    organisations = models.CharField(_("涉及单位"), max_length=200, blank=True)
    case = models.OneToOneField("cases.Case", verbose_name=_("来源事件"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="dispute")
    committee = models.ForeignKey("orgs.OrgUnit", verbose_name=_("调解组织"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="disputes")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调解员"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="disputes_mediated")
    due_at = models.DateTimeField(_("调解期限"), null=True, blank=True, db_index=True)
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    handed_to = models.CharField(_("移交至"), max_length=16, blank=True)
    agreement_kind = models.CharField(_("协议形式"), max_length=8, blank=True)
    agreement_amount = models.DecimalField(_("协议金额(元)"), max_digits=14, decimal_places=2, null=True,
                                           blank=True)
    resolved = models.BooleanField(_("化解成功"), null=True, blank=True)
    # the sweeper's marks (mediation.sweeper): once per overdue limit, once per stall of a high-risk dispute
    overdue_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True, editable=False)
    escalation_level = models.PositiveSmallIntegerField(_("自动升级次数"), default=0)
    escalated_at = models.DateTimeField(_("最近自动升级时间"), null=True, blank=True, editable=False)
    confirm_reminded_at = models.DateTimeField(_("司法确认提醒时间"), null=True, blank=True, editable=False)
    judicial_confirmation = models.CharField(_("司法确认"), max_length=16, blank=True,
                                             choices=[("confirmed", "已确认有效"), ("refused", "不予确认")])
    created_at = models.DateTimeField(_("登记时间"), db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("协议生效时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class DisputeParty(models.Model):
    class Role(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        RESPONDENT = "respondent", _("被申请人")
        OTHER = "other", _("其他当事人")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=16, choices=Role.choices)
    name = models.CharField(_("姓名或名称"), max_length=50)
    id_number_enc, id_number_hash, id_number_last4 = pii_columns()
    phone_enc, phone_hash, phone_last4 = pii_columns()
    address = models.CharField(_("居住详址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["dispute", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"

    @property
    def id_number_masked(self) -> str:
        return mask_from_last4("id_number", self.id_number_last4)

    @property
    def phone_masked(self) -> str:
        return mask_from_last4("phone", self.phone_last4)


class DisputeEvent(models.Model):
    """The dispute's timeline: one immutable row per action (mediation.events writes every one)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("动作"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("纠纷办理记录")
        verbose_name_plural = _("纠纷办理记录")
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("timeline rows are immutable")
        super().save(*args, **kwargs)
