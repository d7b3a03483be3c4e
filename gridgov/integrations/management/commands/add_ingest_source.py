from django.core.management.base import BaseCommand, CommandError

from gridgov.cases.models import Category
from gridgov.integrations.ingest import source_create


class Command(BaseCommand):
    help = "Register a sensor or video-AI system and print its ingest key (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--name", required=True)
        parser.add_argument("--channel", choices=["sensor", "video_ai"], default="sensor")
        parser.add_argument("--category", help="default category code, e.g. 1404")
        parser.add_argument("--dedupe-minutes", type=int, default=30)

    def handle(self, *args, code, name, channel, category, dedupe_minutes, **options):
        cat = None
        if category:
            cat = Category.objects.filter(code=category).first()
            if cat is None:
                raise CommandError(f"category {category} does not exist")
        _, key = source_create(code=code, name=name, channel=channel, category=cat, dedupe_minutes=dedupe_minutes)
        self.stdout.write(key)
