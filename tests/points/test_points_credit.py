"""诚信红灰榜: a grid worker registers, another officer approves, the community's list shows it (grey names
masked), the resident appeals a grey record and the officer upholds or removes it, records expire; reasons must
fit the list, grey needs evidence, nobody approves their own, nothing of another place."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import local_today, now
from gridgov.points import credit
from gridgov.points.models import CreditState, PointsEvent
from tests.cases.conftest import photo
from tests.points.conftest import grant


def _grey(pw, **kw):
    values = dict(actor=pw.cw.w.worker_a, resident=pw.cw.w.res_a1, list_="grey", reason="illegal_building",
                  description="在楼顶违章搭建彩钢房,经三次劝导拒不整改", photos=[photo()])
    values.update(kw)
    return credit.credit_propose(**values)


def test_register_approve_publish_appeal_and_remove(pw):
    cw = pw.cw
    record = _grey(pw)
    assert record.state == CreditState.PROPOSED and record.community == cw.w.comm_a and record.photos.count() == 1
    assert credit.published_lists(cw.w.comm_a)["grey"] == []  # not before approval
    with pytest.raises(PermissionDenied):
        credit.credit_act(actor=cw.w.user_b, record=record, action="approve")  # town B
    credit.credit_act(actor=pw.officer, record=record, action="approve", values={"note": "经核实"})
    lists = credit.published_lists(cw.w.comm_a)
    assert [(r["name"], r["reason"]) for r in lists["grey"]] == [("张*", "违章搭建拒不整改")]  # 张三, masked

    resident = cw.w.resident_user  # 张三's account
    with pytest.raises(ApplicationError) as e:
        credit.credit_act(actor=resident, record=record, action="appeal", values={"reason": " "})
    assert e.value.code == "reason_required"
    credit.credit_act(actor=resident, record=record, action="appeal", values={"reason": "已于上周自行拆除"})
    assert credit.published_lists(cw.w.comm_a)["grey"] == []  # off the list while the appeal is heard
    credit.credit_act(actor=pw.officer, record=record, action="remove", values={"reason": "经现场核实已拆除"})
    record.refresh_from_db()
    assert record.state == CreditState.REMOVED
    assert [e.action for e in PointsEvent.objects.filter(subject="credit", subject_id=record.pk)] == [
        "propose", "approve", "appeal", "remove"]


def test_an_appeal_can_be_upheld_and_a_red_record_is_not_appealed(pw):
    cw = pw.cw
    record = _grey(pw)
    credit.credit_act(actor=pw.officer, record=record, action="approve")
    credit.credit_act(actor=cw.w.resident_user, record=record, action="appeal", values={"reason": "不服"})
    credit.credit_act(actor=pw.officer, record=record, action="uphold", values={"reason": "现场照片显示仍未拆除"})
    assert credit.published_lists(cw.w.comm_a)["grey"][0]["name"] == "张*"
    red = credit.credit_propose(actor=cw.w.worker_a, resident=cw.w.res_a1, list_="red", reason="brave",
                                description="跳入河中救起落水儿童")
    credit.credit_act(actor=pw.officer, record=red, action="approve")
    assert credit.published_lists(cw.w.comm_a)["red"][0]["name"] == "张三"
    with pytest.raises(ApplicationError) as e:
        credit.credit_act(actor=cw.w.resident_user, record=red, action="appeal", values={"reason": "?"})
    assert e.value.code == "not_grey"


def test_bad_records_are_refused_and_change_nothing(pw):
    cw = pw.cw
    with pytest.raises(ApplicationError) as e:
        _grey(pw, reason="brave")
    assert e.value.code == "reason_not_of_list"
    with pytest.raises(ApplicationError) as e:
        _grey(pw, photos=[])
    assert e.value.code == "evidence_required"
    with pytest.raises(ApplicationError) as e:
        _grey(pw, valid_until=local_today())
    assert e.value.code == "invalid_valid_until"
    with pytest.raises(PermissionDenied):
        _grey(pw, actor=cw.w.user_b)  # town B's officer, a resident of town A
    with pytest.raises(PermissionDenied):
        _grey(pw, actor=cw.w.resident_user)
    assert not credit.CreditRecord.objects.exists()
    grant(cw.w.worker_a, "center_dispatcher", cw.w.comm_a)  # may approve too, but not what they registered
    record = _grey(pw)
    with pytest.raises(PermissionDenied):
        credit.credit_act(actor=cw.w.worker_a, record=record, action="approve")
    with pytest.raises(ApplicationError) as e:
        credit.credit_act(actor=pw.officer, record=record, action="reject", values={"reason": ""})
    assert e.value.code == "reason_required"
    assert credit.record_get(actor=pw.officer, pk=record.pk).state == CreditState.PROPOSED


def test_records_expire_on_their_date(pw):
    record = _grey(pw, valid_until=local_today() + dt.timedelta(days=30))
    credit.credit_act(actor=pw.officer, record=record, action="approve")
    assert credit.expire_due() == 0
    with time_machine.travel(now() + dt.timedelta(days=32), tick=False):
        assert credit.expire_due() == 1
    record.refresh_from_db()
    assert record.state == CreditState.EXPIRED
    assert credit.published_lists(pw.cw.w.comm_a)["grey"] == []


def test_who_sees_which_records(pw):
    cw = pw.cw
    record = _grey(pw)
    assert credit.record_get(actor=cw.w.resident_user, pk=record.pk) == record  # their own
    with pytest.raises(ApplicationError):
        credit.record_get(actor=cw.w.user_b, pk=record.pk)
    assert list(credit.visible_records(pw.volunteer)) == []
    assert credit.home_community(cw.w.resident_user) == cw.w.comm_a
    assert credit.home_community(pw.volunteer) == cw.w.comm_a
