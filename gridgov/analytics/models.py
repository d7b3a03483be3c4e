"""Rollups of the cases for the big screen and the reports (`analytics.rollups` keeps them).

Every case adds a small set of counts to a few tables (its contribution: the day it came in, the day it was taken
on, the day it was closed, its current state and light, its place on the heat map). `Contribution` keeps the set
a case adds now, `Pending` lists the cases written since the last fold (one row per timeline row, inserted in
the same transaction as the change: nothing accepted is ever lost), and the fold moves each pending case from
its old contribution to its new one. A case counts in its community (its region path cut after the third code)
and again in its town, its district and everywhere ("/", `rollups.levels`): a screen or report reads the rows of
its own region (`region = path`, the indexes lead with it) and its children's, never every community's."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Pending(models.Model):
    """A case written since the last fold (its timeline grew, its light changed, a deadline was filled in)."""

    case_id = models.BigIntegerField()

    class Meta:
        verbose_name = "待汇总事件"
        verbose_name_plural = "待汇总事件"


class FoldLock(models.Model):
    """One row: every fold and rebuild updates it first, so they run one at a time (a row lock on PostgreSQL, the
    writer lock on SQLite)."""

    folded_at = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)


class Contribution(models.Model):
    case_id = models.BigIntegerField(primary_key=True)
    region = models.CharField(max_length=255)
    category = models.CharField(max_length=8, blank=True)  # 大类 (two digits), "" when not classified
    channel = models.CharField(max_length=16)
    unit_id = models.BigIntegerField(null=True)
    state = models.CharField(max_length=16)
    light = models.CharField(max_length=8)
    created_hour = models.DateTimeField()
    accepted_day = models.DateField(null=True)
    dispatched_day = models.DateField(null=True)
    closed_hour = models.DateTimeField(null=True)
    closed_on_time = models.BooleanField(default=False)
    satisfaction = models.PositiveSmallIntegerField(null=True)
    cell = models.CharField(max_length=24, blank=True)  # hex cell "q:r" (analytics.hexbin), "" without a place


class DailyFlow(models.Model):
    """Per day × region: reports in (受理), taken on (立案), closed (结案), closed on time, rated and satisfied
    (the day of closing)."""

    day = models.DateField()
    region = models.CharField(max_length=255)
    received = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)

    KEY = ("day", "region")
    MEASURES = ("received", "accepted", "closed", "closed_on_time", "rated", "satisfied")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="flow_key")]


class MixDaily(models.Model):
    """Reports in per day × region × 大类 (`kind` category) or channel (`kind` channel): the mixes."""

    day = models.DateField()
    region = models.CharField(max_length=255)
    kind = models.CharField(max_length=8)
    code = models.CharField(max_length=16, blank=True)
    n = models.IntegerField(default=0)

    KEY = ("day", "region", "kind", "code")
    MEASURES = ("n",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "day", "kind", "code"], name="mix_key")]


class HourlyFlow(models.Model):
    """Per hour × region: reports in and cases closed (the 24-hour trend)."""

    hour = models.DateTimeField()
    region = models.CharField(max_length=255)
    received = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)

    KEY = ("hour", "region")
    MEASURES = ("received", "closed")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "hour"], name="hourly_key")]


class UnitDaily(models.Model):
    """Per day × region × handling department: dispatched to it, closed, closed on time, rated, satisfied."""

    day = models.DateField()
    region = models.CharField(max_length=255)
    unit_id = models.BigIntegerField()
    dispatched = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)

    KEY = ("day", "region", "unit_id")
    MEASURES = ("dispatched", "closed", "closed_on_time", "rated", "satisfied")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "day", "unit_id"], name="unit_daily_key")]


class OpenStock(models.Model):
    """The open cases now, per region × 大类 × state × light."""

    region = models.CharField(max_length=255)
    category = models.CharField(max_length=8, blank=True)
    state = models.CharField(max_length=16)
    light = models.CharField(max_length=8)
    n = models.IntegerField(default=0)

    KEY = ("region", "category", "state", "light")
    MEASURES = ("n",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "category", "state", "light"], name="stock_key")]


class HeatCell(models.Model):
    """Reports per month (its first day) × region × hex cell (the heat map): a district has thousands of cells,
    so a day per row would make the map's query read hundreds of thousands."""

    month = models.DateField()
    region = models.CharField(max_length=255)
    cell = models.CharField(max_length=24)
    n = models.IntegerField(default=0)

    KEY = ("month", "region", "cell")
    MEASURES = ("n",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "month", "cell"], name="heat_key")]


ROLLUPS = (DailyFlow, MixDaily, HourlyFlow, UnitDaily, OpenStock, HeatCell)


class Report(models.Model):
    """月报/周报 of a town (or the district, or a community) or of a department: made once when its period is over,
    from the rollups, and frozen (`figures`); its workbook and PDF are written from the frozen figures, so a
    report downloaded twice is the same report."""

    class Period(models.TextChoices):
        MONTH = "month", "月报"
        WEEK = "week", "周报"

    period = models.CharField("周期", max_length=8, choices=Period.choices)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期(含)")
    region = models.ForeignKey("regions.Region", verbose_name="区划", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="承办单位", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=120)
    figures = models.JSONField("数据", default=dict)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = "统计报表"
        verbose_name_plural = "统计报表"
        ordering = ["-start", "title"]
        constraints = [
            models.UniqueConstraint(fields=["period", "start", "region"], condition=models.Q(unit__isnull=True),
                                    name="report_region_once"),
            models.UniqueConstraint(fields=["period", "start", "unit"], condition=models.Q(unit__isnull=False),
                                    name="report_unit_once"),
            models.CheckConstraint(condition=models.Q(region__isnull=False) | models.Q(unit__isnull=False),
                                   name="report_has_scope"),
        ]
