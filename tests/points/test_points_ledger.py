"""The ledger: double entry, lots spent oldest-expiring first, expiry, reversal (with a debt the next award pays),
redemption (atomic: points, lots, stock), claims with approval, and the check that balances agree with entries."""

from __future__ import annotations

import datetime as dt
import functools
import itertools

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import local_today, now
from gridgov.points import ledger
from gridgov.points.models import (
    Account,
    Entry,
    Lot,
    PointsEvent,
    Redemption,
    Reward,
    Transfer,
    TransferKind,
)
from gridgov.points.services import (
    award_reverse,
    claim_act,
    claim_submit,
    expire_due,
    give,
    lapse_due,
    redeem,
    redemption_act,
)
from tests.cases.conftest import photo
from tests.concurrency import at_once
from tests.conftest import make_user
from tests.points.conftest import grant, make_volunteer

_SEQ = itertools.count()


def _give(pw, key: str, *, user=None, n: int = 1) -> list[Transfer]:
    """n awards of an item, each for a deed on another day (within the daily caps)."""
    out = []
    for _ in range(n):
        seq = next(_SEQ)
        at = now()
        with transaction.atomic():
            account = ledger.member_account(user or pw.volunteer, lock=True)
            out.append(give(account, pw.item(key), at=at, day=at.date() - dt.timedelta(days=seq % 28),
                            source_key=f"test:{key}:{seq}"))
    return out


def _account(pw, user=None) -> Account:
    return Account.objects.get(user=user or pw.volunteer)


def test_every_movement_is_two_entries_that_sum_to_zero(pw):
    [t] = _give(pw, "report_accepted")
    assert sorted(Entry.objects.filter(transfer=t).values_list("amount", flat=True)) == [-5, 5]
    assert Account.objects.get(kind="issuance").balance == -5
    with pytest.raises(ValueError):
        t.note = "改一下"
        t.save()


def test_spending_takes_the_oldest_expiring_lots_first_and_expiry_writes_off_the_rest(pw):
    start = dt.datetime(2025, 1, 6, 2, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _give(pw, "patrol")  # 10, expires first
    with time_machine.travel(start + dt.timedelta(days=100), tick=False):
        _give(pw, "patrol")
        _give(pw, "patrol")  # 30 in all
        redeem(actor=pw.volunteer, reward_id=pw.soap.pk)  # 20: the first lot, then half of the second
    lots = list(Lot.objects.order_by("earned_at", "id").values_list("remaining", flat=True))
    assert lots == [0, 0, 10]
    expiry = start + dt.timedelta(days=ledger.VALID_DAYS + 101)
    with time_machine.travel(expiry, tick=False):
        assert expire_due() == 1
        assert _account(pw).balance == 0
        with pytest.raises(ApplicationError) as e:
            redeem(actor=pw.volunteer, reward_id=pw.soap.pk)
        assert e.value.code == "insufficient_points"
    assert Transfer.objects.filter(kind=TransferKind.EXPIRE).get().amount == 10
    assert ledger.problems() == []


def test_expired_but_not_yet_swept_points_cannot_be_spent(pw):
    start = dt.datetime(2025, 1, 6, 2, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _give(pw, "flood_duty", n=2)  # 30
    with time_machine.travel(start + dt.timedelta(days=ledger.VALID_DAYS, seconds=1), tick=False):
        with pytest.raises(ApplicationError) as e:
            redeem(actor=pw.volunteer, reward_id=pw.soap.pk)
        assert e.value.code == "insufficient_points"
    assert not Redemption.objects.exists()


def test_a_reversal_is_a_new_movement_and_what_is_missing_becomes_a_debt(pw):
    cw = pw.cw
    grant(cw.town_dispatcher, "center_leader", cw.w.town_a)  # 冲正 is the leader's
    [a, b] = _give(pw, "flood_duty", n=2)  # 30
    redeem(actor=pw.volunteer, reward_id=pw.soap.pk)  # 10 left
    with pytest.raises(ApplicationError) as e:
        award_reverse(actor=cw.town_dispatcher, transfer=a, reason="")
    assert e.value.code == "reason_required"
    with pytest.raises(PermissionDenied):
        award_reverse(actor=cw.w.user_b, transfer=a, reason="核实为虚报")
    award_reverse(actor=cw.town_dispatcher, transfer=a, reason="核实为虚报")
    account = _account(pw)
    assert account.balance == -5 and "冲正后余额" in account.flagged
    with pytest.raises(ApplicationError) as e:
        award_reverse(actor=cw.town_dispatcher, transfer=a, reason="再冲一次")
    assert e.value.code == "already_reversed"
    a.refresh_from_db()
    assert a.amount == 15 and a.reversed_by.amount == 15  # the award itself is untouched
    assert PointsEvent.objects.filter(action="reverse", subject_id=account.pk).count() == 1
    _give(pw, "patrol")  # 10: pays the debt of 5 first
    account.refresh_from_db()
    assert account.balance == 5 and account.flagged == ""
    assert ledger.spendable(account, now()) == 5
    assert ledger.problems() == []


def test_the_check_command_finds_a_balance_that_disagrees_and_repairs_it(pw):
    _give(pw, "patrol", n=1)
    call_command("points_check")
    Account.objects.filter(user=pw.volunteer).update(balance=999)
    with pytest.raises(CommandError):
        call_command("points_check")
    call_command("points_check", "--repair")
    assert _account(pw).balance == 10


def test_claims_need_the_evidence_and_an_officer_of_the_right_level(pw):
    cw = pw.cw
    with pytest.raises(ApplicationError) as e:
        claim_submit(actor=pw.volunteer, item_key="patrol", note="晚间巡逻两小时", happened_on=local_today())
    assert e.value.code == "evidence_required"
    with pytest.raises(ApplicationError) as e:
        claim_submit(actor=pw.volunteer, item_key="report_accepted", note="x", happened_on=local_today())
    assert e.value.code == "unknown_item"  # automatic items are not claimed
    with pytest.raises(ApplicationError) as e:
        claim_submit(actor=pw.volunteer, item_key="vote", note="投票", happened_on=local_today() + dt.timedelta(1))
    assert e.value.code == "invalid_date"
    with pytest.raises(ApplicationError) as e:
        claim_submit(actor=cw.w.resident_user, item_key="vote", note="投票", happened_on=local_today())
    assert e.value.code == "not_a_volunteer"

    claim = claim_submit(actor=pw.volunteer, item_key="patrol", note="晚间巡逻两小时", happened_on=local_today(),
                         photos=[photo()])
    assert claim.photos.count() == 1
    with pytest.raises(PermissionDenied):
        claim_act(actor=cw.w.user_b, claim=claim, action="approve")
    claim_act(actor=cw.dispatcher, claim=claim, action="approve")
    claim.refresh_from_db()
    assert claim.state == "approved" and claim.award.amount == 10 and claim.award.earned_on == local_today()
    assert _account(pw).balance == 10

    # the daily cap of a patrol is once: a second claim for the same day cannot be approved
    again = claim_submit(actor=pw.volunteer, item_key="patrol", note="又巡逻", happened_on=local_today(),
                         photos=[photo()])
    with pytest.raises(ApplicationError) as e:
        claim_act(actor=cw.dispatcher, claim=again, action="approve")
    assert e.value.code == "cap_reached"
    claim_act(actor=cw.dispatcher, claim=again, action="reject", values={"reason": "当日已计分"})
    assert _account(pw).balance == 10

    # a town-approved item: the community officer may not, the town's may
    big = claim_submit(actor=pw.volunteer, item_key="missing_person", note="协助找回走失老人",
                       happened_on=local_today(), photos=[photo()])
    with pytest.raises(PermissionDenied):
        claim_act(actor=cw.dispatcher, claim=big, action="approve")
    claim_act(actor=cw.town_dispatcher, claim=big, action="approve")
    assert _account(pw).balance == 30


def test_an_officer_may_claim_on_a_volunteers_behalf_but_not_approve_their_own(pw):
    cw = pw.cw
    claim = claim_submit(actor=cw.dispatcher, user=pw.volunteer, item_key="meeting", note="参加议事会",
                         happened_on=local_today())
    assert claim.user == pw.volunteer and claim.submitted_by == cw.dispatcher
    officer_volunteer = make_volunteer(cw, "officer_vol")
    grant(officer_volunteer, "center_dispatcher", cw.w.comm_a)
    own = claim_submit(actor=officer_volunteer, item_key="meeting", note="我也参加了", happened_on=local_today())
    with pytest.raises(PermissionDenied):
        claim_act(actor=officer_volunteer, claim=own, action="approve")
    with pytest.raises(PermissionDenied):
        claim_submit(actor=cw.w.user_b, user=pw.volunteer, item_key="meeting", note="x", happened_on=local_today())


def test_redemption_limits_stock_cancel_and_lapse(pw):
    cw = pw.cw
    _give(pw, "flood_duty", n=6)  # 90
    r = redeem(actor=pw.volunteer, reward_id=pw.mug.pk)
    pw.mug.refresh_from_db()
    assert pw.mug.stock == 0
    with pytest.raises(ApplicationError) as e:
        redeem(actor=pw.volunteer, reward_id=pw.mug.pk)
    assert e.value.code == "limit_reached"
    other = make_volunteer(cw, "rider_e")
    _give(pw, "flood_duty", user=other, n=2)
    with pytest.raises(ApplicationError) as e:
        redeem(actor=other, reward_id=pw.mug.pk)
    assert e.value.code == "out_of_stock"
    assert _account(pw, other).balance == 30  # nothing spent for a refusal

    redemption_act(actor=pw.volunteer, redemption=r, action="cancel", values={"note": "不要了"})
    pw.mug.refresh_from_db()
    assert pw.mug.stock == 1 and _account(pw).balance == 90
    r2 = redeem(actor=other, reward_id=pw.mug.pk)
    with pytest.raises(ApplicationError) as e:
        redemption_act(actor=other, redemption=r2, action="pick_up", values={"code": r2.code})
    assert e.value.code == "permission_denied"  # the station hands it out, not the redeemer
    with time_machine.travel(now() + dt.timedelta(days=15), tick=False):
        assert lapse_due() == 1
    r2.refresh_from_db()
    pw.mug.refresh_from_db()
    assert r2.state == "lapsed" and pw.mug.stock == 1 and _account(pw, other).balance == 30
    with pytest.raises(ApplicationError) as e:
        redeem(actor=pw.volunteer, reward_id=Reward.objects.create(name="下架品", points=1, station=pw.station,
                                                                   is_active=False).pk)
    assert e.value.code == "unknown_reward"
    assert ledger.problems() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_after_the_last_item_exactly_one_gets_it(pw):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent redemptions need PostgreSQL row locks (SQLite serialises writers anyway)")
    users = [pw.volunteer, make_volunteer(pw.cw, "rider_f")]
    for u in users:
        _give(pw, "flood_duty", user=u, n=3)  # 45 each
    results, errors = at_once(*(functools.partial(redeem, actor=u, reward_id=pw.mug.pk) for u in users))
    assert len(results) == 1 and [e.code for e in errors] == ["out_of_stock"]
    assert Reward.objects.get(pk=pw.mug.pk).stock == 0
    assert sorted(Account.objects.filter(user__in=users).values_list("balance", flat=True)) == [15, 45]
    assert ledger.problems() == []


def test_unusual_numbers_of_awards_in_a_day_flag_the_account(pw, settings):
    from gridgov.points import services

    services.FLAG_DAILY_AWARDS, old = 2, services.FLAG_DAILY_AWARDS
    try:
        _give(pw, "errand", n=2)
        assert _account(pw).flagged == ""
        _give(pw, "ads_cleanup", n=1)
        assert "超过 2 次" in _account(pw).flagged
    finally:
        services.FLAG_DAILY_AWARDS = old
    assert PointsEvent.objects.filter(action="flag").count() == 1


def test_nobody_without_an_account_of_their_own_redeems(pw):
    with pytest.raises(PermissionDenied):
        redeem(actor=None, reward_id=pw.soap.pk)
    stranger = make_user("stranger")
    with pytest.raises(ApplicationError) as e:
        redeem(actor=stranger, reward_id=pw.soap.pk)
    assert e.value.code == "insufficient_points"


def test_a_patrol_checked_in_and_claimed_for_the_same_day_counts_once(pw):
    from gridgov.cases.services import patrol_checkin
    from gridgov.points.awards import sweep_patrols
    from gridgov.points.services import claim_act, claim_submit

    start = now().replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)  # 09:00 local
    for minutes in (0, 60, 121):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            patrol_checkin(actor=pw.volunteer, lon=120.005, lat=30.01)
    with time_machine.travel(start + dt.timedelta(minutes=122), tick=False):
        assert sweep_patrols() == 1
        day = local_today()
        claim = claim_submit(actor=pw.volunteer, item_key="patrol", note="同一天的巡逻", happened_on=day,
                             photos=[photo()])
        with pytest.raises(ApplicationError) as e:
            claim_act(actor=pw.officer, claim=claim, action="approve")
    assert e.value.code == "cap_reached"
