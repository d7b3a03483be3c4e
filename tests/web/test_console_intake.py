"""来电来访登记 in the console: a center's staff register a call, a visit or an order from above; the spot picked
on the map puts it in its grid; bad input is refused next to the field with everything typed kept; a form sent
twice makes one case; only staff who dispatch see the page."""

from gridgov.cases.models import Case
from tests.cases.conftest import photo


def form(cw, **over):
    data = {"channel": "hotline", "description": "小区门口下水道堵塞,污水外溢", "category": "", "urgency": "",
            "address": "甲路12号", "lon": "120.005", "lat": "30.01", "reporter_name": "王先生",
            "reporter_phone": "13912345678", "reporter_email": "", "external_ref": "12345-20261124-0001",
            "submission_id": "form-1"}
    data.update(over)
    return data


def test_a_call_is_registered_into_its_grid_and_the_caller_will_hear_back(cw, client):
    client.force_login(cw.dispatcher)
    page = client.get("/console/intake/").content.decode()
    assert "来电来访登记" in page and "12345热线" in page and 'id="pick-map"' in page
    r = client.post("/console/intake/", {**form(cw), "photos": photo()}, follow=True)
    case = Case.objects.get()
    assert r.redirect_chain[-1][0] == f"/console/cases/{case.pk}/"
    assert f"已登记,编号 {case.number}" in r.content.decode() and "受理立案" in r.content.decode()
    assert (case.channel, case.grid, case.external_ref, case.reporter_name) == (
        "hotline", cw.w.grid_a_west, "12345-20261124-0001", "王先生")
    assert case.followers.filter(channel="sms").exists() and case.attachments.count() == 1


def test_sent_twice_it_is_one_case(cw, client):
    client.force_login(cw.dispatcher)
    client.post("/console/intake/", form(cw))
    r = client.post("/console/intake/", form(cw), follow=True)
    assert Case.objects.count() == 1 and "该登记已提交过" in r.content.decode()


def test_bad_input_is_refused_next_to_the_field_keeping_what_was_typed(cw, client):
    client.force_login(cw.dispatcher)
    r = client.post("/console/intake/", form(cw, lon="", lat="", address=""))
    page = r.content.decode()
    assert r.status_code == 400 and "请提供位置" in page and "小区门口下水道堵塞" in page
    r = client.post("/console/intake/", form(cw, reporter_phone="12345"))
    page = r.content.decode()
    assert r.status_code == 400 and "手机号应为" in page and "王先生" in page
    assert not Case.objects.exists()


def test_an_address_alone_goes_to_the_district_queue(cw, client):
    client.force_login(cw.dispatcher)
    r = client.post("/console/intake/", form(cw, lon="", lat="", channel="walk_in"), follow=True)
    case = Case.objects.get()
    assert case.out_of_grid and case.owner_center == cw.gc_district and "区级待分拨" in r.content.decode()


def test_only_staff_who_dispatch_may_register(cw, client):
    client.force_login(cw.handler_cg)
    assert client.get("/console/intake/").status_code == 403
    assert client.post("/console/intake/", form(cw)).status_code == 403
    assert not Case.objects.exists()
    client.force_login(cw.dispatcher)
    assert "来电来访登记" in client.get("/console/queue/").content.decode()


def test_the_center_sees_the_callers_full_number_with_a_reason_logged(cw, client):
    from gridgov.core.models import AuditLog

    client.force_login(cw.dispatcher)
    client.post("/console/intake/", form(cw))
    case = Case.objects.get()
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "*******5678" in page and "查看完整号码" in page and "13912345678" not in page
    r = client.post(f"/console/cases/{case.pk}/reveal-phone/", {"reason": ""}, follow=True)
    assert "请填写查看事由" in r.content.decode() and not AuditLog.objects.filter(action="pii.reveal").exists()
    r = client.post(f"/console/cases/{case.pk}/reveal-phone/", {"reason": "电话回访"}, follow=True)
    assert "上报人电话:13912345678" in r.content.decode()
    row = AuditLog.objects.get(action="pii.reveal")
    assert row.actor == cw.dispatcher and row.detail == {"field": "reporter_phone", "reason": "电话回访",
                                                         "masked": "139****5678"}
    # the department it is sent to sees the case, not the number; the API answers the same way
    from gridgov.cases import services as s

    s.case_accept(case=Case.objects.get(), actor=cw.dispatcher, category="1101")
    s.case_dispatch(case=Case.objects.get(), actor=cw.dispatcher, unit=cw.cg)
    client.force_login(cw.handler_cg)
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert case.number in page and "查看完整号码" not in page
    r = client.post(f"/api/v1/cases/{case.pk}/reveal-phone/", {"reason": "看看"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"
    client.force_login(cw.dispatcher)
    r = client.post(f"/api/v1/cases/{case.pk}/reveal-phone/", {"reason": "核实情况"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json() == {"reporter_phone": "13912345678"}
    assert AuditLog.objects.filter(action="pii.reveal").count() == 2


def test_seeing_the_number_is_a_permission_of_its_own(cw, client):
    from gridgov.accounts.models import Role

    client.force_login(cw.dispatcher)
    client.post("/console/intake/", form(cw))
    case = Case.objects.get()
    role = Role.objects.get(code="center_dispatcher")
    assert "case:case:reveal" in role.permissions  # granted by the migration
    role.permissions = [p for p in role.permissions if p != "case:case:reveal"]
    role.save()
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "查看完整号码" not in page and "受理" in page  # still dispatches
    r = client.post(f"/api/v1/cases/{case.pk}/reveal-phone/", {"reason": "电话回访"}, content_type="application/json")
    assert r.status_code == 403 and "查看反映人完整电话" in r.json()["error"]["message"]


def test_the_operator_sees_the_callers_earlier_reports(cw, client):
    client.force_login(cw.dispatcher)
    client.post("/console/intake/", form(cw, submission_id="c-1"))
    client.post("/console/intake/", form(cw, submission_id="c-2", description="又来反映:垃圾还在"))
    client.post("/console/intake/", form(cw, submission_id="c-3", reporter_phone="13800001111", description="别人"))
    first, second, _ = Case.objects.order_by("pk")
    hint = client.post("/console/intake/caller/", {"reporter_phone": "139 1234 5678"}).content.decode()
    assert "该号码反映过 2 件" in hint and first.number in hint and second.number in hint and "13912345678" not in hint
    assert client.post("/console/intake/caller/", {"reporter_phone": "139"}).content.decode().strip() == ""
    page = client.get(f"/console/cases/{second.pk}/").content.decode()
    assert "该反映人的其他事件" in page and first.number in page
    assert 'hx-post="/console/intake/caller/"' in client.get("/console/intake/").content.decode()
    assert client.get("/console/intake/caller/", {"reporter_phone": "13912345678"}).status_code == 405  # no URL
    client.force_login(cw.handler_cg)  # not for those who do not take calls
    assert client.post("/console/intake/caller/", {"reporter_phone": "13912345678"}).status_code == 403
    from tests.conftest import make_user

    elsewhere = make_user("disp_tb", "center_dispatcher", cw.w.town_b)
    client.force_login(elsewhere)  # another town's center sees nothing of this one's callers
    assert "该号码反映过" not in client.post("/console/intake/caller/", {"reporter_phone": "13912345678"}).content.decode()
