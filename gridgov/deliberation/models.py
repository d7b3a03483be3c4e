"""协商议事: residents decide public matters together ("有事好商量、遇事多商量"). A topic (议题) is proposed by a
resident (neighbours support it), a grid worker, the committee or a department; its scale (大事 / 小事 / 急事) chooses
the procedure (`deliberation.procedures`): the seven steps 提出议题 → 审核议题 → 确定参与主体 → 协商讨论 → 形成决议 →
组织实施 → 公开结果/评议, fewer for small and urgent matters. Each step switches on what residents may do (support,
comment, attend, vote, rate). Votes are one per household (or per resident) across online, paper and proxy
ballots, by a unique key in the database; a decision that fails goes to the 居民会议 with its record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimelineRow


class Scale(models.TextChoices):
    MAJOR = "major", _("大事大议")
    MINOR = "minor", _("小事小议")
    URGENT = "urgent", _("急事快议")


class TopicState(models.TextChoices):
    PROPOSED = "proposed", _("提出议题")
    REVIEW = "review", _("审核议题")
    PARTICIPANTS = "participants", _("确定参与主体")
    DISCUSSION = "discussion", _("协商讨论")
    VOTING = "voting", _("形成决议")
    IMPLEMENTING = "implementing", _("组织实施")
    EVALUATION = "evaluation", _("公开结果/评议")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("未予受理")
    LAPSED = "lapsed", _("附议不足")
    REFERRED = "referred", _("提交居民会议")
    WITHDRAWN = "withdrawn", _("已撤回")


ENDED = (TopicState.CLOSED, TopicState.REJECTED, TopicState.LAPSED, TopicState.REFERRED, TopicState.WITHDRAWN)


class ProposerKind(models.TextChoices):
    RESIDENT = "resident", _("居民")
    GRID_WORKER = "grid_worker", _("网格员")
    COMMITTEE = "committee", _("社区居委会")
    DEPARTMENT = "department", _("职能部门")


class VoteUnit(models.TextChoices):
    HOUSEHOLD = "household", _("一户一票")
    RESIDENT = "resident", _("一人一票")


class Topic(models.Model):
    """议题. `region` is the community (or a grid) it concerns; `buildings`, when given, narrow who takes part and
    votes to their households. `step_ends_at` is when the current step ends (the sweep advances the steps that end
    by date); `electorate` is frozen when voting opens; `result` holds the tally as published."""

    title = models.CharField(_("议题名称"), max_length=100)
    body = models.TextField(_("议题内容"), max_length=5000)
    scale = models.CharField(_("议题规模"), max_length=8, choices=Scale.choices, default=Scale.MINOR)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属社区/网格"), on_delete=models.PROTECT,
                               related_name="+")
    region_path = models.CharField(_("区域路径"), max_length=255, db_index=True)
    buildings = models.ManyToManyField("people.Building", verbose_name=_("涉及楼栋"), blank=True, related_name="+")
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT,
                                 related_name="+")
    proposer_kind = models.CharField(_("提出方"), max_length=16, choices=ProposerKind.choices)
    state = models.CharField(_("所处步骤"), max_length=16, choices=TopicState.choices, default=TopicState.PROPOSED,
                             db_index=True)
    step_started_at = models.DateTimeField(_("本步骤开始"))
    step_ends_at = models.DateTimeField(_("本步骤截止"), null=True, blank=True, db_index=True)
    support_needed = models.PositiveSmallIntegerField(_("所需附议数"), default=0)
    supporters_count = models.PositiveIntegerField(_("附议数"), default=0)
    vote_unit = models.CharField(_("表决方式"), max_length=16, choices=VoteUnit.choices, default=VoteUnit.HOUSEHOLD)
    quorum_pct = models.PositiveSmallIntegerField(_("参与率要求(%)"), default=50)
    pass_pct = models.PositiveSmallIntegerField(_("通过比例(%)"), default=50,
                                                help_text=_("赞成票须超过投票数的该比例"))
    electorate = models.PositiveIntegerField(_("应投票数"), default=0)
    result = models.JSONField(_("表决结果"), default=dict, blank=True)
    decision = models.TextField(_("决议内容"), blank=True)
    outcome_note = models.TextField(_("办理结果"), blank=True)
    progress = models.PositiveSmallIntegerField(_("实施进度(%)"), default=0)
    published_at = models.DateTimeField(_("结果公开时间"), null=True, blank=True)
    case = models.ForeignKey("cases.Case", db_constraint=False, verbose_name=_("来源事件"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("提出时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quorum_pct__lte=100) & Q(pass_pct__lte=100) & Q(progress__lte=100),
                                   name="topic_percentages"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"YS{self.created_at:%Y}{self.pk:06d}"


class Support(models.Model):
    """附议: a resident of the community backs a proposed topic; once per person."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("附议人"), on_delete=models.PROTECT,
                             related_name="+")
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="support_once")]


class Comment(models.Model):
    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发言人"), on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField(_("意见"), max_length=2000)
    is_hidden = models.BooleanField(_("已屏蔽"), default=False)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        ordering = ["at", "id"]


class ParticipantKind(models.TextChoices):
    REPRESENTATIVE = "representative", _("居民代表")
    DEPARTMENT = "department", _("职能部门")
    PROPERTY = "property", _("物业服务企业")
    PARTY = "party", _("党组织")
    EXPERT = "expert", _("专业人士")
    OTHER = "other", _("其他")


class Participant(models.Model):
    """参与主体 beyond the affected households (those come from the topic's buildings or region): representatives,
    departments, the property company … ("1+10+N")."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("类别"), max_length=16, choices=ParticipantKind.choices)
    name = models.CharField(_("名称/姓名"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("参与主体")
        verbose_name_plural = _("参与主体")
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "kind", "name"], name="participant_once")]


class Choice(models.TextChoices):
    YES = "yes", _("赞成")
    NO = "no", _("反对")
    ABSTAIN = "abstain", _("弃权")


class BallotChannel(models.TextChoices):
    ONLINE = "online", _("线上投票")
    PAPER = "paper", _("纸质选票")
    PROXY = "proxy", _("委托投票")


OFFLINE_CHANNELS = [c for c in BallotChannel.choices if c[0] != BallotChannel.ONLINE]  # entered by staff


class Ballot(models.Model):
    """One vote. `voter_key` is the household ("h<id>") or the resident ("r<id>") the topic counts by; its unique
    key makes one household (or person) one vote across every channel, also when two arrive at once."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="ballots")
    voter_key = models.CharField(max_length=24, editable=False)
    household = models.ForeignKey("people.Household", verbose_name=_("户"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("people.Resident", verbose_name=_("投票人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("意见"), max_length=8, choices=Choice.choices)
    channel = models.CharField(_("投票方式"), max_length=8, choices=BallotChannel.choices)
    proxy_name = models.CharField(_("受托人"), max_length=50, blank=True)
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("投票账号"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("投票时间"))

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "voter_key"], name="one_vote_per_voter"),
            models.CheckConstraint(condition=~Q(channel="proxy") | ~Q(proxy_name=""), name="proxy_ballot_names_proxy"),
        ]


class MeetingKind(models.TextChoices):
    BUILDING = "building", _("楼院协商")
    DOORSTEP = "doorstep", _("门前协商")
    ONSITE = "onsite", _("就地协商")
    HEARING = "hearing", _("听证会")
    COUNCIL = "council", _("议事会")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("已安排")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class Meeting(models.Model):
    """A meeting of a topic (楼院/门前/就地协商, 听证会, 议事会): agenda before, and when it is closed the minutes, the
    closing report with how many attended and which organisations, and the topics it dealt with."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("形式"), max_length=16, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200)
    agenda = models.TextField(_("议程"), max_length=2000)
    state = models.CharField(_("状态"), max_length=16, choices=MeetingState.choices, default=MeetingState.PLANNED)
    minutes = models.TextField(_("会议纪要"), blank=True)
    closing_report = models.TextField(_("会议结论"), blank=True)
    attendees_count = models.PositiveIntegerField(_("到会人数"), null=True, blank=True)
    attending_organizations = models.CharField(_("参会单位"), max_length=500, blank=True)
    minutes_visible = models.BooleanField(_("纪要向居民公开"), default=True)
    linked_topics = models.ManyToManyField(Topic, verbose_name=_("会上议及的其他议题"), blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("召集人"), on_delete=models.PROTECT,
                                   related_name="+")
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("议事会议")
        verbose_name_plural = _("议事会议")
        ordering = ["starts_at", "id"]


class Attendance(models.Model):
    """报名参加: a resident says they will come."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报名人"), on_delete=models.PROTECT,
                             related_name="+")
    at = models.DateTimeField(_("报名时间"))

    class Meta:
        verbose_name = _("会议报名")
        verbose_name_plural = _("会议报名")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="sign_up_once")]


class Milestone(models.Model):
    """组织实施: a step of carrying out the decision, with its due date and the progress it brings."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(_("事项"), max_length=100)
    due_on = models.DateField(_("计划完成"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("完成后进度(%)"), default=0)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("实施节点")
        verbose_name_plural = _("实施节点")
        ordering = ["due_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="milestone_progress")]


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Rating(models.Model):
    """评议: a resident's satisfaction with what was done; once per person."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评议人"), on_delete=models.PROTECT,
                             related_name="+")
    score = models.CharField(_("评价"), max_length=16, choices=Satisfaction.choices)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("满意度评议")
        verbose_name_plural = _("满意度评议")
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="rate_once")]


class DeliberationEvent(TimelineRow):
    """The timeline of a topic: its steps, supports, meetings, ballots entered by staff, the tally, milestones."""

    class Meta(TimelineRow.Meta):
        verbose_name = _("议事记录")
        verbose_name_plural = _("议事记录")
        indexes = [models.Index(fields=["subject", "subject_id"], name="deliberation_event_subject")]
