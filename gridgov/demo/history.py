"""A realistic case history for the demo district: a few thousand cases over the last 90 days, replayed
through the real services on a moved clock, so every timeline, light and KPI is what the platform made."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.contrib.auth import get_user_model
from django.db.models import F
from PIL import Image

from gridgov.accounts.models import Membership, RoleCode
from gridgov.accounts.services import membership_grant
from gridgov.cases import services as s
from gridgov.cases.models import Case, Category, State
from gridgov.cases.sweeper import sweep
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import LOCAL_TZ, clock_at, now
from gridgov.demo.geography import point_in
from gridgov.notify.models import Message
from gridgov.orgs.models import OrgUnit, UnitKind
from gridgov.regions.geometry import parse_polygon
from gridgov.regions.models import Level, Region

# What people report, with a description each; weights follow what 12345 and 随手拍 receive most.
REPORTS = [
    ("1101", 14, ["小区门口垃圾堆了好几天没人清理", "路边绿化带里扔满了生活垃圾", "垃圾分类点周边垃圾散落一地"]),
    ("1105", 6, ["楼道里堆满杂物,影响通行", "人行道上堆放建材"]),
    ("1501", 8, ["早上路口有流动摊贩占道经营", "夜市摊位占用盲道"]),
    ("1503", 7, ["有车辆长期停在消防通道口", "小区门口车辆乱停堵住出入口"]),
    ("0102", 6, ["路灯晚上不亮,路很黑", "小区旁边一排路灯坏了"]),
    ("0101", 4, ["人行道上井盖缺了一块,很危险", "井盖松动,车辆经过响声很大"]),
    ("0201", 5, ["路面有个大坑,电动车容易摔", "道路破损积水"]),
    ("1201", 5, ["电线杆上贴满小广告", "单元门口被喷涂办证小广告"]),
    ("1301", 4, ["工地晚上十一点还在施工,噪音很大", "凌晨有渣土车作业扰民"]),
    ("1601", 3, ["楼下餐馆油烟直排,家里窗户都不敢开"]),
    ("1504", 3, ["广场舞音响声音太大,晚上十点还不停"]),
    ("1403", 2, ["下雨后路口积水严重"]),
    ("1401", 2, ["路边水管爆裂,水一直往外冒"]),
    ("2101", 5, ["楼上漏水到我家,邻居不配合维修", "邻居在公共走廊堆放物品引发争吵"]),
    ("2103", 3, ["物业费上涨未公示,业主有意见"]),
    ("2104", 2, ["工地拖欠工人工资三个月"]),
    ("2302", 4, ["有人从楼上拉电线给电动车充电", "电动车停在楼道里充电"]),
    ("2301", 3, ["消防通道被杂物堵塞"]),
    ("2402", 4, ["电梯经常坏,物业迟迟不修", "小区保洁不到位"]),
    ("2403", 3, ["咨询灵活就业人员社保怎么缴纳", "咨询高龄津贴如何申请"]),
    ("2501", 1, ["独居老人两天没开门,邻居担心"]),
    ("1404", 1, ["楼道里有烟雾冒出"]),
]
CHANNELS = [("grid_worker", 35), ("resident_app", 30), ("hotline", 25), ("wechat", 6), ("walk_in", 4)]


def _photo(rng: random.Random) -> tuple[str, bytes]:
    img = Image.new("RGB", (48, 36), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=70)
    return ("photo.jpg", buf.getvalue())


def _staff(username: str, role: str, region: Region, unit: OrgUnit | None):
    """A helper account for the replay (no password: an administrator sets one if it is to be used)."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=unit.name if unit else region.name, is_staff=True)
        user.set_unusable_password()
        user.save()
        membership_grant(actor=None, user=user, role_code=role, region=region, unit=unit)
    return user


def _actors() -> dict:
    dispatchers = {}
    for center in OrgUnit.objects.filter(kind=UnitKind.GOVERNANCE_CENTER).select_related("region"):
        existing = Membership.objects.filter(unit=center, role__code=RoleCode.CENTER_DISPATCHER).first()
        dispatchers[center.pk] = existing.user if existing else _staff(
            f"dispatch-{center.region.code}", RoleCode.CENTER_DISPATCHER, center.region, center)
    handlers = {}
    for unit in OrgUnit.objects.exclude(kind__in=[UnitKind.GOVERNANCE_CENTER, UnitKind.EMERGENCY_UNIT,
                                                  UnitKind.MEDIATION_COMMITTEE]).select_related("region"):
        existing = Membership.objects.filter(unit=unit, role__code=RoleCode.DEPARTMENT_HANDLER).first()
        handlers[unit.pk] = existing.user if existing else _staff(
            f"handler-{unit.code.lower()}", RoleCode.DEPARTMENT_HANDLER, unit.region, unit)
    leader = Membership.objects.filter(role__code=RoleCode.CENTER_LEADER).first()
    resident = Membership.objects.filter(role__code=RoleCode.RESIDENT).select_related("user").first()
    return {"dispatchers": dispatchers, "handlers": handlers, "leader": leader.user if leader else None,
            "resident": resident.user if resident else None}


def build_history(*, days: int = 90, per_day: int = 25, seed: int = 90) -> dict[str, int]:
    rng = random.Random(seed)
    actors = _actors()
    grids = list(Region.objects.filter(level=Level.GRID, is_active=True).exclude(geometry__isnull=True))
    categories = {c.code: c for c in Category.objects.filter(code__in=[r[0] for r in REPORTS])}
    weights = [w for _, w, _ in REPORTS]
    end = now()
    start_day = (end.astimezone(LOCAL_TZ) - dt.timedelta(days=days)).date()
    made = 0
    for d in range(days + 1):
        day = start_day + dt.timedelta(days=d)
        n = rng.randint(per_day // 2, per_day * 3 // 2) if day.weekday() < 5 else rng.randint(per_day // 4, per_day // 2)
        for _ in range(n):
            at = dt.datetime.combine(day, dt.time(rng.randint(7, 21), rng.randrange(60)), tzinfo=LOCAL_TZ)
            if at >= end:
                continue
            code, _, texts = rng.choices(REPORTS, weights=weights)[0]
            try:
                _one_case(rng, at, end, categories[code], rng.choice(texts), rng.choice(grids), actors)
                made += 1
            except ApplicationError:
                continue  # e.g. a routing gap: the case stays where the platform left it
    with clock_at(end):
        result = sweep()
    staff_read_messages(end)
    return {"cases": made, **result}


def staff_read_messages(end: dt.datetime) -> None:
    """Staff read their messages: all but the last day's are read a few minutes after they came."""
    Message.objects.filter(channel="console", recipient__isnull=False, created_at__lt=end - dt.timedelta(days=1),
                           read_at__isnull=True).update(
        read_at=F("created_at") + dt.timedelta(minutes=12), status="sent", sent_at=F("created_at"), attempts=1)


REPLIES = ["已处置完毕,现场已恢复", "已安排人员到场处理,问题已解决", "已责令当事人整改,现已整改到位",
           "已清理完毕并加强巡查", "已维修完成,经测试正常使用"]


def _awake(rng, t: dt.datetime) -> dt.datetime:
    """People act between 07:30 and 20:30: a step that would fall at night happens the next morning."""
    local = t.astimezone(LOCAL_TZ)
    if dt.time(7, 30) <= local.time() <= dt.time(20, 30):
        return t
    day = local.date() + dt.timedelta(days=1 if local.time() > dt.time(20, 30) else 0)
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=LOCAL_TZ) + dt.timedelta(minutes=rng.randint(0, 90))


def _one_case(rng, t, end, category, text, grid, actors) -> Case | None:
    def step(minutes_low, minutes_high):
        nonlocal t
        t = _awake(rng, t + dt.timedelta(minutes=rng.randint(minutes_low, minutes_high)))
        return t < end

    channel = rng.choices([c for c, _ in CHANNELS], weights=[w for _, w in CHANNELS])[0]
    lon, lat = point_in(rng, parse_polygon(grid.geometry))
    photos = [_photo(rng)] if channel in ("grid_worker", "resident_app", "wechat") else []
    reporter = actors["resident"] if channel == "resident_app" and rng.random() < 0.05 else None
    recent = (end - t) < dt.timedelta(hours=36)
    with clock_at(t):
        case, _ = s.case_report(actor=reporter, channel=channel, description=text, category=category, lon=lon, lat=lat,
                                reporter_name=rng.choice("王李张刘陈杨黄赵") + rng.choice(["先生", "女士"]),
                                photos=photos)
    def center():
        owner = Case.objects.values_list("owner_center_id", flat=True).get(pk=case.pk)
        return actors["dispatchers"].get(owner)

    def act(fn, **kw):
        with clock_at(t):
            fn(case=Case.objects.get(pk=case.pk), **kw)

    if recent and rng.random() < 0.35:
        return case  # still in the intake queue
    if not step(5, 180):
        return case
    roll = rng.random()
    if reporter is not None and roll < 0.2:
        act(s.case_withdraw, actor=reporter, reason="问题已自行解决")
        return case
    if roll < 0.05:
        act(s.case_reject, actor=center(), reason="经核实不属于受理范围")
        return case
    if roll < 0.09:
        older = (Case.objects.filter(category=category, grid__parent=grid.parent, created_at__lt=case.created_at,
                                     created_at__gte=case.created_at - dt.timedelta(days=3))
                 .exclude(state__in=[State.MERGED, State.REJECTED, State.WITHDRAWN]).order_by("-created_at").first())
        if older:
            act(s.case_merge, actor=center(), target=older, note="同一问题合并办理")
            return case
    act(s.case_accept, actor=center())
    if not step(5, 90):
        return case
    if rng.random() < 0.03:
        act(s.case_suspend, actor=center(), reason="需等待业主委员会表决")
        if not step(720, 5760) or rng.random() < 0.25:
            return case  # still waiting
        act(s.case_resume, actor=center(), note="业主委员会已表决同意")
    act(s.case_dispatch, actor=center())
    case = Case.objects.get(pk=case.pk)
    handler = actors["handlers"].get(case.handling_unit_id)
    if handler is None:
        return case
    if rng.random() < 0.05:
        if not step(20, 240):
            return case
        act(s.case_return, actor=handler, reason="不属于本单位职责,请重新派遣")
        if not step(10, 120):
            return case
        act(s.case_dispatch, actor=center())
        case = Case.objects.get(pk=case.pk)
        handler = actors["handlers"].get(case.handling_unit_id)
        if handler is None:
            return case
    if recent and rng.random() < 0.3:
        return case  # waiting for the unit to sign
    late = rng.random() < 0.15
    if not step(10, 400 if late else 100):
        return case
    act(s.case_acknowledge, actor=handler)
    if not step(30, 600):
        return case
    act(s.case_handle, actor=handler, note="已到现场核实情况", on_site=True)
    if rng.random() < 0.06:
        act(s.case_request_extension, actor=handler, minutes=840, reason="需协调多个部门,申请延期")
        if not step(30, 240):
            return case
        approve = rng.random() < 0.8
        act(s.case_decide_extension, actor=center(), approve=approve, note="同意延期" if approve else "理由不充分")
    case = Case.objects.get(pk=case.pk)
    allowed = (case.handle_due_at - t).total_seconds() / 60 if case.handle_due_at else 2000
    share = rng.uniform(1.05, 1.6) if rng.random() < 0.18 else rng.uniform(0.1, 0.9)
    t2 = _awake(rng, t + dt.timedelta(minutes=max(30, allowed * share)))
    if t2 >= end:
        return case
    t = t2
    act(s.case_report_done, actor=handler, note=rng.choice(REPLIES), photos=[_photo(rng)])
    if not step(30, 600):
        return case
    if rng.random() < 0.08:
        act(s.case_verify, actor=center(), passed=False, note="现场核查仍未整改到位")
        if not step(120, 1440):
            return case
        act(s.case_report_done, actor=handler, note="已返工整改", photos=[_photo(rng)])
        if not step(30, 600):
            return case
    act(s.case_verify, actor=center(), passed=True, note="现场核查已整改")
    if not step(60, 2880):
        return case
    if rng.random() < 0.7:
        rating = rng.choices([5, 4, 3, 2, 1], weights=[55, 28, 10, 5, 2])[0]
        act(s.case_follow_up, actor=reporter or center(), satisfaction=rating,
            comment="电话回访" if reporter is None else "")
        if Case.objects.get(pk=case.pk).state == State.ACCEPTED:  # 不满意 reopened it: the center sends it back
            for fn, who, minutes, kw in ((s.case_dispatch, center, (30, 480), {"note": "回访不满意,重新派遣"}),
                                         (s.case_acknowledge, lambda: handler, (10, 120), {}),
                                         (s.case_report_done, lambda: handler, (120, 1440),
                                          {"note": "已重新处置,并向反映人说明情况", "photos": [_photo(rng)]}),
                                         (s.case_verify, center, (30, 600), {"passed": True, "note": "复查已解决"})):
                if not step(*minutes):
                    return case
                act(fn, actor=who(), **kw)
    return case
