"""Issue 15 in a real Chromium: L&D set a requirement, a person books a course, attendance is
marked, and the matrix turns green.

The server holds the seed pathway, the training subjects and the demo partnership.

1. Helen Okafor (lnd@) requires Fire safety of reablement support workers: on the matrix,
   Jordan Reed's (staff@) Fire safety is missing. She schedules a Fire safety session today.
2. Jordan opens Training courses and books a place; his places show it.
3. Helen opens the session and marks him attended; the matrix shows his Fire safety up to date.

Each page is checked for console errors and with axe-core (no serious or critical
violations).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import seed
import seed.demo
from pathways import clock
from seed.training import load_subjects
from tests.browser import journeys
from tests.browser.journeys import accessible, axe_script, new_page, settled, submitted
from tests.browser.live import serving

pytestmark = pytest.mark.browser

STAFF, LND = "staff@northshire.example", "lnd@northshire.example"


def populate(session) -> None:
    """The seed map, the training subjects and the demo."""
    seed.load_pathway(session)
    load_subjects(session)
    assert seed.demo.load_demo(session) is True


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, browser):
    database = tmp_path_factory.mktemp("training") / "training.sqlite3"
    with serving(database, populate) as (url, _app):
        yield url


@pytest.fixture
def page(browser, demo_server):
    page = new_page(browser, demo_server)
    yield page
    page.context.close()


def sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role("button",
                                                                    name="Sign out").click()
    page.wait_for_load_state("networkidle")
    settled(page)


def fire_safety_of_jordan(page):
    row = page.locator("tr[data-person]").filter(has_text="Jordan Reed")
    return row.locator("[data-subject='fire-safety'] [data-status]")


def test_a_requirement_a_booking_and_attendance_turn_the_matrix_green(page, screenshot):
    axe_source = axe_script()
    today = clock.today()

    # 1. Helen requires Fire safety of reablement support workers and schedules a session.
    journeys.sign_in(page, LND, seed.demo.DEMO_PASSWORD)
    page.goto("/training/requirements")
    settled(page, "/training/requirements")
    accessible(page, axe_source, "/training/requirements")
    page.get_by_label("Role").select_option(label="Reablement support worker")
    page.get_by_label("Training subject").select_option(label="Fire safety")
    submitted(page, "Add the requirement", message="The requirement is added")
    expect(page.locator("[data-requirement='reablement-support-worker:fire-safety']")
           ).to_have_count(1)
    page.goto("/training?status=missing")
    settled(page, "/training")
    expect(fire_safety_of_jordan(page)).to_have_attribute("data-status", "missing")
    accessible(page, axe_source, "/training")
    page.get_by_role("link", name="Training courses", exact=True).first.click()
    settled(page)
    page.get_by_role("link", name="Schedule a session").click()
    settled(page, "/training/courses/new")
    accessible(page, axe_source, "/training/courses/new")
    page.get_by_label("Training subject").select_option(label="Fire safety")
    journeys.fill_date(page, "Date", today)
    page.get_by_label("Starts at").fill("09:30")
    page.get_by_label("Ends at").fill("12:30")
    page.get_by_label("Places").fill("8")
    page.get_by_label("Venue (or leave blank for an online session)").fill("Room 4, County Hall")
    page.get_by_label("Outside trainer or provider (optional)").fill("Northshire Fire Service")
    submitted(page, "Schedule the session", message="The session is scheduled")
    course_url = page.url
    accessible(page, axe_source, "a session")
    screenshot(page, "session")
    sign_out(page)

    # 2. Jordan books a place.
    journeys.sign_in(page, STAFF, seed.demo.DEMO_PASSWORD)
    page.goto("/training/courses")
    settled(page, "/training/courses")
    accessible(page, axe_source, "/training/courses")
    row = page.locator("tr[data-course]").filter(has_text="Fire safety")
    row.get_by_role("button", name=re.compile(r"^Book")).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You are booked")
    settled(page)
    page.goto("/training/courses/mine")
    settled(page, "/training/courses/mine")
    expect(page.locator("[data-places] [data-status]")).to_have_text("Booked")
    accessible(page, axe_source, "/training/courses/mine")
    sign_out(page)

    # 3. Helen marks him attended; his Fire safety is up to date.
    journeys.sign_in(page, LND, seed.demo.DEMO_PASSWORD)
    page.goto(course_url)
    settled(page)
    booking = page.locator("tr[data-booking='staff@northshire.example']")
    booking.get_by_role("button", name=re.compile(r"^Attended\s*:\s*Jordan Reed")).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Jordan Reed: attended")
    settled(page)
    expect(booking.locator("[data-status]")).to_have_text("Attended")
    accessible(page, axe_source, "a session after attendance")
    page.goto("/training")
    settled(page, "/training")
    expect(fire_safety_of_jordan(page)).to_have_attribute("data-status", "up_to_date")
    screenshot(page, "matrix")
