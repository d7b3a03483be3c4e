"""Tests: fast hashing, fixed keys, SQLite in memory unless DATABASE_URL names PostgreSQL."""

import os

from .base import *  # noqa: F403
from .base import database_from_env

SECRET_KEY = "test-secret-key-not-for-production"
PII_KEY = "test-pii-key-not-for-production"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {"default": database_from_env(os.path.join(os.environ.get("TMPDIR", "/tmp"), "gridgov-test.sqlite3"))}
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("GRIDGOV_TEST_DB_NAME") or None}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOCATOR_VERSION_TTL = 0
HUEY = {"huey_class": "huey.MemoryHuey", "name": "gridgov-test", "immediate": True}
QUEUED_REPORT_BATCH_SECONDS = 0  # each queued report handed over at once (the batch has its own test)
