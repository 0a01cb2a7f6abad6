"""Production: PostgreSQL required through DATABASE_URL."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES

if not os.environ.get("DATABASE_URL") or "postgres" not in DATABASES["default"]["ENGINE"]:
    raise ImproperlyConfigured("本番設定では DATABASE_URL に PostgreSQL を指定してください。")
SESSION_COOKIE_SECURE = env_bool("JUMIN_SECURE_COOKIES", True)  # noqa: F405
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
JUMIN_AUTO_CREATE_KEYS = env_bool("JUMIN_AUTO_CREATE_KEYS", False)  # noqa: F405
