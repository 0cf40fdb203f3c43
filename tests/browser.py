"""Shared fixtures for tests against a live server and in real headless Chromium.

Imported by tests/conftest.py, so every test module can use:

- ``serve_app(app)`` — a context manager serving a Flask app on a free loopback port in a thread
  (werkzeug ``make_server``, threaded), yielding its base URL;
- ``live_server_for`` — fixture: a function ``app -> base URL`` whose servers stop after the test;
- ``sample_live_server`` — session fixture: the app over the two sample acts, on loopback;
- ``browser`` — session fixture: Chromium (``/usr/bin/chromium``, or ``SHNOR_KG_CHROMIUM``)
  driven by Playwright, headless, no sandbox, no background networking; the test is skipped
  with the reason when Chromium or Playwright is absent;
- ``browser_page`` — fixture: a function ``url -> BrowserPage`` opening a fresh context whose
  every request leaving the loopback interface is aborted and recorded; at teardown the test
  fails if any page tried to reach the network or raised a JavaScript error.

Screenshots go to ``test-artifacts/`` (ignored by git): ``BrowserPage.screenshot(name)``.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("SHNOR_KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@contextmanager
def serve_app(app) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def live_server_for():
    """``start(app) -> base URL``: servers started through it stop after the test."""
    with_stack = []

    def start(app) -> str:
        manager = serve_app(app)
        with_stack.append(manager)
        return manager.__enter__()

    yield start
    for manager in reversed(with_stack):
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def sample_live_server(sample_app):
    """The app over the two sample acts (``sample_app``), served on loopback for the session."""
    with serve_app(sample_app) as base:
        yield base


def chromium_or_skip():
    """Playwright's ``sync_playwright``, or skip the test saying what is missing."""
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        pytest.skip(f"Chromium not found at {CHROMIUM} (CI installs Debian's chromium; set SHNOR_KG_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed")
    return sync_playwright


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the session (skipped with the reason when absent)."""
    sync_playwright = chromium_or_skip()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class BrowserPage:
    """A page in its own browser context; requests leaving loopback are aborted and recorded
    in ``external``; JavaScript errors and console errors are recorded in ``errors``."""

    def __init__(self, browser, *, viewport=(1280, 900), **context_options) -> None:
        self.external: list[str] = []
        self.errors: list[str] = []
        self.console_errors: list[str] = []
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, **context_options)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or (urlsplit(url).hostname or "") in LOOPBACK:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def goto(self, url: str):
        """Open ``url`` and return the main response."""
        return self.page.goto(url)

    def screenshot(self, name: str) -> Path:
        """Save a full-page screenshot as ``test-artifacts/<name>.png``."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def browser_page(browser):
    """``open(url, **context_options) -> BrowserPage`` (options go to Playwright's
    ``new_context``, e.g. ``java_script_enabled=False``); fails the test if a page reached past
    loopback or raised a JavaScript error."""
    pages: list[BrowserPage] = []

    def open_page(url: str | None = None, **options) -> BrowserPage:
        page = BrowserPage(browser, **options)
        pages.append(page)
        if url is not None:
            page.goto(url)
        return page

    yield open_page
    for page in pages:
        page.close()
    for page in pages:
        assert page.external == [], f"the page tried to reach the network: {page.external}"
        assert page.errors == [], f"JavaScript errors: {page.errors}"
