from pathlib import Path

from django.core.management.base import BaseCommand

from gridgov.core.commands import report_import
from gridgov.people.importers import import_buildings, import_residents


class Command(BaseCommand):
    help = "Import residents (or, with --buildings, buildings) from an .xlsx file (checks everything first)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="only check; write nothing")
        parser.add_argument("--buildings", action="store_true", help="the file lists buildings")

    def handle(self, *args, file, dry_run, buildings, **options):
        importer = import_buildings if buildings else import_residents
        with file.open("rb") as f:
            report_import(self, importer(f, actor=None, dry_run=dry_run))
