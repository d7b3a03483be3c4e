"""一窗受理 (调裁审检) at the county center: a 诉求 registered at the window, passed between the stationed offices in
turn — each hand-over on the timeline with its receipt —, concluded by the office that has it (化解 when settled by
mediation there, counted in 化解率); the window page shows where each one is and the way it went; and the console's
registration form for a walk-in, with refusals next to their fields."""

import datetime as dt

import pytest
import time_machine

from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import LOCAL_TZ, month_bounds
from gridgov.mediation import services as m
from gridgov.mediation.models import Dispute, State
from gridgov.mediation.selectors import window_board
from gridgov.mediation.stats import dispute_stats
from tests.conftest import ID_A1
from tests.mediation.test_dispute_workflow import fresh, registered


def at(day, h=9):
    return dt.datetime(2026, 11, day, h, tzinfo=LOCAL_TZ)


def test_relayed_between_offices_and_concluded_at_the_last(mw):
    center = mw.district_dispatcher
    with time_machine.travel(at(2), tick=False):
        d = registered(mw, actor=center, title="讨薪纠纷", dispute_type="0799", window=True, occurred_on=at(1).date())
    with time_machine.travel(at(3), tick=False):
        m.dispute_relay(dispute=d, actor=center, to="hrss", receipt="仲裁院 张", note="劳动报酬争议,转劳动仲裁")
    with pytest.raises(ApplicationError) as same:
        m.dispute_relay(dispute=fresh(d), actor=center, to="hrss", note="再转一次")
    assert same.value.code == "same_station"
    with time_machine.travel(at(10), tick=False):
        m.dispute_relay(dispute=fresh(d), actor=center, to="court", receipt="诉服中心 李", note="仲裁调解未成,转法院诉前调解")
    d = fresh(d)
    assert (d.station, d.window, d.state, d.accepted_at) == ("court", True, State.REGISTERED, at(3))
    relays = list(d.events.filter(action="relay").order_by("at").values_list("data", flat=True))
    assert [(r["from"], r["to"], r["receipt"]) for r in relays] == [("", "hrss", "仲裁院 张"), ("hrss", "court", "诉服中心 李")]
    with time_machine.travel(at(12), tick=False):
        board = window_board(actor=center)
        [row] = board["rows"]
        assert row["path"] == ["窗口受理", "人社(劳动人事争议仲裁)", "法院(诉前调解、立案)"] and row["days"] == 2
        assert {s["code"]: s["count"] for s in board["stations"]}["court"] == 1
        assert window_board(actor=mw.w.user_b)["rows"] == []
    with time_machine.travel(at(15), tick=False):
        m.dispute_station_close(dispute=fresh(d), actor=center, outcome="mediated", note="诉前调解成功,分两期支付",
                                amount="12000")
    d = fresh(d)
    assert (d.state, d.resolved, d.agreed_at, str(d.agreement_amount)) == (State.CLOSED, True, at(15), "12000.00")
    assert window_board(actor=center)["rows"] == []
    r = dispute_stats(actor=center, start=month_bounds("2026-11")[0], end=month_bounds("2026-11")[1])
    assert (r["accepted"], r["resolved"], r["agreed"], r["amount"]) == (1, 1, 1, "12000.00")


def test_only_what_an_office_has_can_be_concluded_there_and_judgments_are_not_mediation(mw):
    d = registered(mw, actor=mw.district_dispatcher, window=True)
    with pytest.raises(ApplicationError) as refused:
        m.dispute_station_close(dispute=d, actor=mw.district_dispatcher, outcome="judged", note="判决")
    assert refused.value.code == "not_at_station"
    m.dispute_relay(dispute=fresh(d), actor=mw.district_dispatcher, to="court", note="当事人要求诉讼")
    m.dispute_station_close(dispute=fresh(d), actor=mw.district_dispatcher, outcome="judged", note="已判决")
    d = fresh(d)
    assert (d.state, d.resolved, d.agreed_at) == (State.CLOSED, False, None)


def test_the_window_page_and_the_registration_form(mw, client):
    client.force_login(mw.district_dispatcher)
    form = client.get("/console/disputes/new/?window=1").content.decode()
    assert "登记矛盾纠纷" in form and 'name="window"' in form and "checked" in form
    values = {"title": "拖欠工资", "dispute_type": "0799", "source": "application", "risk_level": "yellow",
              "scale": "02", "people_involved": "12", "occurred_on": "2026-11-20", "grid": mw.w.grid_a_west.code,
              "summary": "工地拖欠十二名工人工资", "applicant": "赵工", "applicant_id_number": "123",
              "applicant_phone": "13800138000", "respondent": "某建筑公司", "window": "on"}
    bad = client.post("/console/disputes/new/", values)
    assert bad.status_code == 400 and Dispute.objects.count() == 0
    assert "身份证号" in bad.content.decode()
    missing_ref = client.post("/console/disputes/new/", {**values, "applicant_id_number": "", "source": "police"})
    assert missing_ref.status_code == 400 and "移交或委托的纠纷须填写文书号" in missing_ref.content.decode()
    r = client.post("/console/disputes/new/", {**values, "applicant_id_number": ID_A1})
    d = Dispute.objects.get()
    assert r.status_code == 302 and r.url == f"/console/disputes/{d.pk}/"
    assert (d.window, d.grid_id, d.people_involved, d.scale) == (True, mw.w.grid_a_west.pk, 12, "02")
    assert d.parties.get(role="applicant").id_number_last4 == ID_A1[-4:]
    page = client.get("/console/disputes/window/").content.decode()
    assert "一窗受理" in page and "拖欠工资" in page and "窗口待分流" in page
    detail = client.get(f"/console/disputes/{d.pk}/").content.decode()
    assert 'id="act-relay"' in detail and "人社(劳动人事争议仲裁)" in detail
    r = client.post(f"/console/disputes/{d.pk}/relay/", {"to": "hrss", "receipt": "仲裁院", "note": "转仲裁"})
    assert r.status_code == 302 and fresh(d).station == "hrss"
    assert "人社(劳动人事争议仲裁)承办" in client.get(f"/console/disputes/{d.pk}/").content.decode()
    client.force_login(mw.w.user_b)  # 乙街道 is not offered 甲's grids, and may not register there
    other = client.post("/console/disputes/new/", {**values, "applicant_id_number": ID_A1, "title": "越界"})
    assert other.status_code == 400 and Dispute.objects.count() == 1
    assert mw.w.grid_a_west.code not in client.get("/console/disputes/new/").content.decode()
