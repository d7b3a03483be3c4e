"""Volunteer points for the demo district, replayed through the points services on a moved clock: the demo
volunteer (a courier) and a dozen others of the demo community — couriers, riders, retirees, party members —
verified by the community's center; two months of approved claims (patrols, visits to elderly people, meetings);
a 爱心驿站 with rewards, some picked up, one waiting with its code; a claim and an application still waiting for
the officer (so the console has work to show)."""

from __future__ import annotations

import datetime as dt
import random

from gridgov.accounts.models import Membership, RoleCode, User
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import clock_at, local, now
from gridgov.demo.history import _photo
from gridgov.demo.names import SURNAMES
from gridgov.points import services as p
from gridgov.points.models import Claim, Reward, Station, Volunteer, VolunteerKind

REWARDS = [("洗衣液(2L)", "日用品", 30, None, None), ("食用油(5L)", "粮油", 80, 40, 2), ("大米(10斤)", "粮油", 60, 50, 2),
           ("保温杯", "生活用品", 50, 20, 1), ("理发一次(爱心理发店)", "便民服务", 20, None, 4),
           ("社区体检套餐", "健康服务", 150, 10, 1)]
CLAIMS = ["patrol", "elder_visit", "sorting_guide", "meeting", "errand", "ads_cleanup", "anti_fraud", "vote"]
KINDS = [VolunteerKind.COURIER, VolunteerKind.RIDER, VolunteerKind.RETIREE, VolunteerKind.PARTY_MEMBER,
         VolunteerKind.RESIDENT]
EMPLOYERS = {VolunteerKind.COURIER: "某快递公司网点", VolunteerKind.RIDER: "某外卖平台站点",
             VolunteerKind.PARTY_MEMBER: "区机关第三党支部", VolunteerKind.RETIREE: "", VolunteerKind.RESIDENT: ""}


def _helper(username: str, rng: random.Random) -> User:
    """A volunteer of the replay (no password, as the replay's other helper accounts)."""
    user = User(username=username, display_name=rng.choice(SURNAMES) + rng.choice("晓建秀伟丽军华明"))
    user.set_unusable_password()
    user.save()
    return user


def build_points(*, days: int = 60, seed: int = 47) -> dict[str, int]:
    rng = random.Random(seed)
    officer_m = (Membership.objects.filter(user__username="community", role__code=RoleCode.CENTER_DISPATCHER)
                 .select_related("user", "region").first())
    if officer_m is None:
        return {}
    officer, community = officer_m.user, officer_m.region
    end = now()
    start = end - dt.timedelta(days=days)
    station = Station.objects.create(name=f"{community.name}爱心驿站", region=community,
                                     address=f"{community.name}党群服务中心一楼", hours="周一至周六 9:00-17:00")
    for name, desc, points, stock, limit in REWARDS:
        Reward.objects.create(name=name, description=desc, points=points, stock=stock, per_person_limit=limit,
                              station=station)

    people = [User.objects.get(username="volunteer")] + [_helper(f"volunteer{i}", rng)
                                                         for i in range(2, 13)]
    with clock_at(start):
        for i, user in enumerate(people):
            kind = VolunteerKind.COURIER if i == 0 else rng.choice(KINDS)
            v = p.volunteer_apply(actor=user, kind=kind, community_id=community.pk, employer=EMPLOYERS[kind])
            p.volunteer_act(actor=officer, volunteer=v, action="verify", values={"note": "身份信息已核实"})

    claims = redeemed = 0
    for day in range(days):
        t = start + dt.timedelta(days=day, hours=10)
        for user in people:
            if rng.random() > 0.35:
                continue
            key = rng.choice(CLAIMS)
            with clock_at(t + dt.timedelta(minutes=rng.randrange(480))):
                try:
                    c = p.claim_submit(actor=user, item_key=key, note="按要求完成,已拍照留存",
                                       happened_on=local(t).date(), photos=[_photo(rng)])
                    p.claim_act(actor=officer, claim=c, action="approve", values={"note": "情况属实"})
                    claims += 1
                except ApplicationError:
                    continue  # a cap: the officer would refuse it too
        if day % 9 == 8:
            user = rng.choice(people)
            reward = rng.choice(list(Reward.objects.filter(station=station)))
            with clock_at(t + dt.timedelta(hours=5)):
                try:
                    r = p.redeem(actor=user, reward_id=reward.pk)
                    p.redemption_act(actor=officer, redemption=r, action="pick_up", values={"code": r.code})
                    redeemed += 1
                except ApplicationError:
                    continue  # not enough points yet, or none left
    # waiting for the officer: a claim, a reward to hand out, and a new applicant
    with clock_at(end - dt.timedelta(hours=3)) as waiting_since:
        try:  # happened that day (the day of three hours ago: after midnight, yesterday)
            p.claim_submit(actor=people[0], item_key="meeting", note="参加社区停车难议事会",
                           happened_on=local(waiting_since).date())
            p.redeem(actor=people[0], reward_id=Reward.objects.get(station=station, name__startswith="理发").pk)
        except ApplicationError:
            pass
        p.volunteer_apply(actor=_helper("volunteer13", rng), kind=VolunteerKind.RIDER,
                          community_id=community.pk, employer="某外卖平台站点")
    patrols = _patrols(rng, people[0], community, start, end)
    records = _credit(rng, community, officer, start, end)
    tasks = _tasks(people, community, officer, end)
    return {"volunteer_tasks": tasks, "volunteers": Volunteer.objects.count(), "point_claims": Claim.objects.count(),
            "point_claims_approved": claims, "redemptions": redeemed, "credit_records": records,
            "patrols": patrols}


def _patrols(rng: random.Random, user, community, start, end) -> int:
    """The demo volunteer's evening patrols, twice a week: check-ins at the start, on the way and at the end,
    over two and a half hours; the sweep awards each day."""
    from gridgov.cases.services import patrol_checkin
    from gridgov.demo.geography import point_in
    from gridgov.points.awards import sweep_patrols
    from gridgov.regions.geometry import parse_polygon
    from gridgov.regions.models import Region

    grid = Region.objects.filter(parent=community, level="grid").exclude(geometry__isnull=True).first()
    if grid is None:
        return 0
    poly = parse_polygon(grid.geometry)
    n = 0
    day = start
    while day < end - dt.timedelta(days=1):
        evening = day.replace(hour=11, minute=0)  # 19:00 in Shanghai
        for minutes in (0, 70, 150):
            with clock_at(evening + dt.timedelta(minutes=minutes)):
                lon, lat = point_in(rng, poly)
                patrol_checkin(actor=user, lon=lon, lat=lat, note="夜间巡逻")
        with clock_at(evening + dt.timedelta(minutes=151)):
            n += sweep_patrols()
        day += dt.timedelta(days=rng.choice((3, 4)))
    return n


RED = [("brave", "下班途中发现老人摔倒,及时施救并拨打120,陪同送医"), ("filial", "十年如一日照顾瘫痪在床的婆婆"),
       ("service", "疫情期间连续三个月在小区卡口值守"), ("public_good", "自费为小区安装楼道扶手"),
       ("honest", "拾到装有现金的钱包,原物归还失主")]
GREY = [("illegal_building", "在楼顶违章搭建彩钢房,经三次劝导拒不整改"), ("environment", "多次从楼上向下倾倒垃圾"),
        ("arrears", "有能力缴纳却连续两年拒缴物业费")]


def _credit(rng: random.Random, community, officer, start, end) -> int:
    """诚信红灰榜 of the community: a few red and grey records published, one appealed, one waiting."""
    from gridgov.people.models import Resident
    from gridgov.points import credit

    proposer = (Membership.objects.filter(role__code=RoleCode.GRID_WORKER, region__path__startswith=community.path)
                .select_related("user", "region").order_by("id").first())
    if proposer is None:
        return 0
    people = list(Resident.objects.filter(grid__path__startswith=proposer.region.path, is_active=True)
                  .select_related("grid").order_by("id")[:40])  # the grid worker's own grid
    rng.shuffle(people)
    n = 0
    with clock_at(start + dt.timedelta(days=10)):
        for (reason, text), resident in zip(RED + GREY, people, strict=False):  # fewer residents: fewer records
            grey = (reason, text) in GREY
            record = credit.credit_propose(actor=proposer.user, resident=resident, list_="grey" if grey else "red",
                                           reason=reason, description=text, photos=[_photo(rng)] if grey else [])
            credit.credit_act(actor=officer, record=record, action="approve", values={"note": "经核实属实"})
            n += 1
    appealed = credit.CreditRecord.objects.filter(list="grey", community=community).first()
    if appealed is not None and appealed.resident.user_id:
        with clock_at(end - dt.timedelta(days=2)):
            credit.credit_act(actor=appealed.resident.user, record=appealed, action="appeal",
                              values={"reason": "已整改,申请撤销"})
    with clock_at(end - dt.timedelta(hours=5)):
        if len(people) > len(RED + GREY):
            credit.credit_propose(actor=proposer.user, resident=people[len(RED + GREY)], list_="red",
                                  reason="service", description="组织楼栋居民开展垃圾分类宣传")
            n += 1
    return n



def _tasks(people, community, officer, end) -> int:
    """志愿任务: last week's 防汛值守 done and confirmed (three volunteers, the demo `volunteer` among them), one
    reported and waiting for the officer, and two open for this week."""
    from gridgov.points import volunteer_tasks as vt

    past = end - dt.timedelta(days=6)
    with clock_at(past - dt.timedelta(days=1)):
        flood = vt.task_publish(actor=officer, community=community, title="防汛值守", place="和平路下穿隧道",
                                description="暴雨红色预警期间,值守下穿隧道口,劝阻车辆和行人通行",
                                starts_at=past, ends_at=past + dt.timedelta(hours=4), places=4)
        takes = [vt.task_take(actor=u, task=flood) for u in people[:4]]
    with clock_at(past + dt.timedelta(hours=5)):
        for take in takes:
            vt.take_act(actor=take.user, take=take, action="report", values={"note": "值守4小时,劝阻车辆十余辆"})
    with clock_at(past + dt.timedelta(hours=20)):
        for take in takes[:3]:
            vt.take_act(actor=officer, take=take, action="confirm")
    soon = local(end).replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
    with clock_at(end - dt.timedelta(hours=2)):
        vt.task_publish(actor=officer, community=community, title="陪独居老人就医", place="区人民医院",
                        description="陪同独居老人到医院复查并送回家", starts_at=soon, ends_at=soon + dt.timedelta(hours=3),
                        places=1)
        vt.task_publish(actor=officer, community=community, title="垃圾分类桶边督导", place="小区各投放点",
                        description="早晚投放高峰在投放点指导居民分类", starts_at=soon + dt.timedelta(days=1),
                        ends_at=soon + dt.timedelta(days=1, hours=2), places=6)
    return 3
