"""What the journey tests share: a page that collects console errors, and steps on GOV.UK forms."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import AXE, BLOCKING, describe, run_axe


def new_page(browser, base_url: str):
    """Open a page on ``base_url``; ``page.errors`` collects console errors; close its context."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(f"{m.type}: {m.text} ({m.location})")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(f"uncaught: {e}"))
    return page


def axe_script() -> str:
    """Return axe-core's source (copied by ``make install``)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make install` (it copies node_modules/axe-core)")
    return AXE.read_text(encoding="utf-8")


def settled(page, where: str = "") -> None:
    """Wait for the page to load, then check it logged no console error (nor a CSP one).

    "Loaded" is the ``load`` event: every stylesheet, image and script (the module scripts
    included) has loaded and run. The pages fetch nothing afterwards (``app.js`` makes no
    requests), so waiting for the network to be idle, as these tests once did, only added
    half a second of waiting to every step.
    """
    page.wait_for_load_state()
    errors, page.errors[:] = list(page.errors), []
    assert not errors, f"console errors on {where or page.url}:\n" + "\n".join(errors)


def accessible(page, axe_source: str, where: str) -> None:
    """No serious or critical axe-core violations on the page."""
    blocking = [v for v in run_axe(page, axe_source) if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core on {where}:\n{describe(blocking)}"


def fill_date(scope, legend: str, value: date) -> None:
    """Type a date into the GOV.UK date input whose legend is ``legend``."""
    group = scope.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def open_details(scope, summary: str):
    """Open the GOV.UK details whose summary starts with ``summary``; return the details."""
    page = getattr(scope, "page", scope)  # a locator's ``has`` is built on the page
    details = scope.locator("details.govuk-details").filter(
        has=page.locator("summary", has_text=re.compile(rf"^\s*{re.escape(summary)}")))
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    return details


def submitted(page, button_name: str, scope=None, message: str | None = None) -> None:
    """Press a form's button, then see the success banner (and no error summary)."""
    (scope or page).get_by_role("button", name=button_name, exact=True).click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    if summary.count():
        pytest.fail(f"{button_name!r} on {page.url} was refused:\n{summary.inner_text()}")
    if message:
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(message)
    settled(page)


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the login form."""
    page.goto("/login")
    settled(page, "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/login"))
    settled(page)
