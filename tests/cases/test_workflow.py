"""Every path of the workflow table, including the refusals."""

import pytest

from gridgov.cases import services as s
from gridgov.cases import workflow as wf
from gridgov.cases.models import Assignment, Case, CaseEvent, ExtensionRequest, State
from gridgov.core.errors import ApplicationError, PermissionDenied
from tests.cases.conftest import photo, report


def fresh(case):
    return Case.objects.get(pk=case.pk)


def dispatched(cw, unit=None):
    case = report(cw)
    s.case_accept(case=case, actor=cw.dispatcher)
    return s.case_dispatch(case=fresh(case), actor=cw.dispatcher, unit=unit or cw.cg)


def handling(cw):
    case = dispatched(cw)
    return s.case_acknowledge(case=fresh(case), actor=cw.handler_cg)


def done(cw):
    case = handling(cw)
    return s.case_report_done(case=fresh(case), actor=cw.handler_cg, note="已清运", photos=[photo()])


def test_the_main_story(cw):
    case = report(cw)
    assert case.state == State.REPORTED and case.grid == cw.w.grid_a_west and case.owner_center == cw.gc_comm_a
    assert case.attachments.count() == 1 and case.reporter == cw.w.resident_user
    case = s.case_accept(case=case, actor=cw.dispatcher, note="属实")
    assert case.state == State.ACCEPTED and case.accepted_at
    case = s.case_dispatch(case=fresh(case), actor=cw.dispatcher)  # routed by the category: 城管
    assert case.state == State.DISPATCHED and case.handling_unit == cw.cg
    assert case.acknowledge_due_at and case.handle_due_at and case.light == "green" and case.due_at
    case = s.case_acknowledge(case=fresh(case), actor=cw.handler_cg)
    assert case.state == State.HANDLING and case.due_at == case.handle_due_at
    case = s.case_handle(case=fresh(case), actor=cw.handler_cg, note="已到现场", on_site=True)
    assert fresh(case).arrived_at is not None
    case = s.case_report_done(case=fresh(case), actor=cw.handler_cg, note="已清运", photos=[photo()])
    assert case.state == State.DONE_REPORTED and case.verify_due_at
    case = s.case_verify(case=fresh(case), actor=cw.w.worker_a, passed=True, note="现场已干净")
    assert case.state == State.CLOSED and case.closed_at and case.light == "none"
    case = s.case_follow_up(case=fresh(case), actor=cw.w.resident_user, satisfaction=5, comment="很快")
    assert fresh(case).satisfaction == 5 and case.state == State.CLOSED
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["report", "accept", "dispatch", "acknowledge", "handle", "report_done", "verify_pass",
                       "follow_up"]
    first = CaseEvent.objects.filter(case=case, action="accept").get()
    assert first.actor == cw.dispatcher and first.actor_unit == cw.gc_comm_a and first.note == "属实"
    with pytest.raises(ValueError):
        first.save()  # immutable


def test_return_goes_back_to_dispatch_and_counts(cw):
    case = dispatched(cw, unit=cw.zj)
    with pytest.raises(ApplicationError, match="退回原因"):
        s.case_return(case=fresh(case), actor=cw.handler_zj, reason="")
    case = s.case_return(case=fresh(case), actor=cw.handler_zj, reason="不属于住建职责")
    assert case.state == State.ACCEPTED and case.return_count == 1 and case.handling_unit is None
    assert fresh(case).due_at is None
    case = s.case_dispatch(case=fresh(case), actor=cw.dispatcher, unit=cw.cg)
    assert fresh(case).assignments.filter(status="returned").count() == 1


def test_reject_merge_withdraw(cw):
    a = report(cw)
    with pytest.raises(ApplicationError, match="原因"):
        s.case_reject(case=a, actor=cw.dispatcher, reason=" ")
    assert s.case_reject(case=a, actor=cw.dispatcher, reason="非本辖区事项").state == State.REJECTED
    b, c = report(cw), report(cw)
    assert b.pk in c.duplicate_candidates  # same category, same spot, same days
    merged = s.case_merge(case=fresh(c), actor=cw.dispatcher, target=b)
    assert merged.state == State.MERGED and merged.merged_into == b
    assert b.followers.filter(user=cw.w.resident_user).exists()
    with pytest.raises(ApplicationError):
        s.case_merge(case=fresh(b), actor=cw.dispatcher, target=b)
    d = report(cw)
    with pytest.raises(PermissionDenied):
        s.case_withdraw(case=d, actor=cw.dispatcher, reason="x")
    assert s.case_withdraw(case=d, actor=cw.w.resident_user, reason="已自行解决").state == State.WITHDRAWN


def test_verify_fail_is_rework(cw):
    case = done(cw)
    with pytest.raises(ApplicationError, match="原因"):
        s.case_verify(case=fresh(case), actor=cw.w.worker_a, passed=False)
    case = s.case_verify(case=fresh(case), actor=cw.w.worker_a, passed=False, note="仍有垃圾")
    assert case.state == State.HANDLING and case.rework_count == 1
    case = s.case_report_done(case=fresh(case), actor=cw.handler_cg, note="再次清运", photos=[photo()])
    assert s.case_verify(case=fresh(case), actor=cw.dispatcher, passed=True).state == State.CLOSED


def test_summon_needs_every_cooperating_unit(cw):
    case = report(cw)
    s.case_accept(case=case, actor=cw.dispatcher)
    with pytest.raises(ApplicationError, match="协办"):
        s.case_summon(case=fresh(case), actor=cw.dispatcher, lead=cw.cg, cooperating=[cw.cg])
    case = s.case_summon(case=fresh(case), actor=cw.dispatcher, lead=cw.cg, cooperating=[cw.zj], note="联合整治")
    assert case.assignments.count() == 2
    s.case_acknowledge(case=fresh(case), actor=cw.handler_zj)
    assert fresh(case).state == State.DISPATCHED  # a cooperating unit's signature does not move the case
    s.case_acknowledge(case=fresh(case), actor=cw.handler_cg)
    with pytest.raises(ApplicationError, match="区住建局"):
        s.case_report_done(case=fresh(case), actor=cw.handler_cg, note="完成", photos=[photo()])
    with pytest.raises(ApplicationError, match="协办单位不能退回"):
        s.case_return(case=fresh(case), actor=cw.handler_zj, reason="不想干")
    s.case_report_done(case=fresh(case), actor=cw.handler_zj, note="拆除完成", photos=[photo()])
    case = s.case_report_done(case=fresh(case), actor=cw.handler_cg, note="完成", photos=[photo()])
    assert case.state == State.DONE_REPORTED
    assert set(case.assignments.values_list("status", flat=True)) == {Assignment.Status.DONE}


def test_extension_request_and_decisions(cw):
    case = handling(cw)
    due = fresh(case).handle_due_at
    with pytest.raises(ApplicationError, match="1分钟到30天"):
        s.case_request_extension(case=fresh(case), actor=cw.handler_cg, minutes=0, reason="等材料")
    s.case_request_extension(case=fresh(case), actor=cw.handler_cg, minutes=420, reason="等待配件")
    with pytest.raises(ApplicationError, match="待审批"):
        s.case_request_extension(case=fresh(case), actor=cw.handler_cg, minutes=60, reason="再等")
    with pytest.raises(PermissionDenied):
        s.case_decide_extension(case=fresh(case), actor=cw.handler_cg, approve=True)
    case = s.case_decide_extension(case=fresh(case), actor=cw.dispatcher, approve=True)
    assert case.extension_count == 1 and fresh(case).handle_due_at > due
    s.case_request_extension(case=fresh(case), actor=cw.handler_cg, minutes=60, reason="再等")
    with pytest.raises(ApplicationError, match="驳回理由"):
        s.case_decide_extension(case=fresh(case), actor=cw.dispatcher, approve=False)
    s.case_decide_extension(case=fresh(case), actor=cw.dispatcher, approve=False, note="无正当理由")
    assert fresh(case).extension_count == 1
    with pytest.raises(ApplicationError, match="没有待审批"):
        s.case_decide_extension(case=fresh(case), actor=cw.dispatcher, approve=True)
    assert ExtensionRequest.objects.filter(status="rejected").count() == 1


def test_suspend_and_resume(cw):
    case = handling(cw)
    case = s.case_suspend(case=fresh(case), actor=cw.dispatcher, reason="等待法院判决")
    assert case.state == State.SUSPENDED and case.due_at is None and case.light == "none"
    with pytest.raises(ApplicationError, match="不能执行「处置进展」"):
        s.case_handle(case=fresh(case), actor=cw.handler_cg, note="x")
    case = s.case_resume(case=fresh(case), actor=cw.dispatcher)
    assert case.state == State.HANDLING and case.due_at is not None


def test_escalate_by_hand_and_the_top(cw):
    case = report(cw)
    with pytest.raises(PermissionDenied):
        s.case_escalate(case=case, actor=cw.handler_cg, reason="x")
    case = s.case_escalate(case=case, actor=cw.dispatcher, reason="社区解决不了")
    assert case.owner_center == cw.gc_town_a and case.escalation_level == 1
    with pytest.raises(PermissionDenied):  # the community no longer owns it
        s.case_accept(case=fresh(case), actor=cw.dispatcher)
    s.case_escalate(case=fresh(case), actor=cw.town_dispatcher, reason="街道协调不了")
    with pytest.raises(ApplicationError, match="最高层级"):
        s.case_escalate(case=fresh(case), actor=cw.district_dispatcher, reason="再上")
    assert s.case_accept(case=fresh(case), actor=cw.district_dispatcher).state == State.ACCEPTED


def test_supervise_from_above_only(cw):
    case = dispatched(cw)
    with pytest.raises(PermissionDenied):
        s.case_supervise(case=fresh(case), actor=cw.dispatcher, note="快点")  # the owner itself
    case = s.case_supervise(case=fresh(case), actor=cw.leader, note="请加快办理")
    assert case.supervise_count == 1
    s.case_supervise(case=fresh(case), actor=cw.town_dispatcher, note="街道督促")  # a center above the owner
    assert fresh(case).supervise_count == 2


def test_dissatisfied_follow_up_reopens_once(cw):
    case = done(cw)
    s.case_verify(case=fresh(case), actor=cw.w.worker_a, passed=True)
    with pytest.raises(ApplicationError, match="1"):
        s.case_follow_up(case=fresh(case), actor=cw.w.resident_user, satisfaction=9)
    case = s.case_follow_up(case=fresh(case), actor=cw.w.resident_user, satisfaction=2, comment="没处理干净")
    assert case.state == State.ACCEPTED and case.reopen_count == 1 and case.closed_at is None
    s.case_dispatch(case=fresh(case), actor=cw.dispatcher, unit=cw.cg)
    s.case_acknowledge(case=fresh(case), actor=cw.handler_cg)
    s.case_report_done(case=fresh(case), actor=cw.handler_cg, note="再次清理", photos=[photo()])
    s.case_verify(case=fresh(case), actor=cw.w.worker_a, passed=True)
    case = s.case_follow_up(case=fresh(case), actor=cw.w.resident_user, satisfaction=1)
    assert case.state == State.CLOSED and case.reopen_count == 1  # only once


def test_on_the_spot(cw):
    case = report(cw, actor=cw.w.worker_a, channel="grid_worker", resolved_on_spot=True,
                  resolution_note="已当场清理", photos=[photo()])
    assert case.state == State.DONE_REPORTED and case.on_the_spot and case.verify_due_at
    with pytest.raises(PermissionDenied, match="他人"):
        s.case_verify(case=fresh(case), actor=cw.w.worker_a, passed=True)
    assert s.case_verify(case=fresh(case), actor=cw.dispatcher, passed=True).state == State.CLOSED
    with pytest.raises(ApplicationError, match="照片"):
        report(cw, actor=cw.w.worker_a, channel="grid_worker", resolved_on_spot=True, photos=[])
    with pytest.raises(PermissionDenied):
        report(cw, actor=cw.w.resident_user, resolved_on_spot=True)
    with pytest.raises(ApplicationError, match="不允许"):
        report(cw, actor=cw.w.worker_a, category="1104", resolved_on_spot=True)


def test_refusals_wrong_actor_wrong_state_stale_object(cw):
    case = report(cw)
    with pytest.raises(PermissionDenied):
        s.case_accept(case=case, actor=cw.handler_cg)
    with pytest.raises(PermissionDenied):
        s.case_accept(case=case, actor=cw.w.user_b)  # the other town
    with pytest.raises(ApplicationError) as exc:
        s.case_acknowledge(case=case, actor=cw.handler_cg)
    assert exc.value.code == "state_conflict" and exc.value.status == 409
    stale = fresh(case)
    s.case_accept(case=case, actor=cw.dispatcher)
    with pytest.raises(ApplicationError) as exc:
        s.case_reject(case=stale, actor=cw.dispatcher, reason="重复")
    assert exc.value.code == "state_conflict"
    case = dispatched(cw)
    with pytest.raises(PermissionDenied):
        s.case_acknowledge(case=fresh(case), actor=cw.handler_zj)  # not their unit
    s.case_acknowledge(case=fresh(case), actor=cw.handler_cg)
    with pytest.raises(ApplicationError, match="照片"):
        s.case_report_done(case=fresh(case), actor=cw.handler_cg, note="好了")
    assert CaseEvent.objects.filter(case=case, action="report_done").count() == 0


def test_available_actions_follow_the_table(cw):
    case = report(cw)
    assert [t.action for t in s.available_actions(case, cw.dispatcher)] == ["accept", "reject", "merge", "escalate"]
    assert [t.action for t in s.available_actions(case, cw.w.resident_user)] == ["withdraw"]
    assert s.available_actions(case, cw.handler_cg) == []
    case = dispatched(cw)
    assert [t.action for t in s.available_actions(fresh(case), cw.handler_cg)] == [
        "acknowledge", "return", "request_extension"]
    assert "supervise" in [t.action for t in s.available_actions(fresh(case), cw.leader)]


def test_every_action_of_the_table_is_exercised(cw):
    """Runs the scenarios above into one database and checks the timeline covers the whole table."""
    for scenario in (test_the_main_story, test_return_goes_back_to_dispatch_and_counts, test_reject_merge_withdraw,
                     test_verify_fail_is_rework, test_summon_needs_every_cooperating_unit,
                     test_extension_request_and_decisions, test_suspend_and_resume, test_escalate_by_hand_and_the_top,
                     test_supervise_from_above_only):
        scenario(cw)
    seen = set(CaseEvent.objects.values_list("action", flat=True))
    assert set(wf.ACTIONS) <= seen, set(wf.ACTIONS) - seen
