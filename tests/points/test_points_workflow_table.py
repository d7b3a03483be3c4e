"""Every row of the points tables, executed: from its first source state, the service lands in the row's target
state and writes the row's timeline entry (the pattern of tests/cases/test_workflow_table.py)."""

from __future__ import annotations

import itertools

import pytest

from gridgov.core.timeutil import local_today, now
from gridgov.points import credit, ledger, services
from gridgov.points.models import Claim, CreditRecord, PointsEvent, Redemption, Volunteer
from gridgov.points.workflow import CLAIM, CREDIT, OFFICER, REDEMPTION, SELF, SYSTEM, VOLUNTEER
from tests.cases.conftest import photo
from tests.points.conftest import make_volunteer

_N = itertools.count()


def _volunteer_in(pw, state: str) -> Volunteer:
    user = make_volunteer(pw.cw, f"v{next(_N)}", verify=False)
    v = user.volunteer
    if state == "rejected":
        services.volunteer_act(actor=pw.officer, volunteer=v, action="reject", values={"reason": "资料不全"})
    elif state in ("verified", "suspended"):
        services.volunteer_act(actor=pw.officer, volunteer=v, action="verify")
        if state == "suspended":
            services.volunteer_act(actor=pw.officer, volunteer=v, action="suspend", values={"reason": "暂停"})
    return Volunteer.objects.get(pk=v.pk)


def _claim(pw) -> Claim:
    return services.claim_submit(actor=pw.volunteer, item_key="meeting", note="参加议事会",
                                 happened_on=local_today())


def _redemption(pw) -> Redemption:
    account = ledger.member_account(pw.volunteer, lock=True)
    services.give(account, pw.item("clue"), at=now(), day=local_today(),
                  source_key=f"table:{next(_N)}")
    return services.redeem(actor=pw.volunteer, reward_id=pw.soap.pk)


def _credit_in(pw, state: str) -> CreditRecord:
    r = credit.credit_propose(actor=pw.cw.w.worker_a, resident=pw.cw.w.res_a1, list_="grey", reason="environment",
                              description="向楼下倾倒垃圾", photos=[photo()])
    if state in ("published", "appealed"):
        credit.credit_act(actor=pw.officer, record=r, action="approve")
    if state == "appealed":
        credit.credit_act(actor=pw.cw.w.resident_user, record=r, action="appeal", values={"reason": "已改正"})
    return CreditRecord.objects.get(pk=r.pk)


ROWS = [("volunteer", t) for t in VOLUNTEER.transitions] + [("claim", t) for t in CLAIM.transitions] + [
    ("redemption", t) for t in REDEMPTION.transitions] + [("credit", t) for t in CREDIT.transitions]


@pytest.mark.parametrize(("subject", "t"), ROWS, ids=[f"{s}-{t.action}" for s, t in ROWS])
def test_every_row_lands_in_its_target_state(pw, subject, t):
    values = {"reason": "按规定办理", "note": "按规定办理"}
    if subject == "volunteer":
        obj = _volunteer_in(pw, t.sources[0])
        actor = obj.user if SELF in t.actors else pw.officer
        services.volunteer_act(actor=actor, volunteer=obj, action=t.action, values=values)
    elif subject == "claim":
        obj = _claim(pw)
        services.claim_act(actor=pw.officer, claim=obj, action=t.action, values=values)
    elif subject == "credit":
        obj = _credit_in(pw, t.sources[0])
        actor = None if SYSTEM in t.actors else (pw.cw.w.resident_user if SELF in t.actors else pw.officer)
        credit.credit_act(actor=actor, record=obj, action=t.action, values=values)
    else:
        obj = _redemption(pw)
        actor = None if t.action == "lapse" else (pw.officer if OFFICER in t.actors else pw.volunteer)
        services.redemption_act(actor=actor, redemption=obj, action=t.action, values={**values, "code": obj.code})
    obj.refresh_from_db()
    assert obj.state == t.target
    last = PointsEvent.objects.filter(subject=subject, subject_id=obj.pk).last()
    assert (last.action, last.from_state, last.to_state) == (t.action, t.sources[0], t.target)
    assert ledger.problems() == []
