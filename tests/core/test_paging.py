"""core.paging: a list of few rows is sorted by the database instead of walked in index order — in the same order
(a page must not change when the plan does), and only when the count says the rows are few."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from gridgov.cases.models import Case
from gridgov.cases.selectors import ORDERINGS
from gridgov.core import paging
from gridgov.core.paging import Paginator, sorted_by_database
from gridgov.core.timeutil import now
from tests.cases.conftest import report


@pytest.fixture
def cases(cw):
    made = [report(cw, description=f"第{k}处:路灯不亮,晚上看不清路", photos=[]) for k in range(7)]
    base = now() - dt.timedelta(days=3)
    for k, case in enumerate(made):
        # ties on created_at (k // 2) and deadlines with gaps (None every third): the second key must decide
        Case.objects.filter(pk=case.pk).update(created_at=base + dt.timedelta(hours=k // 2),
                                               due_at=None if k % 3 == 0 else base + dt.timedelta(days=7 - k))
    return made


@pytest.mark.parametrize("ordering", sorted(ORDERINGS))
def test_the_wrapped_sort_key_gives_the_same_order(cases, ordering):
    qs = Case.objects.order_by(*ORDERINGS[ordering])
    assert list(sorted_by_database(qs).values_list("pk", flat=True)) == list(qs.values_list("pk", flat=True))


def test_the_model_default_ordering_is_wrapped_too(cases):
    qs = Case.objects.all()  # Meta.ordering: newest first
    wrapped = sorted_by_database(qs)
    assert "COALESCE" in str(wrapped.query)
    assert list(wrapped.values_list("pk", flat=True)) == list(qs.values_list("pk", flat=True))


def test_orderings_it_cannot_wrap_are_left_alone(cases):
    for qs in (Case.objects.order_by("?"), Case.objects.order_by(F("created_at") + dt.timedelta(0)),
               Case.objects.order_by().filter(pk__gt=0)):
        assert sorted_by_database(qs).query.order_by == qs.query.order_by


def _page_sql(qs, number=1, per_page=3) -> tuple[list[int], str]:
    with CaptureQueriesContext(connection) as q:
        page = Paginator(qs, per_page).page(number)
        pks = [c.pk for c in page]
    return pks, "\n".join(x["sql"] for x in q.captured_queries)


def test_few_rows_are_sorted_by_the_database_many_walk_the_index(cases, monkeypatch):
    qs = Case.objects.order_by("-created_at", "-id")
    expected = list(qs.values_list("pk", flat=True))
    pks, sql = _page_sql(qs, number=2)
    assert pks == expected[3:6] and "COALESCE" in sql  # 7 ≤ FEW
    assert [_page_sql(qs, number=n)[0] for n in (1, 3)] == [expected[:3], expected[6:]]  # the last page: one
    paginator = Paginator(qs, 3, orphans=1)  # 7 rows, 3 a page, an orphan joins the page before: 3 + 4
    assert paginator.num_pages == 2 and [c.pk for c in paginator.page(2)] == expected[3:]
    with CaptureQueriesContext(connection) as q:  # the rows come with what the list selects with them
        cases = list(Paginator(qs.select_related("category"), 3).page(1))
        assert [c.category.code for c in cases]
    assert len(q.captured_queries) == 3  # count, keys, rows
    monkeypatch.setattr(paging, "FEW", 6)
    pks, sql = _page_sql(qs, number=2)
    assert pks == expected[3:6] and "COALESCE" not in sql


def test_the_api_and_the_console_lists_page_with_it(cw, cases, client):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(cw.dispatcher)
    with CaptureQueriesContext(connection) as q:
        r = api.get("/api/v1/cases/", {"page_size": 3})
    assert r.status_code == 200 and r.json()["count"] == 7
    assert any("COALESCE" in x["sql"] and "LIMIT 3" in x["sql"] for x in q.captured_queries)
    assert [c["id"] for c in r.json()["results"]] == list(Case.objects.order_by("-created_at", "-id")
                                                          .values_list("pk", flat=True)[:3])
    client.force_login(cw.dispatcher)
    with CaptureQueriesContext(connection) as q:
        r = client.get("/console/cases/")
    assert r.status_code == 200
    assert any("COALESCE" in x["sql"] and "LIMIT 7" in x["sql"] for x in q.captured_queries)  # the last page: 7
