"""Browser tests: Debian's Chromium driven by Playwright against the real stack (uvicorn, a Celery
worker, Redis and the test database, from the `live_stack` fixture).

Chromium is never downloaded: the tests use /usr/bin/chromium, which `.ci/run` installs. When it
is missing (a developer machine without it) the tests are skipped with that reason, and only then.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from tests.support import live

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def browser(request):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
    # The stack and the test database first: Playwright's sync API keeps an asyncio loop on this
    # thread while it runs, and Django refuses ORM calls on a thread with a running loop.
    request.getfixturevalue("live_stack")
    from playwright.sync_api import sync_playwright

    # The tests are plain synchronous code, so only that check is switched off, in this process,
    # and only while the browser runs (one module's tests).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Browsing:
    """A signed-in browser tab on the live stack, and what it noticed going wrong."""

    page: object
    base_url: str
    dialogs: list
    page_errors: list

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)


def session_cookie(user, base_url: str) -> dict:
    """A real session for the user, created the way a login creates it."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}


def open_tab(browser, base_url: str, user=None, **context_options) -> Browsing:
    context = browser.new_context(base_url=base_url, **{"viewport": {"width": 1280, "height": 860}, **context_options})
    context.set_default_timeout(20_000)
    if user is not None:
        context.add_cookies([session_cookie(user, base_url)])
    page = context.new_page()
    dialogs, page_errors = [], []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    return Browsing(page=page, base_url=base_url, dialogs=dialogs, page_errors=page_errors)


@pytest.fixture
def tab(browser, live_stack, transactional_db, owner):
    """The owner, signed in, in a fresh browser context."""
    browsing = open_tab(browser, live_stack.base_url, owner)
    yield browsing
    browsing.page.context.close()
    live.wait_for_quiet_database()
    assert not browsing.page_errors, f"JavaScript errors on the page: {browsing.page_errors}"


@pytest.fixture
def open_browser_tab(browser, live_stack, transactional_db):
    """Open more tabs (another size, dark mode, another server) that are closed after the test."""
    tabs = []

    def make(user=None, base_url=None, **options) -> Browsing:
        browsing = open_tab(browser, base_url or live_stack.base_url, user, **options)
        tabs.append(browsing)
        return browsing

    yield make
    for browsing in tabs:
        browsing.page.context.close()
    live.wait_for_quiet_database()


def save_screenshot(page, name: str, tmp_path: Path, **options) -> Path:
    """Screenshots always go to the test's temp dir; UPDATE_SCREENSHOTS=1 also refreshes the ones
    committed under docs/screenshots (shown in the README)."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), **options)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"{name}.png").write_bytes(path.read_bytes())
    return path
