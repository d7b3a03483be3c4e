from pathlib import Path

from django.core.management.base import BaseCommand

from gridgov.people.exporters import buildings_workbook, residents_workbook
from gridgov.people.models import Building, Resident


class Command(BaseCommand):
    help = "Export residents (or buildings) under a region code to .xlsx, personal data masked."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--region", default="", help="region code; default: everything")
        parser.add_argument("--buildings", action="store_true")

    def handle(self, *args, file, region, buildings, **options):
        if buildings:
            qs = Building.objects.all()
            if region:
                qs = qs.filter(grid__path__contains=f"/{region}/")
            content = buildings_workbook(qs)
        else:
            qs = Resident.objects.filter(is_active=True)
            if region:
                qs = qs.filter(grid__path__contains=f"/{region}/")
            content = residents_workbook(qs)
        file.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"已导出 {qs.count()} 条到 {file}"))
