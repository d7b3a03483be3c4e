"""The closed loop of the field reports: 注册志愿者 — 发现问题 — 反馈社区 — 获得积分 — 积分兑换; and what earns nothing
(a rejected report, a duplicate, a report of someone not verified), caps, and awards made once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from gridgov.cases import services as cs
from gridgov.cases.models import Case
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.points.awards import sweep_awards
from gridgov.points.ledger import member_account, problems
from gridgov.points.models import Account, PointItem, PointsEvent, Transfer, TransferKind, VolunteerState
from gridgov.points.services import item_revise, redeem, redemption_act, volunteer_act, volunteer_apply
from gridgov.points.sweeper import sweep_points
from tests.cases.conftest import photo
from tests.points.conftest import make_volunteer


def _report(pw, user=None, **kw):
    values = dict(actor=user or pw.volunteer, channel="resident_app", description="快递站门口井盖缺失,有人差点踩空",
                  category="1101", lon=120.005, lat=30.01, photos=[photo()])
    values.update(kw)
    case, _ = cs.case_report(**values)
    return case


def _fresh(case):
    return Case.objects.get(pk=case.pk)


def _balance(user) -> int:
    return Account.objects.get(user=user).balance


def test_the_whole_loop_from_a_volunteers_report_to_a_redeemed_reward(pw):
    cw = pw.cw
    case = _report(pw)
    assert sweep_points() == 0  # reported, not yet accepted: nothing earned
    cs.case_accept(case=_fresh(case), actor=cw.dispatcher)
    assert sweep_points() == 1
    assert _balance(pw.volunteer) == 5
    cs.case_dispatch(case=_fresh(case), actor=cw.dispatcher, unit=cw.cg)
    cs.case_acknowledge(case=_fresh(case), actor=cw.handler_cg)
    cs.case_report_done(case=_fresh(case), actor=cw.handler_cg, note="已补装井盖", photos=[photo()])
    cs.case_verify(case=_fresh(case), actor=cw.w.worker_a, passed=True)
    assert sweep_points() == 1
    assert _balance(pw.volunteer) == 8
    awards = Transfer.objects.filter(kind=TransferKind.AWARD, case=case).order_by("id")
    assert [a.item.key for a in awards] == ["report_accepted", "report_fixed"]

    # three more accepted reports elsewhere: 23 points, enough for the soap (20)
    for i in range(3):
        other = _report(pw, lon=120.005, lat=30.003 + 0.005 * i, description=f"路灯不亮第{i}处")
        cs.case_accept(case=_fresh(other), actor=cw.dispatcher)
    sweep_points()
    assert _balance(pw.volunteer) == 23
    r = redeem(actor=pw.volunteer, reward_id=pw.soap.pk)
    assert r.state == "reserved" and len(r.code) == 8
    assert _balance(pw.volunteer) == 3
    with pytest.raises(ApplicationError) as e:
        redemption_act(actor=pw.officer, redemption=r, action="pick_up", values={"code": "00000000"})
    assert e.value.code == "wrong_code"
    redemption_act(actor=pw.officer, redemption=r, action="pick_up", values={"code": r.code})
    r.refresh_from_db()
    assert r.state == "picked_up"
    assert [ev.action for ev in PointsEvent.objects.filter(subject="redemption", subject_id=r.pk)] == [
        "redeem", "pick_up"]
    assert problems() == []
    call_command("points_check")


def test_rejected_and_duplicate_reports_earn_nothing(pw):
    cw = pw.cw
    rejected = _report(pw)
    cs.case_reject(case=_fresh(rejected), actor=cw.dispatcher, reason="不属于网格事项")
    first = _report(pw, lon=120.0151, lat=30.005)
    cs.case_accept(case=_fresh(first), actor=cw.dispatcher)
    near = _report(pw, lon=120.0152, lat=30.005, description="同一处的井盖")  # 10 m away, same category
    cs.case_accept(case=_fresh(near), actor=cw.dispatcher)
    assert sweep_awards() == 1  # the first one only
    withheld = PointsEvent.objects.get(action="award_withheld")
    assert "疑似重复" in withheld.note and str(first.pk) in withheld.note
    assert _balance(pw.volunteer) == 5

    # a duplicate found only after it earned: merged, its points are taken back by a reversal
    later = _report(pw, lon=120.0181, lat=30.015, description="另一处")
    cs.case_accept(case=_fresh(later), actor=cw.dispatcher)
    sweep_awards()
    assert _balance(pw.volunteer) == 10
    cs.case_merge(case=_fresh(later), actor=cw.dispatcher, target=_fresh(first))
    assert sweep_awards() == 1
    assert _balance(pw.volunteer) == 5
    award = Transfer.objects.get(source_key=f"case:{later.pk}:case_accepted")
    assert award.reversed_by.kind == TransferKind.REVERSAL and award.reversed_by.amount == 5
    assert sweep_awards() == 0  # run again: nothing twice
    assert problems() == []


def test_only_verified_volunteers_earn(pw):
    cw = pw.cw
    applicant = make_volunteer(cw, "rider_b", verify=False)
    from gridgov.accounts.services import membership_grant

    membership_grant(actor=None, user=applicant, role_code="resident", region=cw.w.grid_a_west)
    a = _report(pw, user=applicant, lon=120.002)
    b = _report(pw, user=cw.w.resident_user, lon=120.008, lat=30.003)  # a resident, not a volunteer
    for c in (a, b):
        cs.case_accept(case=_fresh(c), actor=cw.dispatcher)
    assert sweep_awards() == 0
    assert not Transfer.objects.exists()

    suspended = make_volunteer(cw, "retiree_c")
    volunteer_act(actor=cw.dispatcher, volunteer=suspended.volunteer, action="suspend", values={"reason": "虚报"})
    c = _report(pw, user=suspended, lon=120.003, lat=30.017)
    cs.case_accept(case=_fresh(c), actor=cw.dispatcher)
    assert sweep_awards() == 0


def test_volunteer_registration_is_verified_by_their_community(pw):
    cw = pw.cw
    user = make_volunteer(cw, "party_d", verify=False)
    v = user.volunteer
    with pytest.raises(PermissionDenied):
        volunteer_act(actor=cw.w.user_b, volunteer=v, action="verify")  # town B: not their community
    with pytest.raises(PermissionDenied):
        volunteer_act(actor=user, volunteer=v, action="verify")  # nobody verifies themself
    with pytest.raises(ApplicationError) as e:
        volunteer_act(actor=cw.dispatcher, volunteer=v, action="reject", values={"reason": " "})
    assert e.value.code == "reason_required"
    volunteer_act(actor=cw.dispatcher, volunteer=v, action="reject", values={"reason": "信息不全"})
    volunteer_act(actor=user, volunteer=v, action="reapply", values={"note": "已补充单位证明"})
    volunteer_act(actor=cw.dispatcher, volunteer=v, action="verify")
    v.refresh_from_db()
    assert v.state == VolunteerState.VERIFIED and v.verified_at is not None
    assert user.memberships.filter(role__code="mobile_volunteer", region=cw.w.comm_a, is_active=True).exists()
    assert [e.action for e in PointsEvent.objects.filter(subject="volunteer", subject_id=v.pk)] == [
        "apply", "reject", "reapply", "verify"]
    with pytest.raises(ApplicationError) as e:
        volunteer_apply(actor=user, kind="courier", community_id=cw.w.comm_a.pk)
    assert e.value.code == "already_registered"
    with pytest.raises(ApplicationError) as e:
        volunteer_apply(actor=cw.w.resident_user, kind="courier", community_id=cw.w.town_a.pk)
    assert e.value.code == "unknown_community"


def test_the_daily_cap_withholds_the_award_and_says_so(pw):
    cw = pw.cw
    item_revise(actor=cw.w.admin, item=pw.item("report_accepted"), changes={"daily_cap": 2})
    cases = [_report(pw, lon=120.001 + 0.004 * i, lat=30.002 + 0.004 * i, description=f"第{i}处") for i in range(3)]
    for c in cases:
        cs.case_accept(case=_fresh(c), actor=cw.dispatcher)
    assert sweep_awards() == 2
    assert _balance(pw.volunteer) == 10
    withheld = PointsEvent.objects.filter(action="award_withheld")
    assert withheld.count() == 1 and "每人每日最多 2 次" in withheld.get().note
    sweep_awards()  # the overlap reads the same steps again: said once
    assert PointsEvent.objects.filter(action="award_withheld").count() == 1


def test_a_sweep_that_died_is_finished_by_the_next_and_awards_happen_once(pw):
    cw = pw.cw
    case = _report(pw)
    cs.case_accept(case=_fresh(case), actor=cw.dispatcher)
    from gridgov.points import awards

    calls = []
    real = awards.apply_case_event

    def dying(*a, **kw):
        calls.append(1)
        raise RuntimeError("the worker was killed")

    awards.apply_case_event = dying
    try:
        with pytest.raises(RuntimeError):
            sweep_awards()
    finally:
        awards.apply_case_event = real
    assert calls and not Transfer.objects.exists()
    assert sweep_awards() == 1
    assert sweep_awards() == 0
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30), tick=False):
        assert sweep_awards() == 0  # within the overlap, read again, not paid again
    assert Transfer.objects.filter(kind=TransferKind.AWARD).count() == 1


def test_an_award_keeps_the_item_version_it_was_earned_under(pw):
    cw = pw.cw
    case = _report(pw)
    cs.case_accept(case=_fresh(case), actor=cw.dispatcher)
    sweep_awards()
    v1 = pw.item("report_accepted")
    v2 = item_revise(actor=cw.w.admin, item=v1, changes={"points": 8})
    assert (v2.key, v2.version, v2.points) == ("report_accepted", 2, 8)
    v1.refresh_from_db()
    assert not v1.is_current and v1.retired_at is not None
    other = _report(pw, lon=120.012, lat=30.018, description="另一处")
    cs.case_accept(case=_fresh(other), actor=cw.dispatcher)
    sweep_awards()
    got = list(Transfer.objects.filter(kind=TransferKind.AWARD).order_by("id").values_list("item__version", "amount"))
    assert got == [(1, 5), (2, 8)]
    with pytest.raises(PermissionDenied):
        item_revise(actor=cw.dispatcher, item=v2, changes={"points": 100})
    with pytest.raises(ApplicationError) as e:
        item_revise(actor=cw.w.admin, item=v1, changes={"points": 1})
    assert e.value.code == "not_current"
    assert PointItem.objects.filter(key="report_accepted").count() == 2


def test_member_accounts_belong_to_the_volunteers_community(pw):
    account = member_account(pw.volunteer)
    assert account.region_path == pw.cw.w.comm_a.path


def test_the_points_sweep_runs_with_the_others(pw, capsys):
    from huey.contrib.djhuey import HUEY

    import gridgov.points.tasks  # noqa: F401 - what the consumer's autodiscovery imports

    assert "sweep_volunteer_points" in {t.name.rsplit(".", 1)[-1] for t in HUEY._registry.periodic_tasks}
    case = _report(pw)
    cs.case_accept(case=_fresh(case), actor=pw.cw.dispatcher)
    call_command("sweep")
    assert "积分(自动奖励、过期、逾期未领、红灰榜到期) 1" in capsys.readouterr().out
    assert _balance(pw.volunteer) == 5


def test_a_two_hour_patrol_with_three_check_ins_earns_once_a_day(pw):
    from gridgov.cases.services import patrol_checkin
    from gridgov.points.awards import sweep_patrols

    start = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    for minutes in (0, 50):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            patrol_checkin(actor=pw.volunteer, lon=120.005, lat=30.01)
    with time_machine.travel(start + dt.timedelta(minutes=60), tick=False):
        assert sweep_patrols() == 0  # an hour, two check-ins: not yet
    with time_machine.travel(start + dt.timedelta(minutes=125), tick=False):
        patrol_checkin(actor=pw.volunteer, lon=120.006, lat=30.011)
        assert sweep_patrols() == 1
        assert sweep_patrols() == 0  # once a day
        patrol_checkin(actor=pw.volunteer, lon=120.006, lat=30.012)
        assert sweep_patrols() == 0
    award = Transfer.objects.get(source_key__startswith="patrol:")
    assert award.item.key == "patrol_checkin" and award.earned_on == dt.date(2026, 11, 30)
    assert "打卡 3 次,125 分钟" in award.note
    # a resident who is not a volunteer earns nothing for the same
    for minutes in (0, 60, 130):
        with time_machine.travel(start + dt.timedelta(days=1, minutes=minutes), tick=False):
            patrol_checkin(actor=pw.cw.w.resident_user, lon=120.005, lat=30.01)
    with time_machine.travel(start + dt.timedelta(days=1, minutes=131), tick=False):
        assert sweep_patrols() == 0


def test_reports_refused_again_and_again_flag_the_account(pw):
    cw = pw.cw
    for i in range(2):
        c = _report(pw, lon=120.002 + 0.005 * i, lat=30.003, description=f"第{i}件")
        cs.case_reject(case=_fresh(c), actor=cw.dispatcher, reason="不属于网格事项")
    sweep_awards()
    account = Account.objects.get(user=pw.volunteer)
    assert account.flagged == ""  # two: not yet a pattern
    first = _report(pw, lon=120.0151, lat=30.005)
    cs.case_accept(case=_fresh(first), actor=cw.dispatcher)
    near = _report(pw, lon=120.0152, lat=30.005, description="同一处")
    cs.case_accept(case=_fresh(near), actor=cw.dispatcher)
    sweep_awards()
    account.refresh_from_db()
    assert account.flagged == "近7天 2 件上报不予立案、1 件疑似重复上报"
    assert PointsEvent.objects.filter(action="flag", subject_id=account.pk).count() == 1
    sweep_awards()  # read again in the overlap: flagged once
    assert PointsEvent.objects.filter(action="flag", subject_id=account.pk).count() == 1
    from gridgov.core.timeutil import now
    from gridgov.points.stats import points_stats

    seen = points_stats(actor=pw.officer, start=now() - dt.timedelta(days=1), end=now() + dt.timedelta(minutes=1))
    assert [f["name"] for f in seen["flagged"]] == ["courier_a"]
    other = points_stats(actor=cw.w.user_b, start=now() - dt.timedelta(days=1), end=now() + dt.timedelta(minutes=1))
    assert other["flagged"] == []
