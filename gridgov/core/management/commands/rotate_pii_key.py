from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gridgov.core.models import audit
from gridgov.core.pii import old_key_count, rekey_all


class Command(BaseCommand):
    help = ("Re-encrypt and re-hash every identity number and phone under GRIDGOV_PII_KEY (the old keys in "
            "GRIDGOV_PII_OLD_KEYS are still read). Safe to interrupt and to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="rows per transaction")
        parser.add_argument("--dry-run", action="store_true", help="count what would be re-keyed, change nothing")

    def handle(self, *args, batch, dry_run, **options):
        try:
            old_keys = old_key_count()
            stats = rekey_all(batch=batch, dry_run=dry_run)
        except ImproperlyConfigured as exc:
            raise CommandError(f"无法读取个人信息:{exc}(请在 GRIDGOV_PII_OLD_KEYS 中配置原密钥)") from exc
        if not dry_run:
            with transaction.atomic():
                audit(actor=None, action="pii.rotate", object_type="core.pii", detail={**stats, "old_keys": old_keys})
        verb = "需重新加密" if dry_run else "已重新加密"
        self.stdout.write(f"检查 {stats['checked']} 项,{verb} {stats['rekeyed']} 项,并发修改跳过 {stats['conflicts']} 项")
        if stats["conflicts"]:
            self.stdout.write("有记录在重新加密时被修改,请再运行一次。")
        elif not dry_run:
            self.stdout.write("全部个人信息已使用当前密钥;确认后可从 GRIDGOV_PII_OLD_KEYS 中移除原密钥。")
