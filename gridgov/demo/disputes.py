"""A year of disputes for the demo district, replayed through the mediation services on a moved clock: every
type of the common ones, the three colours (some re-rated on the way), sources with their linkages, and the
outcomes mediation has — agreements (written or oral, some that prevented a crime or a group petition) followed
up and closed, failures, hand-overs to court or police, and the recent ones still being mediated; the mediator
pool's specialities and each town's 婚姻家庭调解室; and the county center's window (一窗受理), its 诉求 passed
between the stationed offices."""

from __future__ import annotations

import datetime as dt
import random

from gridgov.accounts.models import Membership, RoleCode
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import LOCAL_TZ, clock_at, now
from gridgov.demo.geography import point_in
from gridgov.demo.names import SURNAMES
from gridgov.mediation import services as m
from gridgov.mediation.models import Dispute
from gridgov.mediation.sweeper import sweep_disputes
from gridgov.orgs.models import OrgUnit, UnitKind
from gridgov.regions.geometry import parse_polygon
from gridgov.regions.models import Level, Region

# (type, weight, title, summary)
KINDS = [
    ("0201", 16, "楼上漏水纠纷", "楼上卫生间漏水渗到楼下,楼下住户要求维修赔偿,双方多次争吵"),
    ("0201", 8, "相邻通行纠纷", "一方在公共通道堆放杂物,影响邻居通行,协商未果"),
    ("0203", 6, "噪音扰民纠纷", "楼上住户夜间装修和走动噪音大,楼下住户多次投诉"),
    ("0102", 9, "赡养纠纷", "老人子女对赡养费分担有分歧,老人生活费无着落"),
    ("0101", 5, "婚姻家庭纠纷", "夫妻因家庭琐事长期争吵,女方回娘家,双方亲属介入"),
    ("0103", 4, "继承纠纷", "兄弟姐妹对父母遗留房屋的继承分配意见不一"),
    ("0402", 10, "物业服务纠纷", "业主对物业收费和服务质量不满,拒交物业费"),
    ("07", 8, "劳资纠纷", "工地拖欠工人工资,工人聚集讨要"),
    ("06", 6, "房屋租赁纠纷", "租客提前退租,房东扣押押金不退"),
    ("05", 5, "交通事故赔偿纠纷", "电动车与行人碰撞致伤,双方对赔偿金额有争议"),
    ("06", 4, "消费纠纷", "业主装修后发现材料质量问题,与装修公司协商无果"),
    ("11", 2, "拆违纠纷", "违章搭建被要求拆除,当事人认为补偿不合理"),
]
SOURCES = [("application", 45), ("initiative", 25), ("police", 12), ("court", 6), ("petition", 5),
           ("government", 2), ("case", 5)]
SESSIONS = ["双方到场陈述事实,调解员释法明理", "调解员与社区民警共同上门了解情况", "背对背做双方工作,分歧逐步缩小",
            "邀请公益法律咨询室律师参与,讲解相关法律规定"]
AGREEMENTS = ["一方负责维修并赔偿损失,十日内付清", "双方互谅互让,当面赔礼道歉,今后不再发生类似情况",
              "子女按月分担赡养费,每月5日前支付", "分期支付拖欠款项,首期本月底前支付", "退还押金的八成,其余作为违约金"]


def _mediators() -> dict[int, object]:
    """One mediator per committee (the demo log-in's, or a helper account without a password)."""
    from gridgov.demo.history import _staff

    out = {}
    for unit in OrgUnit.objects.filter(kind=UnitKind.MEDIATION_COMMITTEE).select_related("region"):
        existing = Membership.objects.filter(unit=unit, role__code=RoleCode.MEDIATOR).select_related("user").first()
        out[unit.pk] = existing.user if existing else _staff(f"mediator-{unit.code.lower()}", RoleCode.MEDIATOR,
                                                             unit.region, unit)
    return out


def build_disputes(*, days: int = 365, per_week: int = 5, seed: int = 31) -> dict[str, int]:
    from gridgov.demo.history import _actors, _awake

    rng = random.Random(seed)
    dispatchers = _actors()["dispatchers"]
    mediators = _mediators()
    _specialities(rng, mediators)
    committees = {u.region_id: u for u in OrgUnit.objects.filter(kind=UnitKind.MEDIATION_COMMITTEE)}
    centers = {u.region_id: u for u in OrgUnit.objects.filter(kind=UnitKind.GOVERNANCE_CENTER)}
    grids = list(Region.objects.filter(level=Level.GRID, is_active=True).exclude(geometry__isnull=True)
                 .select_related("parent__parent"))
    end = now()
    start = end - dt.timedelta(days=days)
    n = days * per_week // 7
    made = 0
    for _ in range(n):
        t = _awake(rng, start + dt.timedelta(seconds=rng.randrange(int((end - start).total_seconds()))))
        if t >= end:
            continue
        grid = rng.choice(grids)
        community, town = grid.parent, grid.parent.parent
        red = rng.random() < 0.08
        committee = committees.get(town.pk if red or rng.random() < 0.3 else community.pk)
        center = centers.get(community.pk) or centers.get(town.pk)
        dispatcher = dispatchers.get(center.pk) if center else None
        if committee is None or dispatcher is None:
            continue
        try:
            _one(rng, t, end, grid, committee, mediators[committee.pk], dispatcher, red)
            made += 1
        except ApplicationError:
            continue
    made += _from_cases(rng, dispatchers, end)
    made += _window(rng, dispatchers, end)
    with clock_at(end):
        sweep_disputes()
    from gridgov.demo.history import staff_read_messages

    staff_read_messages(end)
    return {"disputes": made}


def _specialities(rng, mediators: dict[int, object]) -> None:
    """Each town's committee keeps a 婚姻家庭调解室; each mediator has a kind and one or two specialities."""
    from gridgov.mediation.models import CommitteeProfile, DisputeType, MediatorProfile

    family = DisputeType.objects.get(code="01")
    classes = list(DisputeType.objects.filter(code__in=["01", "02", "04", "05", "06", "07"]))
    for unit in OrgUnit.objects.filter(kind=UnitKind.MEDIATION_COMMITTEE, region__level=Level.TOWN):
        profile, _ = CommitteeProfile.objects.get_or_create(unit=unit, defaults={"room": "婚姻家庭调解室"})
        profile.specialities.add(family)
    for user in dict.fromkeys(mediators.values()):
        profile, created = MediatorProfile.objects.get_or_create(
            user=user, defaults={"kind": rng.choice(["full_time", "part_time", "part_time", "lawyer"])})
        if created:
            profile.specialities.set(rng.sample(classes, rng.choice([1, 2])))


CONSULT_DECISIONS = ["派出所负责稳控,司法所牵头调解,三日内反馈", "调委会组织调解,法庭提供诉前指导,律师释法明理",
                     "信访办牵头答复诉求,派出所做好现场秩序维护,社区每日走访"]

WINDOW = [  # (type, title, summary, the offices in turn, how the last concludes it)
    ("0799", "农民工讨薪", "某工地拖欠十余名农民工工资,工人到县综治中心反映", ["hrss", "court"], "mediated"),
    ("0799", "解除劳动合同补偿争议", "公司解除劳动合同未支付经济补偿", ["justice", "hrss"], "arbitrated"),
    ("0699", "装修合同纠纷", "装修工程质量争议,双方多次协商不成", ["justice", "court"], "judged"),
    ("1499", "不服判决申诉", "当事人对民事判决执行有异议,要求监督", ["court", "procuratorate"], "supervised"),
    ("1199", "征收补偿诉求", "房屋征收补偿标准有异议,多次信访", ["petition", "justice"], "mediated"),
    ("0201", "邻里宅基地通行纠纷", "宅基地通行权争执,曾发生推搡", ["police", "justice"], "mediated"),
]


def _window(rng, dispatchers, end) -> int:
    """The county center's window: 诉求 taken once and passed between the stationed offices (调裁审检); the last
    four, taken in the past fortnight, still with an office (whatever the random draws, so the board is never empty)."""
    district = Region.objects.filter(level=Level.DISTRICT).first()
    center = OrgUnit.objects.filter(kind=UnitKind.GOVERNANCE_CENTER, region=district).first()
    dispatcher = dispatchers.get(center.pk) if center else None
    grids = list(Region.objects.filter(level=Level.GRID, is_active=True))
    if dispatcher is None or not grids:
        return 0
    made = 0
    for i in range(24):
        kind, title, summary, stations, outcome = WINDOW[i % len(WINDOW)]
        recent = i >= 20
        t = end - dt.timedelta(days=rng.randint(8, 14) if recent else rng.randint(2, 300), hours=rng.randint(0, 8))
        names = [rng.choice(SURNAMES) + rng.choice(["某", "先生", "女士"]) for _ in range(2)]
        try:
            with clock_at(t):
                d = m.dispute_register(actor=dispatcher, title=title, dispute_type=kind, source="application",
                                       summary=summary, occurred_on=(t - dt.timedelta(days=3)).astimezone(LOCAL_TZ).date(),
                                       parties=[{"role": "applicant", "name": names[0]},
                                                {"role": "respondent", "name": names[1]}],
                                       grid=rng.choice(grids), people_involved=12 if "农民工" in title else 2,
                                       risk_level="yellow" if "农民工" in title else "blue", window=True)
            for station in stations[:1] if recent else stations:
                t += dt.timedelta(days=rng.randint(1, 6))
                if t >= end:
                    break
                with clock_at(t):
                    m.dispute_relay(dispute=Dispute.objects.get(pk=d.pk), actor=dispatcher, to=station,
                                    receipt="窗口签收", note="按诉求性质分流至入驻单位")
            t += dt.timedelta(days=rng.randint(3, 20))
            if t < end and not recent:
                with clock_at(t):
                    m.dispute_station_close(dispute=Dispute.objects.get(pk=d.pk), actor=dispatcher, outcome=outcome,
                                            note="入驻单位依法办结,已告知当事人",
                                            amount="8000" if outcome == "mediated" else "")
            made += 1
        except ApplicationError:
            continue
    return made


def _from_cases(rng, dispatchers, end, limit: int = 12) -> int:
    """Some 矛盾纠纷 cases of the case history go on as disputes (转为矛盾纠纷), the day after they were reported."""
    from gridgov.cases.models import Case

    made = 0
    for case in Case.objects.filter(category__code__startswith="21", state__in=["accepted", "dispatched", "handling",
                                                                             "closed"]).order_by("created_at")[:limit]:
        dispatcher = dispatchers.get(case.owner_center_id)
        t = case.created_at + dt.timedelta(days=1)
        if dispatcher is None or t >= end:
            continue
        try:
            with clock_at(t):
                m.dispute_from_case(actor=dispatcher, case=case, dispute_type="0201" if case.category.code == "2101"
                                    else "0402" if case.category.code == "2103" else "07",
                                    parties=[{"role": "applicant", "name": case.reporter_name or "反映人"}],
                                    risk_level=rng.choice(["blue", "blue", "yellow"]))
            made += 1
        except ApplicationError:
            continue
    return made


def _one(rng, t, end, grid, committee, mediator, dispatcher, red) -> Dispute | None:
    from gridgov.demo.history import _awake

    def step(low, high):
        nonlocal t
        t = _awake(rng, t + dt.timedelta(minutes=rng.randint(low, high)))
        return t < end

    def act(fn, **kw):
        with clock_at(t):
            return fn(dispute=Dispute.objects.get(pk=d.pk), **kw)

    kind, _, title, summary = rng.choices(KINDS, weights=[k[1] for k in KINDS])[0]
    source = rng.choices([s for s, _ in SOURCES], weights=[w for _, w in SOURCES])[0]
    source = "application" if source == "case" else source  # conversions come from the case history
    ref = {"police": "警调转字", "court": "诉前调字", "petition": "信访转字"}.get(source, "")
    names = [rng.choice(SURNAMES) + rng.choice(["某", "先生", "女士", "某某"]) for _ in range(2)]
    level = "red" if red else rng.choices(["blue", "yellow"], weights=[75, 25])[0]
    lon, lat = point_in(rng, parse_polygon(grid.geometry))
    with clock_at(t):
        d = m.dispute_register(
            actor=dispatcher, title=title, dispute_type=kind, source=source, summary=summary,
            occurred_on=(t.astimezone(LOCAL_TZ) - dt.timedelta(days=rng.randint(0, 3))).date(),
            parties=[{"role": "applicant", "name": names[0]}, {"role": "respondent", "name": names[1]}],
            lon=lon, lat=lat, grid=grid, people_involved=rng.choice([2, 2, 2, 3, 4, 6, 12 if kind == "07" else 2]),
            scale="02" if kind == "07" and rng.random() < 0.4 else "01", risk_level=level,
            source_ref=f"({t.year}){ref}{rng.randint(1, 300):03d}号" if ref else "")
    if not step(30, 600):
        return d
    if rng.random() < 0.03:
        act(m.dispute_reject, actor=dispatcher, reason="不属于人民调解受理范围,已告知当事人向有关部门反映")
        return d
    act(m.dispute_accept, actor=dispatcher, committee=committee, mediator=mediator)
    if not step(60, 1440):
        return d
    if red:  # 红色: the town center calls the 联合会商 (一会三室, "1+1+1")
        if not step(60, 720):
            return d
        act(m.dispute_consult, actor=dispatcher, place="街道综治中心",
            participants=rng.choice(["司法所、派出所、人民法庭、调委会", "司法所、派出所、信访办、律师、调委会"]),
            note="研判纠纷风险及当事人诉求,可能激化", decision=rng.choice(CONSULT_DECISIONS))
    act(m.dispute_start, actor=mediator, note="已告知当事人权利义务")
    for _ in range(rng.choice([1, 1, 2, 3])):
        if not step(600, 4320):
            return d
        act(m.dispute_record_session, actor=mediator, note=rng.choice(SESSIONS), place="调解室",
            participants=rng.choice(["调解员", "调解员、社区民警", "调解员、律师", "调解员、网格员"]))
        if rng.random() < 0.15:
            current = Dispute.objects.get(pk=d.pk).risk_level.code
            target = {"blue": "yellow", "yellow": rng.choice(["blue", "red"]), "red": "yellow"}[current]
            act(m.dispute_rerate, actor=mediator, risk_level=target,
                reason="情绪激动,有激化可能" if target != "blue" else "双方情绪平稳,风险降低")
    if rng.random() < 0.05 and step(60, 1440):
        act(m.dispute_extend, actor=mediator, days=15, reason="双方同意延长调解期限")
    if not step(600, 7200):
        return d
    roll = rng.random()
    if roll < 0.08:
        act(m.dispute_fail, actor=mediator, reason="双方分歧较大,已告知可通过诉讼途径解决",
            may_escalate=Dispute.objects.get(pk=d.pk).risk_level.code == "red")
        return d
    if roll < 0.13:
        act(m.dispute_hand_over, actor=dispatcher, to=rng.choice(["court", "police"]), receipt="",
            reason="当事人要求通过诉讼解决" if rng.random() < 0.6 else "涉嫌违法,移交公安机关处理")
        return d
    written = rng.random() < 0.65
    level = Dispute.objects.get(pk=d.pk).risk_level.code
    act(m.dispute_agree, actor=mediator, kind="written" if written else "oral", content=rng.choice(AGREEMENTS),
        amount=str(rng.choice([0, 500, 800, 2000, 3500, 12000])) if written else "",
        prevented_crime=level != "blue" and rng.random() < 0.3,
        prevented_petition=kind == "07" and rng.random() < 0.5)
    if not step(1440, 20160):
        return d
    if rng.random() < 0.4:
        act(m.dispute_record_performance, actor=mediator, note="已按协议履行,有收条")
    if rng.random() < 0.85 and step(60, 4320):
        act(m.dispute_follow_up, actor=mediator, performed=True, note="电话回访,协议已履行,双方满意")
    return d
