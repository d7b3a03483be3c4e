"""Cases (事件/案件): one kind of record for every channel, with one workflow, one clock and one timeline."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import mask_from_last4, pii_columns
from gridgov.orgs.models import DepartmentType


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("部件")
    EVENT = "event", _("事件")
    GOVERNANCE = "governance", _("综治事项")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class TimeBasis(models.TextChoices):
    WORKING = "working", _("工作时间")
    NATURAL = "natural", _("自然时间")


class SlaPolicy(models.Model):
    """Time limits by urgency. The targets are copied onto each case when it is dispatched, so that
    editing a policy never changes the deadlines of cases already running."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    time_basis = models.CharField(_("计时方式"), max_length=16, choices=TimeBasis.choices, default=TimeBasis.WORKING)
    warn_ratio = models.FloatField(_("黄灯阈值"), default=0.8, help_text=_("已用时限达到该比例亮黄灯"))
    escalate_grace_minutes = models.PositiveIntegerField(_("超时后提级宽限(分钟)"), default=240)

    class Meta:
        verbose_name = _("时限策略")
        verbose_name_plural = _("时限策略")

    def __str__(self) -> str:
        return self.name


class SlaTarget(models.Model):
    policy = models.ForeignKey(SlaPolicy, verbose_name=_("策略"), on_delete=models.CASCADE, related_name="targets")
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices)
    acknowledge_minutes = models.PositiveIntegerField(_("签收时限(分钟)"))
    arrive_minutes = models.PositiveIntegerField(_("到场时限(分钟)"), null=True, blank=True)
    handle_minutes = models.PositiveIntegerField(_("处置时限(分钟)"))
    verify_minutes = models.PositiveIntegerField(_("核查时限(分钟)"))
    time_basis = models.CharField(_("计时方式"), max_length=16, choices=TimeBasis.choices, blank=True,
                                  help_text=_("留空则沿用策略的计时方式;特急到场通常按自然时间"))

    class Meta:
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        constraints = [models.UniqueConstraint(fields=["policy", "urgency"], name="one_target_per_urgency")]

    def __str__(self) -> str:
        return f"{self.policy} · {self.get_urgency_display()}"


class Category(models.Model):
    """问题类型: 大类 (two-digit code) → 小类 (four digits) → optional 细类 (six)."""

    code = models.CharField(_("编码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey("self", verbose_name=_("上级类别"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    kind = models.CharField(_("问题类型"), max_length=16, choices=CategoryKind.choices)
    department_type = models.CharField(_("默认主管部门类别"), max_length=32, choices=DepartmentType.choices,
                                       blank=True)
    sla_policy = models.ForeignKey(SlaPolicy, verbose_name=_("时限策略"), null=True, blank=True,
                                   on_delete=models.PROTECT)
    default_urgency = models.CharField(_("默认紧急程度"), max_length=16, choices=Urgency.choices,
                                       default=Urgency.NORMAL)
    photo_required = models.BooleanField(_("回单须附照片"), default=True)
    on_the_spot_allowed = models.BooleanField(_("网格员可就地解决"), default=False)
    is_public_default = models.BooleanField(_("默认公开"), default=True)
    auto_dispatch = models.BooleanField(_("立案后自动派遣"), default=False)
    is_safety = models.BooleanField(_("安全类(通知最小应急单元)"), default=False)
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self) -> bool:
        return len(self.code) >= 4


class CategoryQuestion(models.Model):
    """An extra question asked when reporting in a category (Open311 service definition attributes)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("短文本")
        NUMBER = "number", _("数字")
        DATETIME = "datetime", _("日期时间")
        TEXT = "text", _("长文本")
        SINGLE = "singlevaluelist", _("单选")
        MULTI = "multivaluelist", _("多选")

    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("编码"), max_length=40)
    description = models.CharField(_("问题"), max_length=200)
    datatype = models.CharField(_("类型"), max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    datatype_description = models.CharField(_("填写说明"), max_length=200, blank=True)
    required = models.BooleanField(_("必答"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    values = models.JSONField(_("选项"), default=list, blank=True, help_text=_('[{"key": "small", "name": "少量"}]'))

    class Meta:
        verbose_name = _("补充问题")
        verbose_name_plural = _("补充问题")
        ordering = ["category", "order"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="unique_question_code")]

    def __str__(self) -> str:
        return f"{self.category.code} {self.description}"


class RoutingRule(models.Model):
    """Which unit handles what, where: the most specific rule wins (category depth, then region depth)."""

    category = models.ForeignKey(Category, verbose_name=_("类别(含下级)"), null=True, blank=True,
                                 on_delete=models.CASCADE)
    region = models.ForeignKey("regions.Region", verbose_name=_("区域(含下级)"), null=True, blank=True,
                               on_delete=models.CASCADE)
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("承办单位"), on_delete=models.CASCADE)
    start_time = models.TimeField(_("生效开始时刻"), null=True, blank=True)
    end_time = models.TimeField(_("生效结束时刻"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("派遣规则")
        verbose_name_plural = _("派遣规则")

    def __str__(self) -> str:
        return f"{self.category or '全部类别'} @ {self.region or '全区'} → {self.unit}"


class TriageClass(models.Model):
    """智能分拨: a class the department classifier names (城乡建设 …) and the department type it stands for in this
    district, so that a case without a category is suggested the closest unit of that type; above
    `auto_dispatch_at` the accepted case goes there at once."""

    label = models.CharField(_("分拨大类"), max_length=16, unique=True)
    department_type = models.CharField(_("对应部门类别"), max_length=32, choices=DepartmentType.choices)
    auto_dispatch_at = models.FloatField(
        _("自动派遣置信度"), null=True, blank=True,
        validators=[MinValueValidator(0.5), MaxValueValidator(1.0)],
        help_text=_("立案时,若事件类别未设自动派遣而该类建议的置信度不低于此值(0.5–1),直接派往建议的部门;空为不自动派遣"))

    class Meta:
        verbose_name = _("分拨大类对应")
        verbose_name_plural = _("分拨大类对应")
        ordering = ["label"]

    def __str__(self) -> str:
        return f"{self.label} → {self.get_department_type_display()}"


class TriageCorrection(models.Model):
    """A dispatcher sent a case elsewhere than the classifier suggested: what it said, where it went (the class of
    that unit's type, when one is mapped). `gridgov triage_export` turns dispatched cases into training rows."""

    case = models.ForeignKey("cases.Case", db_constraint=False, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="+")
    suggested_class = models.CharField(_("模型建议"), max_length=16)
    suggested_confidence = models.FloatField(_("建议置信度"), null=True, blank=True)
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("实际派往"), on_delete=models.PROTECT, related_name="+")
    chosen_class = models.CharField(_("实际大类"), max_length=16, blank=True)
    actor = models.ForeignKey("accounts.User", verbose_name=_("调度员"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("分拨纠正")
        verbose_name_plural = _("分拨纠正")
        ordering = ["-at"]


class Channel(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员上报")
    RESIDENT_APP = "resident_app", _("随手拍")
    HOTLINE = "hotline", _("12345热线")
    WECHAT = "wechat", _("微信")
    SENSOR = "sensor", _("物联感知")
    VIDEO_AI = "video_ai", _("视频智能识别")
    WALK_IN = "walk_in", _("来访")
    SUPERIOR = "superior", _("上级交办")
    OPEN311 = "open311", _("Open311")
    CARE = "care", _("关爱服务")
    PORTAL = "portal", _("我要办事")


class State(models.TextChoices):
    REPORTED = "reported", _("待受理")
    ACCEPTED = "accepted", _("待派遣")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("处置中")
    SUSPENDED = "suspended", _("已挂起")
    DONE_REPORTED = "done_reported", _("待核查")
    CLOSED = "closed", _("已结案")
    REJECTED = "rejected", _("不予立案")
    MERGED = "merged", _("已合并")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATES = (State.REPORTED, State.ACCEPTED, State.DISPATCHED, State.HANDLING, State.SUSPENDED,
               State.DONE_REPORTED)
FINAL_STATES = (State.CLOSED, State.REJECTED, State.MERGED, State.WITHDRAWN)


class Light(models.TextChoices):
    NONE = "none", _("未计时")
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


class Case(models.Model):
    PARTITION_COLUMN = "created_at"  # by month on PostgreSQL (see Meta)

    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("描述"), max_length=4000)
    category = models.ForeignKey(Category, verbose_name=_("类别"), null=True, blank=True, on_delete=models.PROTECT)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.REPORTED,
                             db_index=True)
    resume_state = models.CharField(max_length=16, blank=True, editable=False)  # while suspended
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    crs_source = models.CharField(_("原始坐标系"), max_length=16, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    grid = models.ForeignKey("regions.Region", verbose_name=_("网格"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="cases")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    out_of_grid = models.BooleanField(_("未落入网格"), default=False)
    owner_center = models.ForeignKey("orgs.OrgUnit", verbose_name=_("责任综治中心"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="owned_cases")
    escalation_level = models.PositiveSmallIntegerField(_("提级次数"), default=0)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上报人账号"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reported_cases")
    reporter_name = models.CharField(_("上报人"), max_length=50, blank=True)
    reporter_phone_enc, reporter_phone_hash, reporter_phone_last4 = pii_columns()
    external_ref = models.CharField(_("外部编号"), max_length=64, blank=True, db_index=True,
                                    help_text=_("12345工单号、设备告警号等"))
    device_id = models.CharField(_("设备编号"), max_length=64, blank=True, db_index=True)
    suggested_class = models.CharField(_("智能分拨建议"), max_length=16, blank=True,
                                       help_text=_("分拨模型从文字判断的部门大类"))
    suggested_confidence = models.FloatField(_("建议置信度"), null=True, blank=True)
    suggested_by = models.CharField(_("分拨模型"), max_length=40, blank=True)
    attributes = models.JSONField(_("补充信息"), default=dict, blank=True)
    is_public = models.BooleanField(_("公开"), default=True)
    merged_into = models.ForeignKey("self", verbose_name=_("合并至"), db_constraint=False, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_cases")
    duplicate_candidates = models.JSONField(_("疑似重复"), default=list, blank=True, editable=False)
    handling_unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("主办单位"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="handled_cases")
    # Clocks, copied from the policy at dispatch; the active one is mirrored in due_at / warn_at.
    sla = models.JSONField(_("时限快照"), default=dict, blank=True, editable=False)
    time_basis = models.CharField(max_length=16, choices=TimeBasis.choices, blank=True, editable=False)
    acknowledge_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True)
    arrive_due_at = models.DateTimeField(_("到场时限"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("处置时限"), null=True, blank=True)
    verify_due_at = models.DateTimeField(_("核查时限"), null=True, blank=True)
    due_at = models.DateTimeField(_("当前时限"), null=True, blank=True, db_index=True)
    warn_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    light = models.CharField(_("亮灯"), max_length=8, choices=Light.choices, default=Light.NONE, db_index=True)
    clock_error = models.CharField(_("计时异常"), max_length=200, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Counters for KPIs and policies
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    supervise_count = models.PositiveSmallIntegerField(_("督办次数"), default=0)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), choices=Satisfaction.choices, null=True,
                                                    blank=True)
    on_the_spot = models.BooleanField(_("就地解决"), default=False)
    # Milestones
    created_at = models.DateTimeField(_("上报时间"), db_index=True)
    accepted_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    done_reported_at = models.DateTimeField(_("回单时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True, db_index=True)
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True, editable=False,
                                         help_text=_("超过保存期限后,上报人信息和照片原件已删除"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["-created_at", "-id"]
        # Partitioned by month of created_at on PostgreSQL (core.partitions, migration cases 0025): its primary key
        # is (id, created_at) there, so no unique constraint of its own (a caller's key is a CaseKey) and no
        # database foreign key into it (integrity by the services; a case is never deleted); created_at never
        # changes.
        indexes = [
            models.Index(fields=["category", "state", "created_at"], name="case_dup_lookup"),
            # likely duplicates: open cases of a category in a latitude band (cases/duplicates.py)
            models.Index(fields=["category", "lat", "lon"], name="case_open_near", condition=Q(state__in=OPEN_STATES)),
            # the few cases whose deadlines wait for a calendar year (the sweeper fills them in)
            models.Index(fields=["id"], name="case_clock_error", condition=~Q(clock_error="")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """案件编号: report date (Beijing time) and the record id."""
        from gridgov.core.timeutil import local

        return f"{local(self.created_at):%Y%m%d}{self.pk:07d}" if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def reporter_phone_masked(self) -> str:
        return mask_from_last4("phone", self.reporter_phone_last4)


class CaseKey(models.Model):
    """幂等键: the key a caller sent with a report and the case it made. "<caller>:<key>" (u<user id> or sys): a key
    is the caller's own; the hash of what was sent with it tells a retry (the same case back) from a reuse for
    something else (409). Its own table because the case table is partitioned by month on PostgreSQL, where a
    unique constraint must name the partition column."""

    channel = models.CharField(_("来源渠道"), max_length=16)
    key = models.CharField(_("幂等键"), max_length=140)
    fingerprint = models.CharField(max_length=64, blank=True)
    case = models.ForeignKey(Case, db_constraint=False, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [models.UniqueConstraint(fields=["channel", "key"], name="case_idempotency")]


class Assignment(models.Model):
    """A unit's part in a case: the lead (主办) and, when the center summons (吹哨), cooperating units (协办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        COOPERATE = "cooperate", _("协办")

    class Status(models.TextChoices):
        DISPATCHED = "dispatched", _("待签收")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        DONE = "done", _("已完成")
        RETURNED = "returned", _("已退回")
        CANCELLED = "cancelled", _("已撤销")

    case = models.ForeignKey(Case, db_constraint=False, on_delete=models.CASCADE, related_name="assignments")
    # The case's created_at, its month: a unit's cases are found by (id, created_at), each in its own month's
    # index (cases.access), not by id in every month's.
    case_created_at = models.DateTimeField(editable=False)
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="assignments")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DISPATCHED)
    note = models.TextField(_("处置说明"), blank=True)
    created_at = models.DateTimeField(_("派遣时间"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("承办")
        verbose_name_plural = _("承办")
        indexes = [models.Index(fields=["unit", "status"], name="assignment_inbox")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.unit} · {self.get_role_display()}"


class CaseEvent(models.Model):
    """The timeline: one immutable row per action (who, when, from, to, why, attachments). Partitioned by month of
    `at` on PostgreSQL (core.partitions, migration cases 0023)."""

    PARTITION_COLUMN = "at"

    case = models.ForeignKey(Case, db_constraint=False, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("操作单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("动作"), max_length=32, db_index=True)
    from_state = models.CharField(_("原状态"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["action", "at"], name="case_event_kpi")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("timeline rows are immutable")
        super().save(*args, **kwargs)
        from gridgov.cases.signals import cases_written

        cases_written.send(sender=Case, ids=[self.case_id])


class Attachment(models.Model):
    """A photo or document. The original is kept private; `public_file` is a re-encoded copy without EXIF
    (no GPS position, no device) for anything shown to the public."""

    case = models.ForeignKey(Case, db_constraint=False, on_delete=models.CASCADE, related_name="attachments")
    # No database foreign key: the timeline is partitioned by month on PostgreSQL (core.partitions), and a key
    # into a partitioned table must name its partition column too; timeline rows are never deleted.
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments",
                              db_constraint=False)
    file = models.FileField(_("原件"), upload_to="cases/%Y/%m/")
    public_file = models.FileField(_("公开副本"), upload_to="cases/public/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    @property
    def url(self) -> str:
        """The public copy, through the view that checks who may see the case (no file has a public URL)."""
        from django.urls import reverse

        return reverse("case-photo", args=[self.pk])

    @property
    def original_url(self) -> str:
        from django.urls import reverse

        return reverse("case-photo-original", args=[self.pk])


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    case = models.ForeignKey(Case, db_constraint=False, on_delete=models.CASCADE, related_name="extension_requests")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField(_("申请延长(分钟)"))
    reason = models.TextField(_("理由"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(status="pending"),
                                               name="one_pending_extension")]


class CaseFollower(models.Model):
    """Someone told of the case's progress: its reporter, and the reporters of cases merged into it. A reporter
    with an account is told in the app; one without (a 12345 caller, an Open311 e-mail) by SMS or e-mail, the
    address kept encrypted like all personal data."""

    class Via(models.TextChoices):
        APP = "", _("站内")
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")

    PII_KIND_FIELDS = {"address": "channel"}

    case = models.ForeignKey(Case, db_constraint=False, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    channel = models.CharField(_("通知方式"), max_length=8, choices=Via.choices, default=Via.APP, blank=True)
    address_enc, address_hash, address_last4 = pii_columns()
    from_case = models.ForeignKey(Case, db_constraint=False, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="unique_follower"),
            models.UniqueConstraint(fields=["case", "channel", "address_hash"], name="unique_address_follower",
                                    condition=Q(user__isnull=True) & ~Q(address_hash="")),
        ]

    @staticmethod
    def pii_kind(name: str, channel: str) -> str:
        return "email" if channel == "email" else "phone"


class QueuedReport(models.Model):
    """A report accepted for later (`Prefer: respond-async` on the report API, Open311 with `OPEN311_DEFERRED`):
    checked, stored with one INSERT and answered with a token; the worker (or, should its task be lost, the sweep) makes the case through
    `case_report` as of the moment it was received (`cases.queued`). The submitted values are kept encrypted
    (they may hold a phone number) and dropped once the case is made or refused."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        CREATED = "created", _("已立为事件")
        REFUSED = "refused", _("未受理")

    # Each index is work on every report accepted: the token has one unique index (not also Django's LIKE
    # index of a unique CharField), the actor is found through `queued_report_key` (token look-ups name the
    # token), and nothing looks a row up by its case; an account or case deleted (neither is, in practice)
    # scans the table, which the nightly job keeps to QUEUED_REPORT_KEEP_DAYS.
    token = models.CharField(_("令牌"), max_length=32, editable=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上报方账号"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_index=False)
    channel = models.CharField(_("渠道"), max_length=16, blank=True)  # as it came: the API's, or Open311's
    idempotency_key = models.CharField(_("幂等键"), max_length=100, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    payload_enc = models.TextField(blank=True, editable=False)
    received_at = models.DateTimeField(_("受理时间"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    processed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    case = models.ForeignKey(Case, db_constraint=False, verbose_name=_("事件"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", db_index=False)
    error_code = models.CharField(_("未受理代码"), max_length=64, blank=True)
    error_message = models.CharField(_("未受理原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("待立案上报")
        verbose_name_plural = _("待立案上报")
        constraints = [models.UniqueConstraint(fields=["token"], name="queued_report_token"),
                       models.UniqueConstraint(fields=["actor", "idempotency_key"], condition=~Q(idempotency_key=""),
                                               name="queued_report_key")]
        indexes = [models.Index(fields=["received_at"], condition=Q(status="queued"), name="queued_report_waiting")]


class IngestSource(models.Model):
    """A system that pushes alarms (smoke sensors, video AI): its own key, channel and de-duplication window."""

    code = models.SlugField(_("来源编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    channel = models.CharField(_("渠道"), max_length=16, choices=[(Channel.SENSOR, _("物联感知")),
                                                                  (Channel.VIDEO_AI, _("视频智能识别"))])
    key_hash = models.CharField(max_length=64, editable=False)
    default_category = models.ForeignKey(Category, verbose_name=_("默认类别"), null=True, blank=True,
                                         on_delete=models.PROTECT)
    dedupe_minutes = models.PositiveIntegerField(_("同一设备重复告警合并窗口(分钟)"), default=30)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("接入来源")
        verbose_name_plural = _("接入来源")

    def __str__(self) -> str:
        return self.name


class PatrolCheckin(models.Model):
    """巡查打卡: a grid worker's check-in on patrol, with where it was made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT,
                             related_name="patrol_checkins")
    at = models.DateTimeField(_("时间"), db_index=True)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    grid = models.ForeignKey("regions.Region", verbose_name=_("所在网格"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    in_own_grid = models.BooleanField(_("在责任网格内"), default=False)
    note = models.CharField(_("巡查情况"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("巡查打卡")
        verbose_name_plural = _("巡查打卡")
        ordering = ["-at"]
