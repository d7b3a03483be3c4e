"""掌上社区 for the demo: what 和平社区 (and 青禾街道 above it) published — a notice that needs a receipt, a policy,
two 办事指南, news, an activity with places left —, two 我要办事 matters of the `resident` log-in (one answered by
the community, one waiting), and a week of service slots with one of them booked."""

from __future__ import annotations

import datetime as dt

from gridgov.accounts.models import Membership, User
from gridgov.core.timeutil import clock_at, local, now
from gridgov.portal import services as p


def build_portal() -> dict[str, int]:
    officer_m = Membership.objects.filter(user__username="community").select_related("user", "region__parent").first()
    town_m = Membership.objects.filter(user__username="town").select_related("user", "region").first()
    me = User.objects.filter(username="resident").first()
    if officer_m is None or town_m is None or me is None:
        return {}
    officer, community = officer_m.user, officer_m.region
    end = now()
    day = local(end).replace(hour=9, minute=0, second=0, microsecond=0)

    def publish(actor, region, at, **values):
        with clock_at(at):
            a = p.article_save(actor=actor, region=region, **values)
            return p.article_act(actor=actor, article=a, action="publish")

    publish(officer, community, end - dt.timedelta(days=1), kind="notice", title="12月6日小区停水通知",
            body="因供水管网改造,12月6日8:00—18:00小区1—6号楼停水,请提前储水。", requires_receipt=True, pinned=True)
    publish(town_m.user, town_m.region, end - dt.timedelta(days=20), kind="policy", title="青禾街道高龄津贴发放办法",
            body="本街道户籍80周岁以上老人每月发放高龄津贴:80—89周岁100元,90—99周岁300元,100周岁以上800元。")
    publish(officer, community, end - dt.timedelta(days=30), kind="guide", title="居住证办理",
            body="在本社区居住满半年、有合法稳定就业或住所的流动人口可申领居住证。",
            guide_materials="身份证原件及复印件、租房合同或房产证明、一寸照片两张",
            guide_steps="1. 社区服务中心登记\n2. 派出所审核\n3. 约15个工作日后领证", guide_where="和平社区党群服务中心一楼",
            guide_hours="工作日 9:00—12:00、14:00—17:30")
    publish(officer, community, end - dt.timedelta(days=25), kind="guide", title="老年人优待证办理",
            body="60周岁以上老人可办理老年人优待证,凭证享受公园、公交等优待。", guide_materials="身份证、一寸照片一张",
            guide_steps="社区窗口受理,当场办结", guide_where="和平社区党群服务中心一楼")
    publish(officer, community, end - dt.timedelta(days=3), kind="news", title="社区开展消防安全演练",
            body="12月1日,社区联合消防站开展消防演练,200余名居民参加。")
    publish(officer, community, end - dt.timedelta(days=2), kind="activity", title="周末亲子手工课",
            body="社区邀请志愿者老师带孩子们做灯笼,欢迎报名。", starts_at=day + dt.timedelta(days=3, hours=5),
            place="社区活动室", capacity=20)
    with clock_at(end - dt.timedelta(days=2, hours=3)):
        done = p.conversation_open(actor=me, subject="开具居住证明", body="想开一份居住证明给孩子上学用,需要带什么?")
    with clock_at(end - dt.timedelta(days=2, hours=2, minutes=35)):
        p.message_post(actor=done.assigned_to or officer, conversation=done,
                       body="您好,带户口本和房产证(或租房合同)到社区服务中心一楼即可当场开具。")
    with clock_at(end - dt.timedelta(hours=5)):
        p.conversation_open(actor=me, subject="小区路灯不亮", body="3号楼前路灯坏了好几天,晚上很黑。")
    slots = []
    for i in range(1, 6):
        start = day + dt.timedelta(days=i)
        with clock_at(end):
            slots.append(p.slot_create(actor=officer, region=community, kind="service", service="老年人优待证办理",
                                       starts_at=start, ends_at=start + dt.timedelta(hours=3), capacity=10))
            home = start + dt.timedelta(hours=5)
            slots.append(p.slot_create(actor=officer, region=community, kind="home_visit", service="上门为行动不便老人认证",
                                       starts_at=home, ends_at=home + dt.timedelta(hours=1), capacity=2))
    with clock_at(end):
        p.book(actor=me, slot=slots[0], note="给母亲办理")
    from gridgov.demo.history import staff_read_messages

    staff_read_messages(end)  # what came before today has been read
    return {"articles": 6, "slots": len(slots)}
