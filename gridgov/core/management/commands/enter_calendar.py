import sys

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.calendar_entry import calendar_year_enter
from gridgov.core.errors import ApplicationError


class Command(BaseCommand):
    help = ("Enter a year's holidays and 调休 working days from the State Council notice (its text in a file, or on "
            "standard input with -); the same check as the admin's 录入全年安排. Writes nothing unless every line "
            "is understood.")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("file", help="the notice's text (UTF-8), or - for standard input")
        parser.add_argument("--source", required=True, help="e.g. 国办发明电〔2026〕X号")
        parser.add_argument("--replace", action="store_true", help="replace a year entered before")
        parser.add_argument("--dry-run", action="store_true", help="check and list the days, write nothing")

    def handle(self, *args, year, file, source, replace, dry_run, **options):
        text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8").read()  # noqa: SIM115
        try:
            result = calendar_year_enter(actor=None, year=year, source=source, text=text, replace=replace,
                                         dry_run=dry_run)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for d, kind, name in result["days"]:
            self.stdout.write(f"{d:%Y-%m-%d} 周{'一二三四五六日'[d.weekday()]} {'放假' if kind == 'holiday' else '上班'} {name}")
        if result["errors"]:
            for e in result["errors"]:
                self.stderr.write(f"第{e['row']}行:{e['reason']}" if e["row"] else e["reason"])
            raise CommandError("有问题,未录入")
        self.stdout.write("检查通过,未写入(--dry-run)" if dry_run else f"已录入{year}年")
