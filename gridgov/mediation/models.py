"""Disputes (矛盾纠纷) and their people's mediation: the record per GB/T 31000-2015 (事件类型, 事件规模, 涉及人数…),
its parties (identity numbers and phones encrypted), its risk colour (三色预警, configurable levels), and its
timeline. The lifecycle is the table in `mediation.workflow`, on the engine of `core.workflow`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import mask_from_last4, pii_columns


class MojCategory(models.TextChoices):
    """The 司法部 statistical categories of people's mediation (人民调解统计, 15): the monthly report counts by
    these; each GB/T 31000 type names the one it is counted under (`DisputeType.moj_category`)."""

    MARRIAGE_FAMILY = "01", _("婚姻家庭纠纷")
    NEIGHBOUR = "02", _("邻里纠纷")
    HOUSE_HOMESTEAD = "03", _("房屋宅基地纠纷")
    CONTRACT = "04", _("合同纠纷")
    BUSINESS = "05", _("生产经营纠纷")
    DAMAGES = "06", _("损害赔偿纠纷")
    LAND_FOREST = "07", _("山林土地纠纷")
    REQUISITION = "08", _("征地拆迁纠纷")
    ENVIRONMENT = "09", _("环境污染纠纷")
    LABOUR = "10", _("劳动争议纠纷")
    CONSUMER = "11", _("消费纠纷")
    MEDICAL = "12", _("医疗纠纷")
    TRAFFIC = "13", _("道路交通事故纠纷")
    PROPERTY = "14", _("物业纠纷")
    OTHER = "15", _("其他纠纷")


class DisputeType(models.Model):
    """GB/T 31000-2015 矛盾纠纷 事件类型: 2-digit 大类, 4-digit 小类 (every 大类 has its xx99 其他), and the 司法部
    category it is counted under."""

    code = models.CharField(_("编码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey("self", verbose_name=_("大类"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    moj_category = models.CharField(_("司法部统计类别"), max_length=2, choices=MojCategory.choices,
                                    default=MojCategory.OTHER)

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
    follow_up_days = models.PositiveSmallIntegerField(_("协议达成后回访时限(天)"), null=True, blank=True,
                                                      help_text=_("到期仍未回访的,提醒调解员和网格员;空为不提醒"))
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


class Station(models.TextChoices):
    """The offices stationed at the county 综治中心's window (一窗受理): a resident's 诉求 taken once and passed
    between them in turn — 调 (mediation), 裁 (arbitration), 审 (the court), 检 (the procuratorate)…"""

    JUSTICE = "justice", _("司法(人民调解、法律援助)")
    HRSS = "hrss", _("人社(劳动人事争议仲裁)")
    COURT = "court", _("法院(诉前调解、立案)")
    PROCURATORATE = "procuratorate", _("检察(检察监督、司法救助)")
    POLICE = "police", _("公安(警调对接)")
    PETITION = "petition", _("信访(信访事项办理)")
    OTHER = "other", _("其他部门")


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
    case = models.OneToOneField("cases.Case", db_constraint=False, verbose_name=_("来源事件"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="dispute")
    committee = models.ForeignKey("orgs.OrgUnit", verbose_name=_("调解组织"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="disputes")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调解员"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="disputes_mediated")
    due_at = models.DateTimeField(_("调解期限"), null=True, blank=True, db_index=True)
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    handed_to = models.CharField(_("移交至"), max_length=16, blank=True)
    window = models.BooleanField(_("一窗受理"), default=False, help_text=_("在县级综治中心窗口登记或经窗口流转"))
    station = models.CharField(_("当前承办入驻单位"), max_length=16, choices=Station.choices, blank=True)
    station_since = models.DateTimeField(_("转入时间"), null=True, blank=True)
    agreement_kind = models.CharField(_("协议形式"), max_length=8, blank=True)
    agreement_amount = models.DecimalField(_("协议金额(元)"), max_digits=14, decimal_places=2, null=True,
                                           blank=True)
    resolved = models.BooleanField(_("化解成功"), null=True, blank=True)
    # the sweeper's marks (mediation.sweeper): once per overdue limit, once per stall of a high-risk dispute
    overdue_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True, editable=False)
    escalation_level = models.PositiveSmallIntegerField(_("自动升级次数"), default=0)
    escalated_at = models.DateTimeField(_("最近自动升级时间"), null=True, blank=True, editable=False)
    follow_up_reminded_at = models.DateTimeField(_("回访提醒时间"), null=True, blank=True, editable=False)
    confirm_reminded_at = models.DateTimeField(_("司法确认提醒时间"), null=True, blank=True, editable=False)
    prevented_crime = models.BooleanField(_("防止民转刑"), default=False)
    prevented_petition = models.BooleanField(_("防止群体性上访"), default=False)
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


class CommitteeProfile(models.Model):
    """What a 人民调解委员会 is good at: a specialised one (医疗纠纷调委会, a 婚姻家庭调解室, a 行业协会's) names the
    dispute types it takes; 矛盾分诊 prefers it for those over the committee of the place."""

    unit = models.OneToOneField("orgs.OrgUnit", verbose_name=_("调解组织"), on_delete=models.CASCADE,
                                related_name="mediation_profile",
                                limit_choices_to={"kind": "mediation_committee"})
    room = models.CharField(_("专业调解室"), max_length=50, blank=True, help_text=_("如 婚姻家庭调解室、涉侨纠纷调解室"))
    specialities = models.ManyToManyField(DisputeType, verbose_name=_("擅长纠纷类型"), blank=True,
                                          help_text=_("选大类即包括其全部小类"), related_name="+")

    class Meta:
        verbose_name = _("调解组织专长")
        verbose_name_plural = _("调解组织专长")

    def __str__(self) -> str:
        return self.room or str(self.unit)


class MediatorProfile(models.Model):
    """A mediator of the pool: full-time or not, a lawyer or police officer sitting in (1+1+1), and the dispute
    types they are good at (矛盾分诊 prefers them)."""

    class Kind(models.TextChoices):
        FULL_TIME = "full_time", _("专职人民调解员")
        PART_TIME = "part_time", _("兼职人民调解员")
        LAWYER = "lawyer", _("律师")
        POLICE = "police", _("民警")
        JUDICIAL = "judicial", _("司法所工作人员")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("调解员"), on_delete=models.CASCADE,
                                related_name="mediator_profile")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.PART_TIME)
    specialities = models.ManyToManyField(DisputeType, verbose_name=_("擅长纠纷类型"), blank=True,
                                          help_text=_("选大类即包括其全部小类"), related_name="+")

    class Meta:
        verbose_name = _("调解员专长")
        verbose_name_plural = _("调解员专长")

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()}"


def covers_type(specialities: set[str], dispute_type: DisputeType) -> bool:
    """Whether a set of type codes (大类 or 小类) takes a dispute of this type: its own code or its 大类's."""
    return dispute_type.code in specialities or dispute_type.code[:2] in specialities


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


class DisputeAttachment(models.Model):
    """材料 of the mediation file: photographed or scanned 证据材料, 身份证明, 授权委托书, 履行凭证 (收条, 汇款单)…
    Kept private: served only to those who may see the dispute (`web.disputes.dispute_attachment`)."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("证据材料")
        IDENTITY = "identity", _("当事人身份证明")
        MANDATE = "mandate", _("授权委托书")
        PERFORMANCE = "performance", _("履行凭证")
        OTHER = "other", _("其他材料")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(DisputeEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("材料类别"), max_length=16, choices=Kind.choices, default=Kind.EVIDENCE)
    file = models.FileField(_("文件"), upload_to="disputes/%Y/%m/")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("纠纷材料")
        verbose_name_plural = _("纠纷材料")
        ordering = ["dispute", "id"]
