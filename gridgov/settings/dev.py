"""Development: the embedded default (SQLite under var/), debug on, a generated local secret."""

from gridgov.core.secrets import local_secret

from .base import *  # noqa: F403
from .base import DATA_DIR, env_bool

# Django's debug pages are English and show internals: off unless a developer asks for them (DEBUG=1).
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = ["*"]
SECRET_KEY = SECRET_KEY or local_secret(DATA_DIR, "secret_key")  # noqa: F405
PII_KEY = PII_KEY or local_secret(DATA_DIR, "pii_key")  # noqa: F405
# The console channel writes whole messages to the log (var/worker.log), so a log-in code can be read there.
NOTIFY_LOG_TEXT = True
