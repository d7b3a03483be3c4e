"""Backup and restore (docs/backup.md is the runbook): one folder per backup holding the database (PostgreSQL:
`pg_dump` custom format; SQLite: an online copy through SQLite's backup API, safe while the server writes), the
uploaded files (a tar of MEDIA_ROOT when files are kept on the filesystem) and `manifest.json` — when, from which
database, the latest migration of each app, the rows of every table and each file's SHA-256.

A restore checks the files against their hashes before it touches anything, loads the database into an empty target
(never over a live one: a PostgreSQL target must have no tables, a SQLite file must not exist), unpacks the files
and then counts every table again: a table whose rows differ from the manifest fails the restore loudly.

The personal data in the dump stays encrypted: without the PII key (GRIDGOV_PII_KEY, kept apart from the backups)
a restored database's identity numbers and phones cannot be read — the runbook says where the key goes."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from gridgov.core.timeutil import now

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese, for the operator."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _tables() -> list[str]:
    """Every table of the project's models (and Django's own it relies on), in a stable order."""
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed
             and not m._meta.proxy}
    return sorted(names)


def _counts(cursor, tables: list[str]) -> dict[str, int]:
    out = {}
    for t in tables:
        cursor.execute(f'SELECT count(*) FROM "{t}"')
        out[t] = int(cursor.fetchone()[0])
    return out


def _pg_env(db: dict) -> tuple[list[str], dict]:
    import os

    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict | None = None) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupError(f"未找到 {cmd[0]}:请安装 PostgreSQL 客户端(Debian:apt-get install postgresql-client)")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} 失败:{done.stderr.strip()[:500]}")


def _media_root() -> Path | None:
    """Uploaded files kept on the filesystem (the default), or None when they are in another store."""
    from django.core.files.storage import default_storage

    from gridgov.core.files import on_filesystem

    return Path(settings.MEDIA_ROOT) if on_filesystem(default_storage) else None


def backup(out: Path, *, media_root: Path | None = None) -> dict:
    """Write a backup into the folder `out` (made; it must not exist yet). Returns the manifest."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"备份目录已存在:{out}(每次备份用一个新目录)")
    out.mkdir(parents=True)
    db = connection.settings_dict
    vendor = connection.vendor
    tables = _tables()
    connection.ensure_connection()
    with connection.cursor() as c:
        counts = _counts(c, tables)
    if vendor == "postgresql":
        args, env = _pg_env(db)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args, "-f", str(out / "db.dump"),
              str(db["NAME"])], env)
        db_file = "db.dump"
    elif vendor == "sqlite":
        target = sqlite3.connect(str(out / "db.sqlite3"))
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        db_file = "db.sqlite3"
    else:
        raise BackupError(f"不支持的数据库:{vendor}")
    files = {db_file: _sha256(out / db_file)}
    media_root = media_root if media_root is not None else _media_root()
    media_files = 0
    if media_root is not None and media_root.exists():
        with tarfile.open(out / "media.tar.gz", "w:gz") as tar:
            for p in sorted(media_root.rglob("*")):
                if p.is_file():
                    tar.add(p, arcname=str(p.relative_to(media_root)))
                    media_files += 1
        files["media.tar.gz"] = _sha256(out / "media.tar.gz")
    migrations = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name").order_by("app", "name"):
        migrations[app] = name
    manifest = {"format": FORMAT, "at": now().isoformat(), "vendor": vendor, "database": str(db["NAME"]),
                "migrations": migrations, "tables": counts, "files": files, "media_files": media_files}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


@dataclass
class Target:
    """Where a restore goes: a PostgreSQL database (an empty one) by its settings, or a SQLite file (new)."""

    vendor: str
    settings: dict

    @classmethod
    def from_url(cls, url: str) -> Target:
        import dj_database_url

        db = dj_database_url.parse(url)
        vendor = "postgresql" if "postgresql" in db["ENGINE"] else "sqlite" if "sqlite" in db["ENGINE"] else ""
        if not vendor:
            raise BackupError(f"不支持的目标数据库:{url}")
        return cls(vendor, dict(db))


def read_manifest(folder: Path) -> dict:
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"不是有效的备份目录(manifest.json 无法读取):{exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持")
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.exists():
            raise BackupError(f"备份缺少文件:{name}")
        if _sha256(path) != digest:
            raise BackupError(f"备份文件已损坏(校验值不符):{name}")
    return manifest


def _target_counts(target: Target, tables: list[str]) -> dict[str, int]:
    if target.vendor == "sqlite":
        lite = sqlite3.connect(target.settings["NAME"])
        try:
            return _counts(lite.cursor(), tables)
        finally:
            lite.close()
    import psycopg

    with psycopg.connect(**_pg_kwargs(target.settings)) as pg, pg.cursor() as c:
        return _counts(c, tables)


def _pg_kwargs(db: dict) -> dict:
    kw = {"dbname": db["NAME"], "host": db.get("HOST") or None, "port": db.get("PORT") or None,
          "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    return {k: v for k, v in kw.items() if v is not None}


def restore(folder: Path, target: Target, *, media_root: Path | None = None) -> dict:
    """Restore the backup in `folder` into `target` (empty) and the files into `media_root` (no file there is
    overwritten); then every table's rows are counted against the manifest. Returns {table: rows} restored."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest["vendor"] != target.vendor:
        raise BackupError(f"备份来自 {manifest['vendor']},不能恢复到 {target.vendor}")
    if target.vendor == "postgresql":
        import psycopg

        with psycopg.connect(**_pg_kwargs(target.settings)) as con, con.cursor() as c:
            c.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            row = c.fetchone()
            if row and row[0]:
                raise BackupError(f"目标数据库 {target.settings['NAME']} 不是空库:请恢复到新建的空数据库")
        args, env = _pg_env(target.settings)
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args, "-d",
              str(target.settings["NAME"]), str(folder / "db.dump")], env)
    else:
        path = Path(target.settings["NAME"])
        if path.exists():
            raise BackupError(f"目标文件已存在:{path}(请恢复到新文件)")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / "db.sqlite3", path)
    if "media.tar.gz" in manifest["files"]:
        root = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / "media.tar.gz", "r:gz") as tar:
            for member in tar.getmembers():
                if not member.isfile():
                    continue
                dest = root / member.name
                if dest.exists():
                    continue  # never overwrite: a file of the same name is the same upload
                tar.extract(member, root, filter="data")
    counts = _target_counts(target, sorted(manifest["tables"]))
    wrong = {t: (manifest["tables"][t], n) for t, n in counts.items() if n != manifest["tables"][t]}
    if wrong:
        raise BackupError("恢复后行数与备份不符:" + ", ".join(f"{t} 应为 {a} 实为 {b}" for t, (a, b) in wrong.items()))
    return counts
