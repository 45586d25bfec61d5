"""Issue 15 in a real Chromium: a person shares their training passport and another employer
in the partnership accepts it.

The server holds the seed pathway, the training subjects and the demo partnership. Set up
beyond the demo, through the domain services: Jordan Reed (staff@, Northshire County Council)
completed fire safety a month ago; Brookfield Home Care requires fire safety of care workers,
where Zofia Nowak is one and has none; Brookfield has its own L&D lead (lnd@brookfield).

1. Jordan opens his training, then his passport, and makes a link (shown once).
2. Brookfield's L&D opens the link: one credential, valid, issued by the council; they accept
   it for Zofia, and the matrix shows her fire safety up to date.
3. The council's L&D (lnd@northshire) sees the credential among those it issued.

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
from pathways.models import Role, TrainingSubject
from pathways.people.accounts import create_person, find_organisation, find_person, set_password
from pathways.training.records import record_training
from pathways.training.requirements import add_requirement
from seed.training import load_subjects
from tests.browser import journeys
from tests.browser.journeys import accessible, axe_script, new_page, settled
from tests.browser.live import serving

pytestmark = pytest.mark.browser

STAFF, LND, NEWCOMER = ("staff@northshire.example", "lnd@brookfield.example",
                        "zofia.nowak@brookfield.example")
BROOKFIELD = "Brookfield Home Care Ltd"


def populate(session) -> None:
    """The demo; Jordan's fire safety; Brookfield's requirement and its L&D lead."""
    seed.load_pathway(session)
    assert seed.demo.load_demo(session) is True
    load_subjects(session)
    session.flush()
    today = clock.today()
    fire = session.get(TrainingSubject, "fire-safety")
    record_training(session, None, find_person(session, STAFF), fire,
                    today - timedelta(days=30), today=today, provider="Northshire Fire Service",
                    evidence="NFS-2231")
    brookfield = find_organisation(session, BROOKFIELD)
    add_requirement(session, None, brookfield, session.get(Role, "care-worker"), fire)
    lead = create_person(session, email=LND, name="Amara Okafor", organisation=brookfield,
                         roles=["lnd"])
    set_password(session, lead, seed.demo.DEMO_PASSWORD)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, browser):
    database = tmp_path_factory.mktemp("passport") / "passport.sqlite3"
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


def test_a_person_shares_their_passport_and_another_employer_accepts_it(page, screenshot):
    axe_source = axe_script()

    # 1. Jordan makes a link to his passport.
    journeys.sign_in(page, STAFF, seed.demo.DEMO_PASSWORD)
    page.goto("/training/mine")
    settled(page)
    page.get_by_role("link", name="Your training passport").click()
    settled(page)
    expect(page.locator("h1")).to_have_text("Your training passport")
    expect(page.locator("[data-passport]")).to_contain_text("Fire safety")
    accessible(page, axe_source, "/passport")
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Make a link", exact=True).click()
    page.wait_for_load_state("networkidle")
    settled(page)
    link = page.locator("[data-share-link]").input_value()
    assert re.search(r"/passport/shared/[A-Za-z0-9_-]{40,}$", link), link
    accessible(page, axe_source, "/passport (link made)")
    screenshot(page, "link-made")
    sign_out(page)

    # 2. Brookfield's L&D opens it, sees it is valid, and accepts it for Zofia.
    journeys.sign_in(page, LND, seed.demo.DEMO_PASSWORD)
    page.goto(link)
    settled(page)
    row = page.locator("tr[data-verdict]")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-verdict", "valid")
    expect(row).to_contain_text("Fire safety")
    expect(row).to_contain_text("Northshire County Council Adult Social Care")
    accessible(page, axe_source, "/passport/shared")
    screenshot(page, "verdicts")
    page.get_by_label("Email address of the person at your organisation").fill(NEWCOMER)
    journeys.submitted(page, "Accept the credentials chosen", message="1 accepted for Zofia Nowak")
    accessible(page, axe_source, "/passport/receive (accepted)")
    page.goto("/training")
    settled(page)
    zofia = page.locator("tr[data-person]").filter(has_text="Zofia Nowak")
    expect(zofia.locator("td[data-subject='fire-safety'] [data-status]")).to_have_attribute(
        "data-status", "up_to_date")
    screenshot(page, "matrix")
    sign_out(page)

    # 3. The council's L&D sees what it issued, each with a button to revoke it.
    journeys.sign_in(page, "lnd@northshire.example", seed.demo.DEMO_PASSWORD)
    page.goto("/passport/issued")
    settled(page)
    issued = page.locator("[data-issued] tbody tr")
    expect(issued).to_have_count(1)
    expect(issued).to_contain_text("Fire safety")
    expect(issued.get_by_role("button", name=re.compile(r"^Revoke"))).to_have_count(1)
    accessible(page, axe_source, "/passport/issued")
