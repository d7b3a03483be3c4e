"""What a new user tripped over (#10), each fixed and kept fixed: state and light tags with their own colours (a
closed case no longer says 未计时), titles cut with "…", the board's 督办 opening its form, before/after photos
labelled, 我的反映 in pages, holidays and department types named in Chinese."""

import datetime as dt
import re

from gridgov.cases import services as s
from gridgov.cases.models import Case, Category
from gridgov.cases.services import case_title
from gridgov.core.models import CalendarDay
from tests.cases.conftest import report
from tests.cases.test_workflow import done, fresh


def tag_classes(html: str, label: str) -> list[str]:
    return re.findall(rf'<span class="tag ([\w-]+)">{label}</span>', html)


def test_states_and_lights_have_their_own_colours(cw, client):
    reported = report(cw)
    closed = s.case_verify(case=fresh(done(cw)), actor=cw.w.worker_a, passed=True)
    client.force_login(cw.dispatcher)
    listing = client.get("/console/cases/").content.decode()
    assert tag_classes(listing, "待受理") == ["tag-st-new"]
    assert tag_classes(listing, "已结案") == ["tag-st-closed"]
    assert "未计时" in listing  # the new report: no clock runs yet
    detail = client.get(f"/console/cases/{closed.pk}/").content.decode()
    head = detail.split("</h3>")[0]
    assert "未计时" not in head and tag_classes(head, "按期办结") == ["tag-done"]
    Case.objects.filter(pk=closed.pk).update(handle_due_at=closed.done_reported_at - dt.timedelta(hours=1))
    head = client.get(f"/console/cases/{closed.pk}/").content.decode().split("</h3>")[0]
    assert tag_classes(head, "超期办结") == ["tag-late"]
    detail = client.get(f"/console/cases/{reported.pk}/").content.decode()
    assert tag_classes(detail.split("</h3>")[0], "未计时") == ["tag-none"]


def test_titles_from_descriptions_are_cut_visibly():
    assert case_title("", "路灯不亮。已经三天了,晚上很不安全") == "路灯不亮"
    long = "小区东门外的人行道上有一大片积水,下雨后一直排不出去,老人孩子过路都很困难,希望尽快处理"
    title = case_title(None, long)
    assert len(title) == 30 and title.endswith("…") and long.startswith(title[:-1])
    assert case_title(None, "井盖丢了") == "井盖丢了"
    assert case_title("  下水道\n堵塞 ", long) == "下水道 堵塞"


def test_reports_without_a_title_get_one_that_shows_it_is_cut(cw):
    case = report(cw, description="小区东门外的人行道上有一大片积水,下雨后一直排不出去,老人孩子过路都很困难")
    assert case.title.endswith("…") and len(case.title) == 30


def test_the_boards_supervise_button_opens_the_supervise_form(cw, client):
    case = s.case_acknowledge(case=fresh(report_dispatched(cw)), actor=cw.handler_cg)
    Case.objects.filter(pk=case.pk).update(light="red")
    client.force_login(cw.leader)
    board = client.get("/console/board/").content.decode()
    link = f"/console/cases/{case.pk}/supervise/#act-supervise"
    assert f'href="{link}">督办</a>' in board
    page = client.get(link.split("#")[0])
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<details id="act-supervise" open data-action="supervise">', html)
    assert not re.search(r'<details id="act-[a-z_]+" open', html.replace('id="act-supervise" open', ""))
    # a handler on the board cannot press the case: the row offers 查看, and the form's address says why not
    client.force_login(cw.handler_cg)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:  # no per-case check for who cannot press any case
        board = client.get("/console/board/").content.decode()
    assert not [x for x in q.captured_queries if x["sql"].startswith('SELECT "cases_assignment"."unit_id"')]
    assert link not in board and f'href="/console/cases/{case.pk}/">查看</a>' in board
    html = client.get(link.split("#")[0], follow=True).content.decode()
    assert "当前不能执行「督办」" in html


def report_dispatched(cw):
    case = report(cw)
    s.case_accept(case=case, actor=cw.dispatcher)
    return s.case_dispatch(case=fresh(case), actor=cw.dispatcher, unit=cw.cg)


def test_photos_are_labelled_before_and_after(cw, client):
    case = done(cw)  # the report's photo, then the 回单's
    client.force_login(cw.dispatcher)
    html = client.get(f"/console/cases/{case.pk}/").content.decode()
    stages = re.findall(r'<figure class="photos" data-stage="([^"]*)">\s*<figcaption><b>([^<]*)</b> · ([^ <]+)', html)
    assert [(st, label, action) for st, label, action in stages] == [
        ("处置前", "处置前", "上报"), ("处置后", "处置后", "处置反馈(回单)")]
    assert 'alt="处置后照片"' in html
    client.force_login(cw.w.worker_a)  # the grid worker checking the result on the phone
    html = client.get(f"/m/work/cases/{case.pk}/").content.decode()
    assert re.findall(r'data-stage="([^"]*)"', html) == ["处置前", "处置后"]


def test_my_reports_come_in_pages(cw, client):
    for i in range(12):
        report(cw, description=f"第{i + 1}号反映:路面有坑", photos=[])
    client.force_login(cw.w.resident_user)
    first = client.get("/m/").content.decode()
    assert "共 12 件" in first and "第 1/2 页" in first and 'href="?page=2#mine">下一页' in first
    assert first.count('href="/m/cases/') == 10 and "第12号反映" in first and "第2号反映" not in first
    second = client.get("/m/?page=2").content.decode()
    assert second.count('href="/m/cases/') == 2 and "第1号反映" in second and "上一页" in second
    assert client.get("/m/?page=abc").status_code == 200  # a bad page number shows the first page


def test_holidays_and_department_types_are_named_in_chinese(cw, client, admin_client):
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 17)).name == "春节"
    names = set(CalendarDay.objects.values_list("name", flat=True))
    assert names and not [n for n in names if re.search(r"[A-Za-z]", n)]
    Category.objects.filter(code="1101").update(department_type="urban_management")
    listing = admin_client.get("/admin/cases/category/").content.decode()
    assert "城管" in listing and "urban_management" not in listing


def test_the_admins_case_timeline_speaks_chinese(cw, admin_client):
    case = done(cw)
    page = admin_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "处置反馈(回单)" in page and "待核查" in page
    for code in ("report_done", "done_reported", "dispatched"):
        assert f">{code}<" not in page and f"<p>{code}</p>" not in page
