"""Development: the embedded default (SQLite under var/), debug on, a generated local secret."""

from gridgov.core.secrets import local_secret

from .base import *  # noqa: F403
from .base import DATA_DIR

DEBUG = True
ALLOWED_HOSTS = ["*"]
SECRET_KEY = SECRET_KEY or local_secret(DATA_DIR, "secret_key")  # noqa: F405
PII_KEY = PII_KEY or local_secret(DATA_DIR, "pii_key")  # noqa: F405
