"""Volunteer points (积分制): the volunteers who earn them (流动网格员, verified by their community), a versioned
catalogue of point items (classes × items), a double-entry append-only ledger with lots that expire, the reward
shop at the 爱心驿站 and its redemptions, and the claims for points a person asks for by hand.

The ledger: every movement is a `Transfer` of a positive amount from one `Account` to another, written as two
immutable `Entry` rows (−n, +n) so that all entries sum to zero. A member's spendable points are `Lot`s (one per
earning: initial, remaining, expiry), spent oldest-expiring first; `Account.balance` is a cache of the entries
and equals the sum of the remaining lots (`gridgov points_check` proves both). Corrections are reversals, never
edits. Lifecycles (volunteer, claim, redemption) are tables in `points.workflow` on the engine of `core.workflow`;
their timeline is `PointsEvent`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimelineRow

# -- volunteers ----------------------------------------------------------------------------------------------


class VolunteerKind(models.TextChoices):
    COURIER = "courier", _("快递员")
    RIDER = "rider", _("外卖骑手")
    DRIVER = "driver", _("网约车司机")
    RETIREE = "retiree", _("退休人员")
    PARTY_MEMBER = "party_member", _("在职党员(双报到)")
    RESIDENT = "resident", _("热心居民")
    OTHER = "other", _("其他")


class VolunteerState(models.TextChoices):
    APPLIED = "applied", _("待认证")
    VERIFIED = "verified", _("已认证")
    REJECTED = "rejected", _("未通过")
    SUSPENDED = "suspended", _("已暂停")


class Volunteer(models.Model):
    """A registered volunteer (流动网格员): who they are, where they serve (their community verifies them), and
    for whom they work (a courier company, a party branch under 双报到)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT,
                                related_name="volunteer")
    kind = models.CharField(_("身份类别"), max_length=16, choices=VolunteerKind.choices)
    community = models.ForeignKey("regions.Region", verbose_name=_("服务社区"), on_delete=models.PROTECT,
                                  related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    employer = models.CharField(_("所在单位/平台"), max_length=100, blank=True, help_text=_("如 某快递公司、某党支部"))
    state = models.CharField(_("状态"), max_length=16, choices=VolunteerState.choices,
                             default=VolunteerState.APPLIED, db_index=True)
    applied_at = models.DateTimeField(_("申请时间"))
    verified_at = models.DateTimeField(_("认证时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["-applied_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()})"


# -- the catalogue -------------------------------------------------------------------------------------------


class PointClass(models.Model):
    """A class of point items (e.g. 4 classes: 平安建设, 环境整治, 邻里互助, 民主议事)."""

    code = models.CharField(_("编码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("积分类别")
        verbose_name_plural = _("积分类别")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class Trigger(models.TextChoices):
    """How an item is earned: automatically from what happened (a report accepted, a report verified, a day's
    patrol check-ins, a visit to a care target one is paired with, a vote on a topic, one's topic passed), or by a
    claim someone approves."""

    MANUAL = "manual", _("申请审核")
    CASE_ACCEPTED = "case_accepted", _("上报被立案(自动)")
    CASE_VERIFIED = "case_verified", _("上报问题核查办结(自动)")
    PATROL = "patrol", _("巡逻打卡满2小时(自动)")
    CARE_VISIT = "care_visit", _("结对上门走访(自动)")
    TOPIC_VOTE = "topic_vote", _("参与议事表决(自动)")
    TOPIC_ADOPTED = "topic_adopted", _("提出议题表决通过(自动)")
    TASK = "task", _("完成社区志愿任务(确认后)")


class Approver(models.TextChoices):
    COMMUNITY = "community", _("社区审核")
    TOWN = "town", _("街道审核")


class PointItem(models.Model):
    """One version of a point item. An item is its `key`; changing its points or caps writes a new version (the
    old one stays, retired) so that every award keeps the version it was earned under."""

    key = models.SlugField(_("项目标识"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    point_class = models.ForeignKey(PointClass, verbose_name=_("类别"), on_delete=models.PROTECT,
                                    related_name="items")
    name = models.CharField(_("项目名称"), max_length=100)
    points = models.PositiveIntegerField(_("分值"))
    trigger = models.CharField(_("获得方式"), max_length=16, choices=Trigger.choices, default=Trigger.MANUAL)
    daily_cap = models.PositiveIntegerField(_("每人每日次数上限"), null=True, blank=True, help_text=_("空为不限"))
    monthly_cap = models.PositiveIntegerField(_("每人每月分值上限"), null=True, blank=True, help_text=_("空为不限"))
    cap_group = models.SlugField(_("上限分组"), max_length=40, blank=True,
                                 help_text=_("同组的项目合并计算上限(如巡逻打卡与巡逻申请同一天只计一次);空为按本项目计算"))
    evidence_required = models.BooleanField(_("须附佐证"), default=False, help_text=_("申请时须上传照片"))
    approver = models.CharField(_("审核层级"), max_length=16, choices=Approver.choices, default=Approver.COMMUNITY)
    is_current = models.BooleanField(_("现行版本"), default=True, editable=False)
    valid_from = models.DateTimeField(_("启用时间"))
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("积分项目")
        verbose_name_plural = _("积分项目")
        ordering = ["point_class__sort", "key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="point_item_version"),
            models.UniqueConstraint(fields=["key"], condition=Q(is_current=True), name="point_item_one_current"),
            models.CheckConstraint(condition=Q(points__gt=0), name="point_item_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}(+{self.points},第{self.version}版)"


# -- the ledger ----------------------------------------------------------------------------------------------


class AccountKind(models.TextChoices):
    MEMBER = "member", _("个人积分账户")
    ISSUANCE = "issuance", _("积分发放")
    REDEMPTION = "redemption", _("兑换支出")
    EXPIRY = "expiry", _("过期清零")


class Account(models.Model):
    """A member's points account, or one of the system's (issuance, redemption, expiry) the other side of every
    movement is written to. `balance` is a cache: the sum of the account's entries."""

    kind = models.CharField(_("类型"), max_length=16, choices=AccountKind.choices, default=AccountKind.MEMBER)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="points_account")
    region_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    balance = models.IntegerField(_("余额"), default=0)
    earned_total = models.PositiveIntegerField(_("累计获得"), default=0)
    flagged = models.CharField(_("异常提示"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=~Q(kind="member"), name="one_system_account_per_kind"),
            models.CheckConstraint(condition=Q(kind="member", user__isnull=False) | ~Q(kind="member"),
                                   name="member_account_has_user"),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else self.get_kind_display()


class TransferKind(models.TextChoices):
    AWARD = "award", _("获得积分")
    SPEND = "spend", _("兑换奖品")
    REFUND = "refund", _("兑换退还")
    EXPIRE = "expire", _("过期")
    REVERSAL = "reversal", _("冲正")


class Transfer(models.Model):
    """One movement of `amount` points from `source` to `destination`, with its two entries. Immutable.
    `source_key` makes an award happen once (e.g. "case:12:case_accepted"); a reversal names what it reverses."""

    kind = models.CharField(_("类型"), max_length=16, choices=TransferKind.choices)
    amount = models.PositiveIntegerField(_("分值"))
    source = models.ForeignKey(Account, verbose_name=_("转出"), on_delete=models.PROTECT, related_name="+")
    destination = models.ForeignKey(Account, verbose_name=_("转入"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(PointItem, verbose_name=_("积分项目(版本)"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="transfers")
    case = models.ForeignKey("cases.Case", db_constraint=False, verbose_name=_("关联事件"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    reverses = models.OneToOneField("self", verbose_name=_("冲正对象"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")
    source_key = models.CharField(_("来源标识"), max_length=80, null=True, blank=True, unique=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    earned_on = models.DateField(_("事项发生日"), null=True, blank=True)  # awards: the day caps count it on
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("ledger rows are immutable: correct with a reversal")
        super().save(*args, **kwargs)


class Entry(models.Model):
    """One side of a transfer: the signed amount on one account. Immutable; a transfer's two entries sum to 0."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.IntegerField()
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("ledger rows are immutable: correct with a reversal")
        super().save(*args, **kwargs)


class Lot(models.Model):
    """Points earned together, spent together: what is left of one earning and when it expires. A reversal that
    finds too little left writes a debt lot (negative), paid off by the next earnings."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lots")
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="lots")
    initial = models.IntegerField(_("初始"))
    remaining = models.IntegerField(_("剩余"))
    earned_at = models.DateTimeField(_("获得时间"))
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("积分批次")
        verbose_name_plural = _("积分批次")
        ordering = ["expires_at", "earned_at", "id"]
        indexes = [models.Index(fields=["account", "expires_at"], name="lot_account_expiry")]


class LotUse(models.Model):
    """How much of a lot a spend (or an expiry, a reversal) took: a refund gives back to the same lots."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="uses")
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="lot_uses")
    amount = models.IntegerField()


# -- the reward shop -----------------------------------------------------------------------------------------


class Station(models.Model):
    """爱心驿站 / 积分超市: where rewards are picked up."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在社区"), on_delete=models.PROTECT,
                               related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("爱心驿站")
        verbose_name_plural = _("爱心驿站")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)


class Reward(models.Model):
    """A reward of the shop: its price in points, its stock (empty: unlimited), how many one person may take."""

    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    points = models.PositiveIntegerField(_("所需积分"))
    stock = models.PositiveIntegerField(_("库存"), null=True, blank=True, help_text=_("空为不限量"))
    per_person_limit = models.PositiveIntegerField(_("每人限兑"), null=True, blank=True, help_text=_("空为不限"))
    station = models.ForeignKey(Station, verbose_name=_("领取地点"), on_delete=models.PROTECT,
                                related_name="rewards")
    is_active = models.BooleanField(_("上架"), default=True)

    class Meta:
        verbose_name = _("奖品")
        verbose_name_plural = _("奖品")
        ordering = ["points", "id"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="reward_points_positive")]

    def __str__(self) -> str:
        return f"{self.name}({self.points}分)"


class RedemptionState(models.TextChoices):
    RESERVED = "reserved", _("待领取")
    PICKED_UP = "picked_up", _("已领取")
    CANCELLED = "cancelled", _("已取消")
    LAPSED = "lapsed", _("逾期未领")


class Redemption(models.Model):
    """兑换: the points are spent and the stock taken when it is made; picked up with its code at the station, or
    cancelled (by the person or the station) or lapsed, which gives both back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("兑换人"), on_delete=models.PROTECT,
                             related_name="redemptions")
    reward = models.ForeignKey(Reward, verbose_name=_("奖品"), on_delete=models.PROTECT, related_name="redemptions")
    station = models.ForeignKey(Station, verbose_name=_("领取地点"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    points = models.PositiveIntegerField(_("积分"))
    code = models.CharField(_("兑换码"), max_length=12, unique=True)
    state = models.CharField(_("状态"), max_length=16, choices=RedemptionState.choices,
                             default=RedemptionState.RESERVED, db_index=True)
    spend = models.OneToOneField(Transfer, on_delete=models.PROTECT, related_name="redemption")
    created_at = models.DateTimeField(_("兑换时间"))
    pickup_by = models.DateTimeField(_("领取截止"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("兑换记录")
        verbose_name_plural = _("兑换记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reward.name} · {self.code}"


# -- claims --------------------------------------------------------------------------------------------------


class ClaimState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class Claim(models.Model):
    """A claim for a manual item (a patrol, a care visit, a meeting attended): approved, it becomes an award."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                             related_name="point_claims")
    item = models.ForeignKey(PointItem, verbose_name=_("积分项目(版本)"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    note = models.TextField(_("事由"))
    happened_on = models.DateField(_("发生日期"))
    state = models.CharField(_("状态"), max_length=16, choices=ClaimState.choices, default=ClaimState.SUBMITTED,
                             db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT,
                                     related_name="+")
    award = models.OneToOneField(Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="claim")
    created_at = models.DateTimeField(_("提交时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("积分申请")
        verbose_name_plural = _("积分申请")
        ordering = ["-created_at", "-id"]


class EvidencePhoto(models.Model):
    """A photo kept as uploaded, as evidence for the officer who decides (never public), under a random name."""

    file = models.FileField(_("照片"), upload_to="points/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def keep(self, data: bytes, content_type: str, width: int, height: int) -> None:
        """Store an accepted photo as uploaded (the same way as a case's original) and save the row."""
        from gridgov.cases.photos import keep_original

        keep_original(self, data, content_type)
        self.width, self.height = width, height
        self.save()


class ClaimPhoto(EvidencePhoto):
    """佐证照片 of a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="photos")

    class Meta:
        verbose_name = _("佐证照片")
        verbose_name_plural = _("佐证照片")


# -- credit lists (诚信红灰榜) ---------------------------------------------------------------------------------


class CreditList(models.TextChoices):
    RED = "red", _("红榜")
    GREY = "grey", _("灰榜")


class CreditReason(models.TextChoices):
    """What a record is for: conduct that earns the red list (守信) or the grey one (失信)."""

    BRAVE = "brave", _("见义勇为")
    FILIAL = "filial", _("孝老爱亲")
    SERVICE = "service", _("志愿服务表现突出")
    HONEST = "honest", _("诚实守信")
    PUBLIC_GOOD = "public_good", _("热心公益")
    ARREARS = "arrears", _("恶意拖欠物业费等费用")
    ILLEGAL_BUILDING = "illegal_building", _("违章搭建拒不整改")
    ENVIRONMENT = "environment", _("乱扔乱倒、破坏环境")
    FALSE_REPORT = "false_report", _("恶意虚假举报")
    DISORDER = "disorder", _("扰乱邻里秩序")
    DEFAULTER = "defaulter", _("失信被执行人")


RED_REASONS = (CreditReason.BRAVE, CreditReason.FILIAL, CreditReason.SERVICE, CreditReason.HONEST,
               CreditReason.PUBLIC_GOOD)
GREY_REASONS = (CreditReason.ARREARS, CreditReason.ILLEGAL_BUILDING, CreditReason.ENVIRONMENT,
                CreditReason.FALSE_REPORT, CreditReason.DISORDER, CreditReason.DEFAULTER)


class CreditState(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    PUBLISHED = "published", _("公示中")
    APPEALED = "appealed", _("申诉中")
    REJECTED = "rejected", _("未通过")
    REMOVED = "removed", _("已撤销")
    EXPIRED = "expired", _("已到期")


class CreditRecord(models.Model):
    """One conduct record of a resident on the red or grey list of their community, separate from spendable
    points: registered with its facts and evidence, approved by another officer, published until it expires;
    a grey record can be appealed, and is then upheld or removed, always with the reason."""

    resident = models.ForeignKey("people.Resident", verbose_name=_("居民"), on_delete=models.PROTECT,
                                 related_name="credit_records")
    community = models.ForeignKey("regions.Region", verbose_name=_("公示社区"), on_delete=models.PROTECT,
                                  related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)  # the resident's grid
    list = models.CharField(_("榜单"), max_length=8, choices=CreditList.choices)
    reason = models.CharField(_("事由类别"), max_length=24, choices=CreditReason.choices)
    description = models.TextField(_("事实"))
    valid_until = models.DateField(_("公示截止"))
    state = models.CharField(_("状态"), max_length=16, choices=CreditState.choices, default=CreditState.PROPOSED,
                             db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("登记时间"))
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("诚信记录")
        verbose_name_plural = _("诚信记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_list_display()} · {self.get_reason_display()}"


class CreditPhoto(EvidencePhoto):
    """证据 of a credit record, for the officers who see the record."""

    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="photos")

    class Meta:
        verbose_name = _("证据照片")
        verbose_name_plural = _("证据照片")


# -- the timeline --------------------------------------------------------------------------------------------


class PointsEvent(TimelineRow):
    """The timeline of the points module: one immutable row per step of a volunteer, a claim, a redemption, and
    per manual movement of the ledger (an audit of every manual award and reversal). Subjects: volunteer / claim /
    redemption / credit / account / item."""

    class Meta(TimelineRow.Meta):
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        indexes = [models.Index(fields=["subject", "subject_id"], name="points_event_subject")]


class SweepCursor(models.Model):
    """Up to when the award sweep has read the case timeline (it re-reads an overlap: awards happen once)."""

    name = models.CharField(max_length=32, unique=True)
    at = models.DateTimeField()


class TaskState(models.TextChoices):
    OPEN = "open", _("招募中")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class Task(models.Model):
    """志愿任务: work a community puts out for its verified volunteers (陪老人就医, 防汛值守, 垃圾分类督导 …), with a
    number of places; each volunteer who takes it reports it done and an officer confirms it — the award of the
    task item is written in the confirming step."""

    community = models.ForeignKey("regions.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("任务"), max_length=100)
    description = models.TextField(_("任务说明"), max_length=2000)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    places = models.PositiveSmallIntegerField(_("名额"), default=1)
    taken = models.PositiveSmallIntegerField(_("已接"), default=0)
    item = models.ForeignKey(PointItem, verbose_name=_("积分项目(版本)"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=16, choices=TaskState.choices, default=TaskState.OPEN,
                             db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("发布时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("志愿任务")
        verbose_name_plural = _("志愿任务")
        ordering = ["-starts_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(taken__lte=models.F("places")), name="task_within_places")]

    def __str__(self) -> str:
        return self.title


class TakeState(models.TextChoices):
    TAKEN = "taken", _("已接单")
    DONE = "done", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已退出")


class TaskTake(models.Model):
    """A volunteer's part in a task: taken, reported done, confirmed (with the award) or not."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="takes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("志愿者"), on_delete=models.PROTECT,
                             related_name="task_takes")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    state = models.CharField(_("状态"), max_length=16, choices=TakeState.choices, default=TakeState.TAKEN,
                             db_index=True)
    note = models.TextField(_("完成情况"), blank=True)
    award = models.OneToOneField(Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="task_take")
    created_at = models.DateTimeField(_("接单时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("任务认领")
        verbose_name_plural = _("任务认领")
        ordering = ["task", "created_at"]
        constraints = [models.UniqueConstraint(fields=["task", "user"], name="take_a_task_once")]
