"""gridgov points_check: prove the ledger sound (every transfer balanced, every cached balance the sum of its
entries and of its lots); --repair rewrites the cached balances from the entries."""

from django.core.management.base import BaseCommand, CommandError

from gridgov.points.ledger import problems, repair_balances


class Command(BaseCommand):
    help = "核对积分账本:流水平衡、账户余额与分录及批次一致(--repair 按分录重算余额)"

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="按分录重算缓存的余额")

    def handle(self, *args, repair=False, **options):
        if repair:
            fixed = repair_balances()
            self.stdout.write(f"已按分录重算 {fixed} 个账户的余额")
        found = problems()
        for p in found:
            self.stdout.write(p)
        if found:
            raise CommandError(f"积分账本有 {len(found)} 处不一致")
        self.stdout.write("积分账本核对无误")
