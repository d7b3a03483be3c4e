"""协商议事 for the demo community, replayed through the services on a moved clock: topics at every step so that
each page has something to show —

- 楼道堆物集中清理 (小事): proposed by a resident, supported, discussed at a 楼院协商, voted, done and rated (closed);
- 小区增设电动自行车充电桩 (小事): passed, being carried out (milestones, one done);
- 地下车库渗水抢修 (急事): the vote is open until tomorrow; the `resident` log-in's household may still vote;
- 老旧小区加装电梯 (大事): in discussion, with its participants and a 听证会 in three days;
- 小区公共收益使用 (大事): the vote fell short of the turnout and went to the 居民会议;
- 广场舞噪音时段约定 (小事): just proposed, one supporter of three — the `resident` log-in may support it.

Residents who support and vote get accounts without a password (no log-in), as the replay's other helpers."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from gridgov.accounts.models import Membership, User
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import clock_at, local, now
from gridgov.deliberation import services as d
from gridgov.deliberation.access import may_vote_as
from gridgov.deliberation.models import Topic
from gridgov.demo.care import _helper
from gridgov.people.models import Building, Resident


def build_deliberation(*, seed: int = 83) -> dict[str, int]:
    rng = random.Random(seed)
    chief_m = Membership.objects.filter(user__username="gridchief").select_related("user", "region").first()
    worker_m = Membership.objects.filter(user__username="gridworker").select_related("user", "region").first()
    me = User.objects.filter(username="resident").first()
    if chief_m is None or worker_m is None or me is None:
        return {}
    chief, community, grid = chief_m.user, chief_m.region, worker_m.region
    mine = Resident.objects.filter(user=me).select_related("household").first()
    buildings = list(Building.objects.filter(grid=grid).order_by("number")[:6])
    if mine is None or mine.household_id is None or len(buildings) < 3:
        return {}
    home = mine.household.building
    others = [b for b in buildings if b.pk != home.pk]
    people = _voters(rng, [home, *others[:2]], exclude=mine)
    end = now()

    def at(days: float, hour: int = 10):
        return local(end - dt.timedelta(days=days)).replace(hour=hour, minute=rng.randint(0, 59))

    # 楼道堆物集中清理: from proposal to the residents' rating
    t1 = _proposed(people[0], "楼道堆物集中清理", "3号楼、5号楼楼道长期堆放纸箱和旧家具,堵塞消防通道,建议限期清理、统一清运。",
                   "minor", community, [others[0]], at(40))
    _support(t1, people[1:4], at(39))
    with clock_at(at(38)):
        d.topic_act(actor=chief, topic=t1, action="accept", values={"note": "列入本月议事"})
    _meeting(chief, t1, "building", at(36, 19), "楼前空地", "清理期限和清运费用", 18, "物业服务中心", end)
    with clock_at(at(33)):
        d.topic_act(actor=chief, topic=t1, action="open_vote",
                    values={"decision": "一周内各户自行清理,逾期由物业统一清运,费用从公共收益列支"})
    _votes(t1, people, at(32), yes=0.8, turnout=0.7)
    with clock_at(at(30)):
        d.topic_act(actor=chief, topic=t1, action="count")
    with clock_at(at(28)):
        m = d.milestone_add(actor=chief, topic=t1, title="各户自行清理", progress=60)
        d.milestone_done(actor=chief, milestone=m, note="大部分住户已清理")
    with clock_at(at(24)):
        d.topic_act(actor=chief, topic=t1, action="complete", values={"note": "楼道杂物已全部清运,消防通道畅通"})
    for p in people[:12]:
        with clock_at(at(rng.uniform(18, 23))):
            d.rate(actor=p.user, topic=t1, score=rng.choices(["satisfied", "basic", "unsatisfied"], [6, 3, 1])[0])
    with clock_at(at(16)):
        d.topic_act(actor=chief, topic=t1, action="close")

    # 小区增设电动自行车充电桩: passed, being carried out
    t2 = _proposed(chief, "小区增设电动自行车充电桩", "电动自行车多在楼道和家中充电,火灾隐患大。拟在1号楼、2号楼之间空地建集中充电棚。",
                   "minor", community, [home, *others[:2]], at(21))
    with clock_at(at(20)):
        d.topic_act(actor=chief, topic=t2, action="accept")
    _meeting(chief, t2, "doorstep", at(18, 19), "2号楼门前", "充电棚位置、收费标准", 26, "物业服务中心、街道消防站", end)
    with clock_at(at(15)):
        d.topic_act(actor=chief, topic=t2, action="open_vote",
                    values={"decision": "在1号楼、2号楼之间空地建充电棚,设充电口40个,由运营方出资、按电量收费"})
    _votes(t2, people, at(14), yes=0.75, turnout=0.65)
    with clock_at(at(12)):
        d.topic_act(actor=chief, topic=t2, action="count")
    with clock_at(at(11)):
        m1 = d.milestone_add(actor=chief, topic=t2, title="确定运营方并签订协议", progress=40,
                             due_on=(end - dt.timedelta(days=5)).date())
        d.milestone_add(actor=chief, topic=t2, title="充电棚建成投入使用", progress=100,
                        due_on=(end + dt.timedelta(days=20)).date())
    with clock_at(at(6)):
        d.milestone_done(actor=chief, milestone=m1, note="已与运营方签约")

    # 地下车库渗水抢修: the vote is open
    t3 = _proposed(chief, "地下车库渗水抢修", "地下车库顶板渗水严重,拟动用维修资金紧急抢修。", "urgent", community, [home],
                   end - dt.timedelta(hours=20))
    with clock_at(end - dt.timedelta(hours=19)):
        d.topic_act(actor=chief, topic=t3, action="accept",
                    values={"decision": "同意动用专项维修资金抢修地下车库顶板,预算约8万元",
                            "vote_until": (end + dt.timedelta(days=1)).date()})
    _votes(t3, people, end - dt.timedelta(hours=18), yes=0.9, turnout=0.4)

    # 老旧小区加装电梯: in discussion, a hearing to come
    t4 = _proposed(chief, "老旧小区加装电梯", "小区多为六层无电梯住宅,老年住户上下楼困难。拟申请加装电梯,费用按楼层系数分摊。",
                   "major", community, [], at(9))
    with clock_at(at(8)):
        d.topic_act(actor=chief, topic=t4, action="accept", values={"note": "涉及面广,按大事大议程序"})
        for kind, name in (("representative", "居民代表 张建国"), ("property", "物业服务中心"),
                           ("department", "街道城建办"), ("expert", "电梯安装企业技术人员")):
            d.participant_set(actor=chief, topic=t4, kind=kind, name=name)
    with clock_at(at(6)):
        d.topic_act(actor=chief, topic=t4, action="fix_participants")
    for p, text in zip(people[4:7], ["支持加装,家里老人下楼太难了", "一楼住户不需要电梯,希望不分摊费用",
                                     "建议先选一栋楼试点"], strict=False):
        with clock_at(at(rng.uniform(2, 5))):
            d.comment(actor=p.user, topic=t4, body=text)
    with clock_at(at(1)):
        d.meeting_schedule(actor=chief, topic=t4, kind="hearing", starts_at=end + dt.timedelta(days=3),
                           place="社区党群服务中心二楼会议室", agenda="1. 加装方案介绍 2. 费用分摊听证 3. 低层住户意见")

    # 小区公共收益使用: fell short of the turnout
    t5 = _proposed(chief, "小区公共收益使用", "小区停车和广告公共收益约12万元,拟用于更换单元门禁和修缮健身器材。", "major",
                   community, [], at(30))
    with clock_at(at(29)):
        d.topic_act(actor=chief, topic=t5, action="accept")
        d.topic_act(actor=chief, topic=t5, action="fix_participants")
    with clock_at(at(20)):
        d.topic_act(actor=chief, topic=t5, action="open_vote",
                    values={"decision": "公共收益12万元用于更换单元门禁(8万元)和修缮健身器材(4万元)"})
    _votes(t5, people, at(18), yes=0.6, turnout=0.1)
    with clock_at(at(13)):
        d.topic_act(actor=chief, topic=t5, action="count")

    # 广场舞噪音时段约定: just proposed
    t6 = _proposed(people[5], "广场舞噪音时段约定", "小区广场舞音响声音大、结束晚,影响休息。建议约定活动时段在19:00—21:00,音量适中。",
                   "minor", community, [], at(2))
    _support(t6, people[6:7], at(1))
    from gridgov.demo.history import staff_read_messages

    staff_read_messages(end)  # what came before today has been read
    return {"topics": Topic.objects.filter(region_path__startswith=community.path).count()}


def _voters(rng, buildings, *, exclude) -> list[Resident]:
    """One adult per household of these buildings, with a helper account (no log-in)."""
    out, seen = [], set()
    rows = (Resident.objects.filter(household__building__in=buildings, is_active=True)
            .filter(Q(user__isnull=True)).select_related("household").order_by("household_id", "pk"))
    for r in rows:
        if r.household_id in seen or r.household_id == exclude.household_id:
            continue
        seen.add(r.household_id)
        r.user = _helper(f"delib_{r.pk}", rng)
        r.save(update_fields=["user"])
        out.append(r)
    rng.shuffle(out)
    return out


def _proposed(proposer, title, body, scale, community, buildings, at) -> Topic:
    user = proposer.user if isinstance(proposer, Resident) else proposer
    with clock_at(at):
        return d.topic_propose(actor=user, title=title, body=body, scale=scale, region=community, buildings=buildings)


def _support(topic, residents, at) -> None:
    for i, r in enumerate(residents):
        with clock_at(at + dt.timedelta(hours=i)):
            d.support(actor=r.user, topic=topic)


def _meeting(chief, topic, kind, starts_at, place, agenda, attendees, organisations, end) -> None:
    with clock_at(starts_at - dt.timedelta(days=2)):
        m = d.meeting_schedule(actor=chief, topic=topic, kind=kind, starts_at=starts_at, place=place, agenda=agenda)
    if starts_at < end:
        with clock_at(starts_at + dt.timedelta(hours=2)):
            d.meeting_close(actor=chief, meeting=m, closing_report="多数居民同意方案,个别意见会后沟通",
                            attendees_count=attendees, attending_organizations=organisations,
                            minutes=f"{agenda}。与会居民逐一发言,形成拟表决决议。")


def _votes(topic, people, at, *, yes: float, turnout: float) -> None:
    """`turnout` of the topic's households vote, `yes` of them for; every fifth ballot is on paper."""
    rng = random.Random(topic.pk)
    topic.refresh_from_db()
    chief = Membership.objects.filter(user__username="gridchief").select_related("user").first().user
    eligible = [r for r in people if may_vote_as(topic, r)]
    for i, r in enumerate(eligible[: max(1, round(topic.electorate * turnout))]):
        choice = "yes" if rng.random() < yes else rng.choice(["no", "abstain"])
        with clock_at(at + dt.timedelta(minutes=7 * i)):
            try:
                if i % 5 == 4:
                    d.ballot_enter(actor=chief, topic=topic, resident=r, choice=choice, channel="paper")
                else:
                    d.vote(actor=r.user, topic=topic, choice=choice)
            except ApplicationError:
                continue
