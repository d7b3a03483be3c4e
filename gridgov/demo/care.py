"""Care and emergency response for the demo district, replayed through the services on a moved clock:

- every emergency unit gets two members (the demo community's unit the `responder` log-in), the demo community's
  unit a roster; the callouts the case history opened are answered — acknowledged within a minute or three,
  on scene within ten, finished — so the response times mean something;
- the elderly living alone and empty-nesters of the demo community are under care, paired with the grid worker, a
  party member and a neighbour (the `resident` log-in for one of them); a week of check-ins; today most are green,
  two are due (yellow), one was missed and is red with its case and callout;
- emergency buttons and vital-sign monitors in some homes (vendor `demo-care`), one offline, one alarm answered;
- a 铺户联防 group of shopkeepers with a warning."""

from __future__ import annotations

import datetime as dt
import random

from gridgov.accounts.models import Membership, RoleCode, User
from gridgov.accounts.services import membership_grant
from gridgov.care import services as care
from gridgov.care.models import CarePlan, CheckIn, Device, PlanState
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import clock_at, now
from gridgov.demo.names import SURNAMES
from gridgov.emergency import services as emergency
from gridgov.emergency.models import AlertGroup, Callout, CalloutState
from gridgov.orgs.models import OrgUnit, UnitKind
from gridgov.people.models import FocusGroup, FocusGroupMembership

VENDOR = "demo-care"


def _helper(username: str, rng: random.Random) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=rng.choice(SURNAMES) + rng.choice("志海春兰桂英国强"))
        user.set_unusable_password()
        user.save()
    return user


def build_care(*, seed: int = 71, days: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    end = now()
    worker_m = Membership.objects.filter(user__username="gridworker").select_related("user", "region").first()
    officer_m = Membership.objects.filter(user__username="community").select_related("user", "region").first()
    if worker_m is None or officer_m is None:
        return {}
    worker, grid, officer, community = worker_m.user, worker_m.region, officer_m.user, officer_m.region
    from gridgov.cases.models import Case

    cases_before = Case.objects.count()
    answered = _units(rng, community, end)
    plans = _plans(rng, worker, grid, officer, community, end, days)
    devices = _devices(rng, worker, plans, end)
    _alert_group(rng, officer, community, end)
    from gridgov.demo.history import staff_read_messages

    staff_read_messages(end)  # what came before today has been read, as with the history's messages
    return {"care_plans": len(plans), "care_checkins": CheckIn.objects.count(), "care_devices": devices,
            "callouts_answered": answered, "care_cases": Case.objects.count() - cases_before}


def _units(rng: random.Random, community, end: dt.datetime) -> int:
    """Members for every unit, a roster for the demo community's, and the history's callouts answered."""
    members: dict[int, list[User]] = {}
    for i, unit in enumerate(OrgUnit.objects.filter(kind=UnitKind.EMERGENCY_UNIT, is_active=True).select_related(
            "region").order_by("code")):
        staff = [m.user for m in Membership.objects.filter(unit=unit).select_related("user")]
        while len(staff) < 2:
            user = _helper(f"eu{i}_{len(staff)}", rng)
            membership_grant(actor=None, user=user, role_code=RoleCode.EMERGENCY_RESPONDER, region=unit.region,
                             unit=unit)
            staff.append(user)
        members[unit.pk] = staff
    officer = Membership.objects.filter(user__username="community").values_list("user", flat=True).first()
    home = OrgUnit.objects.filter(kind=UnitKind.EMERGENCY_UNIT, region=community).first()
    if home is not None and officer:
        day = end.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)
        for k, user in enumerate(members[home.pk][:2]):
            try:
                emergency.shift_add(actor=User.objects.get(pk=officer), unit=home, user=user,
                                    starts_at=day + dt.timedelta(hours=12 * k),
                                    ends_at=day + dt.timedelta(hours=12 * (k + 1)), note="白班" if k == 0 else "夜班")
            except ApplicationError:
                pass
    answered = 0
    for c in Callout.objects.filter(state=CalloutState.ALERTING).select_related("case").order_by("created_at"):
        first = c.units.order_by("ring", "distance_m").first()
        if first is None:
            continue
        user = members.get(first.unit_id, [None])[0]
        t = c.created_at + dt.timedelta(seconds=rng.randint(35, 170))
        if user is None or t > end:
            continue
        try:
            with clock_at(t):
                emergency.callout_act(actor=user, callout=c, action="acknowledge", values={"note": "收到,马上到"})
            with clock_at(t + dt.timedelta(minutes=rng.randint(4, 11))):
                emergency.callout_act(actor=user, callout=c, action="arrive")
            with clock_at(t + dt.timedelta(minutes=rng.randint(20, 45))):
                emergency.callout_act(actor=user, callout=c, action="finish",
                                      values={"note": rng.choice(["已先期处置,移交职能部门", "现场已控制,无人员受伤",
                                                                  "已协助老人就医,通知家属"])})
            answered += 1
        except ApplicationError:
            continue
    with clock_at(end):
        emergency.close_with_cases(at=end)
    return answered


def _plans(rng, worker, grid, officer, community, end, days) -> list[CarePlan]:
    elderly = (FocusGroupMembership.objects.filter(
        group__in=[FocusGroup.LIVING_ALONE_ELDERLY, FocusGroup.EMPTY_NEST_ELDERLY],
        resident__grid__path__startswith=community.path, resident__is_active=True)
        .select_related("resident__grid", "resident__household__building").order_by("resident__grid__code", "pk"))
    start = end - dt.timedelta(days=days)
    party = _helper("party_member1", rng)
    neighbour = User.objects.filter(username="resident").first()
    plans: list[CarePlan] = []
    with clock_at(start):
        for m in elderly[:14]:
            actor = worker if m.resident.grid_id == grid.pk else officer
            try:
                plan = care.plan_create(actor=actor, resident=m.resident, group=m.group)
            except ApplicationError:
                continue
            care.pairing_set(actor=actor, plan=plan, user=worker if actor == worker else officer,
                             role="grid_worker" if actor == worker else "social_worker")
            care.pairing_set(actor=actor, plan=plan, user=party, role="party_member")
            if neighbour is not None and not plans:
                care.pairing_set(actor=actor, plan=plan, user=neighbour, role="neighbour")
            plans.append(plan)
    if not plans:
        return plans
    # a week of looks: the pairing looks in every day, visits once a week; the last three are left behind
    late, due = plans[-1], plans[-3:-1]
    for day in range(1, days + 1):
        for i, plan in enumerate(plans):
            if plan == late and day >= days - 1:
                continue  # missed: red by today
            if plan in due and day == days:
                continue  # today's look not yet done: yellow
            at = start + dt.timedelta(days=day, hours=rng.randint(-3, 2), minutes=rng.randrange(60))
            if at >= end:
                continue
            kind = "visit" if (day + i) % 7 == 0 else "look"
            result = "ok" if kind == "visit" or rng.random() < 0.5 else "nothing_seen"
            who = plan.created_by if i % 2 == 0 else party
            with clock_at(at):
                try:
                    care.check_in(actor=who, plan=plan, kind=kind, result=result,
                                  note={"look": "窗帘已拉开,灯亮着", "visit": "上门走访,量了血压,身体尚好"}[kind])
                except ApplicationError:
                    continue
    if len(plans) > 4:
        with clock_at(end - dt.timedelta(days=3)):
            care.plan_act(actor=worker if plans[4].grid_id == grid.pk else officer, plan=plans[4], action="pause",
                          values={"reason": "住院治疗,出院后恢复", "until": (end + dt.timedelta(days=4)).date()})
    with clock_at(end):
        care.sweep_lights(at=end)
    return list(CarePlan.objects.filter(pk__in=[p.pk for p in plans]))


def _devices(rng, worker, plans, end) -> int:
    from gridgov.care.services import device_register, device_signal

    n = 0
    for i, plan in enumerate(p for p in plans if p.state == PlanState.ACTIVE and p.lon is not None):
        if i >= 5:
            break
        actor = plan.created_by or worker
        with clock_at(end - dt.timedelta(days=5)):
            button = device_register(actor=actor, vendor=VENDOR, serial=f"SOS-{plan.pk:05d}", kind="sos_button",
                                     plan=plan, heartbeat_minutes=60)
            monitor = device_register(actor=actor, vendor=VENDOR, serial=f"VT-{plan.pk:05d}", kind="vitals",
                                      plan=plan, heartbeat_minutes=30)
        n += 2
        offline = i == 3
        last = end - dt.timedelta(hours=5 if offline else 0, minutes=rng.randint(1, 20))
        for dev in (button, monitor):
            with clock_at(last):
                device_signal(device=dev, type="heartbeat", at=last)
        with clock_at(last):
            device_signal(device=monitor, type="reading", metric="heart_rate", value=rng.randint(62, 88),
                          ref=f"hr-{last:%Y%m%d%H%M}", at=last)
        if i == 1:  # a high heart rate two days ago: a case, answered
            at = end - dt.timedelta(days=2, hours=3)
            with clock_at(at):
                device_signal(device=monitor, type="reading", metric="heart_rate", value=128, ref="hr-alarm-1", at=at)
    with clock_at(end):
        care.offline_due(at=end)
    return Device.objects.count() if n else 0


def _alert_group(rng, officer, community, end) -> None:
    group = AlertGroup.objects.create(name=f"{community.name}商业街铺户联防", kind=AlertGroup.Kind.SHOPS, region=community,
                                      region_path=community.path)
    shops = ["平价超市", "老王五金", "好运来餐馆", "便民药房", "阳光理发"]
    members = []
    for i, shop in enumerate(shops):
        user = _helper(f"shop{i + 1}", rng)
        emergency.group_member_set(actor=officer, group=group, user=user, label=shop)
        members.append(user)
    with clock_at(end - dt.timedelta(days=1, hours=5)):
        emergency.broadcast_send(actor=members[0], group=group, level="warning",
                                 message="刚才有两名男子以换零钱为名行骗,一人穿灰色外套,请各店留意")
    with clock_at(end - dt.timedelta(hours=4)):
        emergency.broadcast_send(actor=officer, group=group, level="notice",
                                 message="今晚有大风降温,请收好门口招牌和货架,注意用电安全")
