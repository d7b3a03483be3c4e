"""积分统计 on a hand-worked example: two volunteers of community A, one of town B (out of sight of A's officer).

    courier_a: patrol 10 (claim), meeting 5 (claim), flood_duty 15 (claim, then reversed): net 15, redeems nothing
    rider_s:   clue 50 (claim, town-approved), redeems the mug (30) and the soap (20), cancels the soap
    town B:    retiree_b: patrol 10 — not counted for A's officer

A's officer sees: issued 10 + 5 + 15 − 15 + 50 = 65; spent 30 + 20 − 20 = 30; by item patrol 10, meeting 5,
flood_duty 0 (awarded and reversed: left out), clue 50; by reward 保温杯 30 (洗衣液 spent and refunded: left
out); top (net of reversals): rider_s 50, courier_a 15; volunteers: couriers 1 registered 1 verified 1 active, riders 1/1/1."""

from __future__ import annotations

import datetime as dt

from gridgov.core.timeutil import local_today, now
from gridgov.points.models import PointItem, Transfer, Volunteer, VolunteerKind
from gridgov.points.services import (
    award_reverse,
    claim_act,
    claim_submit,
    redeem,
    redemption_act,
    volunteer_act,
    volunteer_apply,
)
from gridgov.points.stats import points_stats
from tests.cases.conftest import photo
from tests.conftest import make_user
from tests.points.conftest import grant, make_volunteer


def _claim(pw, user, key, officer=None):
    c = claim_submit(actor=user, item_key=key, note="按要求完成", happened_on=local_today(), photos=[photo()])
    claim_act(actor=officer or pw.officer, claim=c, action="approve")
    return c


def test_points_statistics_on_a_hand_worked_example(pw):
    cw = pw.cw
    grant(cw.town_dispatcher, "center_leader", cw.w.town_a)
    a = pw.volunteer
    _claim(pw, a, "patrol")
    _claim(pw, a, "meeting")
    flood = _claim(pw, a, "flood_duty")
    award_reverse(actor=cw.town_dispatcher, transfer=flood.award, reason="重复申报")
    rider = make_volunteer(cw, "rider_s")
    Volunteer.objects.filter(user=rider).update(kind=VolunteerKind.RIDER)
    _claim(pw, rider, "clue", officer=cw.town_dispatcher)
    redeem(actor=rider, reward_id=pw.mug.pk)
    soap = redeem(actor=rider, reward_id=pw.soap.pk)
    redemption_act(actor=rider, redemption=soap, action="cancel")

    b = make_user("retiree_b")
    v = volunteer_apply(actor=b, kind=VolunteerKind.RETIREE, community_id=cw.w.comm_b.pk)
    volunteer_act(actor=cw.w.user_b, volunteer=v, action="verify")
    c = claim_submit(actor=b, item_key="patrol", note="巡逻", happened_on=local_today(), photos=[photo()])
    claim_act(actor=cw.w.user_b, claim=c, action="approve")

    s = points_stats(actor=pw.officer, start=now() - dt.timedelta(days=1), end=now() + dt.timedelta(minutes=1))
    assert (s["issued"], s["spent"], s["expired"], s["balance"]) == (65, 30, 0, 35)
    assert [(r["name"], r["count"], r["points"]) for r in s["by_item"]] == [
        ("提供涉黑涉恶、重大隐患线索经核实", 1, 50), ("参加治安巡逻(每次满2小时)", 1, 10), ("参加居民议事会", 1, 5)]
    assert [(r["name"], r["count"], r["points"]) for r in s["by_reward"]] == [("保温杯", 1, 30)]
    assert [(t["name"], t["points"]) for t in s["top"]] == [("rider_s", 50), ("courier_a", 15)]
    assert [(k["kind"], k["registered"], k["verified"], k["active"]) for k in s["volunteers"]] == [
        ("courier", 1, 1, 1), ("rider", 1, 1, 1)]
    assert s["waiting"] == {"volunteers": 0, "claims": 0, "redemptions": 1}
    assert [(f["name"], f["reason"]) for f in s["flagged"]] == []  # courier_a's balance never went below zero

    town_b = points_stats(actor=cw.w.user_b, start=now() - dt.timedelta(days=1), end=now() + dt.timedelta(minutes=1))
    assert (town_b["issued"], [t["name"] for t in town_b["top"]]) == (10, ["retiree_b"])
    assert Transfer.objects.count() >= 8 and PointItem.objects.filter(key="clue").exists()
