"""Issue 13 in a real Chromium: a manager's team page and a shadowing decision with a note.

The server holds the seed pathway and the demo partnership. One set-up beyond the demo,
through the domain services: champion@ (Marcus Bell) offers a place shadowing a social
worker from three days on, and staff@ (Jordan Reed, in Priya Sharma's team) asks for two of
its days with a message.

1. Priya (manager@) opens "Your team" from the menu: Jordan's row shows the request with
   its days; she follows it to the approvals page, reads his message and approves with a
   note.
2. Jordan opens Shadowing: the request is approved, with her note.

Each page is checked for console errors and with axe-core (no serious or critical
violations).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

import seed
import seed.demo
from pathways import clock
from pathways.mentoring import shadowing
from pathways.people.accounts import find_person
from tests.browser import journeys
from tests.browser.journeys import accessible, axe_script, new_page, settled
from tests.browser.live import serving

pytestmark = pytest.mark.browser

STAFF, MANAGER, HOST = ("staff@northshire.example", "manager@northshire.example",
                        "champion@northshire.example")
MESSAGE = "I would like to see a hospital discharge before I apply"
NOTE = "Approved: I have taken you off the rota for both days"


def day(value) -> str:
    return f"{value.day} {value:%B %Y}"


def populate(session) -> None:
    """A place Marcus offers from three days on, and Jordan's request for it, on a copy of
    the demo."""
    today = clock.today()
    place = shadowing.publish_place(
        session, find_person(session, HOST), role_id="social-worker",
        starts_on=today + timedelta(days=3), ends_on=today + timedelta(days=7), today=today)
    shadowing.request_place(session, place, find_person(session, STAFF),
                            preferred_from=today + timedelta(days=4),
                            preferred_to=today + timedelta(days=5), message=MESSAGE,
                            today=today)


@pytest.fixture(scope="module")
def demo_server(demo_copy, browser):
    with serving(demo_copy("team"), populate) as (url, _app):
        yield url


@pytest.fixture
def page(browser, demo_server):
    page = new_page(browser, demo_server)
    yield page
    page.context.close()


def test_a_manager_decides_a_shadowing_request_from_the_team_page(page, screenshot):
    axe_source = axe_script()
    today = clock.today()
    days = f"{day(today + timedelta(days=4))} to {day(today + timedelta(days=5))}"

    # 1. Priya sees Jordan's request on her team page and approves it with a note.
    journeys.sign_in(page, MANAGER, seed.demo.DEMO_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your team",
                                                            exact=True).click()
    settled(page)
    expect(page.locator("h1")).to_have_text("Your team")
    row = page.locator("tr[data-person]").filter(has_text="Jordan Reed")
    waiting = row.locator("[data-waiting]").filter(has_text=days)
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Social worker")
    expect(page.locator("[data-count='waiting']")).not_to_have_text("0")
    accessible(page, axe_source, "/team")
    screenshot(page, "team")
    request_id = waiting.get_attribute("data-waiting")
    waiting.get_by_role("link", name=re.compile(r"^Social worker\s*,\s*Jordan Reed’s")).click()
    settled(page)
    expect(page).to_have_url(re.compile(rf"/shadowing/approvals#request-{request_id}$"))
    card = page.locator(f"#request-{request_id}")
    expect(card.locator("[data-preferred]")).to_have_text(days)
    expect(card).to_contain_text(MESSAGE)
    accessible(page, axe_source, "/shadowing/approvals")
    card.get_by_label("Note to Jordan Reed (optional)").fill(NOTE)
    card.get_by_role("button", name=re.compile(r"^Approve Jordan Reed’s request")).click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Approved: Jordan Reed")
    settled(page)
    expect(page.locator("#decided")).to_contain_text(NOTE)
    page.get_by_role("navigation", name="Your account").get_by_role("button",
                                                                    name="Sign out").click()
    page.wait_for_load_state()
    settled(page)

    # 2. Jordan sees the decision and the note.
    journeys.sign_in(page, STAFF, seed.demo.DEMO_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Shadowing",
                                                            exact=True).click()
    settled(page)
    mine = page.locator(f"#request-{request_id}")
    expect(mine.locator("[data-state]")).to_have_text("Approved")
    expect(mine.locator("[data-decision-note]")).to_have_text(NOTE)
    expect(mine.get_by_role("button", name=re.compile(r"^Cancel this request"))).to_have_count(1)
    accessible(page, axe_source, "/shadowing (staff)")
    screenshot(page, "decision-seen")
