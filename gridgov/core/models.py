"""Shared kernel models: the audit log of base-data changes and sensitive reads, and the shape every module's
timeline shares."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """An immutable row per change of base data and per reveal of personal data (who, when, what, why)."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象ID"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("audit rows are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit rows are immutable")


class TimelineRow(models.Model):
    """One immutable row of a module's timeline (points, care, emergency …): which object (`subject` and its id),
    when, who, which step from which state to which, why, and the step's facts. A module's concrete model adds its
    own columns (e.g. the unit that acted) and its names; its `events` module writes every row through `record`."""

    subject = models.CharField(_("对象"), max_length=16)
    subject_id = models.BigIntegerField(_("对象编号"))
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("动作"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=16, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("timeline rows are immutable")
        super().save(*args, **kwargs)

    @classmethod
    def record(cls, subject: str, obj, action: str, *, from_state: str = "", to_state: str = "", actor=None,
               note: str = "", data: dict | None = None, at=None, **extra):
        """Write one row about `obj` (an anonymous or system actor is written as none)."""
        from gridgov.core.timeutil import now

        row = cls(subject=subject, subject_id=obj.pk, at=at or now(),
                  actor=actor if getattr(actor, "pk", None) else None, action=action, from_state=from_state,
                  to_state=to_state, note=note, data=data or {}, **extra)
        row.save()
        return row


def audit(*, actor, action: str, obj=None, object_type: str = "", object_id: str = "", object_repr: str = "",
          detail: dict | None = None) -> AuditLog:
    """Append an audit row; call it inside the transaction of the change it records. Either `obj` or an
    explicit object_type/object_id (for a batch such as an import)."""
    if obj is not None:
        object_type, object_id, object_repr = obj._meta.label_lower, str(obj.pk), str(obj)
    return AuditLog.objects.create(
        actor=actor if (actor is not None and getattr(actor, "pk", None)) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        detail=detail or {},
    )


class CalendarYear(models.Model):
    """A year whose holidays and 调休 working days are known. Deadlines in a year without a row fail loudly."""

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(_("来源"), max_length=100, help_text=_("如 chinesecalendar 1.11.0 或 国务院办公厅通知文号"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作日历年份")
        verbose_name_plural = _("工作日历年份")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """An exception to the ordinary week: a public holiday, or a weekend day worked in exchange (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日(休息)")
        WORKDAY = "workday", _("调休上班日")

    date = models.DateField(_("日期"), primary_key=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class WorkingPeriod(models.Model):
    """Working hours of a weekday (0 = Monday); several rows make a lunch break. A 调休 working day on a
    weekend uses Monday's periods."""

    weekday = models.PositiveSmallIntegerField(_("星期"), choices=[(i, n) for i, n in enumerate("一二三四五六日")])
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("工作时段")
        verbose_name_plural = _("工作时段")
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return f"星期{'一二三四五六日'[self.weekday]} {self.start:%H:%M}–{self.end:%H:%M}"


class RateCounter(models.Model):
    """One fixed window of a rate limit (`core.ratelimit`): kept in the database so that every worker and every
    host counts the same requests. Old windows are deleted by a nightly task."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("限流计数")
        verbose_name_plural = _("限流计数")


class ImportJob(models.Model):
    """A file being checked or imported by the worker (`core.imports`), with its progress and result."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=32)
    title = models.CharField(_("名称"), max_length=100)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("原文件名"), max_length=200, blank=True)
    dry_run = models.BooleanField(_("仅校验"), default=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("提交时间"))
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {self.filename}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0
