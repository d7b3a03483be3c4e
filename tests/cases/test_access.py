"""Which cases a department handler may read (cases.access.visible_cases): those ever assigned to their unit (also
after returning one), the ones they reported themselves, nothing else — found by (id, created_at) pairs, so each
case is looked up in its own month's partition."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gridgov.cases import services as s
from gridgov.cases.access import visible_cases
from gridgov.cases.models import Assignment, Case
from tests.cases.conftest import report


def _fresh(case):
    return Case.objects.get(pk=case.pk)


def test_a_handler_reads_what_was_assigned_to_the_unit_and_what_they_reported(cw):
    kept = s.case_dispatch(case=s.case_accept(case=report(cw, photos=[]), actor=cw.dispatcher),
                           actor=cw.dispatcher, unit=cw.cg)
    returned = s.case_dispatch(case=s.case_accept(case=report(cw, photos=[]), actor=cw.dispatcher),
                               actor=cw.dispatcher, unit=cw.cg)
    s.case_return(case=_fresh(returned), actor=cw.handler_cg, reason="不属于本单位职责")
    elsewhere = s.case_dispatch(case=s.case_accept(case=report(cw, photos=[]), actor=cw.dispatcher),
                                actor=cw.dispatcher, unit=cw.zj)
    untouched = report(cw, photos=[])
    own = report(cw, actor=cw.handler_cg, photos=[], description="单位门口井盖缺失,有安全隐患")
    seen = set(visible_cases(cw.handler_cg).values_list("pk", flat=True))
    assert seen == {kept.pk, returned.pk, own.pk}
    assert not seen & {elsewhere.pk, untouched.pk}
    assert set(visible_cases(cw.handler_zj).values_list("pk", flat=True)) == {elsewhere.pk}


def test_each_assignment_keeps_its_case_month_and_the_lookup_uses_it(cw):
    case = s.case_dispatch(case=s.case_accept(case=report(cw, photos=[]), actor=cw.dispatcher),
                           actor=cw.dispatcher, unit=cw.cg)
    assert Assignment.objects.get(case_id=case.pk).case_created_at == _fresh(case).created_at
    sql = str(visible_cases(cw.handler_cg).query)
    assert "case_created_at" in sql and "created_at\") IN" in sql  # the (id, created_at) pair, not the id alone
    # a pair that does not match its case's month finds nothing: the month is part of the lookup
    Assignment.objects.filter(case_id=case.pk).update(case_created_at=case.created_at - dt.timedelta(days=40))
    assert not visible_cases(cw.handler_cg).filter(pk=case.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_assignments_made_before_the_column_get_their_case_month(cw):
    """Migration cases 0026 fills case_created_at of every existing assignment from its case."""
    case = s.case_dispatch(case=s.case_accept(case=report(cw, photos=[]), actor=cw.dispatcher),
                           actor=cw.dispatcher, unit=cw.cg)
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0025_cases_by_month")])  # back: the column dropped
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # forward again, as an upgrade would
    assert list(Assignment.objects.values_list("case_id", "case_created_at")) == [(case.pk, _fresh(case).created_at)]
    assert set(visible_cases(cw.handler_cg).values_list("pk", flat=True)) == {case.pk}
