"""Settings for production: PostgreSQL through DATABASE_URL, real secrets."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, SECRET_KEY, env

if not SECRET_KEY:
    raise ImproperlyConfigured("Set OPORTUNA_SECRET_KEY to a long random string.")
if not env.get("DATABASE_URL"):
    raise ImproperlyConfigured("Set DATABASE_URL to the PostgreSQL database.")

# Log collectors read one JSON object per line.
LOGGING["handlers"]["console"]["formatter"] = env.get("OPORTUNA_LOG_FORMAT", "json")

SESSION_COOKIE_SECURE = env.get_bool("OPORTUNA_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env.get_list("OPORTUNA_CSRF_TRUSTED_ORIGINS")
