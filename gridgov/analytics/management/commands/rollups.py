import time

from django.core.management.base import BaseCommand, CommandError

from gridgov.analytics import rollups


class Command(BaseCommand):
    help = "统计汇总: fold pending cases (default), --rebuild to recount every case, --check to compare with a recount."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="清空汇总表并按全部事件重新统计")
        parser.add_argument("--check", action="store_true", help="与全量重新统计逐行比对,有差异时退出码为 1")

    def handle(self, *args, rebuild, check, **options):
        started = time.monotonic()
        if rebuild:
            n = rollups.rebuild()
            self.stdout.write(f"已重新统计 {n} 件事件,用时 {time.monotonic() - started:.1f} 秒")
        else:
            n = rollups.fold()
            self.stdout.write(f"已汇总 {n} 件有变化的事件")
        if check:
            diff = rollups.differences()
            if diff:
                for line in diff:
                    self.stdout.write(line)
                raise CommandError(f"汇总表与重新统计不一致(列出前 {len(diff)} 行)")
            self.stdout.write("汇总表与全量重新统计一致")
