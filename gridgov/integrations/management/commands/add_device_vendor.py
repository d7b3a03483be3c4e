from django.core.management.base import BaseCommand

from gridgov.integrations.devices import vendor_create
from gridgov.integrations.models import DeviceVendor


class Command(BaseCommand):
    help = "Register a vendor of smart-care devices and print its signing secret (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--name", required=True)
        parser.add_argument("--adapter", choices=DeviceVendor.Adapter.values, default=DeviceVendor.Adapter.GENERIC)

    def handle(self, *args, code, name, adapter, **options):
        _, secret = vendor_create(code=code, name=name, adapter=adapter)
        self.stdout.write(secret)
