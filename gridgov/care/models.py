"""关爱: vulnerable residents (空巢/独居老人, 留守儿童, 残疾人 …) under a care plan with a "1+1+N" pairing who check
in ("白看窗帘晚看灯，早看水电晚看燃气"); a missed check-in turns the plan's light yellow, then red with a case.
Smart-care devices (emergency buttons, vital-sign monitors, smoke and gas alarms, water meters) report through
`integrations`; their alarms become cases (an emergency call reaches the nearest emergency unit), repeated alarms
join the open case, and a device that stops reporting is marked offline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import TimelineRow
from gridgov.people.models import FocusGroup


class PlanState(models.TextChoices):
    ACTIVE = "active", _("关爱中")
    PAUSED = "paused", _("暂停")
    CLOSED = "closed", _("已结束")


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


# Vital-sign limits a plan starts with (its own `thresholds` override any of them): metric → (low, high, unit).
VITAL_DEFAULTS: dict[str, tuple[float | None, float | None, str]] = {
    "heart_rate": (50, 120, "次/分"),
    "spo2": (90, None, "%"),
    "systolic": (90, 160, "mmHg"),
    "diastolic": (50, 100, "mmHg"),
    "temperature": (35.5, 37.8, "°C"),
    "respiration": (10, 28, "次/分"),
}
VITAL_LABELS = {"heart_rate": "心率", "spo2": "血氧", "systolic": "收缩压", "diastolic": "舒张压",
                "temperature": "体温", "respiration": "呼吸频率"}


class CarePlan(models.Model):
    """关爱对象 and their plan: who looks in how often, what to look for, the vital-sign limits of their devices.
    `look_due_at` is when the next daily look is due (yellow from then), `red_at` when a miss turns red and becomes a
    case; `visit_due_at` the weekly visit's. `alert_case` is the open case of the current red light."""

    resident = models.ForeignKey("people.Resident", verbose_name=_("关爱对象"), on_delete=models.PROTECT,
                                 related_name="care_plans")
    group = models.CharField(_("人群类别"), max_length=32, choices=FocusGroup.choices)
    grid = models.ForeignKey("regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区域路径"), max_length=255, db_index=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=PlanState.choices, default=PlanState.ACTIVE,
                             db_index=True)
    light = models.CharField(_("关爱灯"), max_length=8, choices=Light.choices, default=Light.GREEN, db_index=True)
    look_every_hours = models.PositiveSmallIntegerField(_("看望间隔(小时)"), default=24)
    visit_every_days = models.PositiveSmallIntegerField(_("上门走访间隔(天)"), default=7)
    red_after_hours = models.PositiveSmallIntegerField(_("超时转红灯(小时)"), default=12)
    watch_for = models.TextField(_("关注要点"), default="白看窗帘晚看灯，早看水电晚看燃气")
    thresholds = models.JSONField(_("体征阈值"), default=dict, blank=True)
    last_look_at = models.DateTimeField(_("最近看望"), null=True, blank=True)
    last_visit_at = models.DateTimeField(_("最近走访"), null=True, blank=True)
    look_due_at = models.DateTimeField(_("下次看望"), null=True, blank=True, db_index=True)
    red_at = models.DateTimeField(_("转红灯时间"), null=True, blank=True, db_index=True)
    visit_due_at = models.DateTimeField(_("下次走访"), null=True, blank=True, db_index=True)
    paused_until = models.DateField(_("暂停至"), null=True, blank=True)
    alert_case = models.ForeignKey("cases.Case", db_constraint=False, verbose_name=_("告警事件"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("建档人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("建档时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("关爱对象")
        verbose_name_plural = _("关爱对象")
        ordering = ["region_path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resident"], condition=~Q(state="closed"), name="one_open_plan_per_resident"),
        ]

    def __str__(self) -> str:
        return f"{self.resident.name} · {self.get_group_display()}"

    def limits(self) -> dict[str, tuple[float | None, float | None]]:
        """Vital-sign limits: the defaults with this plan's own over them."""
        out = {k: (lo, hi) for k, (lo, hi, _unit) in VITAL_DEFAULTS.items()}
        for k, v in (self.thresholds or {}).items():
            if k in out and isinstance(v, list | tuple) and len(v) == 2:
                out[k] = (v[0], v[1])
        return out


class PairingRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("社工")
    PARTY_MEMBER = "party_member", _("党员")
    GRID_WORKER = "grid_worker", _("网格员")
    NEIGHBOUR = "neighbour", _("邻居")
    VOLUNTEER = "volunteer", _("志愿者")
    FAMILY = "family", _("亲属")


class Pairing(models.Model):
    """结对 ("1+1+N"): a person who looks in on the target and is told when something is wrong."""

    plan = models.ForeignKey(CarePlan, verbose_name=_("关爱对象"), on_delete=models.PROTECT, related_name="pairings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("结对人"), on_delete=models.PROTECT,
                             related_name="care_pairings")
    role = models.CharField(_("身份"), max_length=16, choices=PairingRole.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    since = models.DateTimeField(_("结对时间"))

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["plan", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="pair_once_per_plan")]


class CheckInKind(models.TextChoices):
    LOOK = "look", _("日常看望")
    VISIT = "visit", _("上门走访")
    CALL = "call", _("电话问候")


class CheckInResult(models.TextChoices):
    OK = "ok", _("见到本人,一切正常")
    NOTHING_SEEN = "nothing_seen", _("未见异常")
    CONCERN = "concern", _("发现异常")


class CheckIn(models.Model):
    """看望记录: who looked in, how, what they found; a concern makes a case at once (`case`)."""

    plan = models.ForeignKey(CarePlan, verbose_name=_("关爱对象"), on_delete=models.PROTECT, related_name="checkins")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("看望人"), on_delete=models.PROTECT,
                             related_name="+")
    kind = models.CharField(_("方式"), max_length=8, choices=CheckInKind.choices)
    result = models.CharField(_("情况"), max_length=16, choices=CheckInResult.choices)
    note = models.TextField(_("说明"), blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    case = models.ForeignKey("cases.Case", db_constraint=False, verbose_name=_("转办事件"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), db_index=True)
    idempotency_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("看望记录")
        verbose_name_plural = _("看望记录")
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["user", "idempotency_key"], condition=~Q(idempotency_key=""),
                                               name="checkin_once_per_key")]


class DeviceKind(models.TextChoices):
    SOS_BUTTON = "sos_button", _("紧急呼叫按钮")
    VITALS = "vitals", _("生命体征监测仪")
    SMOKE = "smoke", _("烟感报警器")
    GAS = "gas", _("燃气报警器")
    WATER_METER = "water_meter", _("智能水表")
    DOOR = "door", _("门磁")


class Device(models.Model):
    """智能设备 of a household (usually of a care target): which vendor, which serial, how often it reports
    (`heartbeat_minutes`); `offline_at` is when it counts as offline if it has not reported by then."""

    vendor = models.CharField(_("厂商编码"), max_length=32)
    serial = models.CharField(_("设备编号"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=DeviceKind.choices)
    plan = models.ForeignKey(CarePlan, verbose_name=_("关爱对象"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="devices")
    grid = models.ForeignKey("regions.Region", verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(_("区域路径"), max_length=255, db_index=True)
    address = models.CharField(_("安装地址"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    heartbeat_minutes = models.PositiveIntegerField(_("心跳间隔(分钟)"), default=60)
    last_seen_at = models.DateTimeField(_("最近上报"), null=True, blank=True)
    is_online = models.BooleanField(_("在线"), default=True)
    offline_at = models.DateTimeField(_("离线判定时间"), null=True, blank=True, db_index=True)
    is_active = models.BooleanField(_("启用"), default=True)
    installed_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("智能设备")
        verbose_name_plural = _("智能设备")
        ordering = ["region_path", "kind", "serial"]
        constraints = [models.UniqueConstraint(fields=["vendor", "serial"], name="device_serial_per_vendor")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}"


class AlarmKind(models.TextChoices):
    SOS = "sos", _("紧急呼叫")
    FALL = "fall", _("跌倒")
    VITAL = "vital", _("体征异常")
    SMOKE = "smoke", _("烟雾报警")
    GAS = "gas", _("燃气泄漏")
    WATER = "water", _("用水异常")
    DOOR = "door", _("长时间未开门")
    LOW_BATTERY = "low_battery", _("电量低")
    TAMPER = "tamper", _("设备被拆")


class DeviceAlarm(models.Model):
    """A normalised alarm (or an out-of-range reading) of a device and what became of it."""

    class Result(models.TextChoices):
        CASE = "case", _("已生成事件")
        REPEAT = "repeat", _("重复告警(并入原事件)")
        NOTICE = "notice", _("已通知(不立案)")

    device = models.ForeignKey(Device, verbose_name=_("设备"), on_delete=models.PROTECT, related_name="alarms")
    kind = models.CharField(_("告警类型"), max_length=16, choices=AlarmKind.choices)
    metric = models.CharField(_("指标"), max_length=16, blank=True)
    value = models.FloatField(_("数值"), null=True, blank=True)
    vendor_ref = models.CharField(_("厂商告警号"), max_length=64)
    at = models.DateTimeField(_("发生时间"), db_index=True)
    received_at = models.DateTimeField(_("接收时间"))
    result = models.CharField(_("处理结果"), max_length=8, choices=Result.choices)
    case = models.ForeignKey("cases.Case", db_constraint=False, verbose_name=_("事件"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")

    class Meta:
        verbose_name = _("设备告警")
        verbose_name_plural = _("设备告警")
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["device", "vendor_ref"], name="alarm_once_per_vendor_ref")]


class CareEvent(TimelineRow):
    """The timeline of the care module: plan steps, lights, check-ins, pairings, device alarms and outages.
    Subjects: plan / device."""

    class Meta(TimelineRow.Meta):
        verbose_name = _("关爱记录")
        verbose_name_plural = _("关爱记录")
        indexes = [models.Index(fields=["subject", "subject_id"], name="care_event_subject")]
