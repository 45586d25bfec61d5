"""Issue 6 in a real Chromium, through the pages only: champions, shadowing and career stories.

The server holds the seed pathway and the demo partnership (``seed.demo.load_demo``): the
accounts staff@ (Jordan Reed, Reablement, aiming at adult social care practitioner) and
manager@ (Priya Sharma, his manager in Reablement) with ``seed.demo.DEMO_PASSWORD``,
champions with profiles, published career stories and shadowing places.

One set-up beyond the demo, through the domain service: the demo already pairs Jordan with
champion@ (Marcus Bell), so Marcus is not among his matches, and the champions who are have
no password. Ella Hughes (ella.hughes@northshire.example, a senior practitioner who
champions social work, ranked first for Jordan) gets the demo password with
``pathways.people.accounts.set_password``. None of the demo's shadowing places that Jordan
may ask for has started (he could not reflect on it yet), so Ella offers one starting today
through the page, as a host would.

The journey:

1. Jordan opens Champions, sees Ella, Sophie and Ian ranked with their reasons, and asks
   Ella with a message.
2. Ella sees the request, accepts it with an agreement (goals, how often, until when), opens
   the pairing and records a session (date, length, how, topics, private notes, an action of
   Jordan's with a due date, the next session); her caseload lists the open action. She also
   offers a shadowing place for social worker starting today.
3. Jordan sees the active pairing, the session with its notes and action, and marks the
   action done; he asks for Ella's shadowing place.
4. Priya, his manager, opens the pairing: she sees the agreement and the topics but not the
   private notes; she approves the shadowing request.
5. Jordan writes his reflection and says the role is still his goal: the request is
   completed.
6. Signed out: the adult social care practitioner role page lists Marcus's published story
   under "Real people, real careers"; the story links to the map, which highlights its route.

Every page visited is checked for console errors (CSP violations included); Champions, the
requests page, the pairing, the caseload, /shadowing, the approvals and the story page also
with axe-core (no serious or critical violations).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

import seed
import seed.demo
from pathways import clock
from pathways.people.accounts import find_person, set_password
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

pytestmark = pytest.mark.browser

STAFF = "staff@northshire.example"
MANAGER = "manager@northshire.example"
CHAMPION = "ella.hughes@northshire.example"
PRACTITIONER = "Adult social care practitioner (ASCP)"
#: The demo's published story through adult social care practitioner, by champion@.
STORY = "Why I became a career champion"
STORY_ROUTE = ("care-certificate", "care-worker", "diploma-adult-care-l3", "senior-care-worker",
               "adult-social-care-practitioner")


def populate(session) -> None:
    """A password for Ella Hughes, on a copy of the seed pathway and the demo partnership."""
    set_password(session, find_person(session, CHAMPION), seed.demo.DEMO_PASSWORD,
                 hashed=seed.demo.demo_password_hash())


@pytest.fixture(scope="module")
def demo_server(demo_copy, browser):
    """The app over the demo partnership (CSRF on, as live)."""
    with serving(demo_copy("champions"), populate) as (url, _app):
        yield url


@pytest.fixture
def page(browser, demo_server):
    """A page on the demo server; ``page.errors`` collects console errors."""
    page = new_page(browser, demo_server)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def axe_source():
    return axe_script()


# Steps of this journey ---------------------------------------------------------------------


def day(value: date) -> str:
    """A date as the pages write it: 7 May 2026."""
    return f"{value.day} {value:%B %Y}"


def sign_in(page, email: str) -> None:
    """Sign in through the login form with the demo password."""
    journeys.sign_in(page, email, seed.demo.DEMO_PASSWORD)


def sign_out(page) -> None:
    """Sign out with the header's button."""
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")
    settled(page)


def menu(page, name: str) -> None:
    """Follow a link of the service navigation."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name,
                                                            exact=True).click()
    settled(page)


# The journey -------------------------------------------------------------------------------


def test_staff_find_a_champion_who_logs_a_session_then_shadow_and_read_stories(
        page, screenshot, axe_source):
    today = clock.today()
    agreed_until = today + timedelta(days=182)
    action_due = today + timedelta(days=14)
    next_session = today + timedelta(days=28)
    message = "I want to move into an assessment role and then train as a social worker."
    goals = "Prepare an application for an adult social care practitioner post."
    frequency = "Every three weeks, for an hour"
    topics = "What a practitioner's week looks like; Jordan's strengths-based reviews"
    notes = "Jordan worries about written assessments; we agreed short drafts first."
    action = "Write up one reablement review as an assessment example"
    reflection = ("I saw a duty referral turn into a Care Act assessment. The listening is "
                  "what I already do in reablement; the recording is the part I need.")

    # 1. Jordan finds champions, ranked with reasons, and asks Ella. ------------------------
    sign_in(page, STAFF)
    menu(page, "Champions")
    expect(page).to_have_url(re.compile(r"/champions$"))
    expect(page.locator("h1")).to_have_text("Career champions")
    expect(page.locator("#matches ~ p").first).to_contain_text(
        f"Ranked for your target role, {PRACTITIONER}")
    cards = page.locator(".govuk-summary-card[data-champion]")
    expect(cards.locator(".govuk-summary-card__title")).to_have_text([
        "1. Ella Hughes, Northshire County Council Adult Social Care",
        "2. Sophie Turner, Northshire County Council Adult Social Care",
        "3. Ian Walker, Meadowside Supported Living",
    ])
    expect(cards.first).to_have_attribute("data-score", "30")
    expect(cards.first.locator("[data-reasons] li")).to_have_text([
        "Works in your organisation.", "Specialises in social work.",
        "Has room for 1 more person (1 of 2 places taken).",
    ])
    expect(cards.nth(2).locator("[data-reasons] li").first).to_contain_text(
        "in your partnership, and supports people across it")
    # Marcus Bell already supports Jordan (the demo's pairing), so he is not offered again.
    expect(page.locator("#pairings tr[data-status='active']")).to_contain_text("Marcus Bell")
    expect(cards.filter(has_text="Marcus Bell")).to_have_count(0)
    accessible(page, axe_source, "/champions")
    screenshot(page, "champions-ranked")

    ella = cards.first
    form = open_details(ella, "Ask Ella Hughes")
    form.get_by_label("A message for the champion (optional)").fill(message)
    submitted(page, "Request", form,
              f"Request sent to Ella Hughes. They have until "
              f"{day(today + timedelta(days=10))} to answer.")
    asked = page.locator("#pairings tr").filter(has=page.get_by_role(
        "link", name="Ella Hughes", exact=True))
    expect(asked).to_have_attribute("data-status", "requested")
    expect(asked).to_contain_text("Waiting for an answer")
    pairing_id = asked.get_attribute("data-pairing")
    pairing_url = f"/pairings/{pairing_id}"
    # Asked once, Ella is no longer offered; Sophie is first now.
    expect(cards.first.locator(".govuk-summary-card__title")).to_have_text(
        "1. Sophie Turner, Northshire County Council Adult Social Care")
    screenshot(page, "champion-requested")
    sign_out(page)

    # 2. Ella accepts with an agreement and records a session. ------------------------------
    sign_in(page, CHAMPION)
    menu(page, "Champions")
    page.get_by_role("navigation", name="Your champion work").get_by_role(
        "link", name="Requests").click()
    expect(page).to_have_url(re.compile(r"/champions/requests$"))
    expect(page.locator("h1")).to_have_text("Requests for your support")
    settled(page)
    request = page.locator(f"#request-{pairing_id}")
    expect(request.locator(".govuk-summary-card__title")).to_have_text(
        "Jordan Reed, Northshire County Council Adult Social Care")
    expect(request).to_contain_text(message)
    expect(request).to_contain_text("Reablement support worker")
    expect(request.locator("[data-respond-by]")).to_have_attribute(
        "data-respond-by", (today + timedelta(days=10)).isoformat())
    accessible(page, axe_source, "/champions/requests")
    screenshot(page, "champion-requests")
    form = open_details(request, "Accept")
    form.get_by_label("What will you work on together?").fill(goals)
    form.get_by_label("How often will you meet?").fill(frequency)
    fill_date(form, "Until when?", agreed_until)
    submitted(page, "Accept and start", form, "You are now supporting Jordan Reed")
    expect(page).to_have_url(re.compile(rf"{pairing_url}$"))
    expect(page.locator("h1")).to_have_text("Jordan Reed with Ella Hughes")
    agreement = page.locator("#agreement-details")
    expect(agreement.locator("[data-status]")).to_have_text("Active")
    expect(agreement).to_contain_text(goals)
    expect(agreement).to_contain_text(frequency)
    expect(agreement).to_contain_text(day(agreed_until))
    expect(page.locator("#no-sessions")).to_be_visible()

    fill_date(page, "When was the session?", today)
    page.get_by_label("How long was it, in minutes?").fill("50")
    page.get_by_label("Video call", exact=True).check()
    page.get_by_label("Topics (optional)").fill(topics)
    page.get_by_label("Private notes (optional)").fill(notes)
    row = page.locator("#action-row-1")
    row.get_by_label("What was agreed").fill(action)
    row.get_by_label("Whose action").select_option(label="The person supported")
    fill_date(row, "Due by", action_due)
    fill_date(page, "Next session (optional)", next_session)
    screenshot(page, "session-form")
    submitted(page, "Record session", message="Session recorded")
    held = page.locator(".govuk-summary-card[data-session]")
    expect(held).to_have_count(1)
    expect(held.locator(".govuk-summary-card__title")).to_have_text(day(today))
    expect(held).to_contain_text("50 minutes, video call")
    expect(held).to_contain_text(topics)
    expect(held.locator("[data-notes]")).to_have_text(notes)
    expect(held.locator("[data-action]")).to_contain_text(action)
    expect(held.locator("[data-action]")).to_contain_text(
        f"(the person supported, by {day(action_due)})")
    expect(held).to_contain_text(day(next_session))
    accessible(page, axe_source, "the pairing page (champion)")
    screenshot(page, "pairing-champion")

    # The caseload lists Jordan with the open action.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Your caseload").click()
    expect(page).to_have_url(re.compile(r"/champions/caseload$"))
    settled(page)
    entry = page.locator(f"#caseload tr[data-pairing='{pairing_id}']")
    expect(entry.get_by_role("link", name="Jordan Reed", exact=True)).to_be_visible()
    expect(entry).to_have_attribute("data-follow-up-overdue", "no")
    expect(entry.locator("td").nth(0)).to_have_text(day(today))
    expect(entry.locator("td").nth(1)).to_have_text(day(next_session))
    expect(entry.locator("[data-action]")).to_have_count(1)
    expect(entry.locator("[data-action]")).to_contain_text(action)
    expect(entry.locator("[data-overdue]")).to_have_count(0)
    accessible(page, axe_source, "/champions/caseload")
    screenshot(page, "caseload")

    # Ella offers a shadowing place for social worker, from today.
    menu(page, "Shadowing")
    expect(page.locator("h1")).to_have_text("Role shadowing")
    offer = open_details(page, "Offer a shadowing place")
    offer.get_by_label("Role to shadow").select_option(label="Social worker")
    offer.get_by_label("Team (optional)").select_option(label="Adult Social Work North")
    fill_date(offer, "First day", today)
    fill_date(offer, "Last day", today + timedelta(days=7))
    offer.get_by_label("How many people can shadow?").fill("1")
    offer.get_by_label("What will they see? (optional)").fill(
        "A day on the duty desk with a senior practitioner.")
    submitted(page, "Publish place", offer, "Shadowing place published")
    hosted = page.locator("tr[data-hosted]").filter(has_text=day(today))
    expect(hosted).to_have_count(1)
    expect(hosted).to_contain_text("Social worker")
    expect(hosted.locator("td").nth(2)).to_have_text("0 of 1")
    place_id = hosted.get_attribute("data-hosted")
    sign_out(page)

    # 3. Jordan sees the pairing and the session, and marks the action done. ----------------
    sign_in(page, STAFF)
    menu(page, "Champions")
    active = page.locator(f"#pairings tr[data-pairing='{pairing_id}']")
    expect(active).to_have_attribute("data-status", "active")
    expect(active).to_contain_text(f"Agreed until {day(agreed_until)}; meeting: {frequency}.")
    active.get_by_role("link", name="Ella Hughes", exact=True).click()
    expect(page).to_have_url(re.compile(rf"{pairing_url}$"))
    settled(page)
    held = page.locator(".govuk-summary-card[data-session]")
    expect(held.locator("[data-notes]")).to_have_text(notes)
    expect(page.locator("#notes-private")).to_have_count(0)
    item = held.locator("[data-action]")
    expect(item).to_contain_text(action)
    # The button's name ends with the action, visually hidden ("Mark done: ...").
    item.get_by_role("button", name=re.compile(rf"^Mark done\s*:\s*{re.escape(action)}$")) \
        .click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Action done: {action}")
    settled(page)
    expect(page.locator(".govuk-summary-card[data-session] [data-action] [data-done]")) \
        .to_have_text(f"Done {day(today)}")
    expect(page.get_by_role("button", name=re.compile(r"^Mark done"))).to_have_count(0)
    accessible(page, axe_source, "the pairing page (person)")
    screenshot(page, "pairing-person")

    # He asks for Ella's shadowing place.
    menu(page, "Shadowing")
    place = page.locator(f"#place-{place_id}")
    expect(place).to_contain_text("Ella Hughes")
    expect(place).to_contain_text("Adult Social Work North")
    expect(place.locator("td").nth(4)).to_have_text("1 of 1")
    accessible(page, axe_source, "/shadowing")
    place.get_by_role("link", name=re.compile(r"^Ask for this place")).click()
    settled(page)
    expect(page.locator("h1")).to_have_text("Ask to shadow Social worker")
    accessible(page, axe_source, "the request page")
    submitted(page, "Ask for this place", message="Place requested: your manager will decide")
    asked = page.locator(".govuk-summary-card[data-request]").filter(has_text="Ella Hughes")
    expect(asked).to_have_count(1)
    expect(asked.locator("[data-state]")).to_have_text("Waiting for the manager")
    request_id = asked.get_attribute("data-request")
    expect(page.locator(f"#place-{place_id}")).to_contain_text("Asked")
    sign_out(page)

    # 4. Priya, his manager, sees the pairing but not the notes; she approves. --------------
    sign_in(page, MANAGER)
    response = page.goto(pairing_url)
    assert response.status == 200, f"{pairing_url} answered {response.status} to the manager"
    settled(page)
    expect(page.locator("h1")).to_have_text("Jordan Reed with Ella Hughes")
    expect(page.locator("#agreement-details")).to_contain_text(goals)
    expect(page.locator("#notes-private")).to_have_text("Notes are private to the pair.")
    held = page.locator(".govuk-summary-card[data-session]")
    expect(held).to_contain_text(topics)
    expect(held.locator("[data-notes]")).to_have_count(0)
    expect(page.locator("#main-content")).not_to_contain_text(notes)
    assert notes not in page.content()
    expect(page.get_by_role("button", name=re.compile(r"^Mark done"))).to_have_count(0)
    expect(page.get_by_role("button", name="Record session")).to_have_count(0)
    expect(page.get_by_role("button", name="End the pairing")).to_have_count(0)
    accessible(page, axe_source, "the pairing page (manager)")
    screenshot(page, "pairing-manager")

    menu(page, "Shadowing")
    page.get_by_role("link", name="Requests from your team to approve").click()
    expect(page).to_have_url(re.compile(r"/shadowing/approvals$"))
    expect(page.locator("h1")).to_have_text("Shadowing requests to approve")
    settled(page)
    waiting = page.locator(f"#request-{request_id}")
    expect(waiting).to_contain_text("Jordan Reed")
    expect(waiting).to_contain_text("Ella Hughes")
    accessible(page, axe_source, "/shadowing/approvals")
    waiting.get_by_role("button", name=re.compile(r"^Approve Jordan Reed’s request")).click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Approved: Jordan Reed")
    settled(page)
    decided = page.locator(f"#decided tr[data-request='{request_id}']")
    expect(decided.locator("[data-state]")).to_have_text("Approved")
    expect(decided).to_contain_text("Not said yet")
    sign_out(page)

    # 5. Jordan writes his reflection: the request is completed. ----------------------------
    sign_in(page, STAFF)
    menu(page, "Shadowing")
    card = page.locator(f"#request-{request_id}")
    expect(card.locator("[data-state]")).to_have_text("Approved")
    card.get_by_label("What did you see and learn?").fill(reflection)
    card.get_by_role("group", name="Is this role still your goal?").get_by_label(
        "Yes", exact=True).check()
    submitted(page, "Save reflection", card, "Reflection saved. Thank you.")
    card = page.locator(f"#request-{request_id}")
    expect(card.locator("[data-state]")).to_have_attribute("data-state", "completed")
    expect(card.locator("[data-state]")).to_have_text("Reflection written")
    expect(card).to_contain_text(reflection)
    expect(card.locator(".govuk-summary-list__row").filter(has_text="Still your goal?")
           .locator(".govuk-summary-list__value")).to_have_text("Yes")
    expect(card.get_by_role("button", name="Save reflection")).to_have_count(0)
    # The place is taken: no longer open.
    expect(page.locator(f"#place-{place_id}")).to_have_count(0)
    accessible(page, axe_source, "/shadowing (reflection written)")
    screenshot(page, "shadowing-completed")
    sign_out(page)

    # 6. Signed out: the stories on a role page and on the map. -----------------------------
    page.goto("/roles/adult-social-care-practitioner")
    settled(page)
    expect(page.locator("h1")).to_have_text(PRACTITIONER)
    expect(page.locator("#real-careers")).to_have_text("Real people, real careers")
    here = page.locator("#stories-here li").filter(
        has=page.get_by_role("link", name=STORY, exact=True))
    expect(here).to_contain_text("Marcus's story")
    # First names only: never the full name or the email.
    expect(page.locator("#stories-here")).not_to_contain_text("Marcus Bell")
    screenshot(page, "role-stories")
    here.get_by_role("link", name=STORY, exact=True).click()
    expect(page).to_have_url(re.compile(r"/stories/\d+$"))
    story_id = page.url.rsplit("/", 1)[1]
    settled(page)
    expect(page.locator("h1")).to_have_text(STORY)
    expect(page.locator(".govuk-caption-l")).to_have_text("Marcus's story")
    expect(page.locator(".app-story-route")).to_have_attribute("data-route",
                                                               ",".join(STORY_ROUTE))
    expect(page.locator("#main-content")).not_to_contain_text("Bell")
    accessible(page, axe_source, "the story page")
    screenshot(page, "story")
    page.get_by_role("link", name="See this story on the map").click()
    expect(page).to_have_url(re.compile(rf"/map\?story={story_id}$"))
    settled(page)
    expect(page.locator("#story-route")).to_contain_text(
        f"Highlighted: the route of Marcus's story, {STORY}.")
    expect(page.locator("#story-route").get_by_role("link", name=STORY, exact=True)) \
        .to_have_attribute("href", f"/stories/{story_id}")
    highlighted = page.locator("#career-map svg g.node.highlighted")
    expect(highlighted).to_have_count(len(STORY_ROUTE))
    for node_id in STORY_ROUTE:
        expect(page.locator(f"#career-map svg g.node.highlighted#node-{node_id}")) \
            .to_have_count(1)
    # Consecutive steps that are moves on the map are drawn as the highlighted path.
    expect(page.locator("#career-map svg g.edge.highlighted").first).to_be_attached()
    expect(page.locator("#highlighted-route").get_by_role(
        "link", name=PRACTITIONER, exact=True)).to_be_visible()
    screenshot(page, "story-on-the-map")
