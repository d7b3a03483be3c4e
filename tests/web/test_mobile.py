"""The resident's phone pages: log-in by a code sent through the notification channel, 随手拍 with photo and
location (category suggested from the words), my reports, rating, public cases nearby."""

import re

from gridgov.accounts.models import User
from gridgov.cases.models import Case
from gridgov.core.pii import lookup_hash
from gridgov.notify.models import Message
from tests.cases.conftest import photo, report
from tests.conftest import fresh_window


def code_for(phone):
    body = Message.objects.filter(address_hash=lookup_hash("phone", phone)).latest("id").body
    return re.search(r"\d{6}", body).group(0)


def phone_login(client, phone="13912345678"):
    client.post("/m/login/", {"phone": phone, "step": "send"})
    return client.post("/m/login/", {"phone": phone, "code": code_for(phone), "step": "login"})


def test_login_by_phone_code(cw, client):
    r = client.post("/m/login/", {"phone": "123", "step": "send"})
    assert r.status_code == 400 and "11位" in r.content.decode()
    fresh_window()
    r = client.post("/m/login/", {"phone": "13912345678", "step": "send"})
    assert "验证码已发送" in r.content.decode()
    [sent] = Message.objects.all()
    assert sent.address == "139****5678" and sent.destination() == "13912345678"  # the number is kept encrypted
    r = client.post("/m/login/", {"phone": "13912345678", "step": "send"})
    assert "过于频繁" in r.content.decode()  # one code a minute
    r = client.post("/m/login/", {"phone": "13912345678", "code": "000000", "step": "login"})
    assert "验证码不正确" in r.content.decode()
    r = client.post("/m/login/", {"phone": "13912345678", "code": code_for("13912345678"), "step": "login"})
    assert r.status_code == 302 and r.url == "/m/"
    user = User.objects.get(phone_last4="5678", username__startswith="m139")
    assert "13912345678" not in user.username and not user.has_usable_password()
    r = client.post("/m/login/", {"phone": "13912345678", "code": code_for("13912345678"), "step": "login"})
    assert "已失效" in r.content.decode()  # a code works once


def test_report_with_photo_and_location_then_rate(cw, client):
    phone_login(client)
    page = client.get("/m/").content.decode()
    assert "随手拍" in page and 'capture="environment"' in page
    r = client.post("/m/", {"description": "", "lon": 120.005, "lat": 30.01})
    assert r.status_code == 400 and "errorlist" in r.content.decode() and not Case.objects.exists()
    r = client.post("/m/", {"description": "有垃圾"})  # no location, no address
    assert r.status_code == 400 and "请提供位置" in r.content.decode() and not Case.objects.exists()
    r = client.post("/m/", {"description": "路边有人摆摊占道经营", "lon": 120.005, "lat": 30.01,
                            "photos": photo(), "submission_id": "s-1"})
    case = Case.objects.get()
    assert r.status_code == 302 and case.category.code == "1501" and case.grid == cw.w.grid_a_west
    assert case.channel == "resident_app" and case.attachments.count() == 1
    client.post("/m/", {"description": "路边有人摆摊占道经营", "lon": 120.005, "lat": 30.01, "submission_id": "s-1"})
    assert Case.objects.count() == 1  # the same submission twice is one case
    detail = client.get(f"/m/cases/{case.pk}/").content.decode()
    assert "待受理" in detail and "上报" in detail and "提交评价" not in detail
    Case.objects.filter(pk=case.pk).update(state="closed")
    detail = client.get(f"/m/cases/{case.pk}/").content.decode()
    assert "提交评价" in detail
    r = client.post(f"/m/cases/{case.pk}/", {"satisfaction": "5", "comment": "谢谢"})
    assert r.status_code == 302 and Case.objects.get(pk=case.pk).satisfaction == 5


def test_only_my_reports_and_nearby(cw, client):
    from tests.cases.conftest import report

    other = report(cw)  # the demo resident's report
    phone_login(client)
    assert client.get(f"/m/cases/{other.pk}/").status_code == 404
    near = client.get("/m/nearby/", {"lon": 120.005, "lat": 30.01}).content.decode()
    assert other.title in near and "米" in near
    assert "需要您的位置" in client.get("/m/nearby/").content.decode()



def reported_and_taken_on(cw, client) -> Case:
    """A resident's report from the phone, accepted, dispatched and signed for by the department."""
    from gridgov.cases import services as s

    phone_login(client)
    client.post("/m/", {"description": "小区门口垃圾堆放", "category": "1101", "lon": 120.005, "lat": 30.01,
                        "submission_id": "taken-on"})
    case = Case.objects.get()
    s.case_accept(case=case, actor=cw.dispatcher)
    s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.cg)
    return s.case_acknowledge(case=Case.objects.get(pk=case.pk), actor=cw.handler_cg)

def test_the_reporter_hears_the_result_and_sees_its_photos(cw, client):
    from gridgov.cases import services as s
    from gridgov.notify.models import Message

    case = reported_and_taken_on(cw, client)
    s.case_report_done(case=Case.objects.get(pk=case.pk), actor=cw.handler_cg, note="第一次清运", photos=[photo()])
    assert "办理结果" not in client.get(f"/m/cases/{case.pk}/").content.decode()  # not before it passes the check
    s.case_verify(case=Case.objects.get(pk=case.pk), actor=cw.w.worker_a, passed=False, note="还有残余")
    s.case_report_done(case=Case.objects.get(pk=case.pk), actor=cw.handler_cg, note="已全部清运,地面已冲洗",
                       photos=[photo()])
    s.case_verify(case=Case.objects.get(pk=case.pk), actor=cw.w.worker_a, passed=True)
    page = client.get(f"/m/cases/{case.pk}/").content.decode()
    assert "办理结果" in page and "已全部清运,地面已冲洗" in page and "第一次清运" not in page
    assert page.count('alt="处置照片"') == 1
    told = Message.objects.get(subject__contains="已办结")
    assert told.body == "办理结果:已全部清运,地面已冲洗"
    other = report(cw, description="另一处", lon=120.0052)  # a report not taken on: the reason is shown
    Case.objects.filter(pk=other.pk).update(reporter=case.reporter)
    s.case_reject(case=Case.objects.get(pk=other.pk), actor=cw.dispatcher, reason="属物业管理范围,已转物业")
    page = client.get(f"/m/cases/{other.pk}/").content.decode()
    assert "未予立案" in page and "属物业管理范围,已转物业" in page


def test_the_resident_reads_news_of_their_report_on_the_home_page(cw, client):
    from gridgov.notify.models import Message

    case = reported_and_taken_on(cw, client)  # the reporter is told it was taken on
    page = client.get("/m/").content.decode()
    assert "新消息" in page and "已由" in page
    message = Message.objects.get(recipient=case.reporter)
    r = client.get(f"/console/messages/{message.pk}/?m=resident")
    assert r.status_code == 302 and r.url == f"/m/cases/{case.pk}/"
    assert "新消息" not in client.get("/m/").content.decode()


def test_residents_are_kept_out_of_staff_pages_and_can_log_out(cw, client):
    client.force_login(cw.w.resident_user)
    for url in ("/console/", "/console/cases/", "/console/board/", "/console/map/", "/m/work/"):
        r = client.get(url)
        assert r.status_code == 302 and r.url == "/m/", url
    page = client.get("/m/").content.decode()
    assert 'action="/m/logout/"' in page and "退出" in page
    r = client.post("/m/logout/")
    assert r.status_code == 302 and r.url == "/m/login/" and "_auth_user_id" not in client.session
    client.force_login(cw.dispatcher)  # staff still get in
    assert client.get("/console/cases/").status_code == 200
    client.force_login(cw.w.worker_a)
    assert client.get("/m/work/").status_code == 200


def test_nearby_means_within_a_kilometre_nearest_first(cw, client):
    """A ±0.01° box reached 1.2–1.4 km; now the true distance decides (1° of longitude ≈ 96 km here)."""
    from gridgov.cases.models import Case

    near = report(cw, lon=120.0150, lat=30.0100, description="近处的井盖缺失")  # ≈ 960 m east of the point
    far = report(cw, lon=120.0140, lat=30.0180, description="远处的垃圾")  # ≈ 1.24 km: inside the old box
    Case.objects.filter(pk__in=[near.pk, far.pk]).update(is_public=True)
    client.force_login(cw.w.resident_user)
    page = client.get("/m/nearby/", {"lon": 120.005, "lat": 30.01}).content.decode()
    assert "近处的井盖缺失" in page and "远处的垃圾" not in page and "1000 米以内" in page
    assert client.get("/m/nearby/", {"lon": "nan", "lat": "30"}).status_code == 200  # asks for the position
