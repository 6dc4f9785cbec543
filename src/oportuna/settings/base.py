"""Settings shared by every environment."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from . import env

BASE_DIR = env.BASE_DIR
VAR_DIR = env.VAR_DIR

SECRET_KEY = env.get("OPORTUNA_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env.get_list("OPORTUNA_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "oportuna.users",
    "oportuna.catalog",
    "oportuna.accounts",
    "oportuna.opportunities",
    "oportuna.processes",
    "oportuna.observatories",
    "oportuna.imports",
    "oportuna.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oportuna.users.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "oportuna.urls"
WSGI_APPLICATION = "oportuna.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oportuna.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.database(VAR_DIR / "oportuna.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Spanish is the default; each user picks a language and a time zone, which
# UserPreferencesMiddleware applies to every request.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Madrid"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Bootstrap, copied from node_modules by `make static`.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

# Attached documents: the largest upload accepted, in bytes.
OPORTUNA_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Currency of amounts that do not name one (ISO 4217).
OPORTUNA_DEFAULT_CURRENCY = "EUR"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "oportuna.log_format.ContextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "oportuna.log_format.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.get("OPORTUNA_LOG_FORMAT", "plain"),
        },
    },
    "loggers": {
        "oportuna": {
            "handlers": ["console"],
            "level": env.get("OPORTUNA_LOG_LEVEL", "INFO"),
        },
    },
}
