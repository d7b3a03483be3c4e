"""Settings shared by every environment; everything that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("GRIDGOV_DATA_DIR", PROJECT_DIR / "var")).resolve()
try:  # the queue's SQLite file lives here: a fresh install (or `check --deploy`) must not fail on a missing folder
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError:
    pass

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# A separate key for personal data, so that rotating the session key never makes PII unreadable.
PII_KEY = os.environ.get("GRIDGOV_PII_KEY", "")
# 商用密码: "sm4" writes personal data with SM4 + HMAC-SM3 (core/pii.py); "fernet" (AES) by default.
PII_CIPHER = os.environ.get("GRIDGOV_PII_CIPHER", "fernet")
# Previous PII keys (comma-separated), still read while `gridgov rotate_pii_key` re-keys the data.
PII_OLD_KEYS = [k.strip() for k in os.environ.get("GRIDGOV_PII_OLD_KEYS", "").split(",") if k.strip()]
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "gridgov.core",
    "gridgov.notify",
    "gridgov.regions",
    "gridgov.orgs",
    "gridgov.accounts",
    "gridgov.people",
    "gridgov.triage",
    "gridgov.cases",
    "gridgov.mediation",
    "gridgov.points",
    "gridgov.emergency",
    "gridgov.care",
    "gridgov.deliberation",
    "gridgov.portal",
    "gridgov.supervision",
    "gridgov.analytics",
    "gridgov.integrations",
    "gridgov.web",
    "gridgov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gridgov.core.csp.ContentSecurityPolicyMiddleware",
    "gridgov.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gridgov.accounts.middleware.SlidingSessionMiddleware",
    "gridgov.core.routing.ReplicaPinMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gridgov.accounts.middleware.DownloadAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gridgov.web.context.inbox_unread",
                "gridgov.core.csp.csp_nonce",
            ],
        },
    },
]


# Django's PostgreSQL backend, aware of the tables partitioned by month (gridgov/core/postgresql/base.py)
POSTGRESQL_ENGINE = "gridgov.core.postgresql"


def database_from_env(default_sqlite: Path) -> dict:
    """DATABASE_URL wins; otherwise SQLite in WAL mode under the data directory."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        db = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
                                   conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True))
    else:
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite)}
    if db["ENGINE"] == "django.db.backends.postgresql":
        db["ENGINE"] = POSTGRESQL_ENGINE
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("OPTIONS", {})
        # WAL lets readers work while a writer commits; IMMEDIATE avoids deadlocked upgrades of
        # read transactions to write transactions; a busy writer waits instead of failing.
        db["OPTIONS"].update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    return db


DATABASES = {"default": database_from_env(DATA_DIR / "gridgov.sqlite3")}
# A PostgreSQL streaming replica for dashboards and exports (core/routing.py); the primary for everything else.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"],
                                                 conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
                                                 conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
                                                 engine=POSTGRESQL_ENGINE)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["gridgov.core.routing.ReplicaRouter"]
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
# Behind pgbouncer in transaction pooling: no server-side cursors (they live across transactions). Django's default
# client-side binding sends no server-side prepared statements, so nothing else is needed.
if env_bool("DB_TRANSACTION_POOLING"):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# E-mail (notifications to reporters who gave an address, e.g. through Open311). Off until a server is named;
# EMAIL_ENABLED=1 for a mail server on localhost.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_ENABLED = env_bool("EMAIL_ENABLED")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gridgov@localhost")

# SMS through an HTTP gateway on the intranet (notify.channels.HttpSmsGatewayChannel); off while empty.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gridgov.accounts.backends.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gridgov.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gridgov.accounts.passwords.CharacterClassValidator"},
]
# Lock an account after this many failed log-ins within the window, for the lock duration.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
# An API token checked by a worker is trusted by it for this many seconds: a revocation or deactivation made on
# another worker takes effect there within this time (0: look every token up on every request).
API_TOKEN_CACHE_SECONDS = float(os.environ.get("API_TOKEN_CACHE_SECONDS", "5"))
LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
# 动态口令: staff must set up and use an authenticator app (TOTP) to log in (production's default: on).
STAFF_TOTP_REQUIRED = env_bool("STAFF_TOTP_REQUIRED", False)
LOGIN_LOCK_DURATION = timedelta(minutes=int(os.environ.get("LOGIN_LOCK_MINUTES", "15")))
# Idle sessions end after two hours; each request extends the session.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(2 * 3600)))
SESSION_SAVE_EVERY_REQUEST = False  # renewed at most once a minute by accounts.middleware.SlidingSessionMiddleware
SESSION_COOKIE_HTTPONLY = True
LOGIN_URL = "/admin/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"  # never served: every uploaded file goes through a view that checks who asks
MEDIA_ROOT = DATA_DIR / "media"
# Behind nginx: the view answers with X-Accel-Redirect to this internal location (e.g. /protected-media/) and
# nginx sends the file; empty = the view streams the file itself (always, for files in an S3 store).
PRIVATE_MEDIA_ACCEL_PREFIX = os.environ.get("PRIVATE_MEDIA_ACCEL_PREFIX", "")


def s3_storage(env) -> dict | None:
    """Uploaded files in an S3-compatible store (MinIO, a government cloud's 对象存储) when GRIDGOV_S3_BUCKET is set:
    django-storages' S3Storage, path-style addresses (MinIO's), files never overwritten, the bucket private —
    gridgov streams each file through the view that checks who asks, so no object needs a public URL."""
    bucket = env.get("GRIDGOV_S3_BUCKET", "")
    if not bucket:
        return None
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket,
        "endpoint_url": env.get("GRIDGOV_S3_ENDPOINT_URL") or None,
        "region_name": env.get("GRIDGOV_S3_REGION") or None,
        "access_key": env.get("GRIDGOV_S3_ACCESS_KEY") or None,
        "secret_key": env.get("GRIDGOV_S3_SECRET_KEY") or None,
        "location": env.get("GRIDGOV_S3_PREFIX", ""),
        "addressing_style": "path",
        "signature_version": "s3v4",
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
    }}


STORAGES = {
    "default": s3_storage(os.environ) or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gridgov.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "gridgov.core.api.Pagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "gridgov.core.api.exception_handler",
    # JSON only: no browsable API pages (English, with forms); the documentation is at /api/v1/docs/
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gridgov API",
    "DESCRIPTION": "网格化基层社会治理平台 REST API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # two lifecycles' states: each its own named enum in the document
    "ENUM_NAME_OVERRIDES": {"CaseStateEnum": "gridgov.cases.models.State",
                            "DisputeStateEnum": "gridgov.mediation.models.State",
                            "StationEnum": "gridgov.mediation.models.Station",
                            "VolunteerKindEnum": "gridgov.points.models.VolunteerKind",
                            "TransferKindEnum": "gridgov.points.models.TransferKind",
                            "VolunteerStateEnum": "gridgov.points.models.VolunteerState",
                            "ClaimStateEnum": "gridgov.points.models.ClaimState",
                            "RedemptionStateEnum": "gridgov.points.models.RedemptionState",
                            "CreditStateEnum": "gridgov.points.models.CreditState",
                            "CreditListEnum": "gridgov.points.models.CreditList",
                            "CreditReasonEnum": "gridgov.points.models.CreditReason",
                            "AdminLevelEnum": "gridgov.regions.models.Level",
                            "CaseLightEnum": "gridgov.cases.models.Light",
                            "CarePlanStateEnum": "gridgov.care.models.PlanState",
                            "CareLightEnum": "gridgov.care.models.Light",
                            "CheckInKindEnum": "gridgov.care.models.CheckInKind",
                            "CheckInResultEnum": "gridgov.care.models.CheckInResult",
                            "DeviceKindEnum": "gridgov.care.models.DeviceKind",
                            "PairingRoleEnum": "gridgov.care.models.PairingRole",
                            "CalloutStateEnum": "gridgov.emergency.models.CalloutState",
                            "AlertGroupKindEnum": "gridgov.emergency.models.AlertGroup.Kind",
                            "BroadcastLevelEnum": "gridgov.emergency.models.Broadcast.Level",
                            "TopicStateEnum": "gridgov.deliberation.models.TopicState",
                            "TopicScaleEnum": "gridgov.deliberation.models.Scale",
                            "DisputeScaleEnum": "gridgov.mediation.models.Scale",
                            "OfflineBallotChannelEnum": "gridgov.deliberation.models.OFFLINE_CHANNELS",
                            "CaseChannelEnum": "gridgov.cases.models.Channel",
                            "BallotChoiceEnum": "gridgov.deliberation.models.Choice",
                            "BallotChannelEnum": "gridgov.deliberation.models.BallotChannel",
                            "MeetingKindEnum": "gridgov.deliberation.models.MeetingKind",
                            "MeetingStateEnum": "gridgov.deliberation.models.MeetingState",
                            "TopicSatisfactionEnum": "gridgov.deliberation.models.Satisfaction",
                            "ParticipantKindEnum": "gridgov.deliberation.models.ParticipantKind",
                            "ArticleKindEnum": "gridgov.portal.models.ArticleKind",
                            "ArticleStateEnum": "gridgov.portal.models.ArticleState",
                            "ConversationStateEnum": "gridgov.portal.models.ConversationState",
                            "SlotKindEnum": "gridgov.portal.models.SlotKind",
                            "AppointmentStateEnum": "gridgov.portal.models.AppointmentState",
                            "InspectionStateEnum": "gridgov.supervision.models.InspectionState"},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "gridgov.cases.schema.report_constraints", "gridgov.notify.schema.read_constraints",
                             "gridgov.mediation.schema.dispute_constraints",
                             "gridgov.deliberation.schema.topic_constraints",
                             "gridgov.core.schema.add_error_responses", "gridgov.core.schema.state_constraints"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# How many seconds a process trusts its cached grid locator before checking the grid version again.
LOCATOR_VERSION_TTL = float(os.environ.get("LOCATOR_VERSION_TTL", "2"))
SPECTACULAR_SETTINGS.update(
    {"SWAGGER_UI_DIST": "SIDECAR", "SWAGGER_UI_FAVICON_HREF": "SIDECAR", "REDOC_DIST": "SIDECAR"}
)

# Background work: SQLite-backed Huey by default (no server needed), Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "gridgov", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {"huey_class": "huey.SqliteHuey", "name": "gridgov", "filename": str(DATA_DIR / "huey.sqlite3"),
            "immediate": False}

# Cases
CASE_DUPLICATE_RADIUS_M = int(os.environ.get("CASE_DUPLICATE_RADIUS_M", "100"))
CASE_DUPLICATE_HOURS = int(os.environ.get("CASE_DUPLICATE_HOURS", "72"))
# Volunteer points: how long earned points last, how long a reward waits at the station, how many awards in one day
# flag an account for a look
POINTS_VALID_DAYS = int(os.environ.get("POINTS_VALID_DAYS", "730"))
POINTS_PICKUP_DAYS = int(os.environ.get("POINTS_PICKUP_DAYS", "14"))
POINTS_FLAG_DAILY_AWARDS = int(os.environ.get("POINTS_FLAG_DAILY_AWARDS", "10"))

# 智能分拨: the department classifier's model file (empty: the one the project ships, gridgov/triage/data).
TRIAGE_MODEL = os.environ.get("TRIAGE_MODEL", "")
# The sweep suggests for the cases whose queued task was lost: those older than this (the task takes seconds).
TRIAGE_SWEEP_GRACE_SECONDS = float(os.environ.get("TRIAGE_SWEEP_GRACE_SECONDS", "120"))

# 最小应急单元: how long a ring has to acknowledge before the next one is called, how many units each ring calls,
# and how far away a unit may be to be called at all.
EMERGENCY_ACK_MINUTES = int(os.environ.get("EMERGENCY_ACK_MINUTES", "3"))
EMERGENCY_RINGS = os.environ.get("EMERGENCY_RINGS", "1,2,3")
EMERGENCY_RADIUS_M = int(os.environ.get("EMERGENCY_RADIUS_M", "10000"))
CASE_MAX_REOPEN = int(os.environ.get("CASE_MAX_REOPEN", "1"))

# Who may see what (the shared kernel asks through this name; accounts provides it)
GRIDGOV_JURISDICTION = "gridgov.accounts.scoping.jurisdiction_of"

# Imports of files larger than this run in the background worker, with a progress page (smaller ones at once).
IMPORT_INLINE_MAX_BYTES = int(os.environ.get("IMPORT_INLINE_MAX_BYTES", str(256 * 1024)))

# Reverse proxies in front of gridgov (nginx: 1): the client's address is then read from X-Forwarded-For.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

# Open311 GeoReport v2
OPEN311_DEFERRED = env_bool("OPEN311_DEFERRED", False)  # answer POST with a token; the worker makes the case
OPEN311_RATE_LIMITS = {"key": int(os.environ.get("OPEN311_RATE_PER_KEY", "60")),
                       "ip": int(os.environ.get("OPEN311_RATE_PER_IP", "30"))}  # POSTs per minute
if REDIS_URL:
    # a Redis restart is a cache miss, not an error page (core/cache.py)
    CACHES = {"default": {"BACKEND": "gridgov.core.cache.TolerantRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}}}

# A finished case's reporter data and photo originals are deleted after this many days (at least 180).
CASE_RETENTION_DAYS = int(os.environ.get("CASE_RETENTION_DAYS", "1095"))
# Reports accepted for later: how long a token still answers once its case was made or refused
QUEUED_REPORT_KEEP_DAYS = int(os.environ.get("QUEUED_REPORT_KEEP_DAYS", "90"))
# ...and how long a process gathers them before handing them to the worker as one task (0: each at once)
QUEUED_REPORT_BATCH_SECONDS = float(os.environ.get("QUEUED_REPORT_BATCH_SECONDS", "0.05"))
# Delivered messages (sent SMS/e-mail, read 站内信, given-up ones) are forgotten after this many days (min. 30).
NOTIFY_RETENTION_DAYS = int(os.environ.get("NOTIFY_RETENTION_DAYS", "365"))

# Map tiles for the console map: an intranet tile server, e.g. http://tiles.local/{z}/{x}/{y}.png; empty = none
GRIDGOV_TILE_URL = os.environ.get("GRIDGOV_TILE_URL", "")
