"""The notification pages in Chromium: the header's count, the list, marking read and the
email choices, each axe clean and free of console errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import journeys
from tests.browser.journeys import accessible, axe_script, new_page, settled, submitted
from tests.browser.live import serving
from tests.factories import GOOD_PASSWORD, make_people

pytestmark = pytest.mark.browser


def _world(session) -> None:
    from pathways.interchange.store import save_document
    from pathways.notifications import notify
    from tests.factories import toy_document

    save_document(session, toy_document())
    staff = make_people(session)["staff"]
    for text in ("Your request to shadow the role of Social worker was approved",
                 "champion accepted your request to be your career champion"):
        notify(session, staff, "shadowing_decision", staff, text=text, link="/shadowing")


@pytest.fixture(scope="module")
def notification_server(tmp_path_factory, browser):
    database = tmp_path_factory.mktemp("notifications") / "notifications.sqlite3"
    with serving(database, _world) as (url, _app):
        yield url


@pytest.fixture
def page(browser, notification_server):
    page = new_page(browser, notification_server)
    yield page
    page.context.close()


def test_a_person_reads_their_notifications_and_chooses_email(page, screenshot):
    axe_source = axe_script()
    journeys.sign_in(page, "staff@example.org", GOOD_PASSWORD)
    account = page.get_by_role("navigation", name="Your account")
    expect(account.get_by_role("link", name=re.compile(r"^Notifications \(2 unread ?\)$"))
           ).to_be_visible()
    account.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.locator("h1")).to_have_text("Notifications")
    settled(page)
    screenshot(page, "notifications")
    accessible(page, axe_source, "the notifications page")
    expect(page.locator("#unread-count")).to_contain_text("You have 2 unread notifications")

    page.get_by_role("button", name=re.compile("^Mark as read ?: champion accepted")).click()
    page.wait_for_load_state()
    settled(page)
    expect(account.get_by_role("link", name=re.compile(r"^Notifications \(1 unread ?\)$"))
           ).to_be_visible()
    submitted(page, "Mark all as read", message="marked as read")
    expect(account.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    page.get_by_role("link", name="Choose which notifications also come by email").click()
    expect(page.locator("h1")).to_have_text("Email from notifications")
    settled(page)
    accessible(page, axe_source, "the email choices page")
    page.get_by_label("A champion accepts or declines your request").uncheck()
    submitted(page, "Save choices", message="Your email choices are saved")
    expect(page.get_by_label("A champion accepts or declines your request")).not_to_be_checked()
    expect(page.get_by_label("Your request to shadow a role is approved or declined")
           ).to_be_checked()
    screenshot(page, "email-choices")
