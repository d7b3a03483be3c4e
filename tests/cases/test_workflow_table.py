"""Row by row: every transition of the case table, run through its service from each of its source states, lands
in the table's next state with the table's clock effect, and writes one timeline row of its action — on SQLite and
PostgreSQL. A service that sets a state by hand, or runs another clock effect, fails here."""

import pytest

from gridgov.cases import services as s
from gridgov.cases import sla
from gridgov.cases import workflow as wf
from gridgov.cases.models import Case, CaseEvent, State
from tests.cases.conftest import photo, report
from tests.cases.test_workflow import dispatched, done, fresh, handling


def accepted(cw):
    case = report(cw)
    return s.case_accept(case=case, actor=cw.dispatcher)


def suspended_from(state_maker):
    def make(cw):
        case = state_maker(cw)
        return s.case_suspend(case=fresh(case), actor=cw.dispatcher, reason="等待法院裁定")
    return make


def closed(cw):
    case = done(cw)
    return s.case_verify(case=fresh(case), actor=cw.w.worker_a, passed=True)


def with_pending_extension(state_maker):
    def make(cw):
        case = state_maker(cw)
        s.case_request_extension(case=fresh(case), actor=cw.handler_cg, minutes=120, reason="需要协调")
        return case
    return make


def escalatable(state_maker):
    return state_maker  # the community center has the town center above it


MAKERS = {
    State.REPORTED: report, State.ACCEPTED: accepted, State.DISPATCHED: dispatched, State.HANDLING: handling,
    State.DONE_REPORTED: done, State.CLOSED: closed,
}


def _actor(cw, action, case):
    return {
        "withdraw": cw.w.resident_user, "follow_up": cw.w.resident_user, "supervise": cw.leader,
        "acknowledge": cw.handler_cg, "return": cw.handler_cg, "handle": cw.handler_cg,
        "report_done": cw.handler_cg, "request_extension": cw.handler_cg,
        "verify_pass": cw.w.worker_a, "verify_fail": cw.w.worker_a,
    }.get(action, cw.dispatcher)


def _call(cw, action, case, actor):
    other = report(cw, description="同一处垃圾,另一位居民反映") if action == "merge" else None
    kwargs = {
        "accept": {}, "reject": {"reason": "不属实"}, "merge": {"target": other}, "withdraw": {"reason": "已自行解决"},
        "dispatch": {"unit": cw.cg}, "summon": {"lead": cw.cg, "cooperating": [cw.zj]},
        "acknowledge": {}, "return": {"reason": "不属本单位"},
        "handle": {"note": "已到现场", "on_site": True}, "report_done": {"note": "已清运", "photos": [photo()]},
        "verify_pass": {}, "verify_fail": {"reason": "仍有垃圾"},
        "request_extension": {"minutes": 60, "reason": "需要协调"},
        "approve_extension": {}, "reject_extension": {"reason": "理由不足"},
        "suspend": {"reason": "等待裁定"}, "resume": {}, "escalate": {"reason": "社区解决不了"},
        "supervise": {"note": "请尽快办结"}, "follow_up": {"satisfaction": 5},
    }[action]
    return s.ACTION_SERVICES[action](case=fresh(case), actor=actor, **kwargs)


def _cases():
    for t in wf.TABLE.transitions:
        for source in t.sources:
            yield pytest.param(t.action, source, id=f"{t.action}-{source}")


@pytest.mark.parametrize("action,source", list(_cases()))
def test_each_row_lands_where_the_table_says(cw, action, source, monkeypatch):
    t = wf.transition(action)
    if source == State.SUSPENDED:
        make = suspended_from(handling)
    else:
        make = MAKERS[source]
        if action in ("approve_extension", "reject_extension"):
            make = with_pending_extension(make)
    case = fresh(make(cw))
    assert case.state == source
    before = case.state
    previous = case.resume_state
    ran = []
    real = sla.apply_effect
    monkeypatch.setattr(sla, "apply_effect", lambda c, effect, at, **p: ran.append(effect) or real(c, effect, at, **p))
    events_before = CaseEvent.objects.filter(case=case, action=action).count()
    _call(cw, action, case, _actor(cw, action, case))
    after = Case.objects.get(pk=case.pk)
    expected = t.next_state(before, "", previous)
    if action == "handle":  # the first arrival on site: its outcome
        outcome = "arrived"
    elif action == "follow_up" and after.state != before:
        outcome = "reopened"
    else:
        outcome = ""
    if outcome:
        expected = t.next_state(before, outcome, previous)
    assert after.state == expected
    assert ran == ([t.effect_of(outcome)] if t.effect_of(outcome) else [])
    assert CaseEvent.objects.filter(case=case, action=action).count() == events_before + 1
    row = CaseEvent.objects.filter(case=case, action=action).latest("id")
    assert row.from_state == before and row.to_state == expected


def test_every_service_is_a_row_and_every_row_has_a_service():
    """And each service takes exactly its row's fields (by name), so the API and forms made from the fields fit."""
    import inspect

    assert set(s.ACTION_SERVICES) == set(wf.ACTIONS)
    for t in wf.TABLE.transitions:
        params = set(inspect.signature(s.ACTION_SERVICES[t.action]).parameters) - {"case", "actor"}
        assert params == {f.name for f in t.fields}, t.action


def test_outcomes_and_effects_are_named():
    effects = set(sla.EFFECTS) | {""}
    for t in wf.TABLE.transitions:
        assert t.effect in effects, t.action
        assert all(e in effects for _, e in t.effects), t.action
        assert all(target is None or target in State.values for _, target in t.outcomes), t.action
        assert t.target in (None, wf.PREVIOUS) or t.target in State.values, t.action


def test_timeline_rows_are_made_only_by_the_events_module():
    """Typed events: no module but cases/events.py constructs a CaseEvent (services, sweeper and ingest use its
    constructors)."""
    import re
    from pathlib import Path

    import gridgov

    root = Path(gridgov.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if "migrations" not in p.parts and p.name != "events.py" and p.name != "models.py"
                 and re.search(r"CaseEvent\(|CaseEvent\.objects\.(create|get_or_create|update_or_create)",
                               p.read_text(encoding="utf-8"))]
    assert offenders == [], offenders
