"""Production: every secret must come from the environment; nothing is guessed."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PII_KEY, SECRET_KEY, env_bool

if not SECRET_KEY or not PII_KEY:
    raise ImproperlyConfigured("生产环境必须设置 SECRET_KEY 与 GRIDGOV_PII_KEY 环境变量")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
STAFF_TOTP_REQUIRED = env_bool("STAFF_TOTP_REQUIRED", True)  # 等保: a second factor for those who see personal data
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

# HTTPS only, behind a TLS-terminating proxy (nginx sets X-Forwarded-Proto). `/healthz` answers over plain HTTP for
# the load balancer's probe.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS: browsers keep to HTTPS for a year once they have seen the site over it.
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
# The browsers' HSTS preload list is for public domain names; intranet names cannot be submitted to it, so its
# warning says nothing about a government deployment. Set HSTS_PRELOAD=1 on a public domain to submit it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
