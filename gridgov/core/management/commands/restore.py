from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.backup import BackupError, Target, restore


class Command(BaseCommand):
    help = ("Restore a backup folder into an empty database (--database-url, default the configured one) and the "
            "uploaded files, then check every table's rows against the manifest. The runbook: docs/backup.md.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="folder", required=True, help="the backup folder")
        parser.add_argument("--database-url", default=None,
                            help="the empty target database (postgres://… or sqlite:////path/new.sqlite3)")
        parser.add_argument("--media-root", default=None, help="where the uploaded files go (default MEDIA_ROOT)")

    def handle(self, *args, folder, database_url, media_root, **options):
        import os

        from django.db import connection

        try:
            if database_url or os.environ.get("DATABASE_URL"):
                target = Target.from_url(database_url or os.environ["DATABASE_URL"])
            else:
                target = Target("sqlite", {"NAME": connection.settings_dict["NAME"]})
            counts = restore(Path(folder), target, media_root=Path(media_root) if media_root else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已恢复:{len(counts)} 张表 {sum(counts.values())} 行,与备份清单一致")
