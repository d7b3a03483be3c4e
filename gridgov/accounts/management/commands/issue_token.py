from django.core.management.base import BaseCommand, CommandError

from gridgov.accounts.models import User
from gridgov.accounts.services import api_token_issue, membership_grant, user_create
from gridgov.core.errors import ApplicationError
from gridgov.regions.models import Region


class Command(BaseCommand):
    help = "Issue an API token for another system. The token is printed once and never stored in clear."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the system account (created when missing)")
        parser.add_argument("--name", required=True, help="what the token is for, e.g. 12345热线对接")
        parser.add_argument("--region", help="region code the system may act on (for a new account)")
        parser.add_argument("--role", default="center_dispatcher", help="role over that region (new account)")

    def handle(self, *args, username, name, region, role, **options):
        try:
            user = User.objects.filter(username=username).first()
            if user is None:
                if not region:
                    raise CommandError("a new system account needs --region")
                r = Region.objects.filter(code=region).first()
                if r is None:
                    raise CommandError(f"region {region} does not exist")
                user = user_create(actor=None, username=username, password="", is_system=True)
                membership_grant(actor=None, user=user, role_code=role, region=r)
            _, key = api_token_issue(actor=None, user=user, name=name)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        self.stdout.write(key)
