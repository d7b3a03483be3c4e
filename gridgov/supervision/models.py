"""监督考核: residential compounds (小区) under a property company, inspected against a checklist every half month
(老旧小区 monthly) — "半月一考核、拍照即留痕": each item passed or failed with a photo, a failed item becomes a
rectification case with a deadline, a re-inspection says whether it was put right. The property company's monthly
credit score is computed from that evidence (failed items, rectifications not done in time, residents'
complaints), every point traceable to the result or case it comes from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimelineRow


class Compound(models.Model):
    """小区: where a property company serves; in a grid; its buildings."""

    name = models.CharField(_("小区名称"), max_length=100)
    grid = models.ForeignKey("regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区域路径"), max_length=255, db_index=True)
    property_company = models.ForeignKey("orgs.OrgUnit", verbose_name=_("物业服务企业"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="compounds",
                                         limit_choices_to={"kind": "property_company"})
    is_old = models.BooleanField(_("老旧小区"), default=False)
    buildings = models.ManyToManyField("people.Building", verbose_name=_("楼栋"), blank=True, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    checklist = models.ForeignKey("Checklist", verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("检查人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  help_text=_("不填由该网格的网格员检查"))
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["region_path", "name"]

    def __str__(self) -> str:
        return self.name


class Checklist(models.Model):
    name = models.CharField(_("检查表"), max_length=100)
    every_days = models.PositiveSmallIntegerField(_("检查周期(天)"), default=15)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One thing to look at, how many points its failure costs the company, whether a photo is required, what
    case a failure makes and how many days the company has to put it right."""

    checklist = models.ForeignKey(Checklist, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="items")
    code = models.SlugField(_("编码"), max_length=32)
    text = models.CharField(_("检查项"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("扣分"), default=2)
    photo_required = models.BooleanField(_("不合格须拍照"), default=True)
    category = models.CharField(_("整改事件类别"), max_length=8, default="2402")
    rectify_days = models.PositiveSmallIntegerField(_("整改期限(天)"), default=3)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["checklist", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="item_code_in_checklist")]

    def __str__(self) -> str:
        return self.text


class InspectionState(models.TextChoices):
    SCHEDULED = "scheduled", _("待检查")
    RECTIFYING = "rectifying", _("整改中")
    PASSED = "passed", _("合格")
    CLOSED = "closed", _("复查完成")
    CANCELLED = "cancelled", _("已取消")


class Inspection(models.Model):
    compound = models.ForeignKey(Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="inspections")
    checklist = models.ForeignKey(Checklist, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="+")
    property_company = models.ForeignKey("orgs.OrgUnit", verbose_name=_("物业服务企业"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+",
                                         help_text=_("检查时的物业:小区换物业后,旧的记录仍算原企业"))
    region_path = models.CharField(_("区域路径"), max_length=255, db_index=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("检查人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=16, choices=InspectionState.choices,
                             default=InspectionState.SCHEDULED, db_index=True)
    due_on = models.DateField(_("应检日期"))
    submitted_at = models.DateTimeField(_("检查时间"), null=True, blank=True, db_index=True)
    reinspected_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    failed_count = models.PositiveSmallIntegerField(_("不合格项"), default=0)
    deducted = models.PositiveSmallIntegerField(_("扣分"), default=0)
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("物业检查")
        verbose_name_plural = _("物业检查")
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["compound"], condition=Q(state="scheduled"),
                                    name="one_scheduled_inspection_per_compound"),
        ]

    def __str__(self) -> str:
        return f"{self.compound} {self.due_on:%Y-%m-%d}"


class Result(models.Model):
    """One item of one inspection: passed or not, with its photo and note; a failure's rectification case, its
    deadline, and what the re-inspection found."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    photo = models.FileField(_("照片"), upload_to="supervision/%Y/%m/", blank=True)
    case = models.ForeignKey("cases.Case", db_constraint=False, verbose_name=_("整改事件"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    rectified = models.BooleanField(_("已整改"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["inspection", "item__sort", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="one_result_per_item")]


class SupervisionEvent(TimelineRow):
    class Meta(TimelineRow.Meta):
        verbose_name = _("监督记录")
        verbose_name_plural = _("监督记录")
        indexes = [models.Index(fields=["subject", "subject_id"], name="supervision_event_subject")]


class PatrolPoint(models.Model):
    """巡查点: a place in a grid its workers pass on every round (a gate, a market, the river bank); a check-in
    within `radius_m` of it during a round counts as visiting it."""

    grid = models.ForeignKey("regions.Region", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("巡查点"), max_length=100)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    radius_m = models.PositiveSmallIntegerField(_("打卡范围(米)"), default=80)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("巡查点")
        verbose_name_plural = _("巡查点")
        ordering = ["grid", "name"]

    def __str__(self) -> str:
        return self.name


class TrackPoint(models.Model):
    """巡查轨迹: one position of a grid worker's phone while a patrol is on (sent in batches, kept as sent). Unique
    per user and moment, so a batch sent again after a lost answer stores nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT,
                             related_name="+")
    at = models.DateTimeField(_("定位时间"))
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    accuracy_m = models.PositiveSmallIntegerField(_("精度(米)"), null=True, blank=True)
    grid = models.ForeignKey("regions.Region", verbose_name=_("所在网格"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("巡查轨迹点")
        verbose_name_plural = _("巡查轨迹点")
        ordering = ["user_id", "at"]
        constraints = [models.UniqueConstraint(fields=["user", "at"], name="track_point_once")]
        indexes = [models.Index(fields=["grid", "at"], name="track_grid_at")]


class LeaderLink(models.Model):
    """领导班子成员直接联系网格: a town or community leader answers for these grids."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("联系领导"), on_delete=models.PROTECT,
                               related_name="linked_grids")
    grid = models.ForeignKey("regions.Region", verbose_name=_("联系网格"), on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("联系起始"))
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("领导联系网格")
        verbose_name_plural = _("领导联系网格")
        constraints = [models.UniqueConstraint(fields=["leader", "grid"], condition=Q(is_active=True),
                                               name="link_a_grid_once")]


class GridVisit(models.Model):
    """A leader's visit to a linked grid (走访): when, whom they met, what came of it."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("领导"), on_delete=models.PROTECT,
                               related_name="+")
    grid = models.ForeignKey("regions.Region", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("走访时间"))
    note = models.TextField(_("走访情况"), max_length=2000)

    class Meta:
        verbose_name = _("领导走访")
        verbose_name_plural = _("领导走访")
        ordering = ["-at", "-id"]


class AdjustmentState(models.TextChoices):
    EFFECTIVE = "effective", _("有效")
    APPEALED = "appealed", _("申诉中")
    REVOKED = "revoked", _("已撤销")


class Adjustment(models.Model):
    """考核加减分: a manual item of a month's assessment — of a grid worker (`user`) or of a community (no user) —
    with its reason; the worker may appeal it and a manager upholds or revokes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("网格员"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("社区/网格"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True)
    month = models.CharField(_("月份"), max_length=7, db_index=True)
    points = models.SmallIntegerField(_("加减分"))
    reason = models.CharField(_("事由"), max_length=500)
    state = models.CharField(_("状态"), max_length=16, choices=AdjustmentState.choices,
                             default=AdjustmentState.EFFECTIVE)
    appeal = models.CharField(_("申诉理由"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("考核加减分")
        verbose_name_plural = _("考核加减分")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(points__gte=-20) & Q(points__lte=20) & ~Q(points=0),
                                              name="adjustment_within_20")]


class PublishedScore(models.Model):
    """通报: a month's credit score of a company as published — frozen with its deductions, so evidence that comes
    later (a complaint about last month) does not change what was announced."""

    month = models.CharField(_("月份"), max_length=7, db_index=True)
    company = models.ForeignKey("orgs.OrgUnit", verbose_name=_("物业服务企业"), on_delete=models.PROTECT,
                                related_name="+")
    region_path = models.CharField(max_length=255, db_index=True)
    rank = models.PositiveSmallIntegerField(_("名次"))
    score = models.PositiveSmallIntegerField(_("信用分"))
    inspections = models.PositiveIntegerField(_("检查次数"))
    pass_rate = models.FloatField(_("合格率(%)"), null=True, blank=True)
    deductions = models.JSONField(_("扣分明细"), default=list)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", help_text=_("空:按计划自动发布"))
    published_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("物业信用分通报")
        verbose_name_plural = _("物业信用分通报")
        ordering = ["-month", "rank"]
        constraints = [models.UniqueConstraint(fields=["month", "company"], name="publish_a_month_once")]


class SmartCriterion(models.Model):
    """智慧小区 评星标准: one thing a compound has (人脸识别门禁, 消防物联感知 …) and the points it is worth; the
    district keeps the list (admin 智慧小区标准). A compound's stars come from the share of the active points it
    meets (`supervision.smart`)."""

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    points = models.PositiveSmallIntegerField(_("分值"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("智慧小区标准")
        verbose_name_plural = _("智慧小区标准")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.name}({self.points}分)"


class SmartCheck(models.Model):
    """Whether a compound meets a criterion, as last checked on site: by whom, when, with what evidence."""

    compound = models.ForeignKey(Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="smart")
    criterion = models.ForeignKey(SmartCriterion, verbose_name=_("标准"), on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("达到"))
    note = models.CharField(_("核查说明"), max_length=200, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核查人"), on_delete=models.PROTECT,
                                   related_name="+")
    checked_at = models.DateTimeField(_("核查时间"))

    class Meta:
        verbose_name = _("智慧小区核查")
        verbose_name_plural = _("智慧小区核查")
        constraints = [models.UniqueConstraint(fields=["compound", "criterion"], name="smart_check_once")]
