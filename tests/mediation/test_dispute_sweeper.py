"""What happens to disputes with time and colour: reporting up as the colour asks (red: at once to the town and
district centers and the town's police station), the one-month limit marked once, and a high-risk dispute without
progress escalating on its own — once per stall."""

import datetime as dt

import time_machine

from gridgov.accounts.services import membership_grant
from gridgov.core.sweeps import EXTRA_SWEEPS
from gridgov.core.timeutil import now
from gridgov.mediation import services as m
from gridgov.mediation.models import Dispute, DisputeEvent
from gridgov.mediation.sweeper import sweep_disputes
from gridgov.notify.models import Message
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from tests.conftest import make_user
from tests.mediation.test_dispute_workflow import mediating, registered


def kinds(d):
    return [e.action for e in DisputeEvent.objects.filter(dispute=d).order_by("id")]


def test_red_is_reported_at_once_to_town_district_and_police(mw):
    police = org_unit_create(actor=None, code="PS-TA", name="甲街道派出所", kind=UnitKind.POLICE_STATION,
                             region=mw.w.town_a)
    officer = make_user("police_a", is_staff=True)
    membership_grant(actor=None, user=officer, role_code="center_dispatcher", region=mw.w.town_a, unit=police)
    d = registered(mw, risk_level="red")
    row = DisputeEvent.objects.get(dispute=d, action="reported_up")
    assert set(row.data["units"]) == {mw.gc_town_a.pk, mw.gc_district.pk, police.pk}
    told = set(Message.objects.filter(data__dispute=d.pk).values_list("recipient_id", flat=True))
    assert {mw.town_dispatcher.pk, mw.district_dispatcher.pk, officer.pk} <= told
    blue = registered(mw, title="另一起纠纷")
    assert "reported_up" not in kinds(blue)  # blue: handled where it arose
    m.dispute_rerate(dispute=blue, actor=mw.dispatcher, risk_level="yellow", reason="有激化苗头")
    row = DisputeEvent.objects.filter(dispute=blue, action="reported_up").get()
    assert row.data["units"] == [mw.gc_town_a.pk]  # yellow: the town's center


def test_the_time_limit_is_marked_once(mw):
    d = mediating(mw)
    due = Dispute.objects.get(pk=d.pk).due_at
    assert sweep_disputes(at=due - dt.timedelta(minutes=1)) == 0
    assert sweep_disputes(at=due + dt.timedelta(minutes=1)) >= 1
    assert sweep_disputes(at=due + dt.timedelta(minutes=2)) == 0
    assert kinds(d).count("overdue") == 1
    assert Message.objects.filter(subject__startswith="【调解超期】", recipient=mw.mediator).exists()
    assert "disputes" in EXTRA_SWEEPS  # `gridgov sweep` runs it too


def test_a_stalled_high_risk_dispute_escalates_once_per_stall(mw):
    d = m.dispute_rerate(dispute=mediating(mw), actor=mw.mediator, risk_level="red", reason="扬言报复")
    start = now()
    with time_machine.travel(start + dt.timedelta(hours=23), tick=False):
        assert sweep_disputes() == 0  # red escalates after 24 hours without progress
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        sweep_disputes()
        sweep_disputes()
    assert kinds(d).count("auto_escalate") == 1
    row = DisputeEvent.objects.get(dispute=d, action="auto_escalate")
    assert row.data["to"] == mw.gc_town_a.pk and row.data["hours"] == 24
    assert Message.objects.filter(subject__startswith="【红色(重大风险)纠纷升级】", recipient=mw.town_dispatcher).exists()
    with time_machine.travel(start + dt.timedelta(hours=26), tick=False):  # progress ends the stall …
        m.dispute_record_session(dispute=Dispute.objects.get(pk=d.pk), actor=mw.mediator, note="再次调解")
    with time_machine.travel(start + dt.timedelta(hours=40), tick=False):
        sweep_disputes()
    assert kinds(d).count("auto_escalate") == 1
    with time_machine.travel(start + dt.timedelta(hours=51), tick=False):  # … and a new one escalates again
        sweep_disputes()
    assert kinds(d).count("auto_escalate") == 2
