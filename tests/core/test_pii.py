"""Personal data is never stored in clear, can be found by exact value, and is only revealed with a log."""

import pytest
from django.db import connection

from gridgov.core import pii
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.models import AuditLog
from gridgov.people.models import Resident
from gridgov.people.selectors import resident_list
from gridgov.people.services import resident_reveal_pii
from tests.conftest import ID_A1


def test_encrypt_round_trip_and_hash_is_keyed_and_normalised(settings):
    token = pii.encrypt("13800138000")
    assert "13800138000" not in token
    assert pii.decrypt(token) == "13800138000"
    h = pii.lookup_hash("phone", "+86 138 0013 8000")
    assert h == pii.lookup_hash("phone", "13800138000")
    settings.PII_KEY = "another-key"
    assert pii.lookup_hash("phone", "13800138000") != h


def test_database_holds_no_clear_identity_numbers(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_resident")
        dump = repr(cursor.fetchall())
    assert ID_A1 not in dump and "13800138000" not in dump
    r = Resident.objects.get(pk=world.res_a1.pk)
    assert r.id_number_masked.endswith(ID_A1[-4:]) and ID_A1 not in r.id_number_masked


def test_search_by_exact_id_number_and_phone(world):
    assert list(resident_list(actor=world.admin, filters={"q": ID_A1})) == [world.res_a1]
    assert list(resident_list(actor=world.admin, filters={"phone": "138-0013-8000"})) == [world.res_a1]
    assert list(resident_list(actor=world.admin, filters={"id_number": ID_A1[:-1] + "9"})) == []


def test_reveal_is_permission_checked_and_logged(world):
    value = resident_reveal_pii(actor=world.worker_a, resident=world.res_a1, field="id_number", reason="入户核查")
    assert value == ID_A1
    log = AuditLog.objects.get(action="pii.reveal")
    assert log.actor == world.worker_a and log.detail["reason"] == "入户核查"
    assert ID_A1 not in repr(log.detail)
    with pytest.raises(ApplicationError, match="事由"):
        resident_reveal_pii(actor=world.worker_a, resident=world.res_a1, field="phone", reason=" ")
    with pytest.raises(PermissionDenied):
        resident_reveal_pii(actor=world.resident_user, resident=world.res_a1, field="phone", reason="看看")
    # a grid worker cannot reveal a resident of another grid
    with pytest.raises(ApplicationError) as exc:
        resident_reveal_pii(actor=world.worker_a, resident=world.res_b1, field="phone", reason="核查")
    assert exc.value.status == 404
    assert AuditLog.objects.filter(action="pii.reveal").count() == 1


def test_audit_rows_are_immutable(world):
    row = AuditLog.objects.first()
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()
