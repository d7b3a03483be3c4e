"""综治一张图: the screen's figures come from the rollups, match the hand-worked month, drill down within the
viewer's jurisdiction, and the feed lists what turned red."""

import datetime as dt

import pytest
import time_machine

from gridgov.analytics import rollups, screen
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import LOCAL_TZ

END_OF_MONTH = dt.datetime(2026, 11, 30, 18, tzinfo=LOCAL_TZ)


@pytest.fixture
def folded(month):
    rollups.fold()
    return month


def view(actor, code=""):
    with time_machine.travel(END_OF_MONTH, tick=False):
        return screen.overview(actor=actor, code=code)


def test_the_district_and_its_drill_down(folded):
    o = view(folded.w.admin)
    assert o["region"]["name"] == "测试区" and o["crumbs"] == [{"code": "990102000000", "name": "测试区"}]
    assert o["month"] == {"received": 6, "accepted": 5, "closed": 3, "on_time_rate": 0.6667,
                          "satisfaction_rate": 1.0, "closure_rate": 0.6}
    towns = {c["name"]: c for c in o["children"]}
    assert towns["甲街道"]["received"] == 6 and towns["甲街道"]["drill"] and towns["乙街道"]["received"] == 0
    assert towns["甲街道"]["open"] == 3  # two of the month and the one reported in December (open now)
    assert sum(d["received"] for d in o["trend30"]) == 6 and len(o["trend30"]) == 30 and len(o["trend24"]) == 24
    assert o["trend30"][-1]["day"] == "11-30" and o["trend24"][-1]["hour"] == "18:00"
    assert o["categories"] == [{"code": "11", "name": "市容环境", "count": 6}]
    assert o["departments"][0]["unit"] == "区城管局" and o["departments"][0]["closed"] == 3
    assert sum(h["n"] for h in o["heat"]) == 6 and len(o["heat"][0]["polygon"]) == 7
    assert [r["code"] for r in o["disputes"]["open_by_risk"]] == ["blue", "yellow", "red"]
    town = view(folded.w.admin, towns["甲街道"]["code"])
    assert town["month"]["received"] == 6 and [c["name"] for c in town["children"]] == ["甲一社区"]
    assert [c["name"] for c in town["crumbs"]] == ["测试区", "甲街道"]
    community = view(folded.w.admin, town["children"][0]["code"])
    grids = {c["name"]: c for c in community["children"]}
    assert grids["甲一西网格"]["received"] == 6 and not grids["甲一西网格"]["drill"]  # not the December one yet


def test_the_screen_stays_inside_the_jurisdiction(folded):
    o = view(folded.dispatcher)  # a community's center: its community, no way up
    assert o["region"]["name"] == "甲一社区" and [c["name"] for c in o["crumbs"]] == ["甲一社区"]
    with pytest.raises(PermissionDenied):
        view(folded.dispatcher, "990102000000")
    with pytest.raises(PermissionDenied):
        view(folded.handler_cg)  # no 查看统计 permission
    with pytest.raises(ApplicationError) as e:
        view(folded.w.admin, "000000000000")
    assert e.value.code == "unknown_region"
    with pytest.raises(ApplicationError) as e:
        view(folded.w.admin, "990102001001001")
    assert e.value.code == "region_level"


def test_the_feed_lists_what_turned_red_since(folded, api):
    from gridgov.cases.sweeper import sweep

    with time_machine.travel(END_OF_MONTH, tick=False):
        assert sweep()["red"] >= 1
        items = screen.feed(actor=folded.w.admin)["items"]
        dots = screen.overview(actor=folded.w.admin)["events"]
        assert {e["light"] for e in dots} <= {"red", "yellow"} and dots[0]["light"] == "red"  # most overdue first
        assert items and items[0]["label"] == "事件超时亮红灯" and items[0]["red"]
        later = screen.feed(actor=folded.w.admin, since=END_OF_MONTH)
        assert later["items"] == [] and later["at"] == END_OF_MONTH
        r = api(folded.w.admin).get("/api/v1/screen/feed/", {"since": "2026-11-30T09:00:00+08:00"})
        assert r.status_code == 200 and r.json()["items"][0]["kind"] == "case"
        bad = api(folded.w.admin).get("/api/v1/screen/feed/", {"since": "昨天"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_since"
        r = api(folded.w.admin).get("/api/v1/screen/", {"region": "990102001000"})
        assert r.status_code == 200 and r.json()["month"]["received"] == 6
        assert api(folded.handler_cg).get("/api/v1/screen/").status_code == 403
