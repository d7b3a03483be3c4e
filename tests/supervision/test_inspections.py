"""物业检查: an inspection with a failed item (photographed) makes a rectification case and lowers the company's
score; the score is reproduced from its evidence; the re-inspection and a late rectification cost more; the
month's pass rate and problem rates on a hand-worked example; the plan schedules what is due."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from gridgov.cases import services as cases
from gridgov.cases.models import Case
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.timeutil import LOCAL_TZ, local, now
from gridgov.orgs.models import UnitKind
from gridgov.orgs.services import org_unit_create
from gridgov.supervision import score
from gridgov.supervision.models import Checklist, Compound, Inspection
from gridgov.supervision.services import (
    inspection_cancel,
    inspection_reinspect,
    inspection_schedule,
    inspection_submit,
    schedule_due,
)
from tests.cases.conftest import cw  # noqa: F401 - the case world
from tests.portal.test_portal import _jpeg

ALL_OK = {"garbage": True, "illegal_building": True, "ads": True, "ground_lock": True, "fire_passage": True,
          "greenery": True, "lights": True, "security": True}


@pytest.fixture
def sw(cw):  # noqa: F811
    company = org_unit_create(actor=None, code="PM-1", name="幸福物业", kind=UnitKind.PROPERTY_COMPANY,
                              region=cw.w.comm_a)
    checklist = Checklist.objects.get(name="物业服务半月检查")
    compound = Compound.objects.create(name="幸福里小区", grid=cw.w.grid_a_west, region_path=cw.w.grid_a_west.path,
                                       property_company=company, checklist=checklist, address="幸福路1号")
    return cw, company, compound


def _month() -> str:
    return f"{local(now()):%Y-%m}"


def test_a_failed_item_makes_a_case_and_costs_the_company_points(sw):
    c, company, compound = sw
    inspection = inspection_schedule(actor=c.dispatcher, compound=compound, due_on=local(now()).date())
    with pytest.raises(ApplicationError) as e:
        inspection_schedule(actor=c.dispatcher, compound=compound, due_on=local(now()).date())
    assert e.value.code == "already_scheduled"
    results = {**ALL_OK, "ads": False}
    with pytest.raises(ApplicationError) as e:
        inspection_submit(actor=c.w.worker_a, inspection=inspection, results=results)
    assert e.value.code == "photo_required" and Inspection.objects.get(pk=inspection.pk).state == "scheduled"
    with pytest.raises(ApplicationError) as e:
        inspection_submit(actor=c.w.worker_a, inspection=inspection, results={"ads": False})
    assert e.value.code == "results_incomplete"
    inspection = inspection_submit(actor=c.w.worker_a, inspection=inspection, results=results,
                                   photos={"ads": ("ads.jpg", _jpeg())}, notes={"ads": "3单元楼道贴满开锁广告"})
    assert inspection.state == "rectifying" and inspection.failed_count == 1 and inspection.deducted == 2
    r = inspection.results.get(item__code="ads")
    case = Case.objects.get(pk=r.case_id)
    assert case.category.code == "1201" and case.grid == c.w.grid_a_west and case.attachments.count() == 1
    assert r.rectify_by == local(now()).date() + dt.timedelta(days=2)
    s, found = score.score(company.pk, _month())
    assert s == 98 and [(d.kind, d.points, d.result_id) for d in found] == [("failed", -2, r.pk)]
    # reproducible: computed again from the same evidence, the same deductions
    assert score.score(company.pk, _month()) == (s, found)


def test_reinspection_late_rectification_and_complaints(sw):
    c, company, compound = sw
    with time_machine.travel(dt.datetime(2026, 11, 3, 10, tzinfo=LOCAL_TZ), tick=False):
        inspection = inspection_schedule(actor=c.dispatcher, compound=compound, due_on=local(now()).date())
        inspection = inspection_submit(actor=c.w.worker_a, inspection=inspection,
                                       results={**ALL_OK, "garbage": False, "greenery": False},
                                       photos={"garbage": ("g.jpg", _jpeg())})
        with pytest.raises(PermissionDenied):
            inspection_reinspect(actor=c.w.user_b, inspection=inspection, fixed={"garbage": True, "greenery": True})
        inspection = inspection_reinspect(actor=c.w.worker_a, inspection=inspection,
                                          fixed={"garbage": True, "greenery": False})
        assert inspection.state == "closed"
        complaint = cases.case_report(actor=c.w.resident_user, channel="resident_app", description="物业保洁不到位",
                                      category="2402", grid=c.w.grid_a_west, address="幸福里小区3号楼")[0]
        with time_machine.travel(dt.datetime(2026, 11, 28, 12, tzinfo=LOCAL_TZ), tick=False):  # both past due
            s, found = score.score(company.pk, "2026-11")
        kinds = sorted(d.kind for d in found)
        assert kinds == ["complaint", "failed", "failed", "late", "late", "not_fixed"]
        # 100 − 3 (garbage) − 2 (greenery) − 2 (greenery not fixed) − 1 − 1 (both cases past their deadline) − 1
        assert s == 90
        assert next(d for d in found if d.kind == "complaint").case_id == complaint.pk


def test_pass_rate_and_problem_rates_on_a_hand_worked_month(sw):
    c, company, compound = sw
    other = Compound.objects.create(name="和平小区", grid=c.w.grid_a_east, region_path=c.w.grid_a_east.path,
                                    property_company=company, checklist=compound.checklist)
    for place, failures in ((compound, []), (other, ["ads"]), (compound, ["ads", "ground_lock"])):
        i = inspection_schedule(actor=c.dispatcher, compound=place, due_on=local(now()).date(), inspector=c.w.worker_a)
        inspection_submit(actor=c.w.worker_a, inspection=i, results={**ALL_OK, **{k: False for k in failures}},
                          photos={k: (f"{k}.jpg", _jpeg()) for k in failures})
        if failures:
            inspection_reinspect(actor=c.dispatcher, inspection=i, fixed={k: True for k in failures})  # a manager
    figures = score.month_figures(list(Inspection.objects.all()))
    assert figures["inspections"] == 3 and figures["passed"] == 1 and figures["pass_rate"] == 33.3
    top = figures["problems"][0]
    assert (top["item"], top["failed"], top["checked"], top["rate"]) == ("楼内小广告", 2, 3, 66.7)
    assert figures["problems"][1]["item"] == "私装地锁" and figures["problems"][1]["rate"] == 33.3
    [row] = score.ranking(Compound.objects.all(), _month())
    assert row["company"] == company and row["inspections"] == 3 and row["score"] == 100 - 2 - 2 - 2


def test_the_plan_schedules_what_is_due_and_a_cancelled_one_is_replaced(sw):
    c, company, compound = sw
    assert schedule_due() == 1 and schedule_due() == 0  # one waiting at a time
    waiting = Inspection.objects.get(state="scheduled")
    inspection_submit(actor=c.w.worker_a, inspection=waiting, results=ALL_OK)
    assert schedule_due() == 0  # passed today: the next in 15 days
    with time_machine.travel(now() + dt.timedelta(days=15), tick=False):
        assert schedule_due() == 1
        nxt = Inspection.objects.get(state="scheduled")
        with pytest.raises(ApplicationError) as e:
            inspection_cancel(actor=c.dispatcher, inspection=nxt, reason="")
        assert e.value.code == "reason_required"
        inspection_cancel(actor=c.dispatcher, inspection=nxt, reason="小区封闭施工")
        assert schedule_due() == 1


def test_the_phone_checklist_and_the_console_ranking(sw, client):
    c, company, compound = sw
    inspection = inspection_schedule(actor=c.dispatcher, compound=compound, due_on=local(now()).date())
    client.force_login(c.w.worker_a)
    assert "幸福里小区" in client.get("/m/inspect/").content.decode()
    page = client.get(f"/m/inspect/{inspection.pk}/").content.decode()
    assert "楼内小广告" in page and "不合格须拍照" in page
    form = {f"r_{k}": "pass" for k in ALL_OK}
    form["r_ads"] = "fail"
    r = client.post(f"/m/inspect/{inspection.pk}/", form)
    assert r.status_code == 400 and "须拍照留痕" in r.content.decode()
    assert Inspection.objects.get(pk=inspection.pk).state == "scheduled"
    from django.core.files.uploadedfile import SimpleUploadedFile

    form["p_ads"] = SimpleUploadedFile("ads.jpg", _jpeg(), content_type="image/jpeg")
    form["n_ads"] = "单元门贴满小广告"
    assert client.post(f"/m/inspect/{inspection.pk}/", form).status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == "rectifying"
    assert "待复查" in client.get("/m/inspect/").content.decode()
    client.force_login(c.dispatcher)
    page = client.get("/console/supervision/").content.decode()
    assert "幸福物业" in page and "<b>98</b>" in page and "楼内小广告" in page and "检查不合格" in page
    import io

    from openpyxl import load_workbook

    exported = client.get("/console/supervision/", {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("小区", "物业服务企业") and rows[1][5:7] == (1, 2)  # one item failed, 2 points off
    result = inspection.results.get(item__code="ads")
    assert client.get(f"/m/inspect/photos/{result.pk}/").status_code == 200
    client.force_login(c.w.user_b)  # town B sees nothing of it
    assert client.get(f"/console/supervision/inspections/{inspection.pk}/").status_code == 404


def test_a_published_month_is_frozen_and_downloadable(sw, client):
    c, company, compound = sw
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, tzinfo=LOCAL_TZ), tick=False):
        i = inspection_schedule(actor=c.dispatcher, compound=compound, due_on=local(now()).date())
        inspection_submit(actor=c.w.worker_a, inspection=i, results={**ALL_OK, "ads": False},
                          photos={"ads": ("a.jpg", _jpeg())})
        with pytest.raises(ApplicationError) as e:
            score.publish(actor=c.dispatcher, compounds=Compound.objects.all(), month="2026-11", region_path="/")
        assert e.value.code == "month_not_over"
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=LOCAL_TZ), tick=False):
        client.force_login(c.dispatcher)
        assert "发布通报" in client.get("/console/supervision/?month=2026-11").content.decode()
        client.post("/console/supervision/?month=2026-11", {"step": "publish"})
        from gridgov.supervision.models import PublishedScore

        [p] = PublishedScore.objects.all()
        # the rectification case was still open at the month's end: late, as published
        assert (p.rank, p.score, [d["kind"] for d in p.deductions]) == (1, 97, ["检查不合格", "整改超期"])
        r = client.get("/console/supervision/report/2026-11.xlsx")
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        with pytest.raises(ApplicationError) as e:
            score.publish(actor=c.dispatcher, compounds=Compound.objects.all(), month="2026-11", region_path="/")
        assert e.value.code == "already_published"
    # evidence that comes later (a November complaint entered in December) changes the live score, not the 通报
    late = cases.case_report(actor=c.w.resident_user, channel="resident_app", description="物业不作为", category="2402",
                             grid=c.w.grid_a_west, address="幸福里小区")[0]
    Case.objects.filter(pk=late.pk).update(created_at=dt.datetime(2026, 11, 20, 10, tzinfo=LOCAL_TZ))
    assert score.score(company.pk, "2026-11")[0] == 96
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, tzinfo=LOCAL_TZ), tick=False):
        client.force_login(c.dispatcher)  # a day later: a new session
        page = client.get("/console/supervision/?month=2026-11").content.decode()
        assert "已发布通报" in page and "<b>97</b>" in page


def test_the_schedule_publishes_last_month_once_and_sends_it(sw):
    """From the 5th the schedule publishes last month's 通报 for the companies not published by hand, writes it in
    the timeline and sends it: each company's staff their own rank and deductions, the district center the
    ranking. A second run sends nothing again."""
    from gridgov.accounts.services import membership_grant
    from gridgov.notify.models import Message
    from gridgov.supervision.models import PublishedScore, SupervisionEvent
    from tests.conftest import make_user

    c, company, compound = sw
    other = org_unit_create(actor=None, code="PM-2", name="安居物业", kind=UnitKind.PROPERTY_COMPANY,
                            region=c.w.comm_a)
    Compound.objects.create(name="安居苑", grid=c.w.grid_a_west, region_path=c.w.grid_a_west.path,
                            property_company=other, checklist=compound.checklist)
    manager = make_user("pm_manager")
    membership_grant(actor=None, user=manager, role_code="department_handler", region=c.w.comm_a, unit=company)
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, tzinfo=LOCAL_TZ), tick=False):
        i = inspection_schedule(actor=c.dispatcher, compound=compound, due_on=local(now()).date())
        inspection_submit(actor=c.w.worker_a, inspection=i, results={**ALL_OK, "ads": False},
                          photos={"ads": ("a.jpg", _jpeg())}, notes={"ads": "楼道小广告"})
    with time_machine.travel(dt.datetime(2026, 12, 4, 8, tzinfo=LOCAL_TZ), tick=False):
        assert score.publish_due() == 0 and not PublishedScore.objects.exists()  # before the 5th: not yet
    with time_machine.travel(dt.datetime(2026, 12, 5, 7, 20, tzinfo=LOCAL_TZ), tick=False):
        assert score.publish_due() == 2
        rows = {p.company.name: p for p in PublishedScore.objects.filter(month="2026-11")}
        assert [(n, p.rank, p.score, p.published_by) for n, p in sorted(rows.items(), key=lambda x: x[1].rank)] == [
            ("安居物业", 1, 100, None), ("幸福物业", 2, 97, None)]
        assert SupervisionEvent.objects.filter(subject="score", action="publish").count() == 2
        mine = Message.objects.get(recipient=manager)
        assert mine.subject == "【物业信用分通报】2026-11 第 2 名 97 分"
        assert "2 家物业服务企业中排第 2 名" in mine.body and "-2 检查不合格:幸福里小区 11-10 楼内小广告" in mine.body
        to_center = Message.objects.filter(recipient=c.leader).get()
        assert to_center.body == "1. 安居物业 100 分\n2. 幸福物业 97 分" and to_center.data["url"].endswith("month=2026-11")
        sent = Message.objects.count()
        assert score.publish_due() == 0 and Message.objects.count() == sent  # once


def test_the_schedule_leaves_what_was_published_by_hand(sw):
    c, company, compound = sw
    other = org_unit_create(actor=None, code="PM-2", name="安居物业", kind=UnitKind.PROPERTY_COMPANY,
                            region=c.w.comm_b)
    Compound.objects.create(name="安居苑", grid=c.w.grid_b, region_path=c.w.grid_b.path, property_company=other,
                            checklist=compound.checklist)
    from gridgov.supervision.models import PublishedScore

    with time_machine.travel(dt.datetime(2026, 12, 2, 9, tzinfo=LOCAL_TZ), tick=False):
        # town A's center publishes its own company by hand
        [mine] = score.publish(actor=c.town_dispatcher, compounds=Compound.objects.filter(pk=compound.pk),
                               month="2026-11", region_path=c.w.town_a.path)
    with time_machine.travel(dt.datetime(2026, 12, 6, 9, tzinfo=LOCAL_TZ), tick=False):
        assert score.publish_due() == 1
    assert PublishedScore.objects.get(pk=mine.pk).published_by == c.town_dispatcher
    late = PublishedScore.objects.get(company=other)
    assert (late.published_by, late.region_path) == (None, c.w.district.path)
