"""Writes of the care module: plans and their steps (`care.workflow.CARE_PLAN`), pairings, check-ins, the lights
the sweep sets when a look is missed, devices and what they report. Every change writes its timeline row in the
same transaction; a light changes by compare-and-set, so a check-in and the sweep never both win."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Q

from gridgov.accounts.paging import grid_workers, page
from gridgov.accounts.scoping import jurisdiction_of
from gridgov.care import events
from gridgov.care.access import DEVICE, EDIT, can_check_in
from gridgov.care.models import (
    VITAL_DEFAULTS,
    VITAL_LABELS,
    AlarmKind,
    CarePlan,
    CheckIn,
    CheckInKind,
    CheckInResult,
    Device,
    DeviceAlarm,
    DeviceKind,
    Light,
    Pairing,
    PairingRole,
    PlanState,
)
from gridgov.care.workflow import CARE_PLAN
from gridgov.cases.models import OPEN_STATES, Case, Channel, Urgency
from gridgov.cases.services import case_report
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import local, now
from gridgov.people.models import FocusGroup, FocusGroupMembership, Resident

log = logging.getLogger("gridgov.care")

CARE_CATEGORY = "2501"  # 独居老人异常
ALARM_DEDUPE = dt.timedelta(minutes=30)  # a device's repeated alarms of a kind join the open case this long

# What an alarm becomes: (category, urgency) of its case; None: the pairing and grid workers are told, no case.
ALARM_CASES: dict[str, tuple[str, str] | None] = {
    AlarmKind.SOS: (CARE_CATEGORY, Urgency.CRITICAL), AlarmKind.FALL: (CARE_CATEGORY, Urgency.CRITICAL),
    AlarmKind.VITAL: (CARE_CATEGORY, Urgency.URGENT), AlarmKind.SMOKE: ("1404", Urgency.CRITICAL),
    AlarmKind.GAS: ("1405", Urgency.CRITICAL), AlarmKind.WATER: (CARE_CATEGORY, Urgency.URGENT),
    AlarmKind.DOOR: (CARE_CATEGORY, Urgency.URGENT), AlarmKind.LOW_BATTERY: None, AlarmKind.TAMPER: None,
}


def _require_edit(actor, path: str, code: str = EDIT) -> None:
    if not jurisdiction_of(actor).covers(code, path):
        raise PermissionDenied("您不能管理该网格的关爱对象")


def _int(value, name: str, label: str, low: int, high: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = low - 1
    if not low <= n <= high:
        raise ApplicationError("invalid_frequency", f"{label}须在 {low}–{high} 之间", fields={name: f"{low}–{high}"})
    return n


def checked_thresholds(values: dict | None) -> dict:
    """{metric: [low, high]} for known metrics, numbers or null, low below high."""
    out: dict[str, list] = {}
    for metric, pair in (values or {}).items():
        label = VITAL_LABELS.get(metric)
        if label is None:
            raise ApplicationError("unknown_metric", f"没有「{metric}」这项体征", fields={"thresholds": metric})
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ApplicationError("invalid_threshold", f"{label}的阈值须为[下限, 上限]", fields={"thresholds": metric})
        low, high = (None if v in (None, "") else v for v in pair)
        for v in (low, high):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                raise ApplicationError("invalid_threshold", f"{label}的阈值须为数字", fields={"thresholds": metric})
        if low is None and high is None or (low is not None and high is not None and low >= high):
            raise ApplicationError("invalid_threshold", f"{label}的下限须低于上限", fields={"thresholds": metric})
        out[metric] = [low, high]
    return out


def _schedule(plan: CarePlan, at: dt.datetime, *, look: bool = True, visit: bool = False) -> None:
    """The next look (and visit) from `at`, and when a missed look turns red."""
    if look:
        plan.look_due_at = at + dt.timedelta(hours=plan.look_every_hours)
        plan.red_at = plan.look_due_at + dt.timedelta(hours=plan.red_after_hours)
    if visit:
        plan.visit_due_at = at + dt.timedelta(days=plan.visit_every_days)


def _light_now(plan: CarePlan, at: dt.datetime) -> str:
    if plan.red_at and plan.red_at <= at:
        return Light.RED
    if (plan.look_due_at and plan.look_due_at <= at) or (plan.visit_due_at and plan.visit_due_at <= at):
        return Light.YELLOW
    return Light.GREEN


SCHEDULE = ("look_due_at", "red_at", "visit_due_at", "light")


# -- plans --------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, resident: Resident, group: str, look_every_hours=24, visit_every_days=7,
                red_after_hours=12, watch_for: str = "", thresholds: dict | None = None) -> CarePlan:
    """建档: a resident of a focus group under care; the first look is due a period from now."""
    if not resident.is_active:
        raise ApplicationError("resident_inactive", "该居民已迁出", status=409)
    _require_edit(actor, resident.grid.path)
    if group not in FocusGroup.values:
        raise ApplicationError("invalid_group", "请选择人群类别", fields={"group": "无效"})
    if not FocusGroupMembership.objects.filter(resident=resident, group=group).exists():
        raise ApplicationError("not_in_focus_group",
                               f"{resident.name} 未登记为「{FocusGroup(group).label}」,请先在重点人群中登记",
                               status=409, fields={"group": "未登记"})
    at = now()
    building = resident.household.building if resident.household is not None else None
    plan = CarePlan(
        resident=resident, group=group, grid=resident.grid, region_path=resident.grid.path,
        address=resident.address or (str(resident.household) if resident.household_id else ""),
        lon=building.lon if building else None, lat=building.lat if building else None,
        look_every_hours=_int(look_every_hours, "look_every_hours", "看望间隔(小时)", 1, 168),
        visit_every_days=_int(visit_every_days, "visit_every_days", "走访间隔(天)", 1, 90),
        red_after_hours=_int(red_after_hours, "red_after_hours", "超时转红灯(小时)", 1, 72),
        watch_for=(watch_for or "").strip()[:500] or "白看窗帘晚看灯，早看水电晚看燃气",
        thresholds=checked_thresholds(thresholds), created_by=actor, created_at=at, updated_at=at)
    _schedule(plan, at, visit=True)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ApplicationError("plan_exists", f"{resident.name} 已有关爱档案", status=409) from None
    events.plan_created(plan, actor=actor, at=at)
    return plan


@transaction.atomic
def plan_act(*, actor, plan: CarePlan, action: str, values: dict | None = None,
             at: dt.datetime | None = None) -> CarePlan:
    """暂停 (until a date: nothing is due meanwhile), 恢复 (looks due again from now), 结束."""
    at = at or now()
    values = values or {}
    plan = CarePlan.objects.get(pk=plan.pk)
    t = CARE_PLAN.check(actor, plan, action)
    reason = str(values.get("reason") or "").strip()
    if t.needs_reason and not reason:
        raise ApplicationError("reason_required", "请填写原因", fields={"reason": "必填"})
    fields = list(SCHEDULE) + ["paused_until"]
    if action == "pause":
        until = values.get("until")
        if not isinstance(until, dt.date) or until <= local(at).date():
            raise ApplicationError("invalid_until", "暂停至须为今天以后的日期", fields={"until": "须晚于今天"})
        if until > local(at).date() + dt.timedelta(days=366):
            raise ApplicationError("invalid_until", "暂停不能超过一年", fields={"until": "超过一年"})
        plan.paused_until = until
        plan.look_due_at = plan.red_at = plan.visit_due_at = None
        plan.light = Light.GREEN
    elif action == "resume":
        plan.paused_until = None
        _schedule(plan, at, visit=True)
        plan.light = Light.GREEN
    else:  # close
        plan.look_due_at = plan.red_at = plan.visit_due_at = None
        plan.light = Light.GREEN
    note = reason or str(values.get("note") or "").strip()
    data = {"until": plan.paused_until.isoformat()} if action == "pause" and plan.paused_until else None
    CARE_PLAN.commit(plan, t, fields=fields, at=at,
                     event=lambda old: events.step(plan, action, old, actor=actor, note=note, data=data, at=at))
    return plan


@transaction.atomic
def plan_thresholds(*, actor, plan: CarePlan, thresholds: dict) -> CarePlan:
    """体征阈值 of this target (over the defaults), e.g. a lower heart rate for someone on beta blockers."""
    _require_edit(actor, plan.region_path)
    plan = CarePlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    plan.thresholds = checked_thresholds(thresholds)
    plan.updated_at = now()
    plan.save(update_fields=["thresholds", "updated_at"])
    events.thresholds_set(plan, actor=actor, at=plan.updated_at)
    return plan


@transaction.atomic
def pairing_set(*, actor, plan: CarePlan, user, role: str, active: bool = True) -> Pairing:
    """结对 / 解除结对 ("1+1+N": a social worker, a party member, neighbours …)."""
    _require_edit(actor, plan.region_path)
    if plan.state == PlanState.CLOSED:
        raise ApplicationError("plan_closed", "关爱已结束", status=409)
    if role not in PairingRole.values:
        raise ApplicationError("invalid_role", "请选择结对身份", fields={"role": "无效"})
    if not user.is_active:
        raise ApplicationError("user_inactive", "该账号已停用", fields={"user": "已停用"})
    at = now()
    pairing, created = Pairing.objects.get_or_create(plan=plan, user=user, defaults={"role": role, "since": at,
                                                                                      "is_active": active})
    if not created:
        if pairing.is_active == active and pairing.role == role:
            return pairing
        pairing.is_active, pairing.role = active, role
        pairing.save(update_fields=["is_active", "role"])
    events.paired(plan, pairing, actor=actor, joined=active, at=at)
    return pairing


def _people(plan: CarePlan) -> list[int]:
    """Who hears of a plan's trouble: its pairing and the grid's workers."""
    return list(plan.pairings.filter(is_active=True).values_list("user_id", flat=True)) + grid_workers(plan.grid_id)


def _masked(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1)


class _Place:
    """A device without a care target stands in for a plan where a case is made (its place and grid)."""

    def __init__(self, device: Device):
        self.lon, self.lat, self.address, self.grid = device.lon, device.lat, device.address, device.grid


def _case(plan: CarePlan | _Place, *, actor, title: str, description: str, key: str, category: str = CARE_CATEGORY,
          urgency: str = Urgency.URGENT, channel: str = Channel.CARE, device_id: str = "", lon=None, lat=None):
    case, _ = case_report(actor=actor, channel=channel, title=title[:100], description=description,
                          category=category, urgency=urgency, lon=plan.lon if lon is None else lon,
                          lat=plan.lat if lat is None else lat, address=plan.address, grid=plan.grid,
                          idempotency_key=key, is_public=False, device_id=device_id)
    return case


# -- check-ins ----------------------------------------------------------------------------------------------


@transaction.atomic
def check_in(*, actor, plan: CarePlan, kind: str, result: str, note: str = "", lon=None, lat=None,
             idempotency_key: str = "") -> CheckIn:
    """看望: 一切正常 / 未见异常 set the next look due (a visit the next visit too) and the light back to green;
    发现异常 makes a case at once (one tap) and turns the light red."""
    if kind not in CheckInKind.values:
        raise ApplicationError("invalid_kind", "请选择看望方式", fields={"kind": "无效"})
    if result not in CheckInResult.values:
        raise ApplicationError("invalid_result", "请选择看望情况", fields={"result": "无效"})
    key = (idempotency_key or "")[:64]
    if key and (seen := CheckIn.objects.filter(user=actor, idempotency_key=key).first()) is not None:
        return seen
    plan = CarePlan.objects.select_for_update(of=("self",)).select_related("resident").get(pk=plan.pk)
    if not can_check_in(actor, plan):
        raise PermissionDenied("您不是该关爱对象的结对人")
    if plan.state != PlanState.ACTIVE:
        raise ApplicationError("plan_not_active", f"该关爱对象当前为「{plan.get_state_display()}」,不能记录看望",
                               status=409)
    note = (note or "").strip()[:1000]
    at = now()
    checkin = CheckIn(plan=plan, user=actor, kind=kind, result=result, note=note, lon=lon, lat=lat, at=at,
                      idempotency_key=key)
    old = plan.light
    if result == CheckInResult.CONCERN:
        name = plan.resident.name
        checkin.case = _case(plan, actor=actor, key=f"care-concern-{plan.pk}-{at.timestamp():.0f}-{actor.pk}",
                             title=f"关爱对象{_masked(name)}看望发现异常",
                             description=f"{CheckInKind(kind).label}发现异常:{note or '(未填写说明)'}。"
                                         f"关爱对象:{name},住址:{plan.address or '未登记'}。")
        plan.light, plan.alert_case = Light.RED, checkin.case
    _schedule(plan, at, visit=kind == CheckInKind.VISIT)
    if kind == CheckInKind.VISIT:
        plan.last_visit_at = at
    plan.last_look_at = at
    if result != CheckInResult.CONCERN:
        plan.light = _light_now(plan, at)
        plan.alert_case = None
    plan.updated_at = at
    plan.save(update_fields=[*SCHEDULE, "last_look_at", "last_visit_at", "alert_case", "updated_at"])
    checkin.save()
    events.checked_in(plan, checkin, actor=actor, at=at)
    if plan.light != old:
        events.light_changed(plan, old, actor=actor, case_id=checkin.case_id, at=at,
                             reason="看望发现异常" if result == CheckInResult.CONCERN else "已看望")
    if checkin.case is not None:
        page([u for u in _people(plan) if u != actor.pk], subject=f"【关爱告警】{checkin.case.title}",
             data={"case": checkin.case_id, "care_plan": plan.pk}, dedupe_key=f"care-case-{checkin.case_id}")
    return checkin


# -- the sweep: lights --------------------------------------------------------------------------------------


def _set_light(plan: CarePlan, new: str, *, at: dt.datetime, reason: str, case: Case | None = None) -> bool:
    """Compare-and-set: only if nobody changed the plan since it was read (a check-in wins over the sweep)."""
    old = plan.light
    values = {"light": new, "updated_at": at}
    if case is not None:
        values["alert_case"] = case
    if not CarePlan.objects.filter(pk=plan.pk, light=old, updated_at=plan.updated_at,
                                   state=PlanState.ACTIVE).update(**values):
        return False
    plan.light, plan.updated_at = new, at
    events.light_changed(plan, old, reason=reason, case_id=case.pk if case else None, at=at)
    return True


def sweep_lights(*, at: dt.datetime | None = None, limit: int = 1000) -> int:
    """黄灯 when a look or a visit is due and not done (the pairing is reminded); 红灯 and a case when a look is
    overdue by the plan's red_after_hours (the pairing and the grid's workers are told). Safe to run twice."""
    at = at or now()
    done = 0
    due = Q(look_due_at__lte=at) | Q(visit_due_at__lte=at)
    for plan in (CarePlan.objects.filter(due, state=PlanState.ACTIVE, light=Light.GREEN)
                 .select_related("resident")[:limit]):
        with transaction.atomic():
            look_due = plan.look_due_at if plan.look_due_at is not None and plan.look_due_at <= at else None
            if _set_light(plan, Light.YELLOW, at=at, reason="今日尚未看望" if look_due else "上门走访已到期"):
                page(list(plan.pairings.filter(is_active=True).values_list("user_id", flat=True)),
                     subject=f"【关爱提醒】请{'看望' if look_due else '上门走访'}{plan.resident.name}",
                     body=plan.watch_for, data={"care_plan": plan.pk},
                     dedupe_key=f"care-yellow-{plan.pk}-{look_due.isoformat() if look_due else 'visit'}")
                done += 1
    for plan in (CarePlan.objects.filter(state=PlanState.ACTIVE, red_at__lte=at).exclude(light=Light.RED)
                 .select_related("resident", "grid")[:limit]):
        try:
            with transaction.atomic():
                name = plan.resident.name
                hours = int((at - plan.look_due_at).total_seconds() // 3600) if plan.look_due_at else 0
                case = _case(plan, actor=None, key=f"care-miss-{plan.pk}-{plan.red_at:%Y%m%d%H%M%S}",
                             title=f"关爱对象{_masked(name)}超时未看望",
                             description=f"关爱对象 {name}(住址:{plan.address or '未登记'})已超过{hours}小时"
                                         f"无人看望记录,请立即上门查看。关注要点:{plan.watch_for}")
                if not _set_light(plan, Light.RED, at=at, reason=f"超过{hours}小时未看望", case=case):
                    raise _Lost()
                page(_people(plan), subject=f"【关爱告警】{name}超时未看望,已生成事件{case.number}",
                     data={"case": case.pk, "care_plan": plan.pk}, dedupe_key=f"care-case-{case.pk}")
                done += 1
        except _Lost:
            continue
    return done


class _Lost(Exception):
    """A check-in came first: the red light (and its case) is rolled back."""


def resume_due(*, at: dt.datetime | None = None) -> int:
    """Paused plans whose date has come are resumed (looks due again from now)."""
    at = at or now()
    done = 0
    for plan in CarePlan.objects.filter(state=PlanState.PAUSED, paused_until__lte=local(at).date()):
        try:
            plan_act(actor=None, plan=plan, action="resume", values={"note": "暂停到期,自动恢复"}, at=at)
            done += 1
        except ApplicationError as exc:
            log.info("plan %s: %s", plan.pk, exc.code)
    return done


# -- devices ------------------------------------------------------------------------------------------------


@transaction.atomic
def device_register(*, actor, vendor: str, serial: str, kind: str, plan: CarePlan | None = None, grid=None,
                    address: str = "", lon=None, lat=None, heartbeat_minutes: int = 60) -> Device:
    """登记设备: a vendor's device in a household (of a care target, whose place it takes by default)."""
    vendor, serial = (vendor or "").strip(), (serial or "").strip()
    if not vendor or not serial:
        raise ApplicationError("invalid_device", "请填写厂商编码与设备编号",
                               fields={"vendor": "必填" if not vendor else "", "serial": "必填" if not serial else ""})
    if kind not in DeviceKind.values:
        raise ApplicationError("invalid_kind", "请选择设备类型", fields={"kind": "无效"})
    grid = plan.grid if plan is not None else grid
    if grid is None:
        raise ApplicationError("grid_required", "请选择所属网格或关爱对象", fields={"grid": "必填"})
    _require_edit(actor, grid.path, DEVICE)
    at = now()
    hb = _int(heartbeat_minutes, "heartbeat_minutes", "心跳间隔(分钟)", 1, 7 * 24 * 60)
    device = Device(vendor=vendor[:32], serial=serial[:64], kind=kind, plan=plan, grid=grid, region_path=grid.path,
                    address=(address or (plan.address if plan else ""))[:200],
                    lon=lon if lon is not None else (plan.lon if plan else None),
                    lat=lat if lat is not None else (plan.lat if plan else None), heartbeat_minutes=hb,
                    installed_at=at, offline_at=at + dt.timedelta(minutes=2 * hb))
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError:
        raise ApplicationError("device_exists", f"设备 {vendor}/{serial} 已登记", status=409) from None
    events.device_registered(device, actor=actor, at=at)
    return device


def _seen(device: Device, at: dt.datetime) -> None:
    """A device that reports is online; it counts as offline if it is silent for two heartbeats."""
    if device.last_seen_at is None or at > device.last_seen_at:
        device.last_seen_at = at
    device.offline_at = device.last_seen_at + dt.timedelta(minutes=2 * device.heartbeat_minutes)
    fields = ["last_seen_at", "offline_at"]
    if not device.is_online:
        device.is_online = True
        fields.append("is_online")
        events.online_changed(device, online=True, at=at)
    device.save(update_fields=fields)


def vital_out_of_range(plan: CarePlan | None, metric: str, value: float) -> tuple[float | None, float | None] | None:
    """The limits a reading broke (the plan's own over the defaults), or None."""
    limits = plan.limits() if plan is not None else {k: (lo, hi) for k, (lo, hi, _u) in VITAL_DEFAULTS.items()}
    if metric not in limits:
        return None
    low, high = limits[metric]
    if (low is not None and value < low) or (high is not None and value > high):
        return low, high
    return None


@transaction.atomic
def device_signal(*, device: Device, type: str, kind: str = "", metric: str = "", value: float | None = None,
                  ref: str = "", at: dt.datetime | None = None) -> tuple[DeviceAlarm | None, str]:
    """What a device reported, normalised by the vendor's adapter: "heartbeat", a "reading" (a vital sign, checked
    against the target's limits) or an "alarm". Returns the alarm row (if any) and what happened: "seen",
    "normal" (a reading within limits), "case", "repeat" (joined the device's open case of that kind),
    "notice" (told, no case) or "duplicate" (this vendor reference was handled before)."""
    received = now()
    at = at or received
    if at > received + dt.timedelta(minutes=5):
        at = received  # a device clock ahead of ours: it happened now
    # Locked alone with its plan (a reading's limits): the resident and the grid (its outline) are read only where
    # an alarm makes a case — most of a storm are repeats and readings, and the outline is the biggest column here.
    device = Device.objects.select_for_update(of=("self",)).select_related("plan").get(pk=device.pk)
    if not device.is_active:
        raise ApplicationError("device_inactive", "设备已停用", status=409)
    _seen(device, at)
    if type == "heartbeat":
        return None, "seen"
    if type == "reading":
        if metric not in VITAL_LABELS or value is None:
            raise ApplicationError("invalid_reading", "体征数据须包含已知指标与数值", fields={"metric": metric})
        broken = vital_out_of_range(device.plan, metric, value)
        if broken is None:
            return None, "normal"
        kind = AlarmKind.VITAL
    elif type != "alarm" or kind not in AlarmKind.values:
        raise ApplicationError("invalid_signal", f"无法识别的设备消息:{type}/{kind}", fields={"type": type})
    ref = (ref or f"{kind}-{at.isoformat()}")[:64]
    if (seen := DeviceAlarm.objects.filter(device=device, vendor_ref=ref).first()) is not None:
        return seen, "duplicate"
    alarm = DeviceAlarm(device=device, kind=kind, metric=metric if kind == AlarmKind.VITAL else "", value=value,
                        vendor_ref=ref, at=at, received_at=received)
    what = _alarm_text(device, alarm)
    open_case = (Case.objects.filter(pk__in=DeviceAlarm.objects.filter(
        device=device, kind=kind, case__isnull=False, at__gte=at - ALARM_DEDUPE).values("case_id"),
        state__in=OPEN_STATES).order_by("-created_at").only("id", "state", "created_at").first())
    plan = device.plan
    if open_case is not None:
        from gridgov.cases import events as case_events

        alarm.result, alarm.case = DeviceAlarm.Result.REPEAT, open_case
        alarm.save()
        case_events.repeat_alarm(open_case, alarm_id=ref, source=f"{device.vendor}:{device.serial}", description=what)
    elif (rule := ALARM_CASES.get(kind)) is None:
        alarm.result = DeviceAlarm.Result.NOTICE
        alarm.save()
        people = _people(plan) if plan else grid_workers(device.grid_id)
        page(people, subject=f"【设备提醒】{what}", data={"device": device.pk}, dedupe_key=f"alarm-{alarm.pk}")
    else:
        category, urgency = rule
        who = f"{_masked(plan.resident.name)}家" if plan else device.address
        holder = plan or _Place(device)
        alarm.case = _case(holder, actor=None, channel=Channel.SENSOR, category=category, urgency=urgency,
                           key=f"device:{device.vendor}:{device.serial}:{ref}", device_id=f"{device.vendor}:{device.serial}",
                           title=f"【{AlarmKind(kind).label}】{who}", lon=device.lon, lat=device.lat,
                           description=f"{what}。住址:{device.address or (plan.address if plan else '未登记')}。")
        alarm.result = DeviceAlarm.Result.CASE
        alarm.save()
        if plan is not None:
            page(_people(plan), subject=f"【关爱告警】{AlarmKind(kind).label}:{plan.resident.name},事件{alarm.case.number}",
                 body=what, data={"case": alarm.case.pk, "care_plan": plan.pk}, dedupe_key=f"care-case-{alarm.case.pk}")
            if plan.light != Light.RED and plan.state == PlanState.ACTIVE:
                old, plan.light, plan.alert_case, plan.updated_at = plan.light, Light.RED, alarm.case, received
                plan.save(update_fields=["light", "alert_case", "updated_at"])
                events.light_changed(plan, old, reason=f"设备告警:{AlarmKind(kind).label}", case_id=alarm.case.pk,
                                     at=received)
    events.alarm(device, alarm, at=received)
    return alarm, alarm.result


def _alarm_text(device: Device, alarm: DeviceAlarm) -> str:
    label = AlarmKind(alarm.kind).label
    if alarm.kind == AlarmKind.VITAL:
        unit = VITAL_DEFAULTS.get(alarm.metric, (None, None, ""))[2]
        low, high = (device.plan.limits() if device.plan else {}).get(alarm.metric, (None, None))
        rng = f"(正常范围 {low if low is not None else '—'}–{high if high is not None else '—'}{unit})"
        return f"{device.get_kind_display()} {device.serial}:" \
               f"{VITAL_LABELS.get(alarm.metric, alarm.metric)} {alarm.value:g}{unit} {rng}"
    return f"{device.get_kind_display()} {device.serial}:{label}"


def offline_due(*, at: dt.datetime | None = None, limit: int = 1000) -> int:
    """设备离线: devices silent for two heartbeats are marked offline (once) and the pairing or grid is told."""
    at = at or now()
    done = 0
    for device in (Device.objects.filter(is_active=True, is_online=True, offline_at__lte=at)
                   .select_related("plan__resident")[:limit]):
        with transaction.atomic():
            if not Device.objects.filter(pk=device.pk, is_online=True, offline_at=device.offline_at).update(
                    is_online=False):
                continue
            device.is_online = False
            events.online_changed(device, online=False, at=at)
            people = _people(device.plan) if device.plan is not None else grid_workers(device.grid_id)
            who = f"({device.plan.resident.name})" if device.plan is not None else ""
            page(people, subject=f"【设备离线】{device.get_kind_display()} {device.serial}{who}",
                 body="设备已超过两个心跳周期未上报,请上门检查电源与网络。", data={"device": device.pk},
                 dedupe_key=f"offline-{device.pk}-{device.offline_at:%Y%m%d%H%M%S}")
            done += 1
    return done
