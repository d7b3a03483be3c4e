"""人民调解 statistics on a hand-worked month (November 2026): 化解率, 调解成功率, written and oral agreements, the
amount, 防止民转刑, hand-overs, the source mix, the 司法部 categories through the GB/T 31000 mapping, and by region —
each figure worked out by hand below; the same in the API, the console's 月报 and its workbook; scoped to what each
center sees."""

import datetime as dt

import time_machine

from gridgov.accounts.services import membership_grant
from gridgov.core.timeutil import LOCAL_TZ, month_bounds
from gridgov.mediation import services as m
from gridgov.mediation.models import Dispute, DisputeType
from gridgov.mediation.seeds import moj_category_of
from gridgov.mediation.stats import dispute_stats
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from tests.conftest import make_user
from tests.mediation.test_dispute_workflow import registered


def at(month, day, h=9):
    return dt.datetime(2026, month, day, h, tzinfo=LOCAL_TZ)


def on(when, fn, d, **kw):
    with time_machine.travel(when, tick=False):
        return fn(dispute=Dispute.objects.get(pk=d.pk), **kw)


def taken_on(mw, when, title, actor=None, **kw):
    with time_machine.travel(when, tick=False):
        d = registered(mw, title=title, occurred_on=when.date(), actor=actor or mw.dispatcher, **kw)
        return m.dispute_accept(dispute=d, actor=actor or mw.dispatcher, committee=mw.committee, mediator=mw.mediator)


def month(mw):
    """d1 邻里 (申请): 受理 11-03, written agreement of 800 on 11-10.
    d2 物业 (申请): 受理 11-05, 调解未成 11-20.
    d3 婚恋 (法院委托): 受理 11-25, oral agreement only on 12-02.
    d4 (主动调解): registered 11-26, never taken on.
    d5 邻里 (申请), 5 people: 受理 in October, oral agreement of 200 on 11-15 that prevented a crime.
    d6 in 乙街道, 侵权 (公安移交): 受理 11-08, handed over to the court 11-09."""
    d1 = taken_on(mw, at(11, 3), "d1", dispute_type="0201")
    on(at(11, 4), m.dispute_start, d1, actor=mw.mediator)
    on(at(11, 10), m.dispute_agree, d1, actor=mw.mediator, kind="written", content="赔偿", amount="800")
    d2 = taken_on(mw, at(11, 5), "d2", dispute_type="0402")
    on(at(11, 6), m.dispute_start, d2, actor=mw.mediator)
    on(at(11, 20), m.dispute_fail, d2, actor=mw.mediator, reason="分歧大,已告知诉讼途径")
    d3 = taken_on(mw, at(11, 25), "d3", dispute_type="0101", source="court", source_ref="(2026)浙0106民诉前调1号")
    on(at(11, 26), m.dispute_start, d3, actor=mw.mediator)
    on(at(12, 2), m.dispute_agree, d3, actor=mw.mediator, kind="oral", content="当面道歉")
    with time_machine.travel(at(11, 26), tick=False):
        registered(mw, title="d4", occurred_on=dt.date(2026, 11, 26), source="initiative")
    d5 = taken_on(mw, at(10, 20), "d5", dispute_type="0201", people_involved=5)
    on(at(10, 21), m.dispute_start, d5, actor=mw.mediator)
    on(at(11, 15), m.dispute_agree, d5, actor=mw.mediator, kind="oral", content="分期还款", amount="200",
       prevented_crime=True)
    d6 = taken_on(mw, at(11, 8), "d6", actor=mw.district_dispatcher, lon=120.03, dispute_type="0599",
                  source="police", source_ref="杭公(拱)调字2026-88")
    on(at(11, 9), m.dispute_hand_over, d6, actor=mw.district_dispatcher, to="court", reason="当事人起诉",
       receipt="法院收字001")


def by(rows, key="code"):
    return {r[key]: r for r in rows}


def test_the_month_worked_by_hand(mw):
    month(mw)
    start, end = month_bounds("2026-11")
    assert (start, end) == (at(11, 1, 0), at(12, 1, 0))
    r = dispute_stats(actor=mw.district_dispatcher, start=start, end=end)
    assert (r["accepted"], r["resolved"], r["resolution_rate"]) == (4, 1, 0.25)  # d1 d2 d3 d6; d1 by month end
    assert (r["concluded"], r["agreed"], r["failed"], r["success_rate"]) == (3, 2, 1, 0.6667)  # d1 d5 | d2
    assert (r["written"], r["oral"], r["amount"]) == (1, 1, "1000.00")
    assert r["prevented_crime"] == {"cases": 1, "people": 5} and r["prevented_petition"] == {"cases": 0, "people": 0}
    assert by(r["handed_over"])["court"]["count"] == 1 and by(r["handed_over"])["police"]["count"] == 0
    sources = by(r["by_source"])
    assert (sources["application"]["accepted"], sources["court"]["accepted"], sources["police"]["accepted"],
            sources["initiative"]["accepted"]) == (2, 1, 1, 0)  # d4 was never taken on
    assert [(g["name"], g["accepted"]) for g in r["source_groups"]] == [("主动调解", 0), ("当事人申请", 2), ("委托移送", 2)]
    moj = by(r["by_moj_category"])
    assert len(moj) == 15
    assert (moj["02"]["name"], moj["02"]["accepted"], moj["02"]["agreed"]) == ("邻里纠纷", 1, 2)  # d1 | d1 d5
    assert (moj["14"]["name"], moj["14"]["accepted"], moj["14"]["failed"]) == ("物业纠纷", 1, 1)  # 0402 物业
    assert (moj["01"]["accepted"], moj["06"]["accepted"]) == (1, 1)  # 0101 婚恋 → 婚姻家庭; 0599 侵权 → 损害赔偿
    gb = by(r["by_gb_class"])
    assert (gb["02"]["accepted"], gb["02"]["agreed"], gb["04"]["accepted"], gb["05"]["accepted"]) == (1, 2, 1, 1)
    regions = by(r["by_region"], "name")
    assert r["region_level"] == "town" and set(regions) == {"甲街道", "乙街道"}
    assert (regions["甲街道"]["accepted"], regions["甲街道"]["resolved"], regions["甲街道"]["agreed"],
            regions["甲街道"]["failed"], regions["甲街道"]["amount"]) == (3, 1, 2, 1, "1000.00")
    assert (regions["乙街道"]["accepted"], regions["乙街道"]["resolution_rate"]) == (1, 0.0)


def test_each_center_counts_what_it_sees(mw):
    month(mw)
    start, end = month_bounds("2026-11")
    town = dispute_stats(actor=mw.town_dispatcher, start=start, end=end)  # 甲街道: its communities
    assert town["accepted"] == 3 and town["region_level"] == "community"
    assert [g["name"] for g in town["by_region"]] == ["甲一社区"]
    other = dispute_stats(actor=mw.w.user_b, start=start, end=end)  # 乙街道: d6 only
    assert (other["accepted"], other["agreed"], by(other["handed_over"])["court"]["count"]) == (1, 0, 1)
    assert dispute_stats(actor=mw.mediator, start=start, end=end)["accepted"] == 4  # its committee's, d6 too


def test_every_type_counts_under_one_moj_category(db):
    """The mapping of GB/T 31000 to the 司法部 15: a 小类 before its 大类, 其他 for what has none."""
    assert (moj_category_of("0402"), moj_category_of("0499"), moj_category_of("0102"), moj_category_of("1301"),
            moj_category_of("99")) == ("14", "03", "01", "15", "15")
    stored = dict(DisputeType.objects.values_list("code", "moj_category"))
    assert stored["0402"] == "14" and stored["0799"] == "10" and stored["11"] == "08"
    assert all(stored[code] == moj_category_of(code) for code in stored)


def test_api_console_and_workbook(mw, client):
    import io

    from openpyxl import load_workbook

    month(mw)
    client.force_login(mw.district_dispatcher)
    api = client.get("/api/v1/disputes/stats/", {"month": "2026-11"})
    assert api.status_code == 200, api.content
    assert (api.json()["accepted"], api.json()["success_rate"], api.json()["amount"]) == (4, 0.6667, "1000.00")
    same = client.get("/api/v1/disputes/stats/", {"start": "2026-11-01", "end": "2026-11-30"}).json()
    assert same["accepted"] == 4 and same["resolved"] == 1
    bad = client.get("/api/v1/disputes/stats/", {"month": "2026-13"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_month"
    page = client.get("/console/disputes/report/", {"month": "2026-11"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "25.00%" in html and "66.67%" in html and "1 件 5 人" in html and "1000.00 元" in html
    assert client.get("/console/disputes/report/", {"month": "十一月"}).status_code == 400
    book = client.get("/console/disputes/report/", {"month": "2026-11", "export": "xlsx"})
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
    assert header[:4] == ("地区", "受理数", "化解成功数", "化解率")
    assert [row[:4] for row in rows] == [("甲街道", 3, 1, 0.3333), ("乙街道", 1, 0, 0), ("合计", 4, 1, 0.25)]
    assert rows[-1][-1] == 1000  # the amount is a number, to sum in the sheet


def test_a_failed_mediation_that_may_escalate_tells_the_town_and_police(mw):
    """人民调解工作若干规定 art. 37: the town's center and the police station of the town are told at once."""
    from gridgov.notify.models import Message

    police = org_unit_create(actor=None, code="PS-A", name="甲街道派出所", kind=UnitKind.POLICE_STATION,
                             region=mw.w.town_a)
    officer = make_user("police_a", is_staff=True)
    membership_grant(actor=None, user=officer, role_code="department_handler", region=mw.w.town_a, unit=police)
    d = m.dispute_start(dispute=taken_on(mw, at(11, 3), "可能激化的纠纷"), actor=mw.mediator)
    calm = m.dispute_start(dispute=taken_on(mw, at(11, 3), "平和的纠纷"), actor=mw.mediator)
    m.dispute_fail(dispute=calm, actor=mw.mediator, reason="已告知诉讼途径")
    assert not Message.objects.filter(subject__startswith="【调解未成").exists()
    m.dispute_fail(dispute=d, actor=mw.mediator, reason="双方情绪激烈,已告知诉讼途径", may_escalate=True)
    told = set(Message.objects.filter(subject="【调解未成,可能激化】可能激化的纠纷").values_list("recipient_id", flat=True))
    assert {officer.pk, mw.town_dispatcher.pk} <= told
    row = d.events.get(action="fail")
    assert row.data["may_escalate"] is True and police.pk in row.data["told"]


def test_the_mediators_inbox_and_the_centers_colour_board(mw, client):
    from gridgov.mediation.selectors import colour_board, mediator_inbox

    with time_machine.travel(at(11, 20), tick=False):
        red = registered(mw, title="红色群体性纠纷", risk_level="red", occurred_on=dt.date(2026, 11, 19))
        m.dispute_accept(dispute=red, actor=mw.dispatcher, committee=mw.committee)  # no mediator yet
        taken_on(mw, at(11, 20), "黄色纠纷", risk_level="yellow")
        blue = taken_on(mw, at(11, 20), "蓝色纠纷")
        m.dispute_agree(dispute=m.dispute_start(dispute=blue, actor=mw.mediator), actor=mw.mediator, kind="oral",
                        content="和解")
        m.dispute_start(dispute=taken_on(mw, at(11, 20), "别人的", actor=mw.dispatcher), actor=mw.mediator)
    with time_machine.travel(at(11, 22), tick=False):  # two days on: the red one has stalled (24 hours)
        inbox = mediator_inbox(actor=mw.mediator)
        assert {d.title for d in inbox} == {"红色群体性纠纷", "黄色纠纷", "蓝色纠纷", "别人的"}
        other = make_user("mediator_x", is_staff=True)
        assert mediator_inbox(actor=other) == []
        b = colour_board(actor=mw.town_dispatcher)
        rows = {r["level"].code: r for r in b["rows"]}
        assert b["total"] == 4 and rows["red"]["total"] == 1 and rows["red"]["stalled"] == 1
        assert rows["yellow"]["stalled"] == 0  # 72 hours for yellow
        assert dict(zip(b["state_codes"], rows["blue"]["states"], strict=True))["agreed"] == 1
        assert [w["d"].title for w in b["watch"]] == ["红色群体性纠纷", "黄色纠纷"]  # red first; blue is not listed
        assert b["watch"][0]["idle_hours"] == 48 and b["watch"][0]["stalled"]
        assert colour_board(actor=mw.w.user_b)["total"] == 0
        client.force_login(mw.mediator)
        page = client.get("/console/disputes/mine/").content.decode()
        assert "我的调解" in page and "红色群体性纠纷" in page and "待指定调解员" in page and "回访并结案" in page
        client.force_login(mw.town_dispatcher)
        board = client.get("/console/disputes/board/").content.decode()
        assert "纠纷看板" in board and "在办矛盾纠纷 4 件" in board and "48 小时" in board and "无进展" in board
