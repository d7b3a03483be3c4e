"""Backup and restore (docs/backup.md): a backup of the database and the uploaded files restored into a fresh
database finds every case, its timeline and its photo; a damaged backup or a target that is not empty is refused
before anything is touched. On SQLite and on PostgreSQL (a new database made for the test)."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import call_command

from gridgov.cases.models import Case, CaseEvent
from gridgov.core.backup import BackupError, Target, read_manifest, restore
from tests.cases.conftest import cw, photo, report  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def files_on_disk(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path / "media"


@pytest.fixture
def empty_target(tmp_path):
    """A fresh, empty database of the kind the tests run on: a new PostgreSQL database (dropped after) or a new
    SQLite file."""
    from django.db import connection

    if connection.vendor == "sqlite":
        yield Target("sqlite", {"NAME": str(tmp_path / "restored.sqlite3")})
        return
    import psycopg

    from gridgov.core.backup import _pg_kwargs

    name = f"gridgov_restore_{uuid.uuid4().hex[:8]}"
    admin = {**_pg_kwargs(connection.settings_dict), "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**admin) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Target("postgresql", {**connection.settings_dict, "NAME": name})
    finally:
        with psycopg.connect(**admin) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _cases(target: Target) -> list[tuple]:
    if target.vendor == "sqlite":
        import sqlite3

        con = sqlite3.connect(target.settings["NAME"])
        try:
            return sorted(tuple(r) for r in con.execute("SELECT id, title FROM cases_case"))
        finally:
            con.close()
    import psycopg

    from gridgov.core.backup import _pg_kwargs

    with psycopg.connect(**_pg_kwargs(target.settings)) as con:
        return sorted(tuple(r) for r in con.execute("SELECT id, title FROM cases_case"))


def test_a_backup_restored_into_a_fresh_database_finds_every_case(cw, files_on_disk, empty_target, tmp_path, capsys):  # noqa: F811
    for k in range(3):
        report(cw, description=f"第{k + 1}处路灯不亮", photos=[photo(f"p{k}.jpg")])
    assert Case.objects.count() == 3
    stored = sorted(p for p in files_on_disk.rglob("*") if p.is_file())
    assert len(stored) >= 3  # the photos are files on disk
    call_command("backup", out=str(tmp_path / "b1"))
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("backup_tables=")
    manifest = read_manifest(tmp_path / "b1")
    assert manifest["tables"]["cases_case"] == 3 and manifest["tables"]["cases_caseevent"] == CaseEvent.objects.count()
    assert manifest["media_files"] == len(stored) and manifest["migrations"]["cases"]

    restored_media = tmp_path / "restored-media"
    counts = restore(tmp_path / "b1", empty_target, media_root=restored_media)
    assert counts == manifest["tables"]
    assert _cases(empty_target) == sorted(Case.objects.values_list("id", "title"))
    for p in stored:  # every upload, byte for byte
        assert (restored_media / p.relative_to(files_on_disk)).read_bytes() == p.read_bytes()
    # a second restore into the same (now full) target is refused, and changes nothing
    with pytest.raises(BackupError) as e:
        restore(tmp_path / "b1", empty_target, media_root=restored_media)
    assert "空库" in str(e.value) or "已存在" in str(e.value)
    assert _cases(empty_target) == sorted(Case.objects.values_list("id", "title"))


def test_a_damaged_backup_is_refused_before_anything_is_touched(cw, files_on_disk, empty_target, tmp_path):  # noqa: F811
    report(cw)
    call_command("backup", out=str(tmp_path / "b2"))
    with pytest.raises(Exception) as e:
        call_command("backup", out=str(tmp_path / "b2"))  # a folder is used once
    assert "已存在" in str(e.value)
    db_file = next(p for p in (tmp_path / "b2").iterdir() if p.name.startswith("db."))
    data = bytearray(db_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    db_file.write_bytes(bytes(data))
    with pytest.raises(BackupError) as e:
        restore(tmp_path / "b2", empty_target, media_root=tmp_path / "m")
    assert "已损坏" in str(e.value)
    if empty_target.vendor == "sqlite":
        import os

        assert not os.path.exists(empty_target.settings["NAME"])
    else:
        with pytest.raises(Exception):  # noqa: B017 - no table was made
            _cases(empty_target)
    with pytest.raises(BackupError) as e:
        read_manifest(tmp_path / "nowhere")
    assert "不是有效的备份目录" in str(e.value)
