"""Issue 15 in a real Chromium: L&D set a requirement, a person books a course, attendance is
marked, and the matrix turns green.

The server holds the seed pathway, the training subjects and the demo partnership (a copy of
this process's demo template, ``demo_copy``: the demo loads the subjects); beyond the demo,
Brookfield Home Care requires Fire safety of care workers and has its own L&D lead.

1. Helen Okafor (lnd@) requires Fire safety of reablement support workers: on the matrix,
   Jordan Reed's (staff@) Fire safety is missing. She schedules a Fire safety session today.
2. Jordan opens Training courses and books a place; his places show it.
3. Helen opens the session and marks him attended; the matrix shows his Fire safety up to date.
4. Jordan shares his training passport by a link.
5. Brookfield Home Care's L&D lead (Amara Okafor) opens the link: one credential, valid, issued
   by the council; she accepts it for Zofia Nowak, a care worker there, where Fire safety is
   required, and Brookfield's matrix shows Zofia's Fire safety up to date without retraining.
6. Helen sees the credential among those the council issued.

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
from pathways.models import Role, TrainingSubject
from pathways.people.accounts import create_person, find_organisation, set_password
from pathways.training.requirements import add_requirement
from tests.browser import journeys
from tests.browser.journeys import accessible, axe_script, new_page, settled, submitted
from tests.browser.live import serving

pytestmark = pytest.mark.browser

STAFF, LND = "staff@northshire.example", "lnd@northshire.example"
BROOKFIELD_LND, NEWCOMER = "lnd@brookfield.example", "zofia.nowak@brookfield.example"


def populate(session) -> None:
    """Beyond the demo (which holds the seed map and the training subjects): Brookfield
    requires Fire safety of care workers and has an L&D lead who signs in (with the demo's
    password, hashed once a process)."""
    brookfield = find_organisation(session, "Brookfield Home Care Ltd")
    add_requirement(session, None, brookfield, session.get(Role, "care-worker"),
                    session.get(TrainingSubject, "fire-safety"))
    lead = create_person(session, email=BROOKFIELD_LND, name="Amara Okafor",
                         organisation=brookfield, roles=["lnd"])
    set_password(session, lead, seed.demo.DEMO_PASSWORD, hashed=seed.demo.demo_password_hash())


@pytest.fixture(scope="module")
def demo_server(demo_copy, browser):
    with serving(demo_copy("training"), populate) as (url, _app):
        yield url


@pytest.fixture
def page(browser, demo_server):
    page = new_page(browser, demo_server)
    yield page
    page.context.close()


def sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role("button",
                                                                    name="Sign out").click()
    page.wait_for_load_state()
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
    page.wait_for_load_state()
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
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Jordan Reed: attended")
    settled(page)
    expect(booking.locator("[data-status]")).to_have_text("Attended")
    accessible(page, axe_source, "a session after attendance")
    page.goto("/training")
    settled(page, "/training")
    expect(fire_safety_of_jordan(page)).to_have_attribute("data-status", "up_to_date")
    screenshot(page, "matrix")
    sign_out(page)

    # 4. Jordan shares his training passport: the Fire safety he just attended is in it.
    journeys.sign_in(page, STAFF, seed.demo.DEMO_PASSWORD)
    page.goto("/training/mine")
    settled(page, "/training/mine")
    page.get_by_role("link", name="Your training passport").click()
    settled(page)
    expect(page.locator("h1")).to_have_text("Your training passport")
    expect(page.locator("[data-passport]")).to_contain_text("Fire safety")
    accessible(page, axe_source, "/passport")
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Make a link", exact=True).click()
    page.wait_for_load_state()
    settled(page)
    link = page.locator("[data-share-link]").input_value()
    assert re.search(r"/passport/shared/[A-Za-z0-9_-]{40,}$", link), link
    accessible(page, axe_source, "/passport (link made)")
    screenshot(page, "passport-link")
    sign_out(page)

    # 5. Brookfield's L&D opens the link and accepts it for Zofia, who needs Fire safety there.
    journeys.sign_in(page, BROOKFIELD_LND, seed.demo.DEMO_PASSWORD)
    page.goto(link)
    settled(page)
    verdict = page.locator("tr[data-verdict]")
    expect(verdict).to_have_count(1)
    expect(verdict).to_have_attribute("data-verdict", "valid")
    expect(verdict).to_contain_text("Fire safety")
    expect(verdict).to_contain_text("Northshire County Council Adult Social Care")
    accessible(page, axe_source, "/passport/shared")
    screenshot(page, "passport-verdicts")
    page.get_by_label("Email address of the person at your organisation").fill(NEWCOMER)
    submitted(page, "Accept the credentials chosen", message="1 accepted for Zofia Nowak")
    accessible(page, axe_source, "/passport/receive (accepted)")
    page.goto("/training")
    settled(page, "/training")
    zofia = page.locator("tr[data-person]").filter(has_text="Zofia Nowak")
    expect(zofia.locator("[data-subject='fire-safety'] [data-status]")).to_have_attribute(
        "data-status", "up_to_date")
    screenshot(page, "passport-accepted")
    sign_out(page)

    # 6. Helen sees the credential among those the council issued, with a button to revoke it.
    journeys.sign_in(page, LND, seed.demo.DEMO_PASSWORD)
    page.goto("/passport/issued")
    settled(page, "/passport/issued")
    issued = page.locator("[data-issued] tbody tr")
    expect(issued).to_have_count(1)
    expect(issued.get_by_role("button", name=re.compile(r"^Revoke"))).to_have_count(1)
    accessible(page, axe_source, "/passport/issued")
