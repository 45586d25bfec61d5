"""Issue 16 in a real Chromium: recording a leaver, the workforce board and a scenario.

The server holds the seed pathway and the demo partnership, nothing more. Helen Okafor
(lnd@, L&D with partnership scope) works through it:

1. records that Kwame Mensah left (from his account page: the day, why, where to); his
   account is disabled; opens Aisha Begum's change of role form and sends it empty;
2. opens "Workforce" from the menu: Northshire Council's board, its figures and charts with
   their tables; then the partnership's board;
3. opens the partnership's forecast and asks for a scenario (turnover 20% lower, 10 more
   senior care worker recruits a year): the answer in words and the scenarios side by side.

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
from tests.browser import journeys
from tests.browser.journeys import accessible, axe_script, fill_date, new_page, settled
from tests.browser.live import serving

pytestmark = pytest.mark.browser

LND = "lnd@northshire.example"
LEAVER = "Kwame Mensah"


@pytest.fixture(scope="module")
def demo_server(demo_copy, browser):
    """The app over the seed pathway and the demo."""
    with serving(demo_copy("workforce")) as (url, _app):
        yield url


@pytest.fixture
def page(browser, demo_server):
    page = new_page(browser, demo_server)
    yield page
    page.context.close()


def test_l_and_d_record_a_leaver_read_the_board_and_try_a_scenario(page, screenshot):
    axe_source = axe_script()
    journeys.sign_in(page, LND, seed.demo.DEMO_PASSWORD)

    # 1. Kwame Mensah left yesterday, for the NHS.
    page.goto("/admin/users?q=Kwame")
    settled(page)
    page.get_by_role("link", name=LEAVER).first.click()
    settled(page)
    page.get_by_role("link", name="Record that they left").click()
    settled(page)
    expect(page.locator("h1")).to_have_text("Record that they left")
    accessible(page, axe_source, "the leaver form")
    fill_date(page, "When did they leave?", clock.today() - timedelta(days=1))
    page.get_by_label("Why did they leave?").select_option(label="Career development elsewhere")
    page.get_by_label("The NHS").check()
    journeys.submitted(page, "Record the leaver", message=f"{LEAVER} is recorded as a leaver")
    expect(page.locator("h1")).to_have_text(LEAVER)
    expect(page.locator("#movements")).to_have_count(0)  # a leaver's history is closed

    # Aisha Begum's change of role: the form and her history, refused without a role.
    page.goto("/admin/users?q=Aisha")
    settled(page)
    page.get_by_role("link", name="Aisha Begum").first.click()
    settled(page)
    page.get_by_role("link", name="Record a change of role").click()
    settled(page)
    expect(page.locator("#role-history")).to_contain_text("has been a Social worker")
    accessible(page, axe_source, "the change of role form")
    page.get_by_role("button", name="Record the change").click()
    page.wait_for_load_state()
    page.errors[:] = [e for e in page.errors if "status of 400" not in e]  # the refusal
    settled(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the role")
    accessible(page, axe_source, "the change of role form with its errors")

    # 2. The organisation's board, then the partnership's.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Workforce",
                                                            exact=True).click()
    settled(page)
    expect(page.locator("h1")).to_have_text("Workforce board")
    expect(page.locator(".govuk-caption-l")).to_have_text(
        "Northshire County Council Adult Social Care")
    expect(page.locator("tr[data-figure='leavers'] td")).to_have_text("fewer than 5")
    expect(page.locator("#roles-chart")).to_be_visible()
    expect(page.locator("#roles-table tbody tr").first).to_be_visible()
    accessible(page, axe_source, "/workforce")
    screenshot(page, "board")
    page.get_by_role("link", name="The partnership's board").click()
    settled(page)
    expect(page.locator(".govuk-caption-l")).to_contain_text("(the partnership)")
    filled = page.locator("tr[data-figure='filled'] td").inner_text()
    assert filled.replace(",", "").isdigit() and int(filled.replace(",", "")) >= 5, filled
    accessible(page, axe_source, "/workforce/partnership")

    # 3. The partnership's forecast, with a scenario beside the current pipeline.
    page.get_by_role("link", name="The forecast: will the pipeline fill the gap?").click()
    settled(page)
    expect(page.locator("h1")).to_have_text("Workforce forecast")
    expect(page.locator("#gap-words li").first).to_contain_text("with the current pipeline")
    page.get_by_label("Lower turnover (per cent lower, every role)").fill("20")
    page.get_by_label("More recruits a year").fill("10")
    page.get_by_label("Into the entry role").select_option(value="senior-care-worker")
    page.get_by_role("button", name="Forecast").click()
    settled(page)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("#closes-table thead th[data-scenario]")).to_have_count(3)
    expect(page.locator("#gap-words")).to_contain_text(
        re.compile(r"with \+10 senior care worker \(lead adult care worker\) recruits a year, "
                   r"(in \d{4}|not by \d{4})"))
    expect(page.locator("#forecast-chart")).to_be_visible()
    accessible(page, axe_source, "/workforce/partnership/forecast")
    screenshot(page, "forecast")
