"""Disputes on the workflow engine (first part of #11): registration with its parties (personal data encrypted),
conversion from a grid case, every row of the table run through its service from each of its source states —
landing in the table's next state with its clock effect and one timeline row — colour re-rating on the timeline,
the one-month clock with a consented extension, and what each actor may see. SQLite and PostgreSQL."""

import datetime as dt

import pytest

from gridgov.accounts.services import membership_grant
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.pii import get_pii
from gridgov.core.workflow import UNCHANGED
from gridgov.mediation import services as m
from gridgov.mediation import workflow as wf
from gridgov.mediation.models import Dispute, DisputeEvent, DisputeParty, Source, State
from gridgov.mediation.selectors import dispute_list, dispute_timeline
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from tests.cases.conftest import photo, report
from tests.conftest import ID_A1, make_user

PARTIES = [{"role": "applicant", "name": "张三", "id_number": ID_A1, "phone": "13800138000"},
           {"role": "respondent", "name": "李四"}]


def fresh(d):
    return Dispute.objects.get(pk=d.pk)


def registered(mw, **kw):
    values = dict(actor=mw.dispatcher, title="楼上漏水纠纷", dispute_type="0201", source="application",
                  summary="楼上住户卫生间漏水,楼下要求赔偿,双方多次争吵", occurred_on=dt.date(2026, 11, 30),
                  parties=PARTIES, lon=120.005, lat=30.01)
    values.update(kw)
    return m.dispute_register(**values)


def accepted(mw):
    return m.dispute_accept(dispute=registered(mw), actor=mw.dispatcher, committee=mw.committee,
                            mediator=mw.mediator)


def mediating(mw):
    return m.dispute_start(dispute=accepted(mw), actor=mw.mediator)


def agreed(mw):
    return m.dispute_agree(dispute=mediating(mw), actor=mw.mediator, kind="written",
                           content="楼上负责维修并赔偿2000元,12月10日前付清", amount="2000")


def closed(mw):
    return m.dispute_follow_up(dispute=agreed(mw), actor=mw.mediator, note="已履行", performed=True)


MAKERS = {State.REGISTERED: registered, State.ACCEPTED: accepted, State.MEDIATING: mediating, State.AGREED: agreed,
          State.CLOSED: closed}

ARGS = {
    "accept": lambda mw: {"committee": mw.committee, "mediator": mw.mediator},
    "reject": lambda mw: {"reason": "不属于人民调解范围"},
    "start": lambda mw: {},
    "attach": lambda mw: {"kind": "performance", "photos": [photo("收条.jpg")], "note": "收条"},
    "record_investigation": lambda mw: {"note": "走访楼上楼下,查看漏点", "place": "3单元", "participants": "物业维修工"},
    "consult": lambda mw: {"participants": "司法所、派出所、法庭", "note": "研判风险", "decision": "派出所稳控,调委会调解",
                           "place": "街道综治中心"},
    "record_session": lambda mw: {"note": "双方陈述,初步同意维修", "place": "社区调解室", "participants": "调解员、民警"},
    "rerate": lambda mw: {"risk_level": "yellow", "reason": "双方情绪激动"},
    "extend": lambda mw: {"days": 10, "reason": "双方同意延长"},
    "agree": lambda mw: {"kind": "oral", "content": "楼上当日维修"},
    "fail": lambda mw: {"reason": "双方分歧大,已告知可向法院起诉"},
    "hand_over": lambda mw: {"to": "court", "receipt": "(2026)诉前调001号", "reason": "当事人坚持诉讼"},
    "record_performance": lambda mw: {"note": "已付清赔偿款(收条)"},
    "follow_up": lambda mw: {"note": "回访:已履行,双方满意", "performed": True},
    "record_confirmation": lambda mw: {"court": "青禾区人民法院", "result": "confirmed"},
    "relay": lambda mw: {"to": "hrss", "receipt": "仲裁院窗口 王", "note": "劳动争议,转劳动人事争议仲裁"},
    "station_close": lambda mw: {"outcome": "mediated", "note": "仲裁庭调解,双方和解", "amount": "5000"},
}


def actor_for(mw, action):
    return (mw.dispatcher if action in ("accept", "reject", "hand_over", "rerate", "relay", "station_close", "attach",
                              "consult")
            else mw.mediator)


ROWS = [(t.action, source) for t in wf.TABLE.transitions for source in t.sources]


@pytest.mark.parametrize(("action", "source"), ROWS, ids=[f"{a}-{s}" for a, s in ROWS])
def test_every_row_lands_where_the_table_says(mw, action, source):
    t = wf.TABLE.get(action)
    d = fresh(MAKERS[source](mw))
    assert d.state == source
    if wf.AT_STATION in t.guards:  # concluded at a stationed office: first passed there
        d = fresh(m.dispute_relay(dispute=d, actor=mw.dispatcher, to="court", note="转法院诉前调解"))
    before_due, rows_before = d.due_at, DisputeEvent.objects.filter(dispute=d).count()
    done = m.ACTION_SERVICES[action](dispute=d, actor=actor_for(mw, action), **ARGS[action](mw))
    d = fresh(done)
    assert d.state == (source if t.target is UNCHANGED else t.target)
    new_rows = DisputeEvent.objects.filter(dispute=d).order_by("id")[rows_before:]
    assert new_rows[0].action == action  # then what the colour asks of a re-rating (按风险等级上报), nothing else
    assert all(r.action in wf.EVENT_KINDS for r in new_rows[1:])
    assert new_rows[0].from_state == source and new_rows[0].to_state == d.state
    effect = t.effect_of()
    if effect == wf.START_CLOCK:
        assert d.due_at is not None and d.due_at - d.accepted_at == dt.timedelta(days=m.MEDIATION_DAYS)
    elif effect == wf.EXTEND_CLOCK:
        assert d.due_at - before_due == dt.timedelta(days=10) and d.extension_days == 10
    elif effect == wf.STOP_CLOCK:
        assert d.due_at is None
    else:
        assert d.due_at == before_due
    if t.info("resolved") is not None:
        assert d.resolved is t.info("resolved")


def test_registration_keeps_parties_personal_data_encrypted(mw):
    d = registered(mw)
    assert d.grid == mw.w.grid_a_west and d.region_path == mw.w.grid_a_west.path and d.risk_level.code == "blue"
    applicant = d.parties.get(role="applicant")
    assert ID_A1 not in applicant.id_number_enc and get_pii(applicant, "id_number") == ID_A1
    assert applicant.id_number_masked.endswith(ID_A1[-4:]) and applicant.phone_masked.endswith("8000")
    [row] = dispute_timeline(d)
    assert row.action == "register" and row.data["source"] == "application"
    with pytest.raises(ApplicationError) as bad:  # one bad party: nothing at all is written
        registered(mw, parties=[PARTIES[0], {"role": "respondent", "name": "王五", "id_number": "110101199001011234"}])
    assert bad.value.code == "invalid_id_number" and "parties.2.id_number" in bad.value.fields
    with pytest.raises(ApplicationError) as bad:
        registered(mw, source="court")  # a court's hand-over comes with its document number
    assert bad.value.code == "source_ref_required"
    with pytest.raises(PermissionDenied):  # 甲一社区's center does not register 乙街道's disputes
        registered(mw, lon=120.03)
    with pytest.raises(PermissionDenied):  # nor does a department handler
        registered(mw, actor=mw.handler_cg)
    assert Dispute.objects.count() == 1
    assert registered(mw, actor=mw.mediator, title="调解员登记的纠纷").created_by == mw.mediator  # its committee's place
    assert Dispute.objects.count() == 2 and DisputeParty.objects.count() == 4


def test_a_dispute_case_converts_in_one_step_and_both_stay_linked(mw):
    case = report(mw, description="楼上漏水邻居吵起来了", category="2101")
    d = m.dispute_from_case(actor=mw.dispatcher, case=case, dispute_type="0201", parties=PARTIES)
    assert d.case == case and d.source == "case" and d.source_ref == case.number and d.grid == case.grid
    assert [e.action for e in dispute_timeline(d)] == ["register", "convert"]
    assert case.events.filter(action="to_dispute", data__dispute=d.pk).exists()
    with pytest.raises(ApplicationError) as again:
        m.dispute_from_case(actor=mw.dispatcher, case=case, dispute_type="0201", parties=PARTIES)
    assert again.value.code == "already_converted"
    litter = report(mw)  # 暴露垃圾 is no dispute
    with pytest.raises(ApplicationError) as wrong:
        m.dispute_from_case(actor=mw.dispatcher, case=litter, dispute_type="0201", parties=PARTIES)
    assert wrong.value.code == "not_a_dispute" and wrong.value.status == 409
    with pytest.raises(ApplicationError) as who:
        m.dispute_from_case(actor=mw.handler_cg, case=report(mw, category="2101"), dispute_type="0201",
                            parties=PARTIES)
    assert who.value.code == "not_center"


def test_colour_rerating_and_the_consented_extension_are_on_the_timeline(mw):
    d = mediating(mw)
    d = m.dispute_rerate(dispute=d, actor=mw.dispatcher, risk_level="red", reason="扬言报复,有民转刑风险")
    d = m.dispute_rerate(dispute=fresh(d), actor=mw.mediator, risk_level="blue", reason="已达成初步共识,情绪平稳")
    rows = [e for e in dispute_timeline(d) if e.action == "rerate"]
    assert [(r.data["from"], r.data["to"]) for r in rows] == [("blue", "red"), ("red", "blue")]
    with pytest.raises(ApplicationError) as same:
        m.dispute_rerate(dispute=fresh(d), actor=mw.mediator, risk_level="blue", reason="再看")
    assert same.value.code == "same_risk_level"
    due = fresh(d).due_at
    d = m.dispute_extend(dispute=fresh(d), actor=mw.mediator, days=20, reason="双方同意")
    assert fresh(d).due_at == due + dt.timedelta(days=20)
    with pytest.raises(ApplicationError) as limit:
        m.dispute_extend(dispute=fresh(d), actor=mw.mediator, days=11, reason="双方同意")
    assert limit.value.code == "extension_limit"


def test_who_may_act_and_see(mw):
    d = registered(mw)
    with pytest.raises(ApplicationError):  # a mediator cannot take a dispute on before the center gives it
        m.dispute_start(dispute=d, actor=mw.mediator)
    other_committee = org_unit_create(actor=None, code="MC-CB", name="乙一社区人民调解委员会",
                                      kind=UnitKind.MEDIATION_COMMITTEE, region=mw.w.comm_b)
    other = make_user("mediator_b", is_staff=True)
    membership_grant(actor=None, user=other, role_code="mediator", region=mw.w.comm_b, unit=other_committee)
    with pytest.raises(ApplicationError) as bad:
        m.dispute_accept(dispute=d, actor=mw.dispatcher, committee=mw.committee, mediator=other)
    assert bad.value.code == "invalid_mediator"
    d = m.dispute_accept(dispute=d, actor=mw.dispatcher, committee=mw.committee)
    assert list(dispute_list(actor=mw.mediator)) == [d]  # its committee's mediators
    assert list(dispute_list(actor=other)) == []
    assert list(dispute_list(actor=mw.w.user_b)) == []  # 乙街道 does not see 甲街道's disputes
    assert list(dispute_list(actor=mw.w.user_a)) == [d]
    assert {t.action for t in wf.TABLE.allowed(other, d)} == set()
    assert "start" in {t.action for t in wf.TABLE.allowed(mw.mediator, d)}


def test_the_admin_shows_disputes_masked_and_levels_editable(mw, admin_client):
    d = m.dispute_rerate(dispute=registered(mw), actor=mw.dispatcher, risk_level="red", reason="群体性风险")
    page = admin_client.get(f"/admin/mediation/dispute/{d.pk}/change/").content.decode()
    assert "风险研判(调整预警颜色)" in page and "张三" in page and ID_A1 not in page and ID_A1[-4:] in page
    levels = admin_client.get("/admin/mediation/risklevel/").content.decode()
    assert "蓝色(一般)" in levels and "黄色(可能激化)" in levels and "红色(重大风险)" in levels


def test_the_agreement_pdf_opens_with_the_items_of_article_29(mw, client):
    import io

    from pypdf import PdfReader

    from gridgov.mediation.documents import agreement_pdf

    d = m.dispute_agree(dispute=mediating(mw), actor=mw.mediator, kind="written", amount="2000",
                        duties="楼上住户对漏水负主要责任", content="楼上住户负责维修防水层并赔偿楼下2000元,12月10日前付清")
    reader = PdfReader(io.BytesIO(agreement_pdf(fresh(d))))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    for item in ("人民调解协议书", "当事人基本情况", "纠纷主要事实、争议事项及各方责任", "协议内容、履行方式、期限",
                 "张三", "李四", "楼上住户对漏水负主要责任", "12月10日前付清", "2000.00", "三十日内共同向人民法院申请司法确认",
                 "甲一社区人民调解委员会"):
        assert item in text, item
    assert ID_A1 not in text and ID_A1[-4:] in text  # the identity number masked
    client.force_login(mw.mediator)
    r = client.get(f"/console/disputes/{d.pk}/agreement.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    oral = m.dispute_agree(dispute=mediating(mw), actor=mw.mediator, kind="oral", content="当面道歉")
    r = client.get(f"/console/disputes/{oral.pk}/agreement.pdf", follow=True)
    assert "该纠纷没有书面调解协议" in r.content.decode()


def test_judicial_confirmation_is_reminded_once_before_its_30_days_end(mw):
    from gridgov.mediation.sweeper import sweep_disputes
    from gridgov.notify.models import Message

    d = agreed(mw)
    agreed_at = fresh(d).agreed_at
    sweep_disputes(at=agreed_at + dt.timedelta(days=22))
    assert not DisputeEvent.objects.filter(dispute=d, action="confirm_reminder").exists()
    sweep_disputes(at=agreed_at + dt.timedelta(days=24))
    sweep_disputes(at=agreed_at + dt.timedelta(days=25))
    assert DisputeEvent.objects.filter(dispute=d, action="confirm_reminder").count() == 1
    assert Message.objects.filter(subject__startswith="【司法确认提醒】", recipient=mw.mediator).count() == 1
    m.dispute_record_confirmation(dispute=fresh(d), actor=mw.mediator, court="青禾区人民法院", result="confirmed")
    with pytest.raises(ApplicationError) as again:
        m.dispute_record_confirmation(dispute=fresh(d), actor=mw.mediator, court="青禾区人民法院", result="confirmed")
    assert again.value.code == "no_written_agreement"


LINKAGES = {"police": "杭公(拱)调字2026-88", "court": "(2026)浙0106民诉前调1号", "petition": "区信转字2026-015",
            "procuratorate": "区检移字2026-3"}


@pytest.mark.parametrize("source", [s for s in Source.values if s != "case"])
def test_every_source_and_linkage_is_registered_with_its_document(mw, source):
    """当事人申请, 主动调解, 政府指定 come as they are; a hand-over by police, court, petition office or procuratorate
    names its document (warned without one), and the timeline keeps both. (网格事件转入: the conversion test.)"""
    ref = LINKAGES.get(source, "")
    if ref:
        with pytest.raises(ApplicationError) as bad:
            registered(mw, source=source)
        assert bad.value.code == "source_ref_required"
    d = registered(mw, source=source, source_ref=ref)
    [row] = dispute_timeline(d)
    assert (d.source, d.source_ref, row.data["source"], row.data["source_ref"]) == (source, ref, source, ref)


@pytest.mark.parametrize("to", ["court", "police", "petition"])
def test_a_hand_over_back_is_recorded_with_its_receipt(mw, to):
    d = m.dispute_hand_over(dispute=mediating(mw), actor=mw.dispatcher, to=to, receipt=f"{to}-回执-001",
                            reason="当事人坚持通过其他途径解决")
    d = fresh(d)
    row = d.events.get(action="hand_over")
    assert (d.state, d.handed_to, row.data["to"], row.data["receipt"]) == (State.HANDED_OVER, to, to, f"{to}-回执-001")


def test_an_agreement_not_followed_up_in_its_colours_days_is_reminded_once(mw):
    """回访 within the colour's days (蓝 30, 黄 15, 红 7 by default): the mediators and the grid's workers are told."""
    from gridgov.mediation.sweeper import sweep_disputes
    from gridgov.notify.models import Message

    worker = make_user("gw_mediation", is_staff=True)
    membership_grant(actor=None, user=worker, role_code="grid_worker", region=mw.w.grid_a_west)
    red = m.dispute_agree(dispute=m.dispute_rerate(dispute=mediating(mw), actor=mw.mediator, risk_level="red",
                                                   reason="扬言报复"), actor=mw.mediator, kind="oral", content="道歉")
    blue = agreed(mw)
    t = fresh(red).agreed_at
    sweep_disputes(at=t + dt.timedelta(days=6))
    assert not DisputeEvent.objects.filter(action="follow_up_due").exists()
    sweep_disputes(at=t + dt.timedelta(days=8))
    sweep_disputes(at=t + dt.timedelta(days=9))
    assert list(DisputeEvent.objects.filter(action="follow_up_due").values_list("dispute_id", flat=True)) == [red.pk]
    told = set(Message.objects.filter(subject="【回访提醒】楼上漏水纠纷").values_list("recipient_id", flat=True))
    assert {worker.pk, mw.mediator.pk} <= told
    m.dispute_follow_up(dispute=fresh(blue), actor=mw.mediator, note="已履行", performed=True)
    sweep_disputes(at=t + dt.timedelta(days=40))  # blue was followed up in time: nothing for it
    assert DisputeEvent.objects.filter(action="follow_up_due").count() == 1


def test_the_buttons_that_end_a_mediation_without_agreement_are_red(mw, client):
    """The table marks the rows (danger): 不予受理, 调解未成, 移交 are red, the others blue — by the action, not by
    a list in the page."""
    import re

    client.force_login(mw.dispatcher)
    html = client.get(f"/console/disputes/{registered(mw).pk}/").content.decode()
    buttons = dict((a, c) for c, a in re.findall(r'<summary class="btn (btn-\w+)">([^<]+)</summary>', html))
    assert buttons["不予受理"] == "btn-danger" and buttons["移交"] == "btn-danger" and buttons["受理"] == "btn-primary"
    assert buttons["联合会商"] == "btn-primary" and buttons["风险研判(调整预警颜色)"] == "btn-primary"
    assert {t.action for t in wf.TABLE.transitions if t.info("danger")} == {"reject", "fail", "hand_over"}
