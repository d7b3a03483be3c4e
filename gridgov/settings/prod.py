"""Production: every secret must come from the environment; nothing is guessed."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PII_KEY, SECRET_KEY, env_bool

if not SECRET_KEY or not PII_KEY:
    raise ImproperlyConfigured("生产环境必须设置 SECRET_KEY 与 GRIDGOV_PII_KEY 环境变量")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
