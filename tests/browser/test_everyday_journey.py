"""Issue 13 in a real Chromium: the map editor's conflict page, a confirmation before what
cannot be undone, and L&D's student placements and practice educator supply.

The server holds the seed pathway and the demo partnership. Helen Okafor (lnd@) is L&D with
partnership scope and the partnership's map editor.

1. Two map edits of one role from the same version, in two browser windows: the second is a
   conflict page that marks the field the other window changed, with its old and new values,
   and keeps the second editor's own change in the form.
2. Releasing a reserved post asks "Are you sure?" first; going back leaves it reserved.
3. Helen opens the student placements and the practice educator supply pages.

Each page is checked for console errors and with axe-core (no serious or critical
violations).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import seed
import seed.demo
from tests.browser import journeys
from tests.browser.journeys import accessible, axe_script, new_page, settled
from tests.browser.live import serving

pytestmark = pytest.mark.browser

LND = "lnd@northshire.example"
NODE = "/admin/graph/nodes/care-worker"


@pytest.fixture(scope="module")
def demo_server(demo_copy, browser):
    with serving(demo_copy("everyday")) as (url, _app):
        yield url


@pytest.fixture
def signed_in(browser, demo_server):
    """``signed_in()``: a new window signed in as Helen; every window is closed afterwards."""
    pages = []

    def open_window():
        page = new_page(browser, demo_server)
        journeys.sign_in(page, LND, seed.demo.DEMO_PASSWORD)
        pages.append(page)
        return page
    yield open_window
    for page in pages:
        page.context.close()


def test_a_map_edit_made_meanwhile_is_shown_field_by_field(signed_in, screenshot):
    axe_source = axe_script()
    first, second = signed_in(), signed_in()
    for page in (first, second):
        page.goto(NODE)
        settled(page)
    # The other window renames the role and saves first.
    second.get_by_label("Title", exact=True).fill("Care worker (home and residential)")
    second.get_by_role("button", name="Save changes").click()
    settled(second)
    # This window, opened before that save, changes the note.
    first.get_by_label("Note", exact=True).fill("Checked against the 2026 survey")
    first.get_by_role("button", name="Save changes").click()
    first.wait_for_load_state()
    # The conflict page answers 409 Conflict, which Chromium logs as a failed load.
    first.errors[:] = [e for e in first.errors if "status of 409" not in e]
    settled(first)
    expect(first.locator(".govuk-error-summary")).to_contain_text("Someone else changed")
    changed = first.locator('tr[data-changed="theirs"]')
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("Title")
    expect(changed).to_contain_text("Care worker (home and residential)")
    expect(first.get_by_label("Title", exact=True)).to_have_value(
        "Care worker (home and residential)")
    expect(first.get_by_label("Note", exact=True)).to_have_value(
        "Checked against the 2026 survey")
    accessible(first, axe_source, "the conflict page")
    screenshot(first, "conflict")
    # Saving the form as shown keeps both changes.
    first.get_by_role("button", name="Save changes").click()
    settled(first)
    first.goto(NODE)
    expect(first.get_by_label("Title", exact=True)).to_have_value(
        "Care worker (home and residential)")
    expect(first.get_by_label("Note", exact=True)).to_have_value(
        "Checked against the 2026 survey")


def test_releasing_a_post_asks_first(signed_in, screenshot):
    axe_source = axe_script()
    page = signed_in()
    page.goto("/cohorts/posts")
    settled(page)
    release = page.get_by_role("button", name=re.compile(r"^Release"))
    if release.count() == 0:
        pytest.fail("the demo has no reserved post to release on /cohorts/posts")
    reserved = page.locator("main").inner_text()
    release.first.click()
    settled(page)
    expect(page.locator("h1")).to_contain_text("?")
    expect(page.locator(".govuk-warning-text")).to_be_visible()
    accessible(page, axe_source, "the confirmation page")
    screenshot(page, "are-you-sure")
    page.get_by_role("link", name=re.compile(r"^(Back|No|Cancel)")).first.click()
    settled(page)
    page.goto("/cohorts/posts")
    settled(page)
    assert page.locator("main").inner_text() == reserved  # nothing was released


def test_lnd_sees_student_placements_and_educator_supply(signed_in, screenshot):
    axe_source = axe_script()
    page = signed_in()
    for path, heading in [("/cohorts/students", "Student placements"),
                          ("/cohorts/educators", "Practice educator supply")]:
        page.goto(path)
        settled(page)
        expect(page.locator("h1")).to_have_text(heading)
        accessible(page, axe_source, path)
        screenshot(page, path.rsplit("/", 1)[1])
    expect(page.locator("main table").first).to_be_visible()
