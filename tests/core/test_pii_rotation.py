"""Rotating the PII key: old data stays readable and findable while `rotate_pii_key` re-keys it, an
interrupted or repeated run is harmless, and a missing old key is a clear error that changes nothing."""

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import CommandError, call_command

from gridgov.accounts.models import User
from gridgov.cases.models import Case
from gridgov.core import pii
from gridgov.core.errors import ApplicationError
from gridgov.core.models import AuditLog
from gridgov.people.models import Resident
from gridgov.people.selectors import resident_list
from gridgov.people.services import resident_create
from tests.conftest import ID_A1, fix_id

OLD = "test-pii-key-not-for-production"  # what the test settings wrote the world with


def _under_current_key_only(model, name, kind):
    only = pii._fernet_for(pii._keys()[0])
    decider = getattr(model, "PII_KIND_FIELDS", {}).get(name)
    rows = model.objects.exclude(**{f"{name}_enc": ""}).values_list(f"{name}_enc", f"{name}_hash",
                                                                    decider or f"{name}_enc")
    for token, h, row_type in rows:
        clear = only.decrypt(token.encode()).decode()  # raises InvalidToken if still under an old key
        assert h == pii.lookup_hash(model.pii_kind(name, row_type) if decider else kind, clear)


def test_pii_fields_are_found_by_convention():
    found = {(m._meta.label, name, kind) for m, name, kind in pii.pii_fields()}
    assert {("accounts.User", "phone", "phone"), ("people.Resident", "id_number", "id_number"),
            ("people.Resident", "phone", "phone"), ("cases.Case", "reporter_phone", "phone")} <= found


def test_rotation_keeps_data_readable_and_findable_throughout(world, settings, capsys):
    settings.PII_KEY, settings.PII_OLD_KEYS = "the-new-key", [OLD]
    # before the re-keying: old rows are read, found, and still block a second registration
    assert pii.get_pii(Resident.objects.get(pk=world.res_a1.pk), "id_number") == ID_A1
    assert list(resident_list(actor=world.admin, filters={"id_number": ID_A1})) == [world.res_a1]
    assert list(resident_list(actor=world.admin, filters={"q": "13800138000"})) == [world.res_a1]
    with pytest.raises(ApplicationError) as exc:
        resident_create(actor=None, grid=world.grid_a_west, name="张三", id_number=ID_A1)
    assert exc.value.code == "duplicate_id_number"
    # new writes are under the new key at once
    new = resident_create(actor=None, grid=world.grid_a_west, name="新居民", id_number=fix_id("11010519800101007"),
                          phone="13600136000")
    settings.PII_KEY, settings.PII_OLD_KEYS = OLD, []
    visitor = resident_create(actor=None, grid=world.grid_a_west, name="Jane Roe", id_type="passport",
                              id_number="X7654321", gender="female", birth_date="1990-05-06")
    settings.PII_KEY, settings.PII_OLD_KEYS = "the-new-key", [OLD]
    call_command("rotate_pii_key", "--dry-run")
    assert "需重新加密 7 项" in capsys.readouterr().out  # 3 × (id, phone) and a passport; the new one is current
    with pytest.raises(InvalidToken):
        _under_current_key_only(Resident, "id_number", "id_number")
    call_command("rotate_pii_key", "--batch", "2")
    out = capsys.readouterr().out
    assert "已重新加密 7 项" in out and "可从 GRIDGOV_PII_OLD_KEYS 中移除原密钥" in out
    for model, name, kind in pii.pii_fields():
        _under_current_key_only(model, name, kind)
    assert AuditLog.objects.filter(action="pii.rotate").count() == 1
    # a second run finds nothing to do; then the old key can go
    call_command("rotate_pii_key")
    assert "已重新加密 0 项" in capsys.readouterr().out
    settings.PII_OLD_KEYS = []
    assert pii.get_pii(Resident.objects.get(pk=world.res_a1.pk), "id_number") == ID_A1
    assert list(resident_list(actor=world.admin, filters={"q": "13800138000"})) == [world.res_a1]
    assert pii.get_pii(Resident.objects.get(pk=new.pk), "phone") == "13600136000"
    assert list(resident_list(actor=world.admin, filters={"q": "x7654321"})) == [visitor]


def test_a_missing_old_key_is_a_clear_error_and_changes_nothing(world, settings):
    before = list(Resident.objects.order_by("pk").values_list("id_number_enc", "id_number_hash"))
    settings.PII_KEY, settings.PII_OLD_KEYS = "the-new-key", []
    with pytest.raises(CommandError, match="GRIDGOV_PII_OLD_KEYS"):
        call_command("rotate_pii_key")
    assert list(Resident.objects.order_by("pk").values_list("id_number_enc", "id_number_hash")) == before
    assert not AuditLog.objects.filter(action="pii.rotate").exists()


def test_a_row_changed_during_the_run_is_left_for_the_next(world, settings, monkeypatch):
    settings.PII_KEY, settings.PII_OLD_KEYS = "the-new-key", [OLD]
    real_encrypt = pii.encrypt
    target = world.res_a2.pk

    def racing_encrypt(value):  # someone edits 李四's phone while the run is re-keying it
        if value == "13900139000":
            Resident.objects.filter(pk=target).update(phone_enc=real_encrypt("13500135000"))
        return real_encrypt(value)

    monkeypatch.setattr(pii, "encrypt", racing_encrypt)
    stats = pii.rekey_all()
    assert stats["conflicts"] == 1
    assert pii.get_pii(Resident.objects.get(pk=target), "phone") == "13500135000"  # the edit was not clobbered
    monkeypatch.setattr(pii, "encrypt", real_encrypt)
    assert pii.rekey_all()["conflicts"] == 0
    _under_current_key_only(Resident, "phone", "phone")
    assert User.objects.count() and Case.objects.count() == 0
