"""化解率 on a hand-worked month (November 2026, in 甲街道): disputes taken on in the month, and of those the ones
with an agreement by the month's end. In the KPI API and 统计考核."""

import datetime as dt

import time_machine

from gridgov.analytics.selectors import kpis
from gridgov.core.timeutil import LOCAL_TZ
from gridgov.mediation import services as m
from gridgov.mediation.models import Dispute
from tests.mediation.test_dispute_workflow import registered


def at(month, day, h=9):
    return dt.datetime(2026, month, day, h, tzinfo=LOCAL_TZ)


def on(when, fn, d, **kw):
    with time_machine.travel(when, tick=False):
        return fn(dispute=Dispute.objects.get(pk=d.pk), **kw)


def taken_on(mw, when, title):
    with time_machine.travel(when, tick=False):
        d = registered(mw, title=title, occurred_on=when.date())
        return m.dispute_accept(dispute=d, actor=mw.dispatcher, committee=mw.committee, mediator=mw.mediator)


def hand_worked(mw):
    d1 = taken_on(mw, at(11, 3), "一:十日达成协议")
    on(at(11, 4), m.dispute_start, d1, actor=mw.mediator)
    on(at(11, 10), m.dispute_agree, d1, actor=mw.mediator, kind="written", content="赔偿", amount="800")
    d2 = taken_on(mw, at(11, 5), "二:调解未成")
    on(at(11, 6), m.dispute_start, d2, actor=mw.mediator)
    on(at(11, 20), m.dispute_fail, d2, actor=mw.mediator, reason="分歧大,已告知诉讼途径")
    d3 = taken_on(mw, at(11, 25), "三:十二月才达成")
    on(at(11, 26), m.dispute_start, d3, actor=mw.mediator)
    on(at(12, 2), m.dispute_agree, d3, actor=mw.mediator, kind="oral", content="当面道歉")
    with time_machine.travel(at(11, 26), tick=False):
        registered(mw, title="四:登记未受理", occurred_on=dt.date(2026, 11, 26))
    taken_on(mw, at(10, 20), "五:十月受理")


def test_resolution_rate_on_a_hand_worked_month(mw, client):
    hand_worked(mw)
    start, end = at(11, 1, 0), at(12, 1, 0)
    [row] = kpis(actor=mw.district_dispatcher, start=start, end=end)
    assert (row["disputes_accepted"], row["disputes_resolved"]) == (3, 1)
    assert row["resolution_rate"] == round(1 / 3, 4)
    [month] = kpis(actor=mw.district_dispatcher, start=start, end=end, group_by="month")
    assert month["group"] == "2026-11" and month["disputes_accepted"] == 3
    rows = kpis(actor=mw.district_dispatcher, start=start, end=end, group_by="department")
    assert all(r["disputes_accepted"] is None and r["resolution_rate"] is None for r in rows)
    # 乙街道 sees none of 甲街道's disputes
    [other] = kpis(actor=mw.w.user_b, start=start, end=end) or [{"disputes_accepted": 0}]
    assert other["disputes_accepted"] == 0
    client.force_login(mw.district_dispatcher)
    page = client.get("/console/stats/", {"start": "2026-11-01", "end": "2026-11-30", "group_by": "none"})
    html = page.content.decode()
    assert "化解率" in html and "33%" in html
