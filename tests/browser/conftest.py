"""Playwright driving Debian's Chromium against the live test server."""

import importlib
import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps

CHROMIUM = Path("/usr/bin/chromium")
# Where the screenshots of every screen go, for a person to look at.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django's ORM
# refuses to run in a thread with a running loop unless told it is safe.
# It is safe here because the loop only waits for the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make test`, which installs it with apt.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots():
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture
def new_page(browser, live_server):
    """Return a function that opens a fresh browser context for one user."""
    contexts = []

    def open_page(language="es"):
        context = browser.new_context(
            base_url=live_server.url,
            locale=language,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


# Data migrations whose rows the browser tests need: role groups and option
# lists. Both functions are idempotent.
SHIPPED_DATA = [
    ("oportuna.users.migrations.0002_role_groups", "create_groups"),
    ("oportuna.catalog.migrations.0002_default_options", "load_options"),
]


@pytest.fixture(autouse=True)
def shipped_data(transactional_db):
    """Load the rows the data migrations ship, which a flush removes.

    Transactional tests end by flushing the database. serialized_rollback
    should restore these rows, but with pytest-django 4.14 they were gone
    in the second browser test whenever a non-transactional test ran first.
    """
    for module_name, function_name in SHIPPED_DATA:
        getattr(importlib.import_module(module_name), function_name)(apps, None)
