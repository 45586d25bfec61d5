"""A staff member signs in, sets a target on their profile and sees routes made for them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from pathways.interchange.store import save_document
from tests.browser.live import serving
from tests.browser.test_accessibility import BLOCKING, describe, run_axe
from tests.factories import GOOD_PASSWORD, make_people, toy_document

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def people_server(tmp_path_factory, browser):
    """The base URL of the app serving the toy pathway and its people (CSRF on, as live)."""
    def populate(session):
        save_document(session, toy_document())
        make_people(session)

    database = tmp_path_factory.mktemp("people") / "people.sqlite3"
    with serving(database, populate) as (url, _app):
        yield url


@pytest.fixture
def page(browser, people_server):
    """A page on the people server; ``page.errors`` collects console errors."""
    context = browser.new_context(base_url=people_server,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(f"uncaught: {e}"))
    yield page
    context.close()


def check_page(page, axe_source: str, where: str) -> None:
    """No console errors (CSP included) and no serious accessibility problems."""
    page.wait_for_load_state()
    assert not page.errors, f"console errors on {where}: {page.errors}"
    blocking = [v for v in run_axe(page, axe_source) if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core on {where}:\n{describe(blocking)}"


@pytest.fixture(scope="module")
def axe_source():
    from tests.browser.test_accessibility import AXE

    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make install` (it copies node_modules/axe-core)")
    return AXE.read_text(encoding="utf-8")


def test_staff_set_a_target_and_see_a_personalised_route(page, screenshot, axe_source):
    # Sign in through the login form.
    page.goto("/login")
    page.locator('input[name="email"]').fill("staff@example.org")
    page.locator('input[name="password"]').fill(GOOD_PASSWORD)
    page.locator('form:has(input[name="password"]) [type="submit"]').click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/login"))

    # The profile: current role, a qualification held, then the target.
    page.goto("/profile")
    expect(page.locator("h1")).to_have_text("Your profile")
    check_page(page, axe_source, "/profile")
    screenshot(page, "profile-empty")
    page.get_by_label("Current role").select_option("care-worker")
    page.get_by_role("button", name="Save current role").click()
    expect(page.get_by_text("Current role saved")).to_be_visible()

    page.get_by_text("Add a qualification held").click()
    page.get_by_label("Qualification", exact=True).select_option("diploma-l3")
    page.get_by_label("Evidence seen (optional)").fill("Certificate seen by L&D")
    page.get_by_role("button", name="Add qualification").click()
    expect(page.get_by_text("Qualification added")).to_be_visible()

    page.get_by_label("Target role").select_option("social-worker")
    page.get_by_role("button", name="Save target role").click()
    expect(page.get_by_text("Target role saved")).to_be_visible()
    screenshot(page, "profile-with-target")

    # The planner opens on the person's journey, using what they hold.
    page.get_by_role("link", name="Find routes to Social worker in the route planner").click()
    expect(page.locator("#personalised")).to_contain_text(
        "Personalised for you: using 1 qualification you hold")
    expect(page.get_by_label("Where you are now", exact=True)).to_have_value("Care worker")
    expect(page.get_by_label("Where you want to get to", exact=True)).to_have_value(
        "Social worker")
    page.get_by_label("Only steps where I keep earning").check()
    page.get_by_role("button", name="Find routes").click()
    route_1 = page.locator("#route-1")
    heading = route_1.get_by_role("heading", name=re.compile(r"^Route 1: 3 years 4 months"))
    expect(heading).to_be_visible()
    expect(route_1).to_contain_text("Already held: Level 3 Diploma in Adult Care")
    check_page(page, axe_source, page.url)
    screenshot(page, "personalised-route")

    # Choosing the route makes it theirs.
    route_1.get_by_role("button", name="Choose this route").click()
    expect(page).to_have_url(re.compile(r"/profile#my-route$"))
    expect(page.locator("#main-content")).to_contain_text("My route: 3 years 4 months")
    screenshot(page, "my-route")
