import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings.prod")
application = get_wsgi_application()

from gridgov.triage.suggest import warm  # noqa: E402 - after Django is set up

warm()  # each server process loads the classifier once, before its first report
