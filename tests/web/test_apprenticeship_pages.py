"""One apprenticeship's page: what it shows, each form's success and refusal, who may do what,
and the whole journey from enrolment to starting in the guaranteed job."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from pathways import clock
from pathways.apprenticeships.progress import apprenticeship_progress
from pathways.apprenticeships.rules import required_otj_hours
from pathways.models import (
    Apprenticeship,
    OtjEntry,
    Person,
    Placement,
    Post,
    PracticeEducator,
    ProgressReview,
    StatusChange,
)
from tests.recipes import SEED_PATHWAY, ids_of, world_fixtures, world_on
from tests.web.sessions import start_session

START = date(2025, 9, 1)
END = date(2028, 8, 31)
SUMMARY = "There is a problem"


def text_of(page) -> str:
    """The page's visible words, tags removed and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def date_parts(name: str, day: date | None = None) -> dict:
    """A GOV.UK date input's three boxes (all empty for None)."""
    return {name: [str(day.day), str(day.month), str(day.year)] if day else ["", "", ""]}


def count(app, model, **where) -> int:
    from webapp.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def build_world(session, people: dict) -> dict:
    """The cohort world; ``staff`` enrolled on 1 September 2025 with post SW-101 reserved.

    Adds ``other_manager`` (a manager of another team) and ``far_lnd`` (L&D of the
    organisation outside the partnership). Returns ids by name.
    """
    from pathways.apprenticeships.setup import enrol
    from pathways.people.accounts import create_person, team_named
    from tests.factories import make_cohort_world

    found = make_cohort_world(session, people=people)
    council = found["staff"].organisation
    other_manager = create_person(
        session, email="other_manager@example.org", name="Other Manager",
        organisation=council, roles=["staff", "manager"],
        team=team_named(session, council, "Reablement"))
    far_lnd = create_person(session, email="far_lnd@example.org", name="Far LND",
                            organisation=found["outsider"].organisation, roles=["lnd"])
    apprenticeship = enrol(session, found["cohort"], found["staff"], start_date=START,
                           planned_end_date=END, weekly_hours=37.5, post=found["post"],
                           actor=found["lnd"])
    session.flush()
    return {**ids_of(people), "other_manager": other_manager.id, "far_lnd": far_lnd.id,
            "educator": found["educator"].id, "cohort": found["cohort"].id,
            "post": found["post"].id, "apprenticeship": apprenticeship.id}


#: Built once per process and engine (see ``tests.recipes.world_on``).
WORLD = world_on(SEED_PATHWAY, "apprenticeship_pages", build_world)


database_url, world = world_fixtures(WORLD, SEED_PATHWAY)


@pytest.fixture
def as_person(app, client, world):
    """Sign in by short name, including the extra people of ``world``."""
    return lambda key: start_session(app, client, world[key])


@pytest.fixture
def page(world):
    return f"/apprenticeships/{world['apprenticeship']}"


def enrol_another(app, key: str, start=START, end=END) -> int:
    """Enrol someone else of the council in the cohort; return the apprenticeship's id."""
    from pathways.apprenticeships.setup import enrol
    from pathways.models import Cohort
    from webapp.extensions import db

    with app.app_context():
        person = db.session.scalar(select(Person).filter_by(email=f"{key}@example.org"))
        cohort = db.session.scalar(select(Cohort))
        found = enrol(db.session, cohort, person, start_date=start, planned_end_date=end,
                      weekly_hours=30)
        db.session.commit()
        return found.id


def otj(day=date(2026, 1, 5), hours="7.5", activity="taught", note="Module 1") -> dict:
    return {**date_parts("worked_on", day), "hours": hours, "activity": activity, "note": note}


def move(status, day, reason="Agreed at review") -> dict:
    return {"status": status, **date_parts("effective_on", day), "reason": reason}


# What the page shows --------------------------------------------------------------------


def test_the_page_shows_the_apprenticeship_from_its_data(app, client, world, as_person, page):
    from webapp.extensions import db

    as_person("lnd")
    answer = client.get(page)
    assert answer.status_code == 200
    words = text_of(answer)
    with app.app_context():
        found = db.session.get(Apprenticeship, world["apprenticeship"])
        progress = apprenticeship_progress(db.session, found, clock.today())
        requirement = required_otj_hours(START, END, 37.5, None)
        required = found.otj_required_hours
    assert required == requirement.hours == 187
    assert f'href="/cohorts/{world["cohort"]}"' in answer.text
    for expected in ("Apprentice staff", "Cohort SWDA 2025",
                     "Programme Social work degree apprenticeship",
                     "Social worker degree apprenticeship (Level 6) , with Northshire University",
                     "Standard code ST0510", "Funding year 2025/26",
                     "Start date 1 September 2025", "Planned end date 31 August 2028",
                     "Weekly hours 37.5", "Status Active", f"Required {required} hours",
                     "Logged 0 hours", f"Expected by today {progress.otj_expected:g} hours",
                     "Post SW-101: Newly qualified social worker (ASYE) Reserved",
                     "Enrolled Active 1 September 2025 lnd Enrolled"):
        assert expected in words, expected
    # no hours and no review since the start: behind and overdue together is red
    assert progress.rag == "red" and 'data-rag="red"' in answer.text
    assert "Off-the-job hours behind" in words and "Review overdue" in words
    assert "How the required hours were worked out" in words
    for line in requirement.working:
        assert unescape(line) in words
    due = START + timedelta(days=84)
    assert f"Next review due: {due.day} {due:%B %Y}" in words
    assert "No placements recorded yet" in words


def test_an_unknown_apprenticeship_is_not_found(client, world, as_person):
    as_person("lnd")
    assert client.get("/apprenticeships/999999").status_code == 404
    assert client.get("/apprenticeships/99999999999").status_code == 404


def test_the_apprentice_sees_their_page_and_the_log_form_but_no_l_and_d_forms(
        client, world, as_person, page):
    as_person("staff")
    answer = client.get(page)
    assert answer.status_code == 200
    assert f'action="{page}/otj"' in answer.text
    for action in ("status", "reviews", "placements", "job"):
        assert f'action="{page}/{action}"' not in answer.text
    assert 'href="/cohorts/' not in answer.text  # the cohort page is L&D's


def test_the_profile_links_to_the_apprenticeships(client, world, as_person, page):
    as_person("staff")
    assert f'href="{page}"' in client.get("/profile").text
    as_person("manager")
    profile = client.get(f"/people/{world['staff']}")
    assert "Apprenticeships" in text_of(profile) and f'href="{page}"' in profile.text
    assert f'href="{page}"' not in client.get(f"/people/{world['colleague']}").text


# Logging off-the-job hours and reviewing them -------------------------------------------


def test_the_apprentice_logs_hours(app, client, world, as_person, page):
    as_person("staff")
    answer = client.post(f"{page}/otj", data=otj())
    assert answer.status_code == 303
    assert answer.location.endswith(f"{page}#off-the-job")
    from webapp.extensions import db

    with app.app_context():
        entry = db.session.scalar(select(OtjEntry))
        assert (entry.apprenticeship_id, entry.worked_on, float(entry.hours), entry.activity,
                entry.note, entry.state, entry.recorded_by_id) == (
            world["apprenticeship"], date(2026, 1, 5), 7.5, "taught", "Module 1",
            "submitted", world["staff"])
    words = text_of(client.get(page))
    assert "Off-the-job hours logged" in words
    assert "5 January 2026 7.5 Taught learning Module 1 Submitted staff" in words
    assert "Logged 0 hours approved, 7.5 hours pending approval" in words


def tokens_of(text: str, action: str) -> list[str]:
    """The one-time tokens of the forms that post to ``action``."""
    forms = re.findall(rf'<form[^>]*action="{re.escape(action)}".*?</form>', text, re.S)
    return [token for form in forms
            for token in re.findall(r'<input[^>]*name="once"[^>]*value="([^"]+)"', form)]


def test_hours_sent_twice_are_logged_once(app, client, world, as_person, page):
    """A retry of the same post (a dropped connection, a double click) logs nothing more and
    goes where the first post went."""
    as_person("staff")
    shown = client.get(page).text
    [token] = tokens_of(shown, f"{page}/otj")
    first = client.post(f"{page}/otj", data={**otj(), "once": token})
    assert first.status_code == 303 and count(app, OtjEntry) == 1
    again = client.post(f"{page}/otj", data={**otj(), "once": token})
    assert again.status_code == 303 and again.location == first.location
    assert count(app, OtjEntry) == 1
    assert "This form was sent more than once: it was saved once." in text_of(
        client.get(again.location))
    fresh = tokens_of(client.get(page).text, f"{page}/otj")
    assert fresh and fresh[0] != token  # the form is shown with a new token
    assert client.post(f"{page}/otj", data={**otj(hours="2"), "once": fresh[0]}
                       ).status_code == 303
    assert count(app, OtjEntry) == 2  # another entry, made on purpose


def test_a_refused_post_keeps_its_token_for_the_corrected_one(app, client, world, as_person,
                                                              page):
    as_person("staff")
    [token] = tokens_of(client.get(page).text, f"{page}/otj")
    refused = client.post(f"{page}/otj", data={**otj(hours="lots"), "once": token})
    assert refused.status_code == 400 and count(app, OtjEntry) == 0
    assert tokens_of(refused.text, f"{page}/otj") == [token]
    assert client.post(f"{page}/otj", data={**otj(), "once": token}).status_code == 303
    assert count(app, OtjEntry) == 1


def test_every_form_that_creates_something_carries_its_own_token(client, as_person, page):
    as_person("lnd")
    shown = client.get(page).text
    tokens = [token for action in (f"{page}/otj", f"{page}/reviews", f"{page}/placements")
              for token in tokens_of(shown, action)]
    assert len(tokens) == 3 and len(set(tokens)) == 3 and all(len(t) >= 32 for t in tokens)
    assert tokens_of(shown, f"{page}/status") == []  # a move changes a record: no token


@pytest.mark.parametrize("data, message", [
    (otj(hours="lots"), "'lots' is not a number of hours"),
    (otj(hours="25"), "must be more than 0 and at most 24"),
    (otj(hours=""), "Enter the hours"),
    (otj(day=clock.today() + timedelta(days=1)), "cannot be in the future"),
    (otj(day=date(2025, 8, 31)), "cannot be before the start on 2025-09-01"),
    (otj(day=None), "Enter the day of the training"),
    ({**otj(), "worked_on": ["31", "2", "2026"]}, "must be a real date"),
    (otj(activity="napping"), "Not a valid choice"),
    (otj(activity=""), "Choose the activity"),
])
def test_bad_hours_are_refused_and_nothing_is_written(app, client, world, as_person, page,
                                                     data, message):
    as_person("staff")
    answer = client.post(f"{page}/otj", data=data)
    assert answer.status_code == 400
    assert SUMMARY in answer.text and message in unescape(answer.text)
    assert count(app, OtjEntry) == 0


def log_entry(app, world, key="staff", hours=5) -> int:
    from pathways.apprenticeships.records import log_hours
    from webapp.extensions import db

    with app.app_context():
        found = db.session.get(Apprenticeship, world["apprenticeship"])
        entry = log_hours(db.session, found, worked_on=date(2026, 2, 2), hours=hours,
                          activity="shadowing", actor=db.session.get(Person, world[key]))
        db.session.commit()
        return entry.id


def test_l_and_d_approves_and_queries_entries(app, client, world, as_person, page):
    entry_id = log_entry(app, world)
    as_person("lnd")
    listed = client.get(page).text
    assert f'action="{page}/otj/{entry_id}/review"' in listed
    review = f"{page}/otj/{entry_id}/review"
    from webapp.extensions import db

    def state():
        with app.app_context():
            entry = db.session.get(OtjEntry, entry_id)
            return entry.state, entry.query_note, entry.reviewed_by_id

    refused = client.post(review, data={"decision": "queried", "query_note": " "})
    assert refused.status_code == 400 and SUMMARY in refused.text
    assert "say what is wrong with the entry" in refused.text
    assert f'href="#query-note-{entry_id}"' in refused.text
    assert state() == ("submitted", "", None)
    answer = client.post(review, data={"decision": "queried", "query_note": "No evidence"})
    assert answer.status_code == 303
    assert state() == ("queried", "No evidence", world["lnd"])
    words = text_of(client.get(page))
    assert "Queried No evidence" in words and "Logged 0 hours" in words  # queried: not counted
    assert client.post(review, data={"decision": "approved"}).status_code == 303
    assert state() == ("approved", "", world["lnd"])
    assert "Logged 5 hours" in text_of(client.get(page))
    assert client.post(review, data={"decision": "maybe"}).status_code == 400


def test_an_entry_of_another_apprenticeship_is_not_found_through_this_one(
        app, client, world, as_person):
    entry_id = log_entry(app, world)
    other = enrol_another(app, "colleague")
    as_person("lnd")
    answer = client.post(f"/apprenticeships/{other}/otj/{entry_id}/review",
                         data={"decision": "approved"})
    assert answer.status_code == 404
    assert count(app, OtjEntry, state="approved") == 0


# Status moves --------------------------------------------------------------------------


def test_l_and_d_moves_the_status_and_the_history_shows_it(app, client, world, as_person,
                                                          page):
    as_person("lnd")
    offered = client.get(page).text
    assert re.findall(r'name="status" type="radio" value="(\w+)"', offered) == [
        "break_in_learning", "gateway", "withdrawn"]
    answer = client.post(f"{page}/status", data=move("break_in_learning", date(2026, 1, 5),
                                                     "Long illness"))
    assert answer.status_code == 303 and answer.location.endswith(f"{page}#status-section")
    assert count(app, Apprenticeship, status="break_in_learning") == 1
    words = text_of(client.get(page))
    assert "Status changed to break in learning" in words
    assert "Active Break in learning 5 January 2026 lnd Long illness" in words
    assert re.findall(r'name="status" type="radio" value="(\w+)"', client.get(page).text) \
        == ["active", "withdrawn"]


@pytest.mark.parametrize("data, message", [
    (move("qualified", date(2026, 6, 1)), "Cannot move from active to qualified: from active "
     "the only moves are to break in learning, gateway, withdrawn."),
    (move("gateway", date(2026, 3, 2)), "gateway cannot come before the minimum duration of 8 "
     "months from the start on 2025-09-01; the earliest is 2026-05-01."),
    (move("nonsense", date(2026, 3, 2)), "'nonsense' is not a status"),
    (move("withdrawn", date(2026, 3, 2), reason=""), "Say why the status is changing"),
    (move("withdrawn", date(2025, 8, 1)), "cannot be before 2025-09-01"),
    (move("withdrawn", None), "Enter the date it took effect"),
    (move("", date(2026, 3, 2)), "Choose the new status"),
])
def test_a_refused_status_move_is_explained_and_changes_nothing(app, client, world, as_person,
                                                              page, data, message):
    as_person("lnd")
    answer = client.post(f"{page}/status", data={**data, "confirm": "yes"})
    assert answer.status_code == 400
    assert SUMMARY in answer.text and message in unescape(answer.text)
    assert count(app, StatusChange) == 1 and count(app, Apprenticeship, status="active") == 1
    assert count(app, Post, state="reserved") == 1


def approve_hours(app, world, hours, by=date(2026, 5, 1)) -> None:
    """Give the apprenticeship approved entries of at most 20 hours, one a day before ``by``."""
    from decimal import Decimal

    from pathways.models import OtjEntry
    from webapp.extensions import db

    with app.app_context():
        found = db.session.get(Apprenticeship, world["apprenticeship"])
        left, day = Decimal(str(hours)), by
        while left > 0:
            day -= timedelta(days=1)
            amount = min(Decimal(20), left)
            found.otj_entries.append(OtjEntry(worked_on=day, hours=amount, activity="taught",
                                              state="approved"))
            left -= amount
        db.session.commit()


def test_gateway_is_refused_while_the_approved_hours_are_short(app, client, world, as_person,
                                                               page):
    approve_hours(app, world, "159.5")
    as_person("lnd")
    shown = text_of(client.get(page))
    assert ("Gateway needs the 187 required off-the-job hours approved: 159.5 are approved, "
            "27.5 short.") in shown
    answer = client.post(f"{page}/status", data=move("gateway", date(2026, 5, 1)))
    assert answer.status_code == 400 and SUMMARY in answer.text
    assert ("only 159.5 of the 187 required off-the-job hours are approved (27.5 short): "
            "gateway needs them all") in unescape(answer.text)
    assert count(app, Apprenticeship, status="active") == 1


def test_an_override_lets_gateway_go_ahead_and_says_what_it_means(app, client, world,
                                                                  as_person, page):
    approve_hours(app, world, "159.5")
    as_person("lnd")
    answer = client.post(f"{page}/status", data={
        **move("gateway", date(2026, 5, 1)),
        "otj_override": "Provider confirms the hours on its own system"})
    assert answer.status_code == 303, text_of(answer)
    words = text_of(client.get(page))
    assert ("Status changed to gateway. staff is through gateway and ready for end-point "
            "assessment; a break in learning can no longer be recorded. Post SW-101 stays "
            "reserved for them.") in words
    assert ("Override Gateway with 159.5 of 187 required off-the-job hours approved, by "
            "override: Provider confirms the hours on its own system") in words


def test_withdrawing_asks_first_then_releases_the_post_and_says_so(app, client, world,
                                                                   as_person, page):
    as_person("lnd")
    data = move("withdrawn", date(2026, 3, 2), "Moved away")
    asked = client.post(f"{page}/status", data=data)
    assert asked.status_code == 200 and "data-confirm" in asked.text
    words = text_of(asked)
    assert "Withdraw staff from SWDA 2025?" in words
    assert "Withdrawing cannot be undone" in words and "post SW-101 is released" in words
    assert count(app, Apprenticeship, status="active") == 1  # nothing changed yet
    for name, values in data.items():  # the answers are carried to the confirmation
        for value in values if isinstance(values, list) else [values]:
            assert f'name="{name}" value="{value}"' in asked.text
    done = client.post(f"{page}/status", data={**data, "confirm": "yes"})
    assert done.status_code == 303
    assert count(app, Apprenticeship, status="withdrawn") == 1
    words = text_of(client.get(page))
    assert ("Status changed to withdrawn. staff has left the apprenticeship; it is finished "
            "and cannot restart. Post SW-101 is released: it is vacant again") in words


def test_an_apprentice_starting_tomorrow_is_not_started_yet(app, client, world, as_person):
    from pathways import clock

    tomorrow = clock.today() + timedelta(days=1)
    later = enrol_another(app, "colleague", start=tomorrow, end=tomorrow + timedelta(days=900))
    as_person("lnd")
    words = text_of(client.get(f"/apprenticeships/{later}"))
    assert "Status Not started yet (starts on" in words
    assert "Progress today Grey Not started yet: nothing to track until" in words
    assert "On track" not in words and "Status Active" not in words


def test_the_page_links_to_the_off_the_job_log_downloads(app, client, world, as_person, page):
    approve_hours(app, world, 5)
    as_person("staff")
    shown = client.get(page).text
    for fmt in ("xlsx", "csv"):
        link = f'href="/apprenticeships/{world["apprenticeship"]}/otj.{fmt}"'
        assert link in shown
        assert client.get(f"/apprenticeships/{world['apprenticeship']}/otj.{fmt}") \
            .status_code == 200


# Progress reviews ----------------------------------------------------------------------


def review(held=date(2026, 3, 2), next_on=None, present=("apprentice", "employer", "provider"),
           notes="Going well", slippage="") -> dict:
    return {**date_parts("held_on", held), **date_parts("next_review_on", next_on),
            "present": list(present), "notes": notes, "slippage": slippage}


def test_l_and_d_records_a_review_and_the_next_is_due_84_days_later(app, client, world,
                                                                    as_person, page):
    as_person("lnd")
    answer = client.post(f"{page}/reviews", data=review(present=("apprentice", "provider"),
                                                        slippage="Essay late"))
    assert answer.status_code == 303 and answer.location.endswith(f"{page}#reviews")
    from webapp.extensions import db

    with app.app_context():
        held = db.session.scalar(select(ProgressReview))
        assert (held.held_on, held.next_review_on, held.apprentice_present,
                held.employer_present, held.provider_present, held.notes, held.slippage,
                held.recorded_by_id) == (date(2026, 3, 2), date(2026, 5, 25), True, False,
                                         True, "Going well", "Essay late", world["lnd"])
    words = text_of(client.get(page))
    assert "Next review due: 25 May 2026" in words
    assert ("2 March 2026 Apprentice, Training provider Going well Essay late 25 May 2026"
            in words)


@pytest.mark.parametrize("data, message", [
    (review(present=()), "say who took part"),
    (review(next_on=date(2026, 5, 26)), "no later than 2026-05-25 (84 days)"),
    (review(held=clock.today() + timedelta(days=1)), "cannot be in the future"),
    (review(held=None), "Enter the date of the review"),
])
def test_a_bad_review_is_refused_and_nothing_is_written(app, client, world, as_person, page,
                                                       data, message):
    as_person("lnd")
    answer = client.post(f"{page}/reviews", data=data)
    assert answer.status_code == 400
    assert SUMMARY in answer.text and message in answer.text
    assert count(app, ProgressReview) == 0


# Placements and practice educators -------------------------------------------------------


def placement(setting="Hospital team", start=date(2026, 1, 5), end=date(2026, 6, 5),
              educator="") -> dict:
    return {"setting": setting, **date_parts("start_date", start),
            **date_parts("end_date", end), "educator": str(educator)}


def test_placements_are_added_and_educators_allocated(app, client, world, as_person, page):
    as_person("lnd")
    shown = client.get(page)
    assert re.search(rf'<option value="{world["educator"]}"[^>]*>\s*Eddie Educator '
                     r'\(0 of 1 placements now\)', shown.text)
    answer = client.post(f"{page}/placements", data=placement())
    assert answer.status_code == 303 and answer.location.endswith(f"{page}#placements")
    words = text_of(client.get(page))
    assert "Hospital team 5 January 2026 to 5 June 2026 No practice educator yet" in words
    from webapp.extensions import db

    with app.app_context():
        placement_id = db.session.scalar(select(Placement.id))
    answer = client.post(f"{page}/placements/{placement_id}/educator",
                         data={"educator": str(world["educator"])})
    assert answer.status_code == 303
    assert count(app, Placement, educator_id=world["educator"]) == 1
    words = text_of(client.get(page))
    assert "Hospital team 5 January 2026 to 5 June 2026 Eddie Educator" in words
    assert "No practice educator yet</strong>" not in client.get(page).text
    assert client.post(f"{page}/placements/{placement_id}/educator",
                       data={"educator": ""}).status_code == 303
    assert count(app, Placement, educator_id=None) == 1


def test_an_educator_over_capacity_is_refused_until_their_capacity_grows(
        app, client, world, as_person, page):
    as_person("lnd")
    assert client.post(f"{page}/placements",
                       data=placement(educator=world["educator"])).status_code == 303
    other = f"/apprenticeships/{enrol_another(app, 'colleague')}"
    refused = client.post(f"{other}/placements", data=placement(
        "Duty team", date(2026, 6, 1), date(2026, 9, 1), world["educator"]))
    assert refused.status_code == 400 and SUMMARY in refused.text
    assert ("Eddie Educator already supervises 1 placement(s) at those dates, their capacity "
            "is 1.") in refused.text
    assert count(app, Placement) == 1
    answer = client.post(f"/practice-educators/{world['educator']}/capacity",
                         data={"capacity": "2", "apprenticeship_id": other.split("/")[-1]})
    assert answer.status_code == 303 and answer.location.endswith(f"{other}#placements")
    assert count(app, PracticeEducator, person_id=world["educator"], capacity=2) == 1
    assert client.post(f"{other}/placements", data=placement(
        "Duty team", date(2026, 6, 1), date(2026, 9, 1), world["educator"])).status_code == 303
    assert count(app, Placement, educator_id=world["educator"]) == 2


@pytest.mark.parametrize("data, message", [
    (placement(setting=""), "Enter where the placement is"),
    (placement(end=date(2026, 1, 5)), "must be after the start date"),
    (placement(start=None), "Enter the start date"),
    (placement(educator=999999), "Not a valid choice"),
])
def test_a_bad_placement_is_refused_and_nothing_is_written(app, client, world, as_person,
                                                          page, data, message):
    as_person("lnd")
    answer = client.post(f"{page}/placements", data=data)
    assert answer.status_code == 400
    assert SUMMARY in answer.text and message in answer.text
    assert count(app, Placement) == 0


@pytest.mark.parametrize("capacity, message", [
    ("21", "Enter a whole number from 0 to 20"),
    ("lots", "Enter a whole number from 0 to 20"),
    ("", "Enter a whole number from 0 to 20"),
])
def test_a_bad_capacity_is_refused_on_the_page_it_came_from(app, client, world, as_person,
                                                           page, capacity, message):
    as_person("lnd")
    answer = client.post(f"/practice-educators/{world['educator']}/capacity",
                         data={"capacity": capacity,
                               "apprenticeship_id": str(world["apprenticeship"])})
    assert answer.status_code == 400
    assert SUMMARY in answer.text and message in answer.text
    assert f'href="#capacity-{world["educator"]}"' in answer.text
    assert "Practice placements" in answer.text  # the apprenticeship page again
    assert count(app, PracticeEducator) == 0


@pytest.mark.parametrize("actor, expected", [
    ("lnd", 303), ("staff", 403), ("manager", 403), ("far_lnd", 404)])
def test_who_sets_an_educators_capacity(app, client, world, as_person, actor, expected):
    as_person(actor)
    answer = client.post(f"/practice-educators/{world['educator']}/capacity",
                         data={"capacity": "3"})
    assert answer.status_code == expected
    assert count(app, PracticeEducator, capacity=3) == (1 if expected == 303 else 0)
    if expected == 303:
        assert answer.location.endswith(f"/people/{world['educator']}")


# Who may see, log and manage ----------------------------------------------------------------

LOGIN = "sign in"
#: What each actor gets: seeing the page, logging hours, managing (recording a review).
MATRIX = {
    "staff": (200, 303, 403),  # the apprentice
    "manager": (200, 303, 403),  # their team's manager
    "colleague": (404, 404, 404),  # same team, not their manager: hidden
    "champion": (200, 403, 403),  # paired with the apprentice: sees, does not log
    "other_manager": (403, 403, 403),  # a manager of another team
    "lnd": (200, 303, 303),
    "partnership_lnd": (200, 303, 303),
    "far_lnd": (404, 404, 404),  # L&D of an organisation outside the partnership
    "anonymous": (LOGIN, LOGIN, LOGIN),
}


@pytest.mark.parametrize("actor", list(MATRIX))
def test_who_sees_logs_and_manages(app, client, world, as_person, page, actor):
    if actor != "anonymous":
        as_person(actor)

    def status(answer):
        if answer.status_code == 302 and "/login" in answer.location:
            return LOGIN
        return answer.status_code

    seen = (status(client.get(page)), status(client.post(f"{page}/otj", data=otj())),
            status(client.post(f"{page}/reviews", data=review())))
    assert seen == MATRIX[actor]
    assert count(app, OtjEntry) == (1 if MATRIX[actor][1] == 303 else 0)
    assert count(app, ProgressReview) == (1 if MATRIX[actor][2] == 303 else 0)


@pytest.mark.parametrize("action, data", [
    ("status", move("withdrawn", date(2026, 3, 2))),
    ("placements", placement()),
    ("job", {"step": "standards_met_on", **date_parts("on", date(2026, 3, 2))}),
])
def test_only_l_and_d_manage(app, client, world, as_person, page, action, data):
    for actor, expected in (("staff", 403), ("manager", 403), ("colleague", 404),
                            ("far_lnd", 404)):
        as_person(actor)
        assert client.post(f"{page}/{action}", data=data).status_code == expected, actor
    assert count(app, StatusChange) == 1 and count(app, Placement) == 0


# The whole journey ------------------------------------------------------------------------


def test_from_enrolment_to_starting_in_the_guaranteed_job(app, client, world, as_person, page):
    from webapp.extensions import db

    as_person("lnd")
    step = lambda field, day: client.post(  # noqa: E731
        f"{page}/job", data={"step": field, **date_parts("on", day)})
    early = step("standards_met_on", date(2026, 3, 2))
    assert early.status_code == 400
    assert "can only be recorded once the apprentice is qualified" in unescape(early.text)
    approve_hours(app, world, 187, by=date(2026, 5, 1))
    for status, day in (("gateway", date(2026, 5, 1)), ("epa", date(2026, 6, 1)),
                        ("completed", date(2026, 7, 1)), ("qualified", date(2026, 8, 3))):
        answer = client.post(f"{page}/status", data=move(status, day, f"Reached {status}"))
        assert answer.status_code == 303, text_of(answer)
    shown = client.get(page)
    assert "Record standards met" in text_of(shown)
    assert 'name="step" value="standards_met_on"' in shown.text
    out_of_order = step("offer_made_on", date(2026, 8, 10))
    assert out_of_order.status_code == 400 and SUMMARY in out_of_order.text
    assert "Offer made is out of order: the next step is standards met." in out_of_order.text
    too_early = step("standards_met_on", date(2026, 8, 1))
    assert too_early.status_code == 400 and "must be from 2026-08-03" in too_early.text
    for field, day in (("standards_met_on", date(2026, 8, 10)),
                       ("offer_made_on", date(2026, 8, 17)),
                       ("offer_accepted_on", date(2026, 8, 24)),
                       ("started_in_post_on", date(2026, 9, 7))):
        answer = step(field, day)
        assert answer.status_code == 303, text_of(answer)
        assert answer.location.endswith(f"{page}#job")
    with app.app_context():
        found = db.session.get(Apprenticeship, world["apprenticeship"])
        person = db.session.get(Person, world["staff"])
        post = db.session.get(Post, world["post"])
        assert [c.to_status for c in found.status_changes] == [
            "active", "gateway", "epa", "completed", "qualified"]
        assert (found.standards_met_on, found.offer_made_on, found.offer_accepted_on,
                found.started_in_post_on) == (date(2026, 8, 10), date(2026, 8, 17),
                                              date(2026, 8, 24), date(2026, 9, 7))
        assert post.state == "filled" and post.apprenticeship_id == found.id
        assert person.current_role_id == "newly-qualified-social-worker"
        assert person.role_start_date == date(2026, 9, 7)
    words = text_of(client.get(page))
    assert "Started in post recorded" in words
    assert "Post SW-101: Newly qualified social worker (ASYE) Filled" in words
    assert ("Standards met 10 August 2026 Offer made 17 August 2026 Offer accepted "
            "24 August 2026 Started in post 7 September 2026") in words
    assert "Current role now Newly qualified social worker (ASYE)" in words
    assert "Status Qualified" in words and 'data-rag="grey"' in client.get(page).text
    assert 'action="' + page + '/job"' not in client.get(page).text  # every step is done
    again = step("started_in_post_on", date(2026, 9, 8))
    assert again.status_code == 400 and "Every step is already recorded" in again.text
