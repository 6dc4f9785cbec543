"""Users and log-in for the browser tests."""

import factories

# The password of every user the browser tests make.
PASSWORD = "browser-test-password"


def make_person(username, *roles, **fields):
    """Create a user the browser can log in as, with PASSWORD."""
    user = factories.make_user(username, *roles, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#main-nav")
