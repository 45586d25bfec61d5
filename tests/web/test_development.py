"""My Conversation, role shadowing and the data download: what the pages show, each form's
success and refusal, and who may do what (on both engines)."""

import json
import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from pathways import clock
from pathways.dates import format_day
from pathways.models import (
    DevelopmentAction,
    DevelopmentConversation,
    Person,
    ShadowingPlace,
    ShadowingRequest,
)
from tests.recipes import TOY_PATHWAY, ids_of, world_fixtures, world_on
from tests.web.sessions import start_session

TODAY = clock.today()
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


def conversation(held_on=TODAY, review_on=TODAY + timedelta(days=90),
                 aspirations="Qualify as a social worker", actions=()) -> dict:
    """The conversation form's fields; ``actions`` holds (kind, description, due) rows."""
    data = {**date_parts("held_on", held_on), **date_parts("review_on", review_on),
            "aspirations": aspirations}
    for number, (kind, description, due_on) in enumerate(actions, start=1):
        data |= {f"action{number}_kind": kind, f"action{number}_description": description,
                 **date_parts(f"action{number}_due_on", due_on)}
    return data


def place(role="social-worker", starts_on=TODAY, ends_on=TODAY + timedelta(days=5),
          capacity="1", team="", description="Home visits", partnership=False) -> dict:
    """The offer form's fields."""
    data = {"role": role, "team": team, **date_parts("starts_on", starts_on),
            **date_parts("ends_on", ends_on), "capacity": capacity,
            "description": description}
    if partnership:
        data["open_to_partnership"] = "y"
    return data


def build_world(session, people: dict) -> dict:
    """``people`` plus ``other_manager`` (manager of Reablement, other_team's team); staff
    has a target role and a chosen route. Returns ids by name."""
    from pathways.people.accounts import create_person, team_named

    staff = people["staff"]
    staff.current_role_id, staff.target_role_id = "care-worker", "social-worker"
    staff.chosen_route = ["care-worker", "sw-degree", "social-worker"]
    council = staff.organisation
    other_manager = create_person(
        session, email="other_manager@example.org", name="other manager",
        organisation=council, roles=["staff", "manager"],
        team=team_named(session, council, "Reablement"))
    session.flush()
    return {**ids_of(people), "other_manager": other_manager.id}


#: Built once per process and engine (see ``tests.recipes.world_on``).
WORLD = world_on(TOY_PATHWAY, "development_pages", build_world)


database_url, world = world_fixtures(WORLD, TOY_PATHWAY)


@pytest.fixture
def as_person(app, client, world):
    """Sign in by short name, including ``other_manager``."""
    return lambda key: start_session(app, client, world[key])


def publish(app, client, as_person, host="other_team", **fields) -> int:
    """Offer a place as ``host`` through the form; return its id."""
    from webapp.extensions import db

    as_person(host)
    answer = client.post("/shadowing/places", data=place(**fields))
    assert answer.status_code == 303, text_of(answer)
    with app.app_context():
        return db.session.scalar(select(func.max(ShadowingPlace.id)))


def ask(app, client, as_person, key, place_id) -> int:
    """Ask for a place as ``key`` through the page; return the request's id."""
    as_person(key)
    answer = client.post(f"/shadowing/{place_id}/request")
    assert answer.status_code == 303, text_of(answer)
    from webapp.extensions import db

    with app.app_context():
        return db.session.scalar(select(ShadowingRequest.id).filter_by(place_id=place_id))


# My Conversation ----------------------------------------------------------------------


def test_a_manager_records_a_conversation_and_the_person_reads_it(app, client, world,
                                                                   as_person):
    as_person("manager")
    page = f"/people/{world['staff']}/conversations"
    blank = client.get(page)
    assert blank.status_code == 200
    assert "No development conversations recorded yet" in text_of(blank)
    assert 'name="review_on"' in blank.text
    due = TODAY + timedelta(days=30)
    answer = client.post(page, data=conversation(actions=[
        ("course", "Safeguarding level 2", due), ("", "", None), ("", "", None)]))
    assert answer.status_code == 303 and answer.location.endswith(page)
    assert count(app, DevelopmentConversation, person_id=world["staff"]) == 1
    assert count(app, DevelopmentAction) == 1  # the blank rows were ignored

    as_person("staff")
    profile = text_of(client.get("/profile"))
    assert "My Conversation" in profile and "Qualify as a social worker" in profile
    assert "Take a course: Safeguarding level 2" in profile and "with manager" in profile
    assert "See all conversations" in profile and "record a new one" not in profile
    mine = client.get("/profile/conversations")
    assert mine.status_code == 200 and 'name="review_on"' not in mine.text  # they read it
    words = text_of(mine)
    assert "Qualify as a social worker" in words
    assert "Care worker → Social work degree → Social worker" in words  # titles, not ids
    assert f"(by {due.day} {due:%B %Y})" in words and "Review due" not in words


def test_the_latest_conversation_shows_first_and_says_when_its_review_is_due(app, client,
                                                                              world, as_person):
    from pathways.mentoring.conversations import record_conversation
    from webapp.extensions import db

    with app.app_context():
        staff, manager = (db.session.get(Person, world[k]) for k in ("staff", "manager"))
        record_conversation(db.session, staff, held_on=TODAY - timedelta(days=400),
                            review_on=TODAY - timedelta(days=300), aspirations="Old hopes",
                            actor=manager)
        record_conversation(db.session, staff, held_on=TODAY - timedelta(days=200),
                            review_on=TODAY - timedelta(days=1), aspirations="New hopes",
                            actor=manager)
        db.session.commit()
    as_person("staff")
    words = text_of(client.get("/profile/conversations"))
    assert words.index("New hopes") < words.index("Old hopes")
    assert words.count("Review due") == 1  # only the latest one's review is still to do
    profile = text_of(client.get("/profile"))
    assert "New hopes" in profile and "Old hopes" not in profile and "Review due" in profile


@pytest.mark.parametrize("actor, status", [
    ("manager", 303), ("lnd", 303), ("admin", 303), ("partnership_lnd", 303),
    ("staff", 403),           # the person themself reads it
    ("other_manager", 403),   # a manager of another team
    ("champion", 403),        # paired with staff: may see them, not record this
    ("colleague", 404), ("outsider", 404), ("partner_staff", 404),
])
def test_who_records_a_conversation(app, client, world, as_person, actor, status):
    as_person(actor)
    answer = client.post(f"/people/{world['staff']}/conversations", data=conversation())
    assert answer.status_code == status
    assert count(app, DevelopmentConversation) == (1 if status == 303 else 0)


@pytest.mark.parametrize("actor, status", [
    ("staff", 200), ("manager", 200), ("lnd", 200), ("champion", 200),
    ("other_manager", 403), ("colleague", 404), ("outsider", 404),
])
def test_who_reads_the_conversations(client, world, as_person, actor, status):
    as_person(actor)
    assert client.get(f"/people/{world['staff']}/conversations").status_code == status


def test_only_those_who_may_record_see_the_form(client, world, as_person):
    as_person("champion")
    page = client.get(f"/people/{world['staff']}/conversations")
    assert page.status_code == 200 and 'name="review_on"' not in page.text
    as_person("lnd")
    assert 'name="review_on"' in client.get(f"/people/{world['staff']}/conversations").text


@pytest.mark.parametrize("data, message", [
    (conversation(held_on=None), "Enter the date of the conversation"),
    ({**conversation(), "held_on": ["31", "2", "2026"]}, "must be a real date"),
    ({**conversation(), "review_on": ["1", "1", "99999"]}, "must be a real date"),
    (conversation(held_on=TODAY + timedelta(days=3)), "cannot be in the future"),
    (conversation(review_on=TODAY - timedelta(days=1)), "within a year"),
    (conversation(review_on=TODAY + timedelta(days=400)), "within a year"),
    (conversation(actions=[("juggling", "", None)]), "Not a valid choice"),
    (conversation(actions=[("", "Shadow the hospital team", None)]),
     "Choose the kind of action"),
    (conversation(actions=[("course", "", TODAY - timedelta(days=1))]),
     "must be on or after the conversation"),
    (conversation(aspirations="x" * 5001), "5000 characters or fewer"),
])
def test_a_refused_conversation_is_explained_and_nothing_is_written(app, client, world,
                                                                    as_person, data, message):
    as_person("manager")
    answer = client.post(f"/people/{world['staff']}/conversations", data=data)
    assert answer.status_code == 400
    assert SUMMARY in answer.text and message in unescape(answer.text)
    assert count(app, DevelopmentConversation) == 0


def test_unknown_and_huge_people_are_not_found(client, world, as_person):
    as_person("lnd")
    for person_id in (999999, 99999999999):
        assert client.get(f"/people/{person_id}/conversations").status_code == 404
        assert client.post(f"/people/{person_id}/conversations",
                           data=conversation()).status_code == 404


# Role shadowing -----------------------------------------------------------------------


def test_publish_request_approve_and_reflect(app, client, world, as_person):
    place_id = publish(app, client, as_person)
    as_person("staff")
    shadowing = client.get("/shadowing")
    assert shadowing.status_code == 200 and f'data-place="{place_id}"' in shadowing.text
    row = text_of(shadowing)
    assert "Social worker" in row and "other team" in row and "1 of 1" in row
    request_id = ask(app, client, as_person, "staff", place_id)
    assert "Waiting for the manager" in text_of(client.get("/shadowing"))

    as_person("manager")
    approvals = client.get("/shadowing/approvals")
    assert approvals.status_code == 200 and f'data-request="{request_id}"' in approvals.text
    answer = client.post(f"/shadowing/requests/{request_id}/decide",
                         data={"decision": "approve"})
    assert answer.status_code == 303
    assert count(app, ShadowingRequest, id=request_id, status="approved") == 1

    as_person("staff")
    page = client.get("/shadowing")
    assert f'action="/shadowing/requests/{request_id}/reflection"' in page.text
    refused = client.post(f"/shadowing/requests/{request_id}/reflection",
                          data={"reflection": " ", "still_my_goal": "no"})
    assert refused.status_code == 400 and "Say what you saw and learned" in refused.text
    answer = client.post(f"/shadowing/requests/{request_id}/reflection",
                         data={"reflection": "Busy but rewarding", "still_my_goal": "no"})
    assert answer.status_code == 303
    assert count(app, ShadowingRequest, id=request_id, status="completed",
                 still_my_goal=False) == 1
    profile = text_of(client.get("/profile"))
    assert "Reflection written" in profile and "Still your goal: no" in profile
    again = client.post(f"/shadowing/requests/{request_id}/reflection",
                        data={"reflection": "Again", "still_my_goal": "yes"})
    assert again.status_code == 400 and "Only approved shadowing" in text_of(again)


def test_a_full_place_refuses_and_is_no_longer_offered(app, client, world, as_person):
    place_id = publish(app, client, as_person)
    request_id = ask(app, client, as_person, "staff", place_id)
    as_person("manager")
    client.post(f"/shadowing/requests/{request_id}/decide", data={"decision": "approve"})
    as_person("colleague")
    assert f'data-place="{place_id}"' not in client.get("/shadowing").text
    answer = client.post(f"/shadowing/{place_id}/request")
    assert answer.status_code == 400
    assert SUMMARY in answer.text and "This place is full." in answer.text
    assert count(app, ShadowingRequest) == 1


def test_asking_twice_or_for_ones_own_place_is_refused(app, client, world, as_person):
    place_id = publish(app, client, as_person, capacity="3")
    assert "You host this" in text_of(client.get("/shadowing"))
    answer = client.post(f"/shadowing/{place_id}/request")
    assert answer.status_code == 400 and "cannot shadow a place you host" in answer.text
    ask(app, client, as_person, "staff", place_id)
    again = client.post(f"/shadowing/{place_id}/request")
    assert again.status_code == 400 and "already asked" in again.text
    assert count(app, ShadowingRequest) == 1


def test_only_places_open_to_the_partnership_reach_it(app, client, world, as_person):
    closed = publish(app, client, as_person)
    opened = publish(app, client, as_person, partnership=True)
    as_person("partner_staff")
    page = client.get("/shadowing").text
    assert f'data-place="{opened}"' in page and f'data-place="{closed}"' not in page
    answer = client.post(f"/shadowing/{closed}/request")
    assert answer.status_code == 400 and "only for people in the host" in answer.text
    as_person("outsider")
    page = client.get("/shadowing").text
    assert f'data-place="{opened}"' not in page and "No open places" in page


def test_the_approvals_page_lists_only_the_managers_team(app, client, world, as_person):
    place_id = publish(app, client, as_person, host="lnd", capacity="5")
    ask(app, client, as_person, "staff", place_id)
    ask(app, client, as_person, "champion", place_id)  # Reablement, not the manager's team
    from webapp.extensions import db

    with app.app_context():
        by_person = {r.person_id: r.id for r in db.session.scalars(select(ShadowingRequest))}
    staffs, champions = by_person[world["staff"]], by_person[world["champion"]]
    as_person("manager")
    page = client.get("/shadowing/approvals").text
    assert f'data-request="{staffs}"' in page and f'data-request="{champions}"' not in page
    as_person("other_manager")
    page = client.get("/shadowing/approvals").text
    assert f'data-request="{champions}"' in page and f'data-request="{staffs}"' not in page


def test_each_approval_button_names_its_request_when_one_person_has_two(app, client, world,
                                                                       as_person):
    first = publish(app, client, as_person)
    second = publish(app, client, as_person, starts_on=TODAY + timedelta(days=14),
                     ends_on=TODAY + timedelta(days=14))
    ask(app, client, as_person, "staff", first)
    ask(app, client, as_person, "staff", second)
    as_person("manager")
    page = client.get("/shadowing/approvals").text
    names = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", button)).strip()
             for button in re.findall(r'<button type="submit" name="decision"[^>]*>(.*?)'
                                      r'</button>', page, re.S)]
    assert len(names) == 4 and len(set(names)) == 4, names
    from pathways.dates import format_day

    later = format_day(TODAY + timedelta(days=14))
    assert (f"Approve staff’s request to shadow Social worker, {format_day(TODAY)} to "
            f"{format_day(TODAY + timedelta(days=5))}" in names
            and f"Decline staff’s request to shadow Social worker, {later}" in names), names


@pytest.mark.parametrize("actor, status", [
    ("manager", 303), ("staff", 403), ("other_manager", 403), ("lnd", 403),
    ("colleague", 404), ("outsider", 404), ("partner_staff", 404),
])
def test_only_the_requesters_manager_decides(app, client, world, as_person, actor, status):
    place_id = publish(app, client, as_person, capacity="2")
    request_id = ask(app, client, as_person, "staff", place_id)
    as_person(actor)
    answer = client.post(f"/shadowing/requests/{request_id}/decide",
                         data={"decision": "decline"})
    assert answer.status_code == status
    assert count(app, ShadowingRequest, status="declined") == (1 if status == 303 else 0)


@pytest.mark.parametrize("actor, status", [
    ("manager", 403), ("champion", 403), ("colleague", 404), ("outsider", 404),
])
def test_only_the_requester_reflects(app, client, world, as_person, actor, status):
    place_id = publish(app, client, as_person)
    request_id = ask(app, client, as_person, "staff", place_id)
    as_person("manager")
    client.post(f"/shadowing/requests/{request_id}/decide", data={"decision": "approve"})
    as_person(actor)
    answer = client.post(f"/shadowing/requests/{request_id}/reflection",
                         data={"reflection": "Not mine to write", "still_my_goal": "yes"})
    assert answer.status_code == status
    assert count(app, ShadowingRequest, status="completed") == 0


def test_deciding_twice_and_forged_decisions_are_refused(app, client, world, as_person):
    place_id = publish(app, client, as_person)
    request_id = ask(app, client, as_person, "staff", place_id)
    as_person("manager")
    forged = client.post(f"/shadowing/requests/{request_id}/decide",
                         data={"decision": "maybe"})
    assert forged.status_code == 400 and "Approve or decline the request" in forged.text
    client.post(f"/shadowing/requests/{request_id}/decide", data={"decision": "decline"})
    again = client.post(f"/shadowing/requests/{request_id}/decide",
                        data={"decision": "approve"})
    assert again.status_code == 400 and "already declined" in again.text


def test_managers_only_see_approvals_and_reflection_waits_for_the_start(app, client, world,
                                                                        as_person):
    as_person("staff")
    assert client.get("/shadowing/approvals").status_code == 403
    place_id = publish(app, client, as_person, starts_on=TODAY + timedelta(days=3),
                       ends_on=TODAY + timedelta(days=4))
    request_id = ask(app, client, as_person, "staff", place_id)
    as_person("manager")
    client.post(f"/shadowing/requests/{request_id}/decide", data={"decision": "approve"})
    as_person("staff")
    assert "once the shadowing has started" in text_of(client.get("/shadowing"))
    early = client.post(f"/shadowing/requests/{request_id}/reflection",
                        data={"reflection": "Too soon", "still_my_goal": "yes"})
    assert early.status_code == 400 and "write the reflection afterwards" in early.text


def test_a_place_can_name_a_team_of_the_hosts_organisation(app, client, world, as_person):
    from pathways.models import Team
    from webapp.extensions import db

    with app.app_context():
        teams = {t.name: t.id for t in db.session.scalars(select(Team))}
    publish(app, client, as_person, team=str(teams["Reablement"]))
    as_person("staff")
    assert "Reablement" in text_of(client.get("/shadowing"))


@pytest.mark.parametrize("fields, message", [
    ({"role": "astronaut"}, "Not a valid choice"),
    ({"role": "diploma-l3"}, "Not a valid choice"),  # a qualification, not a role
    ({"role": ""}, "Choose the role to shadow"),
    ({"team": "999999"}, "Not a valid choice"),
    ({"team": "other organisation"}, "Not a valid choice"),
    ({"capacity": "0"}, "whole number from 1 to 20"),
    ({"capacity": "lots"}, "whole number from 1 to 20"),
    ({"capacity": "99999999999999999999"}, "whole number from 1 to 20"),
    ({"starts_on": None}, "Enter the first day"),
    ({"ends_on": TODAY - timedelta(days=1), "starts_on": TODAY - timedelta(days=3)},
     "has already passed"),
    ({"ends_on": TODAY}, "must be on or after the first day"),
    ({"description": "x" * 5001}, "5000 characters or fewer"),
])
def test_a_refused_place_is_explained_and_nothing_is_written(app, client, world, as_person,
                                                             fields, message):
    as_person("other_team")
    data = place(**{"starts_on": TODAY + timedelta(days=1), **fields})
    answer = client.post("/shadowing/places", data=data)
    assert answer.status_code == 400
    assert SUMMARY in answer.text and message in unescape(answer.text)
    assert count(app, ShadowingPlace) == 0


def test_a_malformed_date_is_explained(app, client, world, as_person):
    as_person("other_team")
    answer = client.post("/shadowing/places",
                         data={**place(), "ends_on": ["40", "13", "2026"]})
    assert answer.status_code == 400 and "must be a real date" in answer.text
    assert count(app, ShadowingPlace) == 0


def test_a_team_of_another_organisation_cannot_be_named(app, client, world, as_person):
    from pathways.models import Team
    from webapp.extensions import db

    with app.app_context():
        outsider = db.session.get(Person, world["outsider"])
        foreign = Team(organisation_id=outsider.organisation_id, name="Far team")
        db.session.add(foreign)
        db.session.commit()
        foreign_id = foreign.id
    as_person("other_team")
    answer = client.post("/shadowing/places", data=place(team=str(foreign_id)))
    assert answer.status_code == 400 and count(app, ShadowingPlace) == 0


def test_unknown_places_and_requests_are_not_found(client, world, as_person):
    as_person("manager")
    for record_id in (999999, 99999999999):
        assert client.post(f"/shadowing/{record_id}/request").status_code == 404
        assert client.post(f"/shadowing/requests/{record_id}/decide",
                           data={"decision": "approve"}).status_code == 404
        assert client.post(f"/shadowing/requests/{record_id}/reflection",
                           data={"reflection": "x", "still_my_goal": "yes"}
                           ).status_code == 404


def test_the_shadowing_pages_need_signing_in(client, world):
    for page in ("/shadowing", "/shadowing/approvals", "/profile/conversations",
                 f"/people/{world['staff']}/conversations", "/profile/download.json"):
        answer = client.get(page)
        assert answer.status_code == 302 and "/login" in answer.location
    answer = client.post("/shadowing/places", data=place())
    assert answer.status_code == 302 and "/login" in answer.location


# The data download ----------------------------------------------------------------------


def test_the_download_holds_ones_own_data_and_no_secrets(app, client, world, as_person):
    as_person("manager")
    client.post(f"/people/{world['staff']}/conversations",
                data=conversation(aspirations="Lead a team one day"))
    as_person("staff")
    profile = client.get("/profile").text
    assert 'href="/profile/download.json"' in profile
    answer = client.get("/profile/download.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.headers["Content-Disposition"] == (
        f"attachment; filename=my-data-{TODAY.isoformat()}.json")
    assert "no-store" in answer.headers["Cache-Control"]
    assert "password_hash" not in answer.text and "session_generation" not in answer.text
    data = json.loads(answer.text)
    assert data["person"]["email"] == "staff@example.org"
    assert data["development_conversations"][0]["aspirations"] == "Lead a team one day"
    assert data["development_conversations"][0]["manager"] == "manager"
    assert data["pairings"][0]["you_are"] == "supported"


def test_the_download_is_recorded_in_the_audit_log(app, client, world, as_person):
    """Regression (issue 11, item 3): downloading personal data left no trace."""
    from pathways.models import AuditEvent
    from webapp.extensions import db

    as_person("lnd")
    data = json.loads(client.get("/profile/download.json").text)
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).filter_by(action="export")).all()
        lnd = db.session.get(Person, world["lnd"])
        assert (event.actor_id, event.entity_type, event.entity_id, event.organisation_id) == (
            lnd.id, "person", str(lnd.id), lnd.organisation_id)
    assert event.details["what"] == "their own data" and event.details["format"] == "json"
    assert event.details["rows"] >= len(data["audit_events_about_you"]) + 1


def test_only_ones_own_profile_offers_the_download(client, world, as_person):
    as_person("manager")
    page = client.get(f"/people/{world['staff']}")
    assert page.status_code == 200 and "download.json" not in page.text
    assert client.get(f"/people/{world['staff']}/download.json").status_code == 404


# Preferred days, a message, a note with the decision, and cancelling ---------------------


def test_asking_on_preferred_days_with_a_message_and_reading_the_managers_note(
        app, client, world, as_person):
    place_id = publish(app, client, as_person, ends_on=TODAY + timedelta(days=6))
    as_person("staff")
    form = client.get(f"/shadowing/{place_id}/request")
    assert form.status_code == 200
    assert "Ask to shadow Social worker" in text_of(form) and 'name="message"' in form.text
    answer = client.post(f"/shadowing/{place_id}/request", data={
        **date_parts("preferred_from", TODAY + timedelta(days=2)),
        **date_parts("preferred_to", TODAY + timedelta(days=3)),
        "message": "I would like to see a hospital discharge"})
    assert answer.status_code == 303
    days = f"{format_day(TODAY + timedelta(days=2))} to {format_day(TODAY + timedelta(days=3))}"
    mine = text_of(client.get("/shadowing"))
    assert days in mine and "I would like to see a hospital discharge" in mine

    as_person("manager")
    approvals = client.get("/shadowing/approvals")
    shown = text_of(approvals)
    assert days in shown and "I would like to see a hospital discharge" in shown
    request_id = ask_id(app, place_id)
    assert f'id="note-{request_id}"' in approvals.text
    # Two requests of one person are told apart by their buttons' words.
    assert f"Approve staff’s request to shadow Social worker, {days}" in shown
    answer = client.post(f"/shadowing/requests/{request_id}/decide",
                         data={"decision": "approve", "note": "Thursday works for the rota"})
    assert answer.status_code == 303
    assert "Thursday works for the rota" in text_of(client.get("/shadowing/approvals"))

    as_person("staff")
    page = client.get("/shadowing")
    assert 'data-decision-note>Thursday works for the rota' in page.text
    assert "Approved" in text_of(page)


def ask_id(app, place_id) -> int:
    from webapp.extensions import db

    with app.app_context():
        return db.session.scalar(select(ShadowingRequest.id).filter_by(place_id=place_id))


def test_preferred_days_outside_the_place_are_explained_on_their_fields(app, client, world,
                                                                        as_person):
    place_id = publish(app, client, as_person)
    as_person("staff")
    answer = client.post(f"/shadowing/{place_id}/request", data={
        **date_parts("preferred_from", TODAY + timedelta(days=9)),
        **date_parts("preferred_to", TODAY + timedelta(days=1)),
        "message": "x"})
    shown = text_of(answer)
    assert answer.status_code == 400 and SUMMARY in shown
    assert (f"must be between {format_day(TODAY)} and "
            f"{format_day(TODAY + timedelta(days=5))}") in shown
    assert 'href="#preferred_from"' in answer.text or 'href="#preferred-from"' in answer.text
    assert count(app, ShadowingRequest) == 0


def test_a_place_out_of_reach_has_no_request_page(app, client, world, as_person):
    place_id = publish(app, client, as_person)
    as_person("partner_staff")
    assert client.get(f"/shadowing/{place_id}/request").status_code == 404
    assert client.get("/shadowing/99999999999/request").status_code == 404


def test_the_requester_cancels_and_may_ask_again(app, client, world, as_person):
    place_id = publish(app, client, as_person)
    request_id = ask(app, client, as_person, "staff", place_id)
    page = client.get("/shadowing")
    assert f'action="/shadowing/requests/{request_id}/cancel"' in page.text
    answer = client.post(f"/shadowing/requests/{request_id}/cancel")
    assert answer.status_code == 303
    assert count(app, ShadowingRequest, id=request_id, status="withdrawn") == 1
    page = client.get("/shadowing")
    assert "Cancelled" in text_of(page)
    assert f'action="/shadowing/requests/{request_id}/cancel"' not in page.text
    again = client.post(f"/shadowing/requests/{request_id}/cancel")
    assert again.status_code == 400 and "cancelled, so it cannot be cancelled" in again.text
    assert f'href="/shadowing/{place_id}/request"' in page.text  # asked again below
    assert ask(app, client, as_person, "staff", place_id) == request_id
    assert count(app, ShadowingRequest, id=request_id, status="requested") == 1
    as_person("manager")
    assert "staff" in text_of(client.get("/shadowing/approvals"))


@pytest.mark.parametrize("actor, status", [("manager", 403), ("colleague", 404),
                                           ("partner_staff", 404)])
def test_only_the_requester_cancels(app, client, world, as_person, actor, status):
    place_id = publish(app, client, as_person)
    request_id = ask(app, client, as_person, "staff", place_id)
    as_person(actor)
    assert client.post(f"/shadowing/requests/{request_id}/cancel").status_code == status
    assert count(app, ShadowingRequest, id=request_id, status="requested") == 1


def test_an_approval_is_cancellable_until_the_shadowing_starts(app, client, world, as_person):
    later = publish(app, client, as_person, starts_on=TODAY + timedelta(days=2))
    started = publish(app, client, as_person, role="senior-care-worker")
    first = ask(app, client, as_person, "staff", later)
    second = ask(app, client, as_person, "staff", started)
    as_person("manager")
    for request_id in (first, second):
        client.post(f"/shadowing/requests/{request_id}/decide", data={"decision": "approve"})
    as_person("staff")
    page = client.get("/shadowing").text
    assert f'action="/shadowing/requests/{first}/cancel"' in page
    assert f'action="/shadowing/requests/{second}/cancel"' not in page
    refused = client.post(f"/shadowing/requests/{second}/cancel")
    assert refused.status_code == 400 and "cannot be cancelled now" in text_of(refused)
    assert client.post(f"/shadowing/requests/{first}/cancel").status_code == 303
    assert count(app, ShadowingRequest, id=first, status="withdrawn") == 1


# A fixed number of queries -------------------------------------------------------------------


def add_places(app, world, how_many: int) -> None:
    """Offer ``how_many`` places to shadow social work, by hosts of the council, of a partner
    (open to the partnership) and outside it, each half taken, each asked for by the staff."""
    from pathways.mentoring.shadowing import publish_place
    from webapp.extensions import db

    with app.app_context():
        hosts = [db.session.get(Person, world[key])
                 for key in ("other_team", "partner_staff", "outsider")]
        takers = [db.session.get(Person, world[key]) for key in ("colleague", "other_manager")]
        for number in range(how_many):
            offered = publish_place(db.session, hosts[number % 3], role_id="social-worker",
                                    starts_on=TODAY + timedelta(days=number % 7 + 1),
                                    ends_on=TODAY + timedelta(days=20), capacity=2,
                                    open_to_partnership=number % 2 == 1, today=TODAY)
            db.session.flush()
            db.session.add(ShadowingRequest(place_id=offered.id,
                                            person_id=takers[number % 2].id,
                                            status="approved"))
            if number % 3 == 0:
                db.session.add(ShadowingRequest(place_id=offered.id, person_id=world["staff"],
                                                status="requested"))
        db.session.commit()


@pytest.mark.parametrize("address", ["/shadowing", "/roles/social-worker"])
def test_the_shadowing_places_cost_a_fixed_number_of_queries(app, client, world, as_person,
                                                             address):
    from tests.querycount import counting
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    add_places(app, world, 3)
    as_person("staff")
    client.get(address)
    with counting(engine) as small:
        assert client.get(address).status_code == 200
    add_places(app, world, 30)
    with counting(engine) as large:
        page = client.get(address)
    assert large.count == small.count, large.statements
    shown = re.findall(r'data-place="(\d+)"', page.text)
    with app.app_context():
        expected = {place.id for place in db.session.scalars(select(ShadowingPlace))
                    if place.host_id != world["outsider"]
                    and (place.host_id == world["other_team"] or place.open_to_partnership)}
    assert set(map(int, shown)) == expected


def test_the_open_places_come_a_page_at_a_time(app, client, world, as_person):
    add_places(app, world, 120)  # 60 the staff could ask for
    as_person("staff")
    first = client.get("/shadowing").text
    places = re.findall(r'data-place="(\d+)"', first)
    assert len(places) == 50 and 'rel="next"' in first
    following = unescape(re.search(r'href="([^"]*after=[^"]*)" rel="next"', first)[1])
    second = client.get(following).text
    rest = re.findall(r'data-place="(\d+)"', second)
    assert rest and not set(rest) & set(places) and 'rel="prev"' in second
    assert client.get("/shadowing?after=nonsense&page=3").status_code == 200
