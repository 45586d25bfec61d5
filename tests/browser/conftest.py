"""Browser fixtures: the app on a live server over the toy pathway, and Debian's Chromium.

Without Chromium or Playwright the tests are skipped on a developer machine (with what to
install) and fail in CI (``CI=true``), where they must run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from pathways.interchange.store import save_document
from tests.browser.live import serving
from tests.factories import toy_document
from tests.recipes import DEMO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
INSTALL_HINT = ("run `PATHWAYS_BROWSER_TESTS=1 make install` or `apt-get install chromium` "
                "(and `pip install -e '.[test]'` for playwright)")


def _unavailable(what: str):
    message = f"{what} is not installed: {INSTALL_HINT}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"Browser tests must run in CI: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable("Chromium")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The base URL of the app serving the toy pathway from a new SQLite database."""
    database = tmp_path_factory.mktemp("browser") / "browser.sqlite3"
    with serving(database, lambda session: save_document(session, toy_document())) as (url, _):
        yield url


class ConsoleErrors(list):
    """Console errors (CSP violations included) and uncaught exceptions seen by a page."""

    def take(self) -> list[str]:
        errors = list(self)
        self.clear()
        return errors


def _watch(page) -> ConsoleErrors:
    errors = ConsoleErrors()
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text} ({m.location})")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    return errors


def _context(browser, live_server, **options):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900},
                                  **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser, live_server):
    """A page with JavaScript on; ``page.errors`` collects its console errors."""
    context = _context(browser, live_server)
    page = context.new_page()
    page.errors = _watch(page)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser, live_server):
    context = _context(browser, live_server, java_script_enabled=False)
    page = context.new_page()
    page.errors = _watch(page)
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """``screenshot(page, step)`` saves a full-page PNG named after the test and the step."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    count = iter(range(1, 100))

    def take(page, step: str) -> Path:
        name = f"{test}--{next(count):02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', step)}.png"
        page.screenshot(path=SCREENSHOTS / name, full_page=True)
        return SCREENSHOTS / name

    return take


@pytest.fixture(scope="session")
def demo_copy(database_templates, tmp_path_factory):
    """``demo_copy(name)``: a new SQLite file holding the seed pathway and the demo partnership
    (``tests.recipes.DEMO``), copied from this process's template: the demo is loaded once per
    process, not once per module that serves it (a module's server may add to its copy)."""
    def copy(name: str) -> Path:
        url = database_templates.copy("sqlite", DEMO, tmp_path_factory.mktemp(name))
        return Path(make_url(url).database)
    return copy
