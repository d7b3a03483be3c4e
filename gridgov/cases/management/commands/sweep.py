import time

from django.core.management.base import BaseCommand

from gridgov.cases.sweeper import sweep
from gridgov.core.sweeps import run_all
from gridgov.notify.services import deliver_due


class Command(BaseCommand):
    help = "Run the SLA sweep (lights, warnings, escalation) and deliver due notifications; --loop to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args, loop, **options):
        while True:
            extra = run_all()  # registered by other apps (disputes, points, care …)
            result = sweep()
            sent = deliver_due()
            others = "".join(f";{label} {n}" for label, n in extra.values())
            self.stdout.write(f"黄灯 {result['yellow']},红灯 {result['red']},提级 {result['escalated']};"
                              f"消息已发送 {sent['sent']},待重试 {sent['retry']}{others}")
            if not loop:
                return
            time.sleep(loop)
