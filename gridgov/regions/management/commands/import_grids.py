from pathlib import Path

from django.core.management.base import BaseCommand

from gridgov.core.commands import report_import
from gridgov.regions.importers import import_grids


class Command(BaseCommand):
    help = "Import grids/microgrids from a GeoJSON FeatureCollection (checks everything first)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="only check; write nothing")

    def handle(self, *args, file, dry_run, **options):
        report_import(self, import_grids(file.read_bytes(), actor=None, dry_run=dry_run))
