"""A visitor's journey in a real Chromium: search, plan a route, see it on the map."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def assert_no_console_errors(page, where: str) -> None:
    errors = page.errors.take()
    assert not errors, f"browser console errors (CSP violations included) on {where}:\n" + \
        "\n".join(errors)


def test_search_plan_a_route_and_show_it_on_the_map(page, screenshot):
    # Start page: search for a role by its exact title.
    page.goto("/")
    page.wait_for_load_state()
    screenshot(page, "start")
    assert_no_console_errors(page, "/")
    page.get_by_label("Search for a role or qualification").fill("Care worker")
    page.get_by_role("button", name="Search", exact=True).click()

    # The results list the exact title first (with related roles); it leads to the role page.
    expect(page).to_have_url(re.compile(r"/search\?q=Care"))
    page.locator("#results").get_by_role("link", name="Care worker", exact=True).click()
    expect(page).to_have_url(re.compile(r"/roles/care-worker$"))
    expect(page.locator("h1")).to_have_text("Care worker")
    page.wait_for_load_state()
    screenshot(page, "role-care-worker")
    assert_no_console_errors(page, page.url)

    # Plan a route, from the service navigation.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Plan a route").click()
    expect(page).to_have_url(re.compile(r"/routes$"))
    expect(page.locator("h1")).to_have_text("Plan a route")
    page.wait_for_load_state()
    assert_no_console_errors(page, page.url)
    source = page.get_by_label("Where you are now", exact=True)
    target = page.get_by_label("Where you want to get to", exact=True)
    expect(source).to_have_attribute("name", "from")
    expect(target).to_have_attribute("name", "to")
    source.fill("Care worker")
    target.fill("Social worker")
    screenshot(page, "route-form-filled")
    page.get_by_role("button", name="Find routes").click()

    # The routes, each step folded in a GOV.UK details component.
    expect(page).to_have_url(re.compile(r"/routes\?.*from=Care.*#results$"))
    route_1 = page.locator("#route-1")
    expect(route_1.get_by_role("heading", name=re.compile(r"^Route 1\b"))).to_be_visible()
    # The answer opens at the results: the next Tab goes into them, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#results') !== null")
    page.wait_for_load_state()
    assert_no_console_errors(page, page.url)
    step = route_1.locator("details.govuk-details").first
    explanation = step.locator(".govuk-details__text p.govuk-body").first
    expect(step).not_to_have_attribute("open", "")
    expect(explanation).to_be_hidden()
    step.locator("summary").click()
    expect(step).to_have_attribute("open", "")
    expect(explanation).to_be_visible()
    expect(explanation).not_to_be_empty()
    screenshot(page, "routes-first-step-open")

    # Route 1 on the career map: three highlighted nodes, care worker → degree → social worker.
    page.get_by_role("link", name="Show route 1 on the career map").click()
    expect(page).to_have_url(re.compile(r"/map\?path=care-worker(,|%2C)"))
    expect(page.locator("#highlighted-route")).to_contain_text("Highlighted route:")
    highlighted = page.locator("#career-map svg g.node.highlighted")
    expect(highlighted).to_have_count(3)
    for title in ("Care worker", "Social work degree", "Social worker"):
        expect(page.locator("#highlighted-route").get_by_role("link", name=title, exact=True)) \
            .to_be_visible()

    # Progressive enhancement: pan and zoom with svg-pan-zoom, and the page's own buttons.
    page.wait_for_load_state()
    expect(page.locator("#career-map")).to_have_class(re.compile(r"\bapp-map--interactive\b"))
    expect(page.locator("#map-controls").get_by_role("button", name="Zoom in")).to_be_visible()
    screenshot(page, "map-route-1")
    assert_no_console_errors(page, page.url)


def test_career_map_has_no_csp_violations(page):
    page.goto("/map")
    page.wait_for_load_state()
    expect(page.locator("#map-controls").get_by_role("button", name="Zoom out")).to_be_visible()
    assert_no_console_errors(page, page.url)


def test_plan_a_route_without_javascript(page_without_js, screenshot):
    page = page_without_js
    page.goto("/routes")
    page.locator("input[name='from']").fill("Care worker")
    page.locator("input[name='to']").fill("Social worker")
    page.get_by_role("button", name="Find routes").click()
    expect(page.locator("#route-1").get_by_role("heading", name=re.compile(r"^Route 1\b"))) \
        .to_be_visible()
    # Native <details> opens without any script.
    step = page.locator("#route-1 details.govuk-details").first
    step.locator("summary").click()
    expect(step.locator(".govuk-details__text p.govuk-body").first).to_be_visible()
    screenshot(page, "routes-no-js")
    assert not page.errors.take()


def test_role_page_plan_a_route_link_prefills_the_form(page, screenshot):
    page.goto("/roles/social-worker")
    with page.expect_navigation() as navigation:
        page.get_by_role("link", name="Plan a route to Social worker").click()
    screenshot(page, "routes-from-role-link")
    expect(page.locator("input[name='to']")).to_have_value("Social worker")
    assert navigation.value.status == 200
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
