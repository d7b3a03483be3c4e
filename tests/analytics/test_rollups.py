"""The rollups are kept as the cases change, and always equal a full recount."""

import datetime as dt
from collections import defaultdict

import pytest
import time_machine
from django.core.management import CommandError, call_command

from gridgov.analytics import rollups
from gridgov.analytics.models import (
    Contribution,
    DailyFlow,
    HeatCell,
    HourlyFlow,
    MixDaily,
    OpenStock,
    Pending,
    UnitDaily,
)
from gridgov.cases import services as s
from gridgov.cases.models import Case
from tests.analytics.conftest import at, new, step
from tests.cases.conftest import photo, report

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def total(model, measure, region="/", **where):
    """A measure summed over the rows of `region` (by default everywhere: each case counts once there)."""
    return sum(getattr(r, measure) for r in model.objects.filter(region=region, **where))


def test_the_fold_equals_a_recount_on_the_hand_worked_month(month):
    assert Pending.objects.exists()  # every timeline row marked its case in its own transaction
    assert rollups.fold() == Case.objects.count()
    assert not Pending.objects.exists() and rollups.differences() == []
    nov = {"day__range": NOV}
    # the figures of the month (tests/analytics/test_kpis.py worked them by hand)
    assert total(DailyFlow, "received", **nov) == 6 and total(DailyFlow, "accepted", **nov) == 5
    assert total(DailyFlow, "closed", **nov) == 3 and total(DailyFlow, "closed_on_time", **nov) == 2
    assert total(DailyFlow, "rated", **nov) == 2 and total(DailyFlow, "satisfied", **nov) == 2
    assert total(DailyFlow, "received", day=dt.date(2026, 12, 2)) == 1
    assert set(DailyFlow.objects.filter(received__gt=0).values_list("region", flat=True)) == {
        "/", "/990102000000/", "/990102000000/990102001000/",
        "/990102000000/990102001000/990102001001/"}  # up to the community's path, not the grid's
    # the two open cases of the month (c6 re-dispatched, not signed for yet), and the December one
    assert {(r.state, r.n) for r in OpenStock.objects.all()} == {("handling", 1), ("dispatched", 1), ("reported", 1)}
    cg = month.cg.pk
    assert total(UnitDaily, "dispatched", unit_id=cg) == 5 and total(UnitDaily, "closed", unit_id=cg) == 3
    assert total(UnitDaily, "dispatched", unit_id=month.zj.pk) == 0  # returned: now the 城管局's
    assert total(HourlyFlow, "received") == 7 and total(HourlyFlow, "closed") == 3
    assert total(HeatCell, "n") == 7 and HeatCell.objects.values("cell").distinct().count() > 1
    assert set(HeatCell.objects.values_list("month", flat=True)) == {dt.date(2026, 11, 1), dt.date(2026, 12, 1)}
    assert total(MixDaily, "n", kind="category", code="11") == 7 and total(MixDaily, "n", kind="channel") == 7


def test_each_change_moves_the_case_and_folding_again_changes_nothing(month):
    rollups.fold()
    c3 = Case.objects.filter(state="handling").order_by("id").first()
    step(at(24, 10), s.case_report_done, case=c3, actor=month.handler_cg, note="好", photos=[photo()])
    assert rollups.fold() == 1
    assert {(r.state, r.n) for r in OpenStock.objects.filter(n__gt=0)} == {
        ("dispatched", 1), ("done_reported", 1), ("reported", 1)}
    step(at(24, 11), s.case_verify, case=c3, actor=month.w.worker_a, passed=True)
    rollups.fold()
    assert total(DailyFlow, "closed", day=dt.date(2026, 11, 24)) == 1
    assert rollups.differences() == []
    Pending.objects.bulk_create([Pending(case_id=i) for i in Case.objects.values_list("id", flat=True)])
    assert rollups.fold() == 0 and rollups.differences() == []  # a case folded twice adds nothing


def test_the_sweep_lights_reach_the_stock(month):
    rollups.fold()
    with time_machine.travel(at(30, 12), tick=False):
        from gridgov.cases.sweeper import sweep

        assert sweep()["red"] >= 1
    rollups.fold()
    assert total(OpenStock, "n", light="red") == Case.objects.filter(light="red").count() >= 1
    assert rollups.differences() == []


def test_a_fold_that_dies_half_way_leaves_the_marks_for_the_next(month, monkeypatch):
    pending = Pending.objects.count()

    def boom(*a, **kw):
        raise RuntimeError("killed")

    monkeypatch.setattr(Contribution.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        rollups.fold()
    assert Pending.objects.count() == pending and not DailyFlow.objects.exists()  # all or nothing
    monkeypatch.undo()
    rollups.fold()
    assert rollups.differences() == []


def test_check_finds_a_wrong_row_and_rebuild_repairs_it(month, capsys):
    call_command("rollups", "--check")
    assert "一致" in capsys.readouterr().out
    row = DailyFlow.objects.filter(received__gt=0).first()
    DailyFlow.objects.filter(pk=row.pk).update(received=row.received + 1)
    OpenStock.objects.filter(state="reported", region="/").delete()
    assert len(rollups.differences()) == 2
    with pytest.raises(CommandError, match="不一致"):
        call_command("rollups", "--check")
    assert "表中" in capsys.readouterr().out
    call_command("rollups", "--rebuild", "--check")
    assert "已重新统计 7 件事件" in capsys.readouterr().out and rollups.differences() == []


def test_new_reports_are_marked_in_their_own_transaction(cw):
    with time_machine.travel(at(3), tick=False):
        case = new(cw, at(3))
    assert set(Pending.objects.values_list("case_id", flat=True)) == {case.pk}
    rollups.fold()
    assert total(DailyFlow, "received", day=dt.date(2026, 11, 3)) == 1
    assert total(MixDaily, "n", day=dt.date(2026, 11, 3), kind="channel", code="resident_app") == 1
    assert total(MixDaily, "n", day=dt.date(2026, 11, 3), kind="category", code="11") == 1


def test_every_level_holds_the_sum_of_the_level_below(month, cw):
    """A case counts in its community, its town, its district and everywhere ("/"): each region's own rows, which
    the screen and the reports read, equal the sum of its children's — here with a second community's case."""
    with time_machine.travel(at(3), tick=False):
        report(cw, lon=120.03, lat=30.01)  # in 乙街道's 乙一社区
    rollups.fold()
    assert rollups.differences() == []
    assert DailyFlow.objects.filter(region="/990102000000/990102002000/990102002001/").exists()
    for model in (DailyFlow, MixDaily, HourlyFlow, UnitDaily, OpenStock, HeatCell):
        key = [k for k in model.KEY if k != "region"]
        rows = list(model.objects.values("region", *key, *model.MEASURES))
        checked = 0
        for parent in {r["region"] for r in rows}:
            children = {r["region"] for r in rows
                        if r["region"].startswith(parent) and r["region"].count("/") == parent.count("/") + 1}
            if not children:
                continue
            checked += 1
            for m in model.MEASURES:
                mine, theirs = defaultdict(int), defaultdict(int)
                for r in rows:
                    if r["region"] == parent:
                        mine[tuple(r[k] for k in key)] += r[m]
                    elif r["region"] in children:
                        theirs[tuple(r[k] for k in key)] += r[m]
                assert {k: v for k, v in mine.items() if v} == {k: v for k, v in theirs.items() if v}, (model, parent, m)
        assert checked >= 3, model  # everywhere, the district, a town (both towns where both had a case)


def test_the_rebuild_sums_in_the_database_what_the_fold_adds_case_by_case(month, cw):
    """`rebuild` sums the rollups from the contributions in SQL; the fold adds them case by case in Python. Both give
    the same tables — with a report just after midnight (its local day and month, not UTC's), one in another
    community, one without a place and one reopened by its
    reporter's 不满意."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 30, tzinfo=at(1).tzinfo), tick=False):
        report(cw, lon=120.03, lat=30.01)  # 16:30 UTC on 30 November: counts on 1 December, in 乙一社区
    with time_machine.travel(at(5), tick=False):
        placeless = report(cw, lon=None, lat=None, address="甲街道某小区", grid=cw.w.grid_a_west)
    assert placeless.lon is None
    c4 = Case.objects.filter(state="closed", satisfaction__isnull=True).order_by("id").first()
    step(at(19), s.case_follow_up, case=c4, actor=cw.w.resident_user, satisfaction=1)
    assert Case.objects.get(pk=c4.pk).state != "closed"
    rollups.fold()
    folded = rollups.tables()
    assert folded[DailyFlow][(dt.date(2026, 12, 1), "/")]["received"] == 1
    assert (dt.date(2026, 11, 18), "/") not in folded[DailyFlow]  # c4 no longer closed on the 18th: reopened
    assert rollups.rebuild() == Case.objects.count()
    assert rollups.tables() == folded and rollups.differences() == []
