"""L&D runs an apprenticeship cohort in a real Chromium, through the pages only.

Sign in, start a cohort, enrol an apprentice with a guaranteed post, log off-the-job hours,
record a review, add a placement with a practice educator, move the apprentice through
gateway to qualified, and record the guaranteed-job steps until the post is filled and the
apprentice's current role is the post's. Every page visited is checked for console errors
(CSP violations included); the dashboard, the enrol page and the apprenticeship page also
with axe-core.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from pathways import clock
from tests.browser import journeys
from tests.browser.journeys import (
    accessible,
    axe_script,
    fill_date,
    new_page,
    open_details,
    settled,
    submitted,
)
from tests.browser.live import serving
from tests.factories import GOOD_PASSWORD, make_cohort_world

pytestmark = pytest.mark.browser

NQSW = "Newly qualified social worker (ASYE)"
#: JavaScript listing the ids used more than once on a page.
DUPLICATE_IDS = """() => {
  const count = {};
  for (const element of document.querySelectorAll("[id]")) {
    count[element.id] = (count[element.id] || 0) + 1;
  }
  return Object.keys(count).filter(id => count[id] > 1);
}"""


@pytest.fixture(scope="module")
def cohort_server(tmp_path_factory, browser):
    """The app over the seed pathway, its people, SWDA 2025 and post SW-101 (CSRF on)."""
    database = tmp_path_factory.mktemp("cohorts") / "cohorts.sqlite3"
    with serving(database, make_cohort_world) as (url, _app):
        yield url


@pytest.fixture
def page(browser, cohort_server):
    """A page on the cohort server; ``page.errors`` collects console errors."""
    page = new_page(browser, cohort_server)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def axe_source():
    return axe_script()


def sign_in(page, email: str = "lnd@example.org") -> None:
    """Sign in through the login form (test accounts share one password)."""
    journeys.sign_in(page, email, GOOD_PASSWORD)


def started_13_months_ago():
    """An apprentice's start and planned end (three years), relative to today.

    The journey moves to gateway today: 13 months on meets the minimum duration whichever
    funding rules the start falls under (12 months before 1 August 2025, 8 from then).
    """
    start = clock.today() - relativedelta(months=13)
    return start, start + relativedelta(years=3, days=-1)


def test_lnd_runs_a_cohort_until_the_guaranteed_job_is_filled(page, screenshot, axe_source):
    today = clock.today()
    start, planned_end = started_13_months_ago()
    # A new cohort next September, for three years.
    new_start = today.replace(month=9, day=1) + relativedelta(years=1)
    new_end = new_start + relativedelta(years=3, days=-1)
    new_cohort = f"SWDA {new_start.year}"

    # 1. Sign in as L&D.
    sign_in(page)

    # 2. The cohorts, from the service navigation; start a cohort on the existing programme.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cohorts").click()
    expect(page).to_have_url(re.compile(r"/cohorts$"))
    expect(page.locator("h1")).to_have_text("Apprenticeship cohorts")
    settled(page)
    expect(page.locator("#cohorts").get_by_role("link", name="SWDA 2025")).to_be_visible()
    page.get_by_role("navigation", name="Apprenticeships").get_by_role(
        "link", name="Start a cohort").click()
    expect(page.locator("h1")).to_have_text("Start a cohort")
    settled(page)
    page.get_by_label("Programme", exact=True).select_option(
        label="Social work degree apprenticeship")
    page.get_by_label("Cohort name").fill(new_cohort)
    fill_date(page, "Start date", new_start)
    fill_date(page, "Planned end date", new_end)
    page.get_by_label("Apprenticeship levy").check()
    page.get_by_label("Budget in pounds (optional)").fill("72000")
    submitted(page, "Start cohort", message=f"Cohort {new_cohort} started")
    expect(page.locator("h1")).to_have_text(new_cohort)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Cohorts").click()
    settled(page)
    new_row = page.locator("#cohorts tr").filter(
        has=page.get_by_role("link", name=new_cohort, exact=True))
    expect(new_row).to_contain_text("Social work degree apprenticeship")
    expect(new_row).to_contain_text(f"1 September {new_start.year}")
    expect(new_row).to_contain_text(f"31 August {new_end.year}")

    # 3. Open SWDA 2025 and enrol staff with post SW-101 guaranteed.
    page.locator("#cohorts").get_by_role("link", name="SWDA 2025", exact=True).click()
    expect(page.locator("h1")).to_have_text("SWDA 2025")
    settled(page)
    expect(page.get_by_text("Nobody is enrolled yet.")).to_be_visible()
    dashboard_url = page.url
    page.get_by_role("link", name="Enrol an apprentice").first.click()
    expect(page.locator("h1")).to_have_text("Enrol an apprentice")
    settled(page)
    accessible(page, axe_source, "the enrol page")
    page.get_by_label("Person", exact=True).select_option(label="staff (staff@example.org)")
    fill_date(page, "Start date", start)
    fill_date(page, "Planned end date", planned_end)
    page.get_by_label("Contracted hours a week").fill("37.5")
    page.get_by_label("Guaranteed post (optional)").select_option(label=f"SW-101 ({NQSW})")
    screenshot(page, "enrol")
    submitted(page, "Enrol apprentice", message="staff enrolled on SWDA 2025")
    expect(page).to_have_url(dashboard_url)
    table = page.locator("#apprentice-table")
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name="staff", exact=True))
    expect(row).to_have_count(1)
    expect(row.locator("td[data-status]")).to_have_text("Active")
    # Started 13 months ago with nothing logged: behind on hours and overdue a review.
    expect(row).to_have_attribute("data-rag", "red")
    expect(row.locator(".govuk-tag", has_text=re.compile(r"^(Red|Amber|Green|Grey)$"))) \
        .to_have_text("Red")
    expect(row).to_contain_text("SW-101")
    accessible(page, axe_source, "the cohort dashboard")
    screenshot(page, "cohort-dashboard-enrolled")

    # The post is reserved for them.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Cohorts").click()
    settled(page)
    page.get_by_role("navigation", name="Apprenticeships").get_by_role("link", name="Posts").click()
    expect(page.locator("h1")).to_have_text("Posts")
    settled(page)
    post = page.locator('#post-table tr[data-post="SW-101"]')
    expect(post).to_have_attribute("data-state", "reserved")
    expect(post.locator(".govuk-tag")).to_have_text("Reserved")
    expect(post.get_by_role("link", name="staff", exact=True)).to_be_visible()
    expect(post).to_contain_text("SWDA 2025")

    # 4. The apprenticeship page, from the post's "Held for" link.
    post.get_by_role("link", name="staff", exact=True).click()
    expect(page).to_have_url(re.compile(r"/apprenticeships/\d+$"))
    apprenticeship_url = page.url
    expect(page.locator("h1")).to_have_text("staff")
    settled(page)
    accessible(page, axe_source, "the apprenticeship page (new)")
    status = page.locator("#status-section ~ p").first.locator("[data-status]")
    expect(status).to_have_text("Active")

    # Off-the-job hours: 7.5 hours of taught learning a week ago.
    worked_on = today - timedelta(days=7)
    form = open_details(page, "Log off-the-job hours")
    fill_date(form, "Day of the training", worked_on)
    form.get_by_label("Hours", exact=True).fill("7.5")
    form.get_by_label("Taught learning").check()
    form.get_by_label("Note (optional)").fill("Module 1: law and social work")
    submitted(page, "Log hours", form, "Off-the-job hours logged")
    entry = page.locator("#otj-log tbody tr")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(f"{worked_on.day} {worked_on:%B %Y}")
    expect(entry).to_contain_text("7.5")
    expect(entry).to_contain_text("Taught learning")

    # A three-way progress review, held today.
    form = open_details(page, "Record a progress review")
    fill_date(form, "When was the review held?", today)
    for who in ("Apprentice", "Employer", "Training provider"):
        expect(form.get_by_label(who, exact=True)).to_be_checked()
    form.get_by_label("Notes (optional)").fill("Settling in well; first essay submitted.")
    submitted(page, "Record the review", form, "Progress review recorded")
    review = page.locator("#review-log tbody tr")
    expect(review).to_have_count(1)
    expect(review).to_contain_text("Apprentice, Employer, Training provider")
    expect(review).to_contain_text("first essay submitted")

    # A placement spanning today, supervised by Eddie Educator.
    form = open_details(page, "Add a placement")
    form.get_by_label("Setting").fill("Hospital team")
    fill_date(form, "Start date", today - timedelta(days=30))
    fill_date(form, "End date", today + timedelta(days=60))
    educator = form.get_by_label("Practice educator (optional)")
    educator.select_option(label="Eddie Educator (0 of 1 placements now)")
    submitted(page, "Add placement", form, "Placement added")
    placement = page.locator("#placement-list tbody tr")
    expect(placement).to_have_count(1)
    expect(placement).to_contain_text("Hospital team")
    expect(placement).to_contain_text("Eddie Educator")
    expect(page.locator('#educators tr[data-educator]').filter(has_text="Eddie Educator")
           .locator("td").nth(1)).to_have_text("1")

    # The dashboard now shows the hours, the review and no missing educator.
    page.get_by_role("link", name="SWDA 2025", exact=True).click()
    expect(page).to_have_url(dashboard_url)
    settled(page)
    row = page.locator("#apprentice-table").get_by_role("row").filter(
        has=page.get_by_role("link", name="staff", exact=True))
    expect(row.locator("[data-otj-logged]")).to_contain_text("7.5")
    expect(row.locator("[data-missing-educator]")).to_have_attribute(
        "data-missing-educator", "no")
    expect(row).to_contain_text(f"Last {today.day} {today:%B %Y}")
    expect(page.locator("#placements ~ p").first).to_contain_text(
        "Every current and future placement has a practice educator.")
    accessible(page, axe_source, "the cohort dashboard (with progress)")
    screenshot(page, "cohort-dashboard")
    row.get_by_role("link", name="staff", exact=True).click()
    expect(page).to_have_url(apprenticeship_url)
    settled(page)

    # The lifecycle: gateway, end-point assessment, completed, qualified; each dated today.
    for status, label, reason in [
        ("gateway", "Gateway", "Minimum duration met; employer and provider agree."),
        ("epa", "End-point assessment", "Booked with the end-point assessment organisation."),
        ("completed", "Completed", "Passed the end-point assessment."),
        ("qualified", "Qualified", "Registered with Social Work England."),
    ]:
        form = open_details(page, "Change the status")
        radio = form.get_by_role("radio", name=label, exact=True)
        expect(radio).to_have_value(status)
        radio.check()
        fill_date(form, "When did it take effect?", today)
        form.get_by_label("Why is the status changing?").fill(reason)
        if status == "gateway":  # 7.5 of the 187 hours approved: only by an override
            form.get_by_label("Override the off-the-job hours (gateway only, optional)").fill(
                "Hours kept on the provider's system, checked by L&D.")
        submitted(page, "Change the status", form,
                  f"Status changed to {label[0].lower()}{label[1:]}")
        expect(page.locator(f'#status-section ~ p [data-status="{status}"]').first).to_be_visible()
        expect(page.locator("#status-history tbody tr").last).to_contain_text(reason)
    expect(page.locator("#status-history tbody tr")).to_have_count(5)  # enrolled + 4 moves
    expect(page.locator("#status-history [data-otj-override]")).to_contain_text(
        "by override: Hours kept on the provider's system")
    expect(page.get_by_text("Change the status")).to_have_count(0)  # qualified is final

    # The guaranteed job: standards met, offer made, offer accepted, started in post.
    job = page.locator("#job ~ dl.govuk-summary-list").first
    expect(job.locator("[data-post-state]")).to_have_text("Reserved")
    for step, state in [("Standards met", "Reserved"), ("Offer made", "Offered"),
                        ("Offer accepted", "Offered"), ("Started in post", "Filled")]:
        form = page.locator("form").filter(
            has=page.get_by_role("button", name=f"Record {step.lower()}", exact=True))
        fill_date(form, f"Record {step.lower()}: on which date?", today)
        submitted(page, f"Record {step.lower()}", form, f"{step} recorded")
        job = page.locator("#job ~ dl.govuk-summary-list").first
        expect(job.locator(".govuk-summary-list__row").filter(has_text=step)
               .locator(".govuk-summary-list__value")).to_have_text(
            f"{today.day} {today:%B %Y}")
        expect(job.locator("[data-post-state]")).to_have_text(state)
    expect(page.locator('form[action$="/job"]')).to_have_count(0)  # every step recorded
    expect(job).to_contain_text(f"Post SW-101: {NQSW}")
    expect(job.locator("[data-post-state]")).to_have_attribute("data-post-state", "filled")
    expect(job.locator(".govuk-summary-list__row").filter(has_text="Current role now")
           .locator(".govuk-summary-list__value")).to_have_text(NQSW)
    rag = page.locator("dl.govuk-summary-list").first.locator("[data-rag]")
    expect(rag).to_have_attribute("data-rag", "grey")
    accessible(page, axe_source, "the apprenticeship page (in post)")
    screenshot(page, "apprenticeship-page")

    # The person's profile: their current role is the post's, the degree held.
    page.locator("dl.govuk-summary-list").first.get_by_role("link", name="staff",
                                                            exact=True).click()
    expect(page).to_have_url(re.compile(r"/people/\d+$"))
    expect(page.locator("h1")).to_have_text("staff")
    settled(page)
    current = page.locator("#current-role + dl .govuk-summary-list__row")
    expect(current.filter(has_text="Role").locator(".govuk-summary-list__value")) \
        .to_have_text(NQSW)
    expect(current.filter(has_text="Started").locator(".govuk-summary-list__value")) \
        .to_have_text(f"{today.day} {today:%B %Y}")
    expect(page.locator('tr[data-qualification="social-work-degree-apprenticeship"]')) \
        .to_contain_text("Apprenticeship in SWDA 2025")

    # The post is filled, and the dashboard counts a qualified apprentice.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Cohorts").click()
    settled(page)
    page.get_by_role("navigation", name="Apprenticeships").get_by_role("link", name="Posts").click()
    settled(page)
    post = page.locator('#post-table tr[data-post="SW-101"]')
    expect(post).to_have_attribute("data-state", "filled")
    expect(post.locator(".govuk-tag")).to_have_text("Filled")
    page.goto(dashboard_url)
    settled(page)
    expect(page.locator('#status-counts tr[data-status="qualified"] td')).to_have_text("1")
    expect(page.locator("#apprentice-table tbody tr")).to_have_attribute("data-rag", "grey")
    accessible(page, axe_source, "the cohort dashboard (qualified)")


# Regression: the Status heading once had the id "status", the first radio's too, so that
# radio had no accessible name (axe-core did not notice).
def test_the_first_status_radio_has_its_label(page):
    sign_in(page)
    page.goto("/cohorts")
    settled(page)
    page.locator("#cohorts").get_by_role("link", name="SWDA 2025", exact=True).click()
    settled(page)
    page.get_by_role("link", name="Enrol an apprentice").first.click()
    settled(page)
    page.get_by_label("Person", exact=True).select_option(label="colleague (colleague@example.org)")
    start, planned_end = started_13_months_ago()
    fill_date(page, "Start date", start)
    fill_date(page, "Planned end date", planned_end)
    page.get_by_label("Contracted hours a week").fill("37.5")
    submitted(page, "Enrol apprentice", message="colleague enrolled on SWDA 2025")
    page.locator("#apprentice-table").get_by_role("link", name="colleague", exact=True).click()
    settled(page)
    form = open_details(page, "Change the status")
    # From active the moves are break in learning, gateway and withdrawn: all three labelled.
    for label in ("Break in learning", "Gateway", "Withdrawn"):
        assert form.get_by_role("radio", name=label, exact=True).count() == 1, \
            f"no radio named {label!r}: ids {page.evaluate(DUPLICATE_IDS)} are not unique"
    form.get_by_text("Break in learning", exact=True).click()
    expect(form.get_by_role("radio", name="Break in learning", exact=True)).to_be_checked()
