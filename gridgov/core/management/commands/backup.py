from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the database and the uploaded files into a new folder with a manifest (rows of every table, "
            "SHA-256 of each file). The runbook: docs/backup.md.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="a new folder for this backup")
        parser.add_argument("--media-root", default=None, help="the uploaded files' folder (default MEDIA_ROOT)")

    def handle(self, *args, out, media_root, **options):
        try:
            manifest = backup(Path(out), media_root=Path(media_root) if media_root else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"已备份到 {out}:{manifest['vendor']} 数据库 {len(manifest['tables'])} 张表 {rows} 行,"
                          f"上传文件 {manifest['media_files']} 个")
        self.stdout.write(f"backup_tables={len(manifest['tables'])} rows={rows} files={manifest['media_files']}")
