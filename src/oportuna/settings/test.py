"""Settings for the test suite, on SQLite or on DATABASE_URL."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so the browser tests' live server thread sees
    # the same data as the test itself; one per process, so two test runs
    # on one checkout do not share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
    }
VAR_DIR.mkdir(parents=True, exist_ok=True)
# Tests read messages in English unless they switch language themselves;
# the browser tests pick each user's language.
LANGUAGE_CODE = "en"
