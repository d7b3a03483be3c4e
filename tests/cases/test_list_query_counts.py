"""The case lists, the board, the statistics and the KPIs cost a fixed number of queries whatever the number of
cases (#18: a province has millions; a query per row is what makes a page slow there, not the page's size).

Each page or API list is asked as the role that uses it, first over a handful of cases in every state, then after
three times as many more: the count must not move, and it must be the number pinned here. A change that adds a
query to one of them fails this test; when the extra query is meant, change the pin in the same commit."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from gridgov.cases import services as s
from gridgov.cases.models import Case
from gridgov.core.timeutil import now
from tests.cases.conftest import photo, report

# (role in the case world, URL) → queries (a list of at most core.paging.FEW rows: its count, the page's keys,
# the page's rows). The roles: the community center's dispatcher, the district's, the
# district leader, a department handler, the grid worker and a resident.
PINNED = {
    ("dispatcher", "/api/v1/cases/"): 3,
    ("dispatcher", "/api/v1/cases/?state=handling&light=red"): 3,
    ("district_dispatcher", "/api/v1/cases/?page_size=200"): 3,
    ("handler_cg", "/api/v1/cases/"): 3,
    ("resident", "/api/v1/cases/"): 3,
    ("leader", "/api/v1/kpis/?start=2020-01-01&end=2099-12-31"): 5,
    ("leader", "/api/v1/screen/"): 22,
    ("leader", "/api/v1/screen/feed/"): 7,
    ("dispatcher", "/console/cases/"): 9,
    ("district_dispatcher", "/console/cases/?state=handling"): 9,
    ("dispatcher", "/console/queue/"): 9,
    ("handler_cg", "/console/inbox/"): 9,
    ("district_dispatcher", "/console/board/"): 10,
    ("leader", "/console/stats/"): 11,
    ("leader", "/console/hot/"): 7,
    ("dispatcher", "/console/map/data.json"): 5,
    ("worker", "/m/work/"): 11,
    ("resident", "/m/"): 12,
}


def _users(cw) -> dict:
    return {"dispatcher": cw.dispatcher, "district_dispatcher": cw.district_dispatcher, "leader": cw.leader,
            "handler_cg": cw.handler_cg, "worker": cw.w.worker_a, "resident": cw.w.resident_user}


def _fresh(case):
    return Case.objects.get(pk=case.pk)


def _cases(cw, n: int) -> None:
    """`n` cases over the life of a case: reported, accepted, dispatched, being handled, reported done, closed."""
    for k in range(n):
        case = report(cw, description=f"第{k}处:小区门口堆了很多垃圾,好几天没人清理", photos=[],
                      lon=120.001 + 0.0005 * (k % 15), lat=30.001 + 0.0004 * (k % 20))
        step = k % 6
        if step >= 1:
            case = s.case_accept(case=_fresh(case), actor=cw.dispatcher)
        if step >= 2:
            case = s.case_dispatch(case=_fresh(case), actor=cw.dispatcher, unit=cw.cg)
        if step >= 3:
            case = s.case_acknowledge(case=_fresh(case), actor=cw.handler_cg)
        if step >= 4:
            case = s.case_report_done(case=_fresh(case), actor=cw.handler_cg, note="已清运", photos=[photo()])
        if step >= 5:
            s.case_verify(case=_fresh(case), actor=cw.dispatcher, passed=True, note="现场核实")
    # what the sweep makes of the late ones: red lights and escalations (the board lists them with a button each)
    late = Case.objects.filter(state__in=["dispatched", "handling"], light="green").order_by("id")
    Case.objects.filter(pk__in=list(late.values_list("pk", flat=True)[: max(1, n // 3)])).update(
        light="red", escalation_level=1, due_at=now() - dt.timedelta(hours=1))


def _count(client, url: str) -> int:
    client.get(url)  # the first call may fill per-process snapshots (categories, centers …)
    with CaptureQueriesContext(connection) as q:
        r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.content[:300])
    return len(q.captured_queries)


def _counts(clients) -> dict:
    return {(role, url): _count(clients[role] if url.startswith("/api/") else clients["web:" + role], url)
            for role, url in PINNED}


@pytest.mark.django_db
def test_case_lists_board_and_kpis_cost_pinned_queries_whatever_the_cases(cw, client):
    from django.test import Client

    clients = {}
    for role, user in _users(cw).items():
        api = APIClient()
        api.force_authenticate(user)
        web = Client()
        web.force_login(user)
        clients[role], clients["web:" + role] = api, web
    _cases(cw, 6)
    few = _counts(clients)
    _cases(cw, 18)
    many = _counts(clients)
    grew = {k: (few[k], many[k]) for k in PINNED if few[k] != many[k]}
    assert not grew, f"queries grow with the cases (few, many): {grew}"
    moved = {k: (PINNED[k], many[k]) for k in PINNED if PINNED[k] != many[k]}
    assert not moved, f"query counts differ from the pins (pinned, now): {moved}"
