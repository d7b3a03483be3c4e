"""A caller's idempotency key lives in its own table (cases.CaseKey, migration cases 0024), because the case table
is partitioned by month on PostgreSQL (cases 0025): keys of earlier cases move over and still find their case, and
no model may refer to a case by a database foreign key (the partitioned table cannot be referred to by its id)."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gridgov.cases.models import Case, CaseKey
from gridgov.core.errors import ApplicationError

BEFORE = [("cases", "0023_timeline_by_month")]


def test_no_model_refers_to_a_case_by_a_database_foreign_key():
    keyed = [f"{m._meta.label}.{f.name}" for m in apps.get_models() for f in m._meta.get_fields()
             if f.is_relation and f.concrete and f.related_model is Case and f.db_constraint]
    assert keyed == [], "a ForeignKey to cases.Case needs db_constraint=False (the table is partitioned)"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_keys_of_earlier_cases_move_over_and_a_retry_still_finds_its_case(cw):
    from gridgov.cases.services import case_report

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # back: the cases unpartitioned, the keys on the cases
    old = executor.loader.project_state(BEFORE).apps.get_model("cases", "Case")
    t = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    common = dict(description="路灯不亮", channel="resident_app", region_path="/x/", created_at=t, updated_at=t)
    keyed = old.objects.create(title="路灯不亮", idempotency_key=f"u{cw.w.resident_user.pk}:k-7",
                               idempotency_hash="f" * 64, **common)
    unkeyed = old.objects.create(title="无键", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # forward to the latest, as the test database was

    assert list(CaseKey.objects.values_list("channel", "key", "fingerprint", "case_id")) == [
        ("resident_app", f"u{cw.w.resident_user.pk}:k-7", "f" * 64, keyed.pk)]
    assert Case.objects.filter(pk__in=[keyed.pk, unkeyed.pk]).count() == 2  # no row lost on the way
    with pytest.raises(ApplicationError) as refused:  # the same key with another report: 409, not the first case
        case_report(actor=cw.w.resident_user, channel="resident_app", description="另一件事", category="1101",
                    lon=120.005, lat=30.01, idempotency_key="k-7")
    assert refused.value.code == "idempotency_key_reused"
    assert Case.objects.count() == 2
