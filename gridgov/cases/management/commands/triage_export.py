import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridgov.cases.training import training_rows, write_rows
from gridgov.core.timeutil import now


class Command(BaseCommand):
    help = "Write dispatched cases as training rows (id,title,text,label) for `gridgov triage train`."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="CSV file to write")
        parser.add_argument("--days", type=int, default=0, help="only cases dispatched in the last N days")

    def handle(self, *args, out, days, **options):
        if days < 0:
            raise CommandError("--days must be 0 (all) or more")
        rows = training_rows(since=now() - dt.timedelta(days=days) if days else None)
        write_rows(rows, Path(out))
        self.stdout.write(f"{len(rows)} rows written to {out}")
