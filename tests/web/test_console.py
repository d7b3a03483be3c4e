"""The console: pages render in Chinese, offer exactly the allowed actions, refuse bad input next to the
field keeping what was typed, and stay within the user's jurisdiction."""

from gridgov.cases.models import Case
from tests.cases.conftest import photo, report
from tests.conftest import PASSWORD


def test_login_page_and_redirects(cw, client):
    page = client.get("/console/login/").content.decode()
    assert "网格化基层社会治理平台" in page and '<meta charset="utf-8">' in page
    assert client.get("/console/queue/").status_code == 302
    r = client.post("/console/login/", {"username": "disp_ca", "password": "wrong"})
    assert "用户名或密码错误" in r.content.decode()
    r = client.post("/console/login/", {"username": "disp_ca", "password": PASSWORD})
    assert r.status_code == 302
    assert client.get("/console/").url == "/console/queue/"


def test_queue_detail_and_actions(cw, client):
    case = report(cw)
    other = report(cw, lon=120.03)  # town B: not this community's
    client.force_login(cw.dispatcher)
    page = client.get("/console/queue/").content.decode()
    assert case.title in page and "受理台" in page and other.number not in page
    assert 'alt="照片"' in page  # the report's photo in the queue row
    detail = client.get(f"/console/cases/{case.pk}/").content.decode()
    for label in ("受理立案", "不予立案", "合并到已有事件", "提级(上报上级)"):
        assert label in detail
    assert "签收" not in detail.split("可执行操作")[1].split("办理记录")[0]
    assert client.get(f"/console/cases/{other.pk}/").status_code == 404
    # a refusal is shown next to the field, nothing changes
    r = client.post(f"/console/cases/{case.pk}/reject/", {"reason": ""})
    assert r.status_code == 400 and "请填写不予立案的原因" in r.content.decode()
    assert Case.objects.get(pk=case.pk).state == "reported"
    r = client.post(f"/console/cases/{case.pk}/accept/", {"category": "", "urgency": "", "note": "属实"})
    assert r.status_code == 302 and Case.objects.get(pk=case.pk).state == "accepted"
    r = client.post(f"/console/cases/{case.pk}/dispatch/", {"unit": str(cw.cg.pk), "note": ""})
    assert r.status_code == 302 and Case.objects.get(pk=case.pk).handling_unit == cw.cg
    # an action the table does not allow now is refused
    r = client.post(f"/console/cases/{case.pk}/accept/", {})
    assert r.status_code == 302 and Case.objects.get(pk=case.pk).state == "dispatched"


def test_handler_inbox_and_photo_upload(cw, client):
    case = report(cw)
    from gridgov.cases import services as s

    s.case_accept(case=case, actor=cw.dispatcher)
    s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.cg)
    client.force_login(cw.handler_cg)
    assert case.title in client.get("/console/inbox/").content.decode()
    client.post(f"/console/cases/{case.pk}/acknowledge/", {"note": ""})
    r = client.post(f"/console/cases/{case.pk}/report_done/", {"note": "已清运"})
    body = r.content.decode()
    assert r.status_code == 400 and "回单须附处置后照片" in body and "已清运" in body  # typed text kept
    r = client.post(f"/console/cases/{case.pk}/report_done/", {"note": "已清运", "photos": photo()})
    assert r.status_code == 302 and Case.objects.get(pk=case.pk).state == "done_reported"


def test_case_list_filters_and_pagination(cw, client):
    for i in range(23):
        report(cw, lon=120.001 + i * 0.0001, description=f"垃圾 {i}")
    client.force_login(cw.dispatcher)
    page = client.get("/console/cases/", {"state": "reported"}).content.decode()
    assert "共 23 条" in page and "第 1/2 页" in page
    assert "共 0 条" in client.get("/console/cases/", {"state": "closed"}).content.decode()
    assert "共 1 条" in client.get("/console/cases/", {"q": "垃圾 7"}).content.decode()


def test_board_stats_and_map(cw, client):
    from gridgov.cases import services as s

    a = report(cw)
    s.case_accept(case=a, actor=cw.dispatcher)
    s.case_dispatch(case=Case.objects.get(pk=a.pk), actor=cw.dispatcher, unit=cw.cg)
    Case.objects.filter(pk=a.pk).update(light="red")
    b = report(cw, lon=120.03)  # town B
    s.case_escalate(case=b, actor=cw.district_dispatcher, reason="协调")
    client.force_login(cw.dispatcher)
    page = client.get("/console/board/").content.decode()
    assert "红灯 1" in page and "区城管局" in page and a.number in page and b.number not in page
    partial = client.get("/console/board/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "红灯 1" in partial
    data = client.get("/console/map/data.json").json()
    kinds = [f["properties"]["kind"] for f in data["features"]]
    assert kinds.count("grid") == 2 and kinds.count("case") == 1  # community A's two grids, its one open case
    assert client.get("/console/map/").status_code == 200
    stats = client.get("/console/stats/", {"group_by": "category"})
    assert stats.status_code == 200 and "市容环境" in stats.content.decode()
    assert client.get("/console/stats/", {"start": "2026-12-01", "end": "2026-11-01"}).status_code == 400
    client.force_login(cw.town_dispatcher)
    assert "红灯 1" in client.get("/console/board/").content.decode()
    client.force_login(cw.district_dispatcher)
    assert b.number in client.get("/console/board/").content.decode()  # escalated to the district


def test_export_saved_filters_and_query_counts(cw, client, django_assert_max_num_queries):
    import io

    from openpyxl import load_workbook

    for i in range(30):
        report(cw, lon=120.001 + i * 0.0001, description=f"垃圾 {i}")
    client.force_login(cw.dispatcher)
    r = client.get("/console/cases/", {"state": "reported", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 31 and rows[1][6] == "待受理"
    r = client.post("/console/cases/?state=reported&light=none", {"save_as": "待受理"})
    assert r.status_code == 302
    assert 'href="?state=reported&amp;light=none">待受理</a>' in client.get("/console/cases/").content.decode()
    # the busiest pages cost a fixed number of queries, however many cases there are
    case = Case.objects.first()
    for url in ("/console/queue/", "/console/cases/", f"/console/cases/{case.pk}/", "/console/board/"):
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200


def test_upload_progress_requests_get_the_address_as_json(cw, client):
    case = report(cw)
    client.force_login(cw.dispatcher)
    r = client.post(f"/console/cases/{case.pk}/accept/", {"note": ""}, HTTP_X_UPLOAD_PROGRESS="1")
    assert r.status_code == 200 and r.json() == {"redirect": f"/console/cases/{case.pk}/"}
    assert "已受理立案" in client.get(f"/console/cases/{case.pk}/").content.decode()  # the message waits


def test_map_light_filter_and_category_suggestion_on_accept(cw, client):
    from gridgov.cases import services as s

    a = report(cw)
    s.case_accept(case=a, actor=cw.dispatcher)
    s.case_dispatch(case=Case.objects.get(pk=a.pk), actor=cw.dispatcher, unit=cw.cg)
    Case.objects.filter(pk=a.pk).update(light="red")
    b = report(cw, lon=120.006, category=None, description="人行道井盖缺失很危险")
    client.force_login(cw.dispatcher)
    cases = lambda q: [f for f in client.get("/console/map/data.json", q).json()["features"]  # noqa: E731
                       if f["properties"]["kind"] == "case"]
    assert len(cases({})) == 2 and [f["properties"]["id"] for f in cases({"light": "red"})] == [a.pk]
    page = client.get(f"/console/cases/{b.pk}/").content.decode()
    assert '<option value="0101" selected>' in page  # 井盖缺失或破损, suggested from the words


def test_list_filters_match_the_api(cw, client):
    from gridgov.core.timeutil import local_today

    report(cw)
    report(cw, lon=120.0055, urgency="urgent")
    client.force_login(cw.dispatcher)
    today = local_today().isoformat()
    assert "共 1 条" in client.get("/console/cases/", {"urgency": "urgent"}).content.decode()
    assert "共 2 条" in client.get("/console/cases/", {"region": cw.w.grid_a_west.code, "created_after": today,
                                                      "created_before": today}).content.decode()
    assert "共 0 条" in client.get("/console/cases/", {"region": cw.w.grid_a_east.code}).content.decode()
    page = client.get("/console/cases/", {"created_after": "2026-13-45"}).content.decode()
    assert "筛选条件「上报起」格式无效" in page and "共 2 条" in page  # said plainly, never a server error
    assert "created_after" not in page.split("筛选条件")[1][:80]  # in the user's words, not the API's


def test_staff_read_their_messages_in_the_console(cw, client):
    from gridgov.cases import services as s
    from gridgov.notify.models import Message

    case = report(cw)
    s.case_accept(case=case, actor=cw.dispatcher)
    s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=cw.dispatcher, unit=cw.cg)
    client.force_login(cw.handler_cg)
    page = client.get("/console/inbox/").content.decode()
    assert '消息 <span class="badge">1</span>' in page  # 【主办】新派事件
    page = client.get("/console/messages/").content.decode()
    assert "新派事件" in page and case.title in page and "未读 1 条" in page
    message = Message.objects.get(recipient=cw.handler_cg)
    r = client.get(f"/console/messages/{message.pk}/")
    assert r.status_code == 302 and r.url == f"/console/cases/{case.pk}/"
    assert Message.objects.get(pk=message.pk).read_at is not None
    assert 'class="badge"' not in client.get("/console/inbox/").content.decode()
    client.force_login(cw.dispatcher)  # someone else's message is not theirs to open
    assert client.get(f"/console/messages/{message.pk}/").status_code == 404
    Message.objects.create(channel="console", recipient=cw.dispatcher, subject="测试一", next_attempt_at=message.created_at)
    Message.objects.create(channel="console", recipient=cw.dispatcher, subject="测试二", next_attempt_at=message.created_at)
    unread = Message.objects.filter(recipient=cw.dispatcher, channel="console", read_at__isnull=True).count()
    assert unread >= 3  # the new report to accept, and these two
    assert f'<span class="badge">{unread}</span>' in client.get("/console/messages/").content.decode()
    r = client.post("/console/messages/", {"read_all": "1"}, follow=True)
    assert f"已将 {unread} 条消息标为已读" in r.content.decode()
    assert not Message.objects.filter(recipient=cw.dispatcher, read_at__isnull=True).exists()
    assert Message.objects.filter(recipient=cw.handler_cg, read_at__isnull=False).count() == 1  # untouched


def test_messages_over_the_api(cw, api):
    from gridgov.notify.services import notify

    case = report(cw)
    for i in range(3):
        notify(recipient=cw.handler_cg, subject=f"提醒{i}", body="请及时处理", data={"case": case.pk})
    notify(recipient=cw.handler_zj, subject="别人的消息")
    client = api(cw.handler_cg)
    body = client.get("/api/v1/messages/", {"unread": "true"}).json()
    assert body["count"] == 3 and body["results"][0]["subject"] == "提醒2" and body["results"][0]["case"] == case.pk
    first = body["results"][2]["id"]
    r = client.post("/api/v1/messages/read/", {"ids": [first]}, format="json")
    assert r.json() == {"marked": 1, "unread": 2}
    r = client.post("/api/v1/messages/read/", {}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid" and "ids" in r.json()["error"]["fields"]
    other = api(cw.handler_zj).get("/api/v1/messages/").json()["results"][0]["id"]
    assert client.post("/api/v1/messages/read/", {"ids": [other]}, format="json").json()["marked"] == 0
    assert client.post("/api/v1/messages/read/", {"all": True}, format="json").json() == {"marked": 2, "unread": 0}
    assert api(cw.handler_zj).get("/api/v1/messages/", {"unread": "1"}).json()["count"] == 1
    assert api().get("/api/v1/messages/").status_code in (401, 403)


def test_action_forms_are_made_from_the_table(cw, client):
    """Several photos at once, 合并 by the 15-digit 编号, 延期 in hours or working days."""
    from gridgov.cases import services as s
    from gridgov.cases.models import Case, ExtensionRequest
    from tests.cases.conftest import photo, report

    first, second = report(cw), report(cw, description="同一处垃圾又有人反映")
    client.force_login(cw.dispatcher)
    page = client.get(f"/console/cases/{second.pk}/").content.decode()
    assert 'name="target"' in page and "15位事件编号" in page
    r = client.post(f"/console/cases/{second.pk}/merge/", {"target": "202001019999999"})
    assert r.status_code == 400 and "没有编号为 202001019999999 的事件" in r.content.decode()
    client.post(f"/console/cases/{second.pk}/merge/", {"target": first.number})
    assert Case.objects.get(pk=second.pk).merged_into_id == first.pk
    s.case_accept(case=first, actor=cw.dispatcher)
    s.case_dispatch(case=Case.objects.get(pk=first.pk), actor=cw.dispatcher, unit=cw.cg)
    s.case_acknowledge(case=Case.objects.get(pk=first.pk), actor=cw.handler_cg)
    client.force_login(cw.handler_cg)
    page = client.get(f"/console/cases/{first.pk}/").content.decode()
    assert 'type="file" name="photos"' in page and " multiple" in page and "个工作日" in page
    r = client.post(f"/console/cases/{first.pk}/request_extension/",
                    {"minutes_0": "2", "minutes_1": "days", "reason": "需要协调物业"})
    assert r.status_code == 302
    assert ExtensionRequest.objects.get(case=first).minutes == 2 * 8 * 60
    r = client.post(f"/console/cases/{first.pk}/handle/",
                    {"note": "已到现场", "on_site": "on", "photos": [photo("a.jpg"), photo("b.jpg", color=(1, 2, 3))]})
    assert r.status_code == 302
    assert Case.objects.get(pk=first.pk).attachments.filter(event__action="handle").count() == 2


def test_the_reporter_of_an_app_report_is_named(cw, client):
    from tests.cases.conftest import report

    case = report(cw)  # by the resident's account, no reporter_name typed
    client.force_login(cw.dispatcher)
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert f"<dd>{cw.w.resident_user.display_name or cw.w.resident_user.username} " in page
