"""Intake from any channel: idempotency, the locator, out-of-grid reports, duplicates, emergency units."""

import pytest

from gridgov.cases import services as s
from gridgov.cases.models import Case, CaseEvent
from gridgov.core.coords import wgs84_to_gcj02
from gridgov.core.errors import ApplicationError
from gridgov.notify.models import Message
from tests.cases.conftest import report


def test_idempotency_key_never_makes_two_cases(cw):
    a, created_a = s.case_report(actor=cw.w.resident_user, channel="resident_app", description="路灯不亮",
                                 category="0102", lon=120.005, lat=30.01, idempotency_key="abc-1")
    b, created_b = s.case_report(actor=cw.w.resident_user, channel="resident_app", description="路灯不亮",
                                 category="0102", lon=120.005, lat=30.01, idempotency_key="abc-1")
    assert created_a and not created_b and a.pk == b.pk
    assert Case.objects.count() == 1
    c, created_c = s.case_report(actor=None, channel="hotline", description="路灯不亮", category="0102",
                                 lon=120.005, lat=30.01, idempotency_key="abc-1")
    assert created_c and c.pk != a.pk  # keys are per channel


def test_gcj02_input_lands_in_the_right_grid_and_town_center_owns_it(cw):
    glon, glat = wgs84_to_gcj02(120.0069, 30.01)  # ~25 m west of the grid border in WGS-84
    case = report(cw, lon=glon, lat=glat, crs="gcj02")
    assert case.grid == cw.w.grid_a_west and case.crs_source == "gcj02"
    assert case.lon == pytest.approx(120.0069, abs=1e-6)
    b = report(cw, lon=120.03, lat=30.01)  # town B has no community center: the town center owns it
    assert b.grid == cw.w.grid_b and b.owner_center == cw.gc_town_b


def test_out_of_grid_goes_to_the_district_of_the_nearest_grid(cw):
    """A province has many districts: a point in no grid belongs to the nearest grid's district, not the first."""
    from gridgov.orgs.models import UnitKind
    from gridgov.orgs.services import org_unit_create
    from gridgov.regions.models import Level
    from gridgov.regions.services import region_create
    from tests.conftest import poly

    d2 = region_create(actor=None, parent=None, level=Level.DISTRICT, name="东区", code="990103",
                       geometry=poly(120.2, 30.0, 120.24, 30.02))
    t2 = region_create(actor=None, parent=d2, level=Level.TOWN, name="东街道", code="990103001000",
                       geometry=poly(120.2, 30.0, 120.24, 30.02))
    c2 = region_create(actor=None, parent=t2, level=Level.COMMUNITY, name="东一社区", code="990103001001",
                       geometry=poly(120.2, 30.0, 120.24, 30.02))
    region_create(actor=None, parent=c2, level=Level.GRID, name="东一网格", geometry=poly(120.2, 30.0, 120.24, 30.02))
    gc2 = org_unit_create(actor=None, code="GC-D2", name="东区综治中心", kind=UnitKind.GOVERNANCE_CENTER, region=d2)
    east = report(cw, lon=120.19, lat=30.01)  # 1 km west of the east district, 15 km east of the first
    assert east.out_of_grid and east.region_path == d2.path and east.owner_center == gc2
    west = report(cw, lon=120.1, lat=30.01)  # nearer the first district's grids
    assert west.out_of_grid and west.region_path == cw.w.district.path and west.owner_center == cw.gc_district
    # an address alone: the district of the reporter's own area
    from gridgov.accounts.services import membership_grant
    from tests.conftest import make_user

    east_dispatcher = make_user("disp_d2", is_staff=True)
    membership_grant(actor=None, user=east_dispatcher, role_code="center_dispatcher", region=d2, unit=gc2)
    by_address = report(cw, actor=east_dispatcher, channel="hotline", lon=None, lat=None, address="东区某路1号",
                        photos=[])
    assert by_address.out_of_grid and by_address.region_path == d2.path and by_address.owner_center == gc2
    # a dispute with no place registered by the east district's center is the east district's, as for cases
    import datetime as dt

    from gridgov.mediation.services import dispute_register

    dispute = dispute_register(actor=east_dispatcher, title="邻里噪音纠纷", dispute_type="0201", source="application",
                               summary="楼上夜间噪音,楼下多次投诉", occurred_on=dt.date(2026, 11, 30),
                               parties=[{"role": "applicant", "name": "张三"}, {"role": "respondent", "name": "李四"}])
    assert dispute.region_path == d2.path


def test_out_of_grid_goes_to_the_district_queue_marked(cw):
    case = report(cw, lon=120.1, lat=30.01)
    assert case.grid is None and case.out_of_grid and case.owner_center == cw.gc_district
    assert case.region_path == cw.w.district.path
    ev = CaseEvent.objects.get(case=case, action="report")
    assert ev.data["out_of_grid"] and ev.data["nearest_grid"] == cw.w.grid_b.code
    # an address alone is accepted too
    c = report(cw, lon=None, lat=None, address="甲路1号")
    assert c.out_of_grid and c.address == "甲路1号"


@pytest.mark.parametrize("kw,code", [
    ({"description": ""}, "description_required"),
    ({"description": "x" * 4001}, "description_too_long"),
    ({"category": "9999"}, "unknown_category"),
    ({"lon": None, "lat": None}, "location_required"),
    ({"lon": 200}, "invalid_location"),
    ({"crs": "utm"}, "invalid_location"),
    ({"channel": "carrier_pigeon"}, "invalid_channel"),
    ({"reporter_phone": "123"}, "invalid_phone"),
    ({"urgency": "asap"}, "invalid_urgency"),
])
def test_bad_reports_change_nothing(cw, kw, code):
    with pytest.raises(ApplicationError) as exc:
        report(cw, **kw)
    assert exc.value.code == code
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_likely_duplicates_are_offered(cw):
    a = report(cw)
    near = report(cw, lon=120.0055)  # ~48 m away
    far = report(cw, lon=120.0095)  # ~430 m away
    other = report(cw, category="0102")
    assert near.duplicate_candidates == [a.pk]
    assert a.pk not in far.duplicate_candidates and other.duplicate_candidates == []


def test_only_recent_open_cases_are_likely_duplicates(cw):
    import datetime as dt

    import time_machine

    from gridgov.core.timeutil import now

    start = now()
    with time_machine.travel(start - dt.timedelta(hours=73)):
        old = report(cw)
    with time_machine.travel(start - dt.timedelta(hours=71)):
        recent = report(cw)
    with time_machine.travel(start - dt.timedelta(hours=1)):
        withdrawn = report(cw)
        s.case_withdraw(case=withdrawn, actor=cw.w.resident_user, reason="已自行处理")
    new = report(cw, lon=120.0051)
    assert new.duplicate_candidates == [recent.pk]
    assert old.pk not in new.duplicate_candidates


def test_a_crowded_spot_offers_the_nearest_ten_nearest_first(cw):
    from gridgov.cases.duplicates import LIMIT

    # 14 open cases on a line going east, 5 m apart; the new report lands at the line's west end
    step = 5 / (111_000 * 0.866)  # 5 m in longitude at 30°N
    line = [report(cw, lon=120.005 + i * step, description=f"垃圾堆放 {i}") for i in range(14)]
    new = report(cw, lon=120.005 - step / 10)
    assert new.duplicate_candidates == [c.pk for c in line[:LIMIT]]


def test_safety_report_alerts_the_nearest_emergency_units(cw):
    from gridgov.accounts.services import membership_grant
    from tests.conftest import make_user

    duty = make_user("eu_duty")
    membership_grant(actor=None, user=duty, role_code="grid_worker", region=cw.w.comm_a, unit=cw.eu)
    case = report(cw, category="1404", description="楼道冒烟", photos=[])
    assert case.urgency == "critical"
    ev = CaseEvent.objects.get(case=case, action="alert_emergency_units")
    assert ev.data["units"][0]["name"] == "甲一应急单元" and ev.data["units"][0]["distance_m"] < 200
    assert Message.objects.filter(recipient=duty, subject__startswith="【就近处置】").exists()  # emergency.services


def test_new_report_notifies_the_center(cw):
    report(cw)
    assert Message.objects.filter(recipient=cw.dispatcher, subject__startswith="新事件待受理").count() == 1


def test_auto_dispatch_by_routing_rule(cw):
    from gridgov.cases.models import Category, RoutingRule

    cat = Category.objects.get(code="1201")
    cat.auto_dispatch = True
    cat.save()
    RoutingRule.objects.create(category=Category.objects.get(code="12"), region=cw.w.town_a, unit=cw.zj)
    RoutingRule.objects.create(category=cat, region=cw.w.comm_a, unit=cw.cg)  # more specific: wins
    case = report(cw, category="1201", description="电线杆上贴满小广告")
    case = s.case_accept(case=case, actor=cw.dispatcher)
    assert case.state == "dispatched" and case.handling_unit == cw.cg
    assert CaseEvent.objects.get(case=case, action="dispatch").note == "按派遣规则自动派遣"


def test_reference_edits_show_at_once_in_this_process(cw):
    """Categories, centers and who staffs them are snapshots (cases/reference.py); an edit through the models
    resets them, so the next report sees it."""
    from gridgov.accounts.services import membership_grant
    from gridgov.orgs.models import UnitKind
    from gridgov.orgs.services import org_unit_create
    from tests.conftest import make_user

    b = report(cw, lon=120.03)  # town B: no community center, the town center owns it and has no dispatcher
    assert b.owner_center == cw.gc_town_b and not Message.objects.filter(data__case=b.pk).exists()
    gcb = org_unit_create(actor=None, code="GC-CB", name="乙一社区综治中心", kind=UnitKind.GOVERNANCE_CENTER,
                          region=cw.w.comm_b)
    duty = make_user("disp_cb")
    membership_grant(actor=None, user=duty, role_code="center_dispatcher", region=cw.w.comm_b, unit=gcb)
    c = report(cw, lon=120.03)
    assert c.owner_center == gcb
    assert list(Message.objects.filter(data__case=c.pk).values_list("recipient", flat=True)) == [duty.pk]
    cw.garbage.is_active = False
    cw.garbage.save()
    with pytest.raises(ApplicationError) as exc:
        report(cw)
    assert exc.value.code == "inactive_category"


def test_an_idempotency_key_is_the_callers_own(cw):
    """Another caller's key is another key: it never answers with someone else's case nor drops the report."""
    mine, _ = s.case_report(actor=cw.w.user_a, channel="hotline", description="路灯不亮", category="0102",
                            lon=120.005, lat=30.01, idempotency_key="12345-0001")
    theirs, created = s.case_report(actor=cw.w.user_b, channel="hotline", description="井盖缺失", category="0102",
                                    lon=120.03, lat=30.01, idempotency_key="12345-0001")
    assert created and theirs.pk != mine.pk and theirs.grid == cw.w.grid_b
    assert Case.objects.count() == 2


def test_a_key_reused_for_a_different_report_is_refused(cw):
    s.case_report(actor=cw.w.user_a, channel="hotline", description="路灯不亮", category="0102",
                  lon=120.005, lat=30.01, idempotency_key="k-9")
    with pytest.raises(ApplicationError) as exc:
        s.case_report(actor=cw.w.user_a, channel="hotline", description="另一件事:垃圾满溢", category="0102",
                      lon=120.005, lat=30.01, idempotency_key="k-9")
    assert exc.value.code == "idempotency_key_reused" and exc.value.status == 409
    assert Case.objects.count() == 1


def test_api_key_reuse_by_another_token_and_with_another_body(cw):
    from rest_framework.test import APIClient

    from gridgov.accounts.services import api_token_issue

    def client_for(user):
        _, key = api_token_issue(actor=None, user=user, name=f"t-{user.username}")
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_IDEMPOTENCY_KEY="wo-1")
        return c

    district, town_b = client_for(cw.district_dispatcher), client_for(cw.w.user_b)
    body = {"channel": "hotline", "description": "路灯不亮", "category": "0102", "lon": 120.005, "lat": 30.01}
    first = district.post("/api/v1/cases/", body, format="json")
    assert first.status_code == 201
    assert district.post("/api/v1/cases/", body, format="json").json()["id"] == first.json()["id"]  # a retry
    other = town_b.post("/api/v1/cases/", {**body, "lon": 120.03, "description": "乙街道的路灯"}, format="json")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    reused = district.post("/api/v1/cases/", {**body, "description": "别的事"}, format="json")
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 2


def test_photos_of_one_report_are_capped_in_pixels_before_any_is_decoded(cw):
    """Nine 7,700 × 7,700 PNGs of a few hundred KB each: refused from their headers at once, nothing written."""
    import io
    import time

    from PIL import Image

    from gridgov.cases.photos import MAX_REQUEST_PIXELS

    buf = io.BytesIO()
    Image.new("P", (7700, 7700)).save(buf, format="PNG", optimize=True)
    data = buf.getvalue()
    assert len(data) < 400_000 and 9 * 7700 * 7700 > MAX_REQUEST_PIXELS
    started = time.monotonic()
    with pytest.raises(ApplicationError) as exc:
        report(cw, photos=[(f"{i}.png", data) for i in range(9)])
    assert exc.value.code == "photos_too_many_pixels" and "像素" in exc.value.message
    assert time.monotonic() - started < 2.0
    assert Case.objects.count() == 0


def test_a_big_photo_gets_a_small_public_copy(cw):
    import io

    from PIL import Image

    from gridgov.cases.models import Attachment

    buf = io.BytesIO()
    Image.new("RGB", (6000, 4000), (10, 120, 30)).save(buf, format="JPEG", quality=80)
    case = report(cw, photos=[("big.jpg", buf.getvalue())])
    att = Attachment.objects.get(case=case)
    assert (att.width, att.height) == (6000, 4000)
    with att.public_file.open("rb") as f, Image.open(f) as copy:
        assert max(copy.size) == 2048 and copy.size[0] > copy.size[1]


def test_what_an_api_report_costs_the_database(cw):
    """Intake is the hot path (bench/intake.py): with a token this worker checked lately and a fresh idempotency
    key, a report asks nothing of the token table and makes no look-up of its key (CaseKey's unique constraint
    answers a retry); what is left is the duplicate search, the case, its key, its timeline row, the rollups' mark
    (insert only) and the center's message."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from gridgov.accounts.services import api_token_issue, membership_grant, user_create

    hotline = user_create(actor=None, username="hotline-12345", password="", is_system=True)  # another platform
    membership_grant(actor=None, user=hotline, role_code="center_dispatcher", region=cw.w.district)
    _, key = api_token_issue(actor=None, user=hotline, name="hotline")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = {"channel": "hotline", "description": "路灯不亮", "category": "0102", "lon": 120.005, "lat": 30.01}
    assert c.post("/api/v1/cases/", {**body, "idempotency_key": "k-1"}, format="json").status_code == 201
    with CaptureQueriesContext(connection) as q:
        r = c.post("/api/v1/cases/", {**body, "idempotency_key": "k-2", "description": "路灯又不亮"}, format="json")
    assert r.status_code == 201
    sqls = [x["sql"] for x in q.captured_queries]
    assert not [s for s in sqls if "accounts_apitoken" in s]
    assert not [s for s in sqls if s.startswith("SELECT") and "cases_casekey" in s]
    inserts = sorted(s.split('"')[1] for s in sqls if s.startswith("INSERT"))
    assert inserts == ["analytics_pending", "cases_case", "cases_caseevent", "cases_casekey", "notify_message"]
    assert len([s for s in sqls if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]) <= 8, sqls  # 7 with no key
    retry = c.post("/api/v1/cases/", {**body, "idempotency_key": "k-2", "description": "路灯又不亮"}, format="json")
    assert retry.json()["id"] == r.json()["id"] and Case.objects.count() == 2


def test_the_worker_stores_the_department_suggestion_after_intake(cw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the queue runs tasks at once in the tests
        case = report(cw, description="小区旁边的工厂晚上偷排废水,河水发黑发臭,希望环保部门查处")
    case.refresh_from_db()
    assert case.suggested_class == "环境保护" and case.suggested_confidence > 0.3
    assert case.suggested_by == "department-v2"


def test_the_sweep_suggests_what_the_queue_missed(cw, settings, tmp_path):
    import datetime as dt

    import time_machine

    from gridgov.cases.sweeper import sweep
    from gridgov.core.timeutil import now

    case = report(cw, description="公交车站台被占,候车的老人没地方站")  # on_commit never ran: the queue lost it
    assert Case.objects.get(pk=case.pk).suggested_by == ""
    assert sweep()["suggested"] == 0  # a minute old: still the queue's (the sweep does not race it)
    with time_machine.travel(now() + dt.timedelta(seconds=settings.TRIAGE_SWEEP_GRACE_SECONDS + 1)):
        assert sweep()["suggested"] == 1 and sweep()["suggested"] == 0
    filled = Case.objects.get(pk=case.pk)
    assert filled.suggested_by == "department-v2" and filled.suggested_class and filled.suggested_confidence
    settings.TRIAGE_MODEL = str(tmp_path / "gone.joblib")  # a broken model: marked, not tried every minute
    other = report(cw, description="又一件")
    with time_machine.travel(now() + dt.timedelta(seconds=settings.TRIAGE_SWEEP_GRACE_SECONDS + 1)):
        sweep()
        assert Case.objects.get(pk=other.pk).suggested_by == "-" and sweep()["suggested"] == 0


def test_likely_duplicates_rank_alike_words_first(cw):
    # two open cases of the same category equally near: the one that says the same thing comes first
    other = report(cw, lon=120.00505, description="绿化带里有人倒了一堆建筑垃圾")
    same = report(cw, lon=120.00495, description="小区门口的垃圾堆了好几天没人清理,臭味很大")
    new = report(cw, description="小区门口垃圾好几天没人清理了")
    assert new.duplicate_candidates == [same.pk, other.pk]


def test_text_similarity():
    from gridgov.triage.similar import bigrams, similarity

    assert similarity(bigrams("路灯不亮"), bigrams("路灯不亮!")) == 1.0
    assert similarity(bigrams("路灯不亮"), bigrams("井盖丢了")) == 0.0
    assert 0 < similarity(bigrams("小区路灯不亮"), bigrams("路灯坏了不亮")) < 1
    assert similarity(bigrams(""), bigrams("路灯")) == 0.0


def test_hot_issues_cluster_what_many_report_at_once(cw):
    from gridgov.cases.hot import hot_issues
    from gridgov.cases.selectors import case_list
    from tests.conftest import make_user

    texts = ["小区门口垃圾堆了好几天没人清理", "小区门口的垃圾好几天没人清理,很臭", "门口垃圾好几天没清理了",
             "小区门口垃圾没人清理"]
    for i, text in enumerate(texts):
        report(cw, actor=make_user(f"neighbour{i}"), description=text, lon=120.005 + i * 0.0004)
    report(cw, description="绿化带里有人倒了建筑垃圾", lon=120.009)  # same category, other words
    report(cw, category="0102", description="路灯不亮")
    [hot] = hot_issues(case_list(actor=cw.dispatcher), days=1)
    assert len(hot.cases) == 4 and len(hot.reporters) == 4 and hot.heat == 8
    assert hot.title == "小区门口垃圾堆了好几天没人清理"
    assert hot_issues(case_list(actor=cw.town_dispatcher), days=1)
    assert hot_issues(case_list(actor=cw.dispatcher), days=1, at=cw.dispatcher.date_joined) == []


def test_hot_issues_count_the_reports_merged_into_them(cw):
    """Each report merged into one of a cluster's cases is a "me too": it adds to the heat (the merged reports
    are counted, not listed)."""
    from gridgov.cases import services as s
    from gridgov.cases.hot import hot_issues
    from gridgov.cases.selectors import case_list
    from tests.conftest import make_user

    first = report(cw, actor=make_user("n0"), description="小区门口垃圾堆了好几天没人清理")
    report(cw, actor=make_user("n1"), description="小区门口的垃圾好几天没人清理", lon=120.0054)
    for i in range(2):
        late = report(cw, actor=make_user(f"m{i}"), description="门口垃圾没人清理", lon=120.0058)
        s.case_merge(case=late, actor=cw.dispatcher, target=first)
    [hot] = hot_issues(case_list(actor=cw.dispatcher), days=1)
    assert len(hot.cases) == 2 and hot.merged == 2 and hot.heat == 2 + 2 + 2


def test_the_nearest_emergency_units_within_a_radius_are_read_from_a_box(cw):
    """A province has thousands of units: within EMERGENCY_RADIUS_M only those in a box around the point are read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gridgov.cases.routing import nearest_emergency_units
    from gridgov.orgs.models import UnitKind
    from gridgov.orgs.services import org_unit_create

    far = org_unit_create(actor=None, code="EU-FAR", name="远处应急单元", kind=UnitKind.EMERGENCY_UNIT,
                          region=cw.w.comm_b, lon=120.5, lat=30.01)  # ~48 km east
    assert [u for u, _ in nearest_emergency_units(120.005, 30.01, n=10)] == [cw.eu, far]
    with CaptureQueriesContext(connection) as q:
        near = nearest_emergency_units(120.005, 30.01, n=10, radius_m=10_000)
    assert [u for u, _ in near] == [cw.eu] and near[0][1] < 200
    assert "BETWEEN" in q.captured_queries[-1]["sql"]
