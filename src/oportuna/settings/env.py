"""The one place where settings read the process environment."""

import os
from pathlib import Path

import dj_database_url


def _default_home():
    # In a checkout (src layout) var/ sits beside pyproject.toml; an
    # installed package uses the current directory.
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "pyproject.toml").exists():
        return checkout
    return Path.cwd()


# OPORTUNA_HOME holds var/, where the SQLite file and uploaded documents live.
BASE_DIR = Path(os.environ.get("OPORTUNA_HOME") or _default_home()).resolve()
VAR_DIR = BASE_DIR / "var"


def get(name, default=None):
    return os.environ.get(name, default)


def get_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def get_list(name, default=""):
    return [item.strip() for item in get(name, default).split(",") if item.strip()]


def database(default_sqlite_path):
    """Return the DATABASES["default"] entry from DATABASE_URL, or SQLite."""
    url = get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        return config
    return sqlite_database(default_sqlite_path)


def sqlite_database(path):
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # WAL lets readers run while one writer commits, and NORMAL
            # syncs at checkpoints only: single-row writes are several
            # times faster than with the default rollback journal.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Take the write lock when a transaction starts, so two
            # writers queue on busy_timeout instead of failing with
            # "database is locked" when one upgrades a read lock.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
