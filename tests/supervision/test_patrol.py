"""巡查: twice-daily rounds per grid from the grid workers' check-ins — done or missed, and the coverage of the
grid's patrol points — on a hand-worked two days; rounds not over yet are not counted."""

import datetime as dt

import pytest

from gridgov.cases.models import PatrolCheckin
from gridgov.core.timeutil import LOCAL_TZ
from gridgov.supervision.models import PatrolPoint
from gridgov.supervision.patrol import grid_rounds, grid_summary


def _at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=LOCAL_TZ)


def test_rounds_coverage_and_missed_rounds_on_two_days(world):
    w = world
    PatrolPoint.objects.create(grid=w.grid_a_west, name="小区东门", lon=120.002, lat=30.005, radius_m=80)
    PatrolPoint.objects.create(grid=w.grid_a_west, name="农贸市场", lon=120.008, lat=30.015, radius_m=80)
    for at, lon, lat in ((_at(2, 9), 120.0021, 30.0051),  # day 1 morning: at the gate
                         (_at(3, 9), 120.0021, 30.0049),  # day 2 morning: the gate …
                         (_at(3, 10, 30), 120.0081, 30.0151),  # … and the market
                         (_at(3, 15), 120.005, 30.010)):  # day 2 afternoon: in the grid, at no point
        PatrolCheckin.objects.create(user=w.worker_a, at=at, lon=lon, lat=lat, grid=w.grid_a_west, in_own_grid=True)
    PatrolCheckin.objects.create(user=w.worker_a, at=_at(2, 15), lon=120.015, lat=30.01, grid=w.grid_a_east)
    rs = grid_rounds(w.grid_a_west, dt.date(2026, 11, 2), dt.date(2026, 11, 3), until=_at(4, 0))
    assert [(r.name, r.done, r.coverage) for r in rs] == [("上午", True, 50.0), ("下午", False, 0.0),
                                                          ("上午", True, 100.0), ("下午", True, 0.0)]
    assert rs[2].visited == ["农贸市场", "小区东门"]
    summary = grid_summary(w.grid_a_west, dt.date(2026, 11, 2), dt.date(2026, 11, 3), until=_at(4, 0))
    assert (summary["due"], summary["done"], summary["missed"], summary["coverage"]) == (4, 3, ["11-02下午"], 37.5)
    # on the afternoon of day 2 its round is not over: not counted yet
    assert len(grid_rounds(w.grid_a_west, dt.date(2026, 11, 3), dt.date(2026, 11, 3), until=_at(3, 16))) == 1


def test_the_console_shows_the_months_patrol_coverage(world, client):
    from gridgov.core.timeutil import local, now

    w = world
    PatrolPoint.objects.create(grid=w.grid_a_west, name="小区东门", lon=120.002, lat=30.005, radius_m=80)
    t = now() - dt.timedelta(days=1) if local(now()).day > 1 else now()
    PatrolCheckin.objects.create(user=w.worker_a, at=local(t).replace(hour=9), lon=120.002, lat=30.005,
                                 grid=w.grid_a_west, in_own_grid=True)
    client.force_login(w.user_a)  # the town's dispatcher
    page = client.get("/console/supervision/").content.decode()
    assert "巡查覆盖" in page and "甲一西网格" in page
    client.force_login(w.user_b)
    assert "甲一西网格" not in client.get("/console/supervision/").content.decode()


def test_a_leader_sees_the_linked_grids_and_records_visits(world, client):
    from gridgov.core.errors import PermissionDenied
    from gridgov.supervision import leaders
    from gridgov.supervision.models import GridVisit
    from tests.conftest import make_user

    w = world
    chief = make_user("town_leader", "center_leader", w.town_a, is_staff=True)
    leaders.link(actor=w.user_a, leader=chief, grid=w.grid_a_west)
    try:
        leaders.link(actor=w.user_b, leader=chief, grid=w.grid_a_east)
        raise AssertionError("town B cannot link town A's grid")
    except PermissionDenied:
        pass
    client.force_login(chief)
    page = client.get("/console/supervision/my-grids/").content.decode()
    assert "甲一西网格" in page and "尚未走访" in page and "甲一东网格" not in page
    client.post("/console/supervision/my-grids/", {"grid": w.grid_a_west.pk, "note": "走访独居老人3户,了解加装电梯诉求"})
    assert GridVisit.objects.get().grid == w.grid_a_west
    assert "走访独居老人3户" in client.get("/console/supervision/my-grids/").content.decode()
    client.post("/console/supervision/my-grids/", {"grid": w.grid_a_east.pk, "note": "不是我联系的网格"})
    assert GridVisit.objects.count() == 1
    client.force_login(w.user_b)
    assert client.get("/console/supervision/my-grids/").status_code == 404


def test_a_patrol_track_is_stored_once_makes_the_round_and_is_drawn(world, client):
    """巡查轨迹: the phone's positions sent in batches (again after a lost answer: stored once; an imprecise fix left
    out; one bad position refuses the batch); a round walked with a track and no check-in is done and its points
    covered; the map of the day draws each worker's lines, for those over the grid only."""
    import time_machine

    from gridgov.supervision.models import TrackPoint

    w = world
    PatrolPoint.objects.create(grid=w.grid_a_west, name="小区东门", lon=120.002, lat=30.005, radius_m=80)
    PatrolPoint.objects.create(grid=w.grid_a_west, name="农贸市场", lon=120.008, lat=30.015, radius_m=80)
    ms = lambda t: int(t.timestamp() * 1000)  # noqa: E731 - what a phone's GPS gives
    batch = [{"at": ms(_at(3, 9)), "lon": 120.0021, "lat": 30.0051, "accuracy": 12},
             {"at": _at(3, 9, 5).isoformat(), "lon": 120.005, "lat": 30.010, "accuracy": 20},
             {"at": ms(_at(3, 9, 6)), "lon": 120.006, "lat": 30.011, "accuracy": 480},  # a cell-tower fix
             {"at": ms(_at(3, 9, 30)), "lon": 120.0081, "lat": 30.0149}]  # after 24 minutes' silence
    with time_machine.travel(_at(3, 9, 31), tick=False):
        client.force_login(w.worker_a)
        r = client.post("/api/v1/supervision/track/", {"points": batch}, content_type="application/json")
        assert r.status_code == 200 and r.json() == {"stored": 3, "ignored": 1}
        r = client.post("/api/v1/supervision/track/", {"points": batch}, content_type="application/json")
        assert r.json() == {"stored": 0, "ignored": 1}  # sent again: nothing twice
        for bad, code, words in (
                ([batch[0], {"at": ms(_at(3, 9, 31)), "lon": 120.0, "lat": 95}], "invalid", "points"),
                ([{"at": ms(_at(1, 9)), "lon": 120.0, "lat": 30.0}], "track_time_out_of_range", "第 1 个位置的时间不在最近一天内"),
                ([{"at": "2026-11-03 09:31", "lon": 120.0, "lat": 30.0}], "invalid_track", "第 1 个位置的时间无效"),
                ([{"at": True, "lon": 120.0, "lat": 30.0}], "invalid", "points"),
                ([], "invalid", "points"),
                ([{"at": ms(_at(3, 9)), "lon": 120.0, "lat": 30.0}] * 501, "invalid", "points")):
            r = client.post("/api/v1/supervision/track/", {"points": bad}, content_type="application/json")
            err = r.json()["error"]
            assert r.status_code == 400 and err["code"] == code and words in (err["message"] + str(err.get("fields"))), err
        from gridgov.core.errors import ApplicationError
        from gridgov.supervision.patrol import track_record

        with pytest.raises(ApplicationError) as e:  # the service checks on its own too (the phone page, other callers)
            track_record(actor=w.worker_a, points=[batch[0], {"at": ms(_at(3, 9, 31)), "lon": 120.0, "lat": 95}])
        assert e.value.code == "invalid_track" and "第 2 个位置" in e.value.message
        assert TrackPoint.objects.count() == 3
        client.force_login(w.resident_user)
        r = client.post("/api/v1/supervision/track/", {"points": batch[:1]}, content_type="application/json")
        assert r.status_code == 403 and TrackPoint.objects.count() == 3
    assert set(TrackPoint.objects.values_list("grid", flat=True)) == {w.grid_a_west.pk}
    [morning, afternoon] = grid_rounds(w.grid_a_west, dt.date(2026, 11, 3), dt.date(2026, 11, 3), until=_at(4, 0))
    assert (morning.done, morning.checkins, morning.track_points, morning.coverage) == (True, 0, 3, 100.0)
    assert (afternoon.done, afternoon.coverage) == (False, 0.0)
    with time_machine.travel(_at(3, 20), tick=False):
        client.force_login(w.user_a)  # the town's dispatcher
        r = client.get(f"/api/v1/supervision/patrols/{w.grid_a_west.pk}/?day=2026-11-03")
        [track] = r.json()["tracks"]
        assert [len(line) for line in track["lines"]] == [2, 1] and (track["start"], track["to"]) == ("09:00", "09:30")
        assert [(p["name"], p["visited"]) for p in r.json()["points"]] == [("农贸市场", ["上午"]), ("小区东门", ["上午"])]
        page = client.get(f"/console/supervision/patrols/{w.grid_a_west.pk}/?day=2026-11-03").content.decode()
        assert "巡查轨迹" in page and "上午:已巡 · 巡查点覆盖 100.0%" in page and "下午:漏巡" in page
        assert "轨迹地图" in client.get("/console/supervision/?month=2026-11").content.decode()
        client.force_login(w.user_b)  # town B: not theirs
        assert client.get(f"/console/supervision/patrols/{w.grid_a_west.pk}/").status_code == 404
        assert client.get(f"/api/v1/supervision/patrols/{w.grid_a_west.pk}/").status_code == 404
        client.force_login(w.worker_a)
        page = client.get("/m/work/patrol/").content.decode()
        assert "开始巡查" in page and "甲一西网格 · 今日巡查" in page and "轨迹点 3" in page
