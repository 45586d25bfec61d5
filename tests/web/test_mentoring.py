"""Career champion pages: matching and requesting, answering, sessions and actions, the
caseload, notes privacy in every role, off-the-job sessions, the report and its downloads,
and every form's refusal (on both engines).

The world: staff (a care worker aiming for social worker on the apprenticeship route) and
"walked", a champion in the council who has worked as a social worker. make_people's
champion is paired with staff; that pairing is ended here, so "champion" is just another
champion, who must not see staff's pairing.
"""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from pathways import clock
from pathways.models import (
    ChampionPairing,
    ChampionProfile,
    MentoringAction,
    MentoringSession,
    OtjEntry,
    Person,
)
from pathways.suppression import SUPPRESSED
from tests.recipes import TOY_PATHWAY, ids_of, world_fixtures, world_on
from tests.web.sessions import start_session

TODAY = clock.today()
SUMMARY = "There is a problem"
NOTES = "Worried about the degree fees"
ROUTE = ["care-worker", "senior-care-worker", "diploma-l3", "practitioner",
         "sw-apprenticeship", "social-worker"]
ENDPOINTS_GET = ["/champions", "/champions/profile", "/champions/requests",
                 "/champions/caseload", "/champions/report", "/champions/report.csv"]


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


def pairing_of(app, champion_id: int, person_id: int) -> ChampionPairing | None:
    from webapp.extensions import db

    with app.app_context():
        found = db.session.scalars(select(ChampionPairing).filter_by(
            champion_id=champion_id, person_id=person_id)
            .order_by(ChampionPairing.id.desc())).first()
        if found is not None:
            db.session.expunge(found)
        return found


def agreement(until=TODAY + timedelta(days=180), goals="Get onto the apprenticeship",
              frequency="Monthly, an hour") -> dict:
    return {"goals": goals, "meeting_frequency": frequency, **date_parts("agreed_until", until)}


def session_data(held_on=TODAY, minutes="45", mode="video", topics="Routes into social work",
                 notes=NOTES, actions=(), next_on=TODAY + timedelta(days=30), otj=False) -> dict:
    """The session form's fields; ``actions`` holds (description, owner, due) rows."""
    data = {**date_parts("held_on", held_on), "duration_minutes": minutes, "mode": mode,
            "topics": topics, "private_notes": notes, **date_parts("next_session_on", next_on)}
    for number, (description, owner, due_on) in enumerate(actions, start=1):
        data |= {f"action{number}_description": description, f"action{number}_owner": owner,
                 **date_parts(f"action{number}_due_on", due_on)}
    if otj:
        data["count_as_otj"] = "y"
    return data


def set_up_champions(session, people: dict) -> int:
    """Give staff a target and route, end make_people's pairing, add "walked": its id."""
    from pathways.mentoring.champions import ChampionDetails, save_profile
    from pathways.people.accounts import create_person

    staff = session.get(Person, people["staff"])
    staff.current_role_id, staff.target_role_id, staff.chosen_route = (
        "care-worker", "social-worker", ROUTE)
    session.query(ChampionPairing).filter_by(champion_id=people["champion"]).update(
        {"status": "ended"})
    walked = create_person(session, email="walked@example.org", name="Wanda Walked",
                           organisation=staff.organisation, roles=["staff", "champion"])
    save_profile(session, walked, ChampionDetails(
        specialisms=("social_work",), roles_held=("social-worker",), capacity=3,
        availability="Tuesday afternoons"))
    save_profile(session, session.get(Person, people["champion"]), ChampionDetails(
        specialisms=("care_and_support",)))
    session.commit()
    return walked.id


def build_world(session, people: dict) -> dict:
    """Staff aiming at social worker; "walked", a champion who was one. Ids by name."""
    ids = ids_of(people)
    return {**ids, "walked": set_up_champions(session, ids)}


#: Built once per process and engine (see ``tests.recipes.world_on``).
WORLD = world_on(TOY_PATHWAY, "mentoring_pages", build_world)


database_url, world = world_fixtures(WORLD, TOY_PATHWAY)


@pytest.fixture
def as_(app, client, world):
    """Sign in as someone by short name (including "walked")."""
    return lambda key: start_session(app, client, world[key])


def ask(client, world, message="I would like to talk about the apprenticeship"):
    return client.post(f"/champions/{world['walked']}/request", data={"message": message})


def active_pairing(app, client, as_, world) -> int:
    """Staff asks walked, walked accepts: return the pairing's id."""
    as_("staff")
    assert ask(client, world).status_code == 303
    pairing = pairing_of(app, world["walked"], world["staff"])
    as_("walked")
    answer = client.post(f"/champions/requests/{pairing.id}/accept", data=agreement())
    assert answer.status_code == 303, text_of(answer)
    return pairing.id


# The whole flow -----------------------------------------------------------------------


def test_request_accept_session_and_action_done(app, client, as_, world):
    as_("staff")
    page = client.get("/champions")
    assert page.status_code == 200
    words = text_of(page)
    assert "Wanda Walked" in words and "Walked this road: has worked as Social worker." in words
    assert re.search(rf'data-champion="{world["walked"]}" data-score="80"', page.text)  # 50+20+10
    # The match in words, not "Score 80".
    assert "Match Strong match: has done the job you are aiming for" in words
    assert "Score" not in words
    assert "Tuesday afternoons" in words
    assert '<a class="govuk-service-navigation__link" href="/champions"' in page.text

    sent = ask(client, world)
    assert sent.status_code == 303 and sent.location.endswith("/champions#your-champions")
    pairing = pairing_of(app, world["walked"], world["staff"])
    assert pairing.status == "requested" and pairing.respond_by == TODAY + timedelta(days=10)
    assert pairing.request_message == "I would like to talk about the apprenticeship"
    words = text_of(client.get("/champions"))
    assert "Waiting for an answer" in words and "Wanda Walked" not in words.split(
        "Champions who could support you")[1]  # asked once: no longer suggested

    as_("walked")
    waiting = client.get("/champions/requests")
    assert waiting.status_code == 200
    assert "I would like to talk about the apprenticeship" in text_of(waiting)
    accepted = client.post(f"/champions/requests/{pairing.id}/accept", data=agreement())
    assert accepted.status_code == 303 and accepted.location.endswith(f"/pairings/{pairing.id}")
    assert pairing_of(app, world["walked"], world["staff"]).status == "active"

    recorded = client.post(f"/pairings/{pairing.id}/sessions", data=session_data(actions=[
        ("Book a shadowing day", "person", TODAY + timedelta(days=14)),
        ("", "", None),
        ("Send the ASYE guide", "champion", TODAY - timedelta(days=0))]))
    assert recorded.status_code == 303, text_of(recorded)
    assert count(app, MentoringSession, pairing_id=pairing.id) == 1
    assert count(app, MentoringAction) == 2

    page = client.get(f"/pairings/{pairing.id}")
    words = text_of(page)
    assert NOTES in words and "Book a shadowing day" in words and "Send the ASYE guide" in words
    assert "Notes are private to the pair" not in words
    from webapp.extensions import db

    with app.app_context():
        action_id = db.session.scalar(select(MentoringAction.id).filter_by(
            description="Book a shadowing day"))
    done = client.post(f"/pairings/{pairing.id}/actions/{action_id}/done")
    assert done.status_code == 303
    with app.app_context():
        assert db.session.get(MentoringAction, action_id).done_on == TODAY

    caseload = client.get("/champions/caseload")
    assert caseload.status_code == 200
    words = text_of(caseload)
    assert f'data-pairing="{pairing.id}"' in caseload.text and "Send the ASYE guide" in words
    assert "Book a shadowing day" not in words  # done

    asked = client.post(f"/pairings/{pairing.id}/end")  # "Are you sure?" first
    assert asked.status_code == 200 and "data-confirm" in asked.text
    assert "End your pairing with" in text_of(asked) and "cannot be undone" in text_of(asked)
    assert pairing_of(app, world["walked"], world["staff"]).status == "active"
    ended = client.post(f"/pairings/{pairing.id}/end", data={"confirm": "yes"})
    assert ended.status_code == 303
    assert pairing_of(app, world["walked"], world["staff"]).status == "ended"
    again = client.post(f"/pairings/{pairing.id}/end", data={"confirm": "yes"})
    assert again.status_code == 400 and "not active" in text_of(again)


def test_without_a_target_the_page_says_where_to_set_one(app, client, enter, world):
    from webapp.extensions import db

    with app.app_context():
        db.session.get(Person, world["staff"]).target_role_id = None
        db.session.commit()
    enter("staff")
    page = client.get("/champions")
    assert page.status_code == 200
    assert 'href="/profile#my-route"' in page.text
    assert "Set a target role on your profile" in text_of(page)
    refused = ask(client, world)
    assert refused.status_code == 400 and SUMMARY in refused.text
    assert "set a target role" in text_of(refused)
    assert count(app, ChampionPairing, champion_id=world["walked"]) == 0


def test_decline_shows_the_reason_to_the_person(app, client, as_, world):
    as_("staff")
    ask(client, world)
    pairing = pairing_of(app, world["walked"], world["staff"])
    as_("walked")
    declined = client.post(f"/champions/requests/{pairing.id}/decline",
                           data={"reason": "Full until the spring"})
    assert declined.status_code == 303 and declined.location.endswith("/champions/requests")
    assert pairing_of(app, world["walked"], world["staff"]).status == "declined"
    assert "No requests are waiting for you" in text_of(client.get("/champions/requests"))
    as_("staff")
    words = text_of(client.get("/champions"))
    assert "Declined: Full until the spring" in words


def test_the_person_withdraws_a_waiting_request_and_may_ask_again(app, client, as_, world):
    as_("staff")
    ask(client, world)
    pairing = pairing_of(app, world["walked"], world["staff"])
    page = client.get("/champions")
    assert f'action="/champions/requests/{pairing.id}/withdraw"' in page.text
    assert "Wanda Walked" not in text_of(page).split("Champions who could support you")[1]
    answer = client.post(f"/champions/requests/{pairing.id}/withdraw")
    assert answer.status_code == 303
    assert count(app, ChampionPairing, id=pairing.id, status="withdrawn") == 1
    page = client.get("/champions")
    words = text_of(page)
    assert "You withdrew the request. You can ask again." in words
    assert f'action="/champions/requests/{pairing.id}/withdraw"' not in page.text
    # The champion's place is free: they are offered again, and the request has gone.
    assert "Wanda Walked" in words.split("Champions who could support you")[1]
    as_("walked")
    assert "No requests are waiting for you" in text_of(client.get("/champions/requests"))
    late = client.post(f"/champions/requests/{pairing.id}/accept", data=agreement())
    assert late.status_code == 400 and "withdrawn, so it cannot be answered" in late.text
    as_("staff")
    again = client.post(f"/champions/requests/{pairing.id}/withdraw")
    assert again.status_code == 400 and "withdrawn, so it cannot be withdrawn" in again.text
    assert ask(client, world).status_code == 303


@pytest.mark.parametrize("actor, status", [("walked", 403), ("lnd", 403), ("colleague", 404),
                                           ("outsider", 404)])
def test_only_the_person_who_asked_withdraws(app, client, as_, world, actor, status):
    as_("staff")
    ask(client, world)
    pairing = pairing_of(app, world["walked"], world["staff"])
    as_(actor)
    assert client.post(f"/champions/requests/{pairing.id}/withdraw").status_code == status
    assert count(app, ChampionPairing, id=pairing.id, status="requested") == 1


def test_a_late_answer_is_refused_and_the_request_expires(app, client, as_, world):
    from webapp.extensions import db

    as_("staff")
    ask(client, world)
    pairing = pairing_of(app, world["walked"], world["staff"])
    with app.app_context():
        db.session.get(ChampionPairing, pairing.id).respond_by = TODAY - timedelta(days=1)
        db.session.commit()
    as_("walked")
    late = client.post(f"/champions/requests/{pairing.id}/accept", data=agreement())
    assert late.status_code == 400 and SUMMARY in late.text
    assert "expired" in text_of(late)
    assert pairing_of(app, world["walked"], world["staff"]).status == "expired"
    again = client.post(f"/champions/requests/{pairing.id}/decline", data={})
    assert again.status_code == 400 and "expired" in text_of(again)
    as_("staff")
    words = text_of(client.get("/champions"))
    assert "You can ask again" in words


# Who sees and does what ---------------------------------------------------------------

#: actor -> (answer to the pairing's page, whether the notes are shown)
PRIVACY = {
    "staff": (200, True),       # the person supported
    "walked": (200, True),      # their champion
    "manager": (200, False),    # the person's manager: the pairing, not the notes
    "lnd": (200, False),
    "admin": (200, False),
    "champion": (404, False),   # another champion
    "colleague": (404, False),
    "other_team": (404, False),
    "outsider": (404, False),
}


@pytest.mark.parametrize("actor, expected", PRIVACY.items())
def test_session_notes_are_for_the_pair_only(app, client, as_, world, actor, expected):
    pairing_id = active_pairing(app, client, as_, world)
    assert client.post(f"/pairings/{pairing_id}/sessions", data=session_data(
        actions=[("Book a shadowing day", "person", TODAY)])).status_code == 303
    as_(actor)
    page = client.get(f"/pairings/{pairing_id}")
    status, notes = expected
    assert page.status_code == status
    if status == 200:
        words = text_of(page)
        assert (NOTES in words) is notes
        assert ("Notes are private to the pair" in words) is not notes
        assert "Routes into social work" in words and "Book a shadowing day" in words
        assert ("Record a session" in words) is notes
    else:
        assert NOTES not in page.text and "Wanda" not in page.text


#: actor -> answer to a write on the pairing (record a session, mark done, end)
WRITE = {"staff": 303, "walked": 303, "manager": 403, "lnd": 403, "admin": 403,
         "champion": 404, "colleague": 404, "outsider": 404}


@pytest.mark.parametrize("actor, expected", WRITE.items())
def test_only_the_pair_writes(app, client, as_, world, actor, expected):
    from webapp.extensions import db

    pairing_id = active_pairing(app, client, as_, world)
    client.post(f"/pairings/{pairing_id}/sessions",
                data=session_data(actions=[("Read the guide", "person", TODAY)]))
    with app.app_context():
        action_id = db.session.scalar(select(MentoringAction.id))
    as_(actor)
    recorded = client.post(f"/pairings/{pairing_id}/sessions", data=session_data(notes="x"))
    done = client.post(f"/pairings/{pairing_id}/actions/{action_id}/done")
    ended = client.post(f"/pairings/{pairing_id}/end", data={"confirm": "yes"})
    assert (recorded.status_code, done.status_code, ended.status_code) == (expected,) * 3
    assert count(app, MentoringSession) == (2 if expected == 303 else 1)


def test_answering_is_for_the_champion_asked(app, client, as_, enter, world):
    as_("staff")
    ask(client, world)
    pairing = pairing_of(app, world["walked"], world["staff"])
    for actor, status in (("champion", 404), ("lnd", 403), ("staff", 403), ("manager", 403)):
        enter(actor)
        assert client.post(f"/champions/requests/{pairing.id}/accept",
                           data=agreement()).status_code == status, actor
        assert client.post(f"/champions/requests/{pairing.id}/decline",
                           data={}).status_code == status, actor
    assert pairing_of(app, world["walked"], world["staff"]).status == "requested"


@pytest.mark.parametrize("actor", ["staff", "manager", "lnd", "outsider"])
def test_the_champion_pages_need_the_champion_role(client, enter, world, actor):
    enter(actor)
    for page in ("/champions/profile", "/champions/requests", "/champions/caseload"):
        assert client.get(page).status_code == 403, page
    assert client.post("/champions/profile", data={"capacity": "2"}).status_code == 403


def test_champions_out_of_reach_are_not_found(app, client, enter, world):
    from pathways.mentoring.champions import ChampionDetails, save_profile
    from webapp.extensions import db

    with app.app_context():  # a champion at the partner, not open to the partnership
        partner = db.session.get(Person, world["partner_staff"])
        save_profile(db.session, partner, ChampionDetails(roles_held=("social-worker",)))
        db.session.commit()
    enter("staff")
    for person_id in (world["partner_staff"], world["colleague"], world["outsider"],
                      99999, 2147483647):
        refused = client.post(f"/champions/{person_id}/request", data={"message": "hi"})
        assert refused.status_code == 404, person_id
        assert "Partner" not in refused.text
    assert client.post("/champions/2147483648/request").status_code == 404
    assert client.get("/pairings/2147483648").status_code == 404
    assert client.get("/pairings/99999").status_code == 404
    assert count(app, ChampionPairing, person_id=world["staff"]) == 1  # the ended one


def test_signed_out_everything_sends_to_sign_in(client, world):
    gets = [*ENDPOINTS_GET, "/pairings/1"]
    posts = [f"/champions/{world['walked']}/request", "/champions/profile",
             "/champions/requests/1/accept", "/champions/requests/1/decline",
             "/pairings/1/sessions", "/pairings/1/actions/1/done", "/pairings/1/end"]
    for page in gets:
        answer = client.get(page)
        assert answer.status_code == 302 and "/login" in answer.location, page
    for page in posts:
        answer = client.post(page, data={})
        assert answer.status_code == 302 and "/login" in answer.location, page


def test_with_csrf_on_the_forms_carry_their_token(database_url):
    from tests.web.apps import running_app

    with running_app(database_url, with_people=True, WTF_CSRF_ENABLED=True) as app:
        from webapp.extensions import db

        with app.app_context():
            ids = {person.email.split("@")[0]: person.id
                   for person in db.session.scalars(select(Person))}
            ids["walked"] = set_up_champions(db.session, ids)
        client = app.test_client()

        def token(path: str) -> str:
            page = client.get(path).get_data(as_text=True)
            return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

        start_session(app, client, ids["staff"])
        url = f"/champions/{ids['walked']}/request"
        refused = client.post(url, data={"message": "hi"})
        assert refused.status_code == 400 and b"that form could not be sent" in refused.data
        sent = client.post(url, data={"message": "hi", "csrf_token": token("/champions")})
        assert sent.status_code == 303
        pairing = pairing_of(app, ids["walked"], ids["staff"])
        start_session(app, client, ids["walked"])
        accepted = client.post(f"/champions/requests/{pairing.id}/accept", data={
            **agreement(), "csrf_token": token("/champions/requests")})
        assert accepted.status_code == 303
        recorded = client.post(f"/pairings/{pairing.id}/sessions", data={
            **session_data(), "csrf_token": token(f"/pairings/{pairing.id}")})
        assert recorded.status_code == 303
        saved = client.post("/champions/profile", data={
            **profile_data(), "csrf_token": token("/champions/profile")})
        assert saved.status_code == 303


# Off-the-job ---------------------------------------------------------------------------


def enrol_staff(app, world, start=TODAY - timedelta(days=60)) -> int:
    from pathways.apprenticeships.setup import create_cohort, create_programme, enrol
    from pathways.snapshot import build_graph
    from webapp.extensions import db

    with app.app_context():
        session = db.session
        staff = session.get(Person, world["staff"])
        programme = create_programme(session, staff.organisation, name="SWDA",
                                     qualification_id="sw-apprenticeship", provider_name="Uni",
                                     leads_to_role_id="social-worker", G=build_graph(session))
        cohort = create_cohort(session, programme, name="SWDA now", start_date=start,
                               planned_end_date=start + timedelta(days=3 * 365))
        apprenticeship = enrol(session, cohort, staff, start_date=start,
                               planned_end_date=start + timedelta(days=3 * 365),
                               weekly_hours=37)
        session.commit()
        return apprenticeship.id


def test_a_session_can_count_as_off_the_job_training(app, client, as_, world):
    pairing_id = active_pairing(app, client, as_, world)
    page = client.get(f"/pairings/{pairing_id}")
    assert 'name="count_as_otj"' not in page.text  # no apprenticeship yet
    forged = client.post(f"/pairings/{pairing_id}/sessions", data=session_data(otj=True))
    assert forged.status_code == 400 and "no active apprenticeship" in text_of(forged)
    assert count(app, MentoringSession) == 0

    apprenticeship_id = enrol_staff(app, world)
    page = client.get(f"/pairings/{pairing_id}")
    assert 'name="count_as_otj"' in page.text
    recorded = client.post(f"/pairings/{pairing_id}/sessions",
                           data=session_data(minutes="90", otj=True))
    assert recorded.status_code == 303
    from webapp.extensions import db

    with app.app_context():
        [entry] = db.session.scalars(select(OtjEntry).filter_by(
            apprenticeship_id=apprenticeship_id)).all()
        record = db.session.scalars(select(MentoringSession)).one()
        assert (entry.id, entry.activity, float(entry.hours), entry.worked_on) == (
            record.otj_entry_id, "mentoring", 1.5, TODAY)
    assert "Off-the-job training" in text_of(client.get(f"/pairings/{pairing_id}"))
    as_("staff")  # it appears in the apprentice's off-the-job log
    log = text_of(client.get(f"/apprenticeships/{apprenticeship_id}"))
    assert "Mentoring session with Wanda Walked" in log

    # Before the apprenticeship started, the log refuses the day: shown, nothing written.
    as_("walked")
    early = client.post(f"/pairings/{pairing_id}/sessions", data=session_data(
        held_on=TODAY - timedelta(days=90), otj=True))
    assert early.status_code == 400 and "cannot be before the start" in text_of(early)
    assert count(app, MentoringSession) == 1


# The champion's profile ----------------------------------------------------------------


def profile_data(**changes) -> dict:
    data = {"specialisms": ["social_work", "nursing"],
            "roles_held": ["social-worker", "practitioner"], "capacity": "4",
            "open_to_partnership": "yes", "availability": "Mornings, by phone"}
    return {**data, **changes}


def test_a_champion_saves_their_profile(app, client, as_, world):
    from webapp.extensions import db

    as_("walked")
    page = client.get("/champions/profile")
    assert page.status_code == 200 and 'value="social-worker" checked' in page.text
    saved = client.post("/champions/profile", data=profile_data())
    assert saved.status_code == 303
    with app.app_context():
        profile = db.session.get(ChampionProfile, world["walked"])
        assert (profile.specialisms, profile.roles_held, profile.capacity,
                profile.open_to_partnership, profile.availability) == (
            ["social_work", "nursing"], ["social-worker", "practitioner"], 4, True,
            "Mornings, by phone")


@pytest.mark.parametrize("changes, message", [
    ({"capacity": "lots"}, "Enter a whole number from 0 to 20"),
    ({"capacity": "21"}, "Enter a whole number from 0 to 20"),
    ({"capacity": ""}, "Enter a whole number from 0 to 20"),
    ({"specialisms": ["astronomy"]}, "Choose specialisms from the list"),
    ({"roles_held": ["diploma-l3"]}, "Choose roles from the list"),
    ({"open_to_partnership": "perhaps"}, "Say whether you will support people"),
    ({"availability": "x" * 301}, "Must be 300 characters or fewer"),
])
def test_a_bad_profile_is_refused_and_nothing_changes(app, client, as_, world, changes,
                                                     message):
    from webapp.extensions import db

    as_("walked")
    refused = client.post("/champions/profile", data=profile_data(**changes))
    assert refused.status_code == 400 and SUMMARY in refused.text
    assert message in text_of(refused)
    with app.app_context():
        profile = db.session.get(ChampionProfile, world["walked"])
        assert (profile.capacity, profile.roles_held) == (3, ["social-worker"])


# Every other form's refusals ------------------------------------------------------------


def test_a_bad_request_is_refused(app, client, as_, world):
    as_("staff")
    long = ask(client, world, message="x" * 5001)
    assert long.status_code == 400 and SUMMARY in long.text
    assert "Must be 5000 characters or fewer" in text_of(long)
    assert count(app, ChampionPairing, champion_id=world["walked"]) == 0
    assert ask(client, world).status_code == 303
    twice = ask(client, world)
    assert twice.status_code == 400 and SUMMARY in twice.text
    assert "cannot take a request from you now" in text_of(twice)
    assert 'href="#matches"' in twice.text
    assert count(app, ChampionPairing, champion_id=world["walked"]) == 1


@pytest.mark.parametrize("data, message", [
    (agreement(goals=""), "Say what you will work on together"),
    (agreement(frequency=""), "Say how often you will meet"),
    (agreement(frequency="x" * 101), "Must be 100 characters or fewer"),
    (agreement(until=TODAY), "must be after today"),
    ({**agreement(), "agreed_until": ["31", "2", "2027"]}, "must be a real date"),
    ({**agreement(), "agreed_until": ["1", "1", "3000"]}, "must be from 2000 to 2099"),
    ({**agreement(), "agreed_until": ["", "", ""]}, "Enter the date the pairing runs until"),
])
def test_a_bad_agreement_is_refused(app, client, as_, world, data, message):
    as_("staff")
    ask(client, world)
    pairing = pairing_of(app, world["walked"], world["staff"])
    as_("walked")
    refused = client.post(f"/champions/requests/{pairing.id}/accept", data=data)
    assert refused.status_code == 400 and SUMMARY in refused.text
    assert message in text_of(refused)
    assert pairing_of(app, world["walked"], world["staff"]).status == "requested"
    long = client.post(f"/champions/requests/{pairing.id}/decline", data={"reason": "x" * 5001})
    assert long.status_code == 400 and "Must be 5000 characters or fewer" in text_of(long)
    assert pairing_of(app, world["walked"], world["staff"]).status == "requested"


@pytest.mark.parametrize("data, message, field", [
    (session_data(held_on=None), "Enter the date of the session", "held_on"),
    ({**session_data(), "held_on": ["30", "2", "2026"]}, "must be a real date", "held_on"),
    (session_data(held_on=TODAY + timedelta(days=1)), "cannot be in the future", "held_on"),
    (session_data(minutes="0"), "Enter the minutes, from 1 to 480", "duration_minutes"),
    (session_data(minutes="lots"), "Enter the minutes, from 1 to 480", "duration_minutes"),
    (session_data(minutes="481"), "Enter the minutes, from 1 to 480", "duration_minutes"),
    (session_data(mode="carrier_pigeon"), "Choose how you met", "mode"),
    (session_data(next_on=TODAY), "must be after the session", "next_session_on"),
    ({**session_data(), "next_session_on": ["1", "13", "2026"]}, "must be a real date",
     "next_session_on"),
    (session_data(actions=[("", "", None), ("Read the guide", "", TODAY)]),
     "the person or the champion", "action2_owner"),
    (session_data(actions=[("Read the guide", "manager", TODAY)]),
     "Choose whose action 1 is", "action1_owner"),
    (session_data(actions=[("", "person", TODAY)]), "say what was agreed",
     "action1_description"),
    (session_data(actions=[("Read", "person", None)]), "must be on or after the session",
     "action1_due_on"),
    (session_data(actions=[("Read", "person", TODAY - timedelta(days=1))]),
     "must be on or after the session", "action1_due_on"),
    (session_data(topics="x" * 5001), "Must be 5000 characters or fewer", "topics"),
])
def test_a_bad_session_is_refused_and_nothing_is_written(app, client, as_, world, data,
                                                        message, field):
    pairing_id = active_pairing(app, client, as_, world)
    refused = client.post(f"/pairings/{pairing_id}/sessions", data=data)
    assert refused.status_code == 400 and SUMMARY in refused.text
    assert message in text_of(refused)
    assert f'href="#{field}"' in refused.text
    assert count(app, MentoringSession) == 0 and count(app, MentoringAction) == 0


def test_marking_someone_elses_action_is_not_found(app, client, as_, world):
    from webapp.extensions import db

    pairing_id = active_pairing(app, client, as_, world)
    client.post(f"/pairings/{pairing_id}/sessions",
                data=session_data(actions=[("Read the guide", "person", TODAY)]))
    with app.app_context():
        action_id = db.session.scalar(select(MentoringAction.id))
        other = ChampionPairing(champion_id=world["walked"], person_id=world["colleague"],
                                status="active")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    assert client.post(f"/pairings/{other_id}/actions/{action_id}/done").status_code == 404
    assert client.post(f"/pairings/{pairing_id}/actions/99999/done").status_code == 404
    with app.app_context():
        assert db.session.get(MentoringAction, action_id).done_on is None


# The report ----------------------------------------------------------------------------


@pytest.fixture
def report_world(app, world):
    """Three pairings with sessions, actions, shadowing, role moves and an apprenticeship.

    Staff's and colleague's pairings were accepted in the period (the last 90 days),
    other_team's long before, with a session before the period. Returns what the report
    should say, worked out from the records made here.
    """
    from pathways.apprenticeships.setup import create_cohort, create_programme, enrol
    from pathways.mentoring import pairings, shadowing
    from pathways.mentoring import sessions as mentoring
    from pathways.models import Apprenticeship
    from pathways.snapshot import build_graph
    from webapp.extensions import db

    since, until = TODAY - timedelta(days=90), TODAY
    with app.app_context():
        session = db.session
        G = build_graph(session)
        get = lambda key: session.get(Person, world[key])  # noqa: E731
        made, accepted_on = {}, {}
        for key, accepted in (("staff", TODAY - timedelta(days=70)),
                              ("colleague", TODAY - timedelta(days=20)),
                              ("other_team", TODAY - timedelta(days=200))):
            get(key).target_role_id = "social-worker"
            pairing = pairings.request_champion(session, G, get(key), get("walked"))
            pairings.accept(session, pairing, goals="g", meeting_frequency="Monthly",
                            agreed_until=TODAY + timedelta(days=100))
            pairing.responded_at = datetime.combine(accepted, datetime.min.time(),
                                                    tzinfo=UTC)
            accepted_on[pairing.id] = accepted
            made[key] = pairing
        plan = [("staff", 60, 2), ("staff", 30, 1), ("staff", 0, 0), ("colleague", 5, 1),
                ("other_team", 120, 1), ("other_team", 10, 1)]
        records = [mentoring.record_session(
            session, made[key], held_on=TODAY - timedelta(days=ago), duration_minutes=30,
            mode="phone", actions=[mentoring.AgreedAction(
                f"Action {n}", "person", TODAY - timedelta(days=ago)) for n in range(actions)])
            for key, ago, actions in plan]
        mentoring.complete_action(session, records[0].actions[0], TODAY)
        mentoring.complete_action(session, records[4].actions[0], TODAY)  # out of the period
        pairings.end_pairing(session, made["other_team"])
        place = shadowing.publish_place(session, get("other_team"), role_id="social-worker",
                                        starts_on=TODAY, ends_on=TODAY + timedelta(days=5))
        shadowing.request_place(session, place, get("staff"))
        shadowing.request_place(session, place, get("manager"))
        for key, ago in (("staff", 10), ("other_team", 3), ("manager", 15), ("lnd", 400)):
            get(key).role_start_date = TODAY - timedelta(days=ago)
        programme = create_programme(session, get("staff").organisation, name="SWDA",
                                     qualification_id="sw-apprenticeship", provider_name="Uni",
                                     leads_to_role_id="social-worker", G=G)
        start = TODAY - timedelta(days=30)
        cohort = create_cohort(session, programme, name="Now", start_date=start,
                               planned_end_date=start + timedelta(days=1000))
        enrol(session, cohort, get("colleague"), start_date=start,
              planned_end_date=start + timedelta(days=1000), weekly_hours=37)
        session.commit()

        in_period = [r for r in records if since <= r.held_on <= until]
        months: dict[str, int] = {}
        for record in in_period:
            key = record.held_on.strftime("%Y-%m")
            months[key] = months.get(key, 0) + 1
        first: dict[int, date] = {}
        for record in sorted(records, key=lambda r: r.held_on):
            first.setdefault(record.pairing_id, record.held_on)
        waits = sorted((first[pid] - day).days for pid, day in accepted_on.items()
                       if since <= day <= until)
        actions = [a for r in in_period for a in r.actions]
        everyone = list(session.scalars(select(Person).filter_by(
            organisation_id=get("staff").organisation_id)))
        started = set(session.scalars(select(Apprenticeship.person_id).where(
            Apprenticeship.start_date >= since, Apprenticeship.start_date <= until)))
        mentees = {p.person_id for p in made.values()}

        def progression(group):
            moved = {p.id for p in group
                     if p.role_start_date and since <= p.role_start_date <= until}
            return len(group), len(moved) + len({p.id for p in group if p.id in started}
                                                - moved)

        assert len(waits) == 2 and all(wait >= 0 for wait in waits)
        return {
            "since": since, "until": until, "months": months,
            "active": sum(1 for p in made.values() if p.status == "active"),
            "median": (waits[0] + waits[1]) / 2,
            "agreed": len(actions), "done": sum(1 for a in actions if a.done_on),
            "mentees": progression([p for p in everyone if p.id in mentees]),
            "others": progression([p for p in everyone if p.id not in mentees]),
        }


def report_url(expected, fmt="") -> str:
    return (f"/champions/report{fmt}?since={expected['since'].isoformat()}"
            f"&until={expected['until'].isoformat()}")


def shown(count: int) -> str:
    """A count as the report shows it: below 5 suppressed (``pathways.suppression``)."""
    return str(count) if count >= 5 else SUPPRESSED


def test_the_report_matches_the_records(client, as_, report_world):
    """The page shows the records' counts, each below 5 as "fewer than 5" (a small world)."""
    expected = report_world
    as_("lnd")
    page = client.get(report_url(expected))
    assert page.status_code == 200, text_of(page)
    months = dict(re.findall(r'data-month="(\d{4}-\d{2})">\s*<th[^>]*>[^<]*</th>\s*'
                             r'<td[^>]*data-sessions="([^"]+)"', page.text))
    assert months == {month: shown(expected["months"].get(month, 0)) for month in months}
    span = (TODAY.year - expected["since"].year) * 12 + TODAY.month - expected["since"].month
    assert len(months) == span + 1  # every month of the period, with or without sessions
    assert '<svg' in page.text and 'id="sessions-chart"' in page.text
    figures = dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', page.text))
    assert figures["active_pairings"] == shown(expected["active"])
    assert figures["median_days_to_first_session"] == SUPPRESSED  # over 2 pairings
    assert figures["actions_agreed"] == shown(expected["agreed"])
    assert figures["actions_done"] == shown(expected["done"])
    assert re.search(r'data-state="requested">\s*<th[^>]*>Waiting for the manager</th>\s*'
                     rf'<td[^>]*>{SUPPRESSED}</td>', page.text)  # 2 requests
    headcounts = [expected[group][0] for group in ("mentees", "others")]
    assert min(headcounts) < 5  # so both are suppressed: together they are the organisation
    for group in ("mentees", "others"):
        row = re.search(rf'data-group="{group}">(.*?)</tr>', page.text, re.S).group(1)
        assert f'data-people="{SUPPRESSED}"' in row and f'data-share="{SUPPRESSED}"' in row
        assert f'data-progressed="{shown(expected[group][1])}"' in row
    assert NOTES not in page.text


def test_a_count_of_four_is_suppressed_and_five_is_shown(app, client, as_, world):
    """Regression (issue 11, item 4): the report showed counts of 1 to 4 people."""
    from webapp.extensions import db

    def active_pairings() -> str:
        page = client.get("/champions/report")
        return dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', page.text)
                    )["active_pairings"]

    def pair(*keys):
        with app.app_context():
            for key in keys:
                db.session.add(ChampionPairing(champion_id=world["walked"],
                                               person_id=world[key], status="active"))
            db.session.commit()

    as_("lnd")
    pair("staff", "colleague", "other_team", "manager")
    assert active_pairings() == SUPPRESSED
    rows = list(csv.reader(io.StringIO(client.get("/champions/report.csv").text)))
    assert [row[2] for row in rows if row[0] == "Pairings"] == [SUPPRESSED]
    pair("lnd")
    assert active_pairings() == "5"
    rows = list(csv.reader(io.StringIO(client.get("/champions/report.csv").text)))
    assert [row[2] for row in rows if row[0] == "Pairings"] == ["5"]


def test_the_report_downloads_hold_the_same_numbers(client, as_, report_world):
    expected = report_world
    as_("walked")  # champions see the organisation's report too
    answer = client.get(report_url(expected, ".csv"))
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="mentoring-report-{expected["since"].isoformat()}-to-'
        f'{expected["until"].isoformat()}.csv"')
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Measure", "Value"]
    values = {(section, measure): value for section, measure, value in rows[1:]}
    assert values[("Actions", "Agreed in the period's sessions")] == shown(expected["agreed"])
    assert values[("Actions", "Done")] == shown(expected["done"])
    assert values[("First session", "Median days from accepting")] == SUPPRESSED
    assert values[("Shadowing requests", "Waiting for the manager")] == SUPPRESSED
    assert values[("Progression: mentees", "People")] == SUPPRESSED
    assert {(measure, value) for (section, measure), value in values.items()
            if section == "Sessions" and value != SUPPRESSED} == set()  # no month had 5
    xlsx = client.get(report_url(expected, ".xlsx"))
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_the_report_downloads_are_recorded_in_the_audit_log(app, client, as_, world):
    """Regression (issue 11, item 3): downloads left no trace in the audit log."""
    from pathways.models import AuditEvent
    from webapp.extensions import db

    as_("lnd")
    since, until = TODAY - timedelta(days=90), TODAY - timedelta(days=1)
    answer = client.get(f"/champions/report.csv?since={since}&until={until}")
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).filter_by(action="export")).all()
        council = db.session.get(Person, world["lnd"]).organisation_id
    assert (event.actor_id, event.entity_type, event.entity_id, event.organisation_id) == (
        world["lnd"], "organisation", str(council), council)
    assert event.details == {"what": f"the mentoring report from {since} to {until}",
                             "format": "csv", "rows": len(rows) - 1}


@pytest.mark.parametrize("actor, status", [
    ("lnd", 200), ("admin", 200), ("walked", 200), ("champion", 200), ("partnership_lnd", 200),
    ("staff", 403), ("manager", 403), ("outsider", 403)])
def test_who_sees_the_report(client, as_, world, actor, status):
    as_(actor)
    assert client.get("/champions/report").status_code == status
    assert client.get("/champions/report.csv").status_code == status


def test_the_report_defaults_to_the_last_twelve_months(client, as_, world):
    as_("lnd")
    page = client.get("/champions/report")
    months = re.findall(r'data-month="(\d{4}-\d{2})"', page.text)
    assert len(months) == 12 and months[-1] == TODAY.strftime("%Y-%m")


@pytest.mark.parametrize("query, message", [
    ("since=yesterday", "The start date must be a date written YYYY-MM-DD"),
    ("until=2026-02-30", "The end date must be a date written YYYY-MM-DD"),
    ("since=1999-12-31", "must be from 2000-01-01 to 2099-12-31"),
    ("since=2026-03-01&until=2026-02-01", "The end date must be on or after the start date"),
    ("since=2001-01-01&until=2026-01-01", "The period must be at most 10 years"),
])
def test_a_bad_period_is_refused(client, as_, world, query, message):
    as_("lnd")
    page = client.get(f"/champions/report?{query}")
    assert page.status_code == 400 and SUMMARY in page.text
    assert message in text_of(page)
    download = client.get(f"/champions/report.csv?{query}")
    assert download.status_code == 400 and message in text_of(download)
    assert client.get("/champions/report.pdf").status_code == 404


# A fixed number of queries -------------------------------------------------------------------


def add_champions(app, world, how_many: int, start: int = 0) -> None:
    """Add ``how_many`` champions with room: in the staff's council, at the partner (open to
    the partnership or not) and outside the partnership (open to it), one in four full."""
    from pathways.mentoring.champions import ChampionDetails, save_profile
    from pathways.people.accounts import create_person
    from webapp.extensions import db

    with app.app_context():
        places = [db.session.get(Person, world[key]).organisation
                  for key in ("staff", "partner_staff", "outsider")]
        supported = db.session.get(Person, world["colleague"])
        for number in range(start, start + how_many):
            champion = create_person(db.session, email=f"c{number}@example.org",
                                     name=f"Champion {number:03}",
                                     organisation=places[number % 3],
                                     roles=["staff", "champion"])
            save_profile(db.session, champion, ChampionDetails(
                roles_held=("social-worker",) if number % 2 else (), capacity=1,
                specialisms=("social_work",), open_to_partnership=number % 4 != 1))
            if number % 4 == 3:
                db.session.add(ChampionPairing(champion_id=champion.id,
                                               person_id=supported.id, status="active"))
        db.session.commit()


def test_matching_costs_a_fixed_number_of_queries_and_reads_only_the_reach(app, client,
                                                                          world, as_):
    from tests.querycount import counting
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    # 36 champions fill the page from the same floor of the ranking as 76 (FLOORS): the
    # walkers and the specialists in the staff member's organisation.
    add_champions(app, world, 36)
    as_("staff")
    client.get("/champions")
    with counting(engine) as small:
        assert client.get("/champions").status_code == 200
    add_champions(app, world, 40, start=36)
    with counting(engine) as large:
        page = client.get("/champions")
    assert large.count == small.count, large.statements
    shown = set(map(int, re.findall(r'data-champion="(\d+)"', page.text)))
    with app.app_context():
        champions = db.session.scalars(select(Person).where(Person.name.like("Champion %")))
        council = db.session.get(Person, world["staff"]).organisation_id
        partner = db.session.get(Person, world["partner_staff"]).organisation_id
        could = {champion.id for champion, number in (
            (champion, int(champion.name.split()[-1])) for champion in champions)
            if number % 4 != 3 and (champion.organisation_id == council or (
                champion.organisation_id == partner and number % 4 != 1))}
    assert shown <= could | {world["walked"], world["champion"]} and len(shown) == 10
    assert all(int(n) % 4 != 3 for n in re.findall(r"Champion (\d+)", page.text))
    assert "Far Away Care" not in page.text


def test_the_champions_page_reads_the_same_rows_at_two_sizes(app, client, world, as_):
    """Ranked in the database: with 36 or 96 champions the page runs the same statements
    and loads only the page of matches, not everyone in reach."""
    from sqlalchemy import event

    from tests.querycount import counting
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    loaded: list[int] = []

    def load(target, context) -> None:
        loaded.append(target.id)

    def measure():
        loaded.clear()
        with counting(engine) as statements:
            page = client.get("/champions")
        assert page.status_code == 200
        return statements, len(loaded), page.text.count('data-champion="')

    add_champions(app, world, 36)
    as_("staff")
    client.get("/champions")
    event.listen(Person, "load", load)
    try:
        small, small_people, small_shown = measure()
        add_champions(app, world, 60, start=36)
        large, large_people, large_shown = measure()
    finally:
        event.remove(Person, "load", load)
    assert large.count == small.count, large.statements
    assert small_shown == large_shown == 10
    # The signed-in person, their pairings' people and the page of matches: never the 96.
    assert small_people <= 15 and large_people <= 15, (small_people, large_people)


def add_caseload(app, world, people: int, start: int = 0) -> None:
    """Give "walked" ``people`` more active pairings, each with two sessions of two actions,
    and as many requests waiting for an answer."""
    from pathways.people.accounts import create_person
    from webapp.extensions import db

    with app.app_context():
        champion = db.session.get(Person, world["walked"])
        for number in range(start, start + people):
            for status in ("active", "requested"):
                person = create_person(db.session, email=f"{status}{number}@example.org",
                                       name=f"Mentee {status} {number:03}",
                                       organisation=champion.organisation, roles=["staff"])
                pairing = ChampionPairing(champion_id=champion.id, person_id=person.id,
                                          status=status, respond_by=TODAY)
                db.session.add(pairing)
                db.session.flush()
                for ago in (20, 5) if status == "active" else ():
                    held = MentoringSession(pairing_id=pairing.id, duration_minutes=30,
                                            held_on=TODAY - timedelta(days=ago), mode="video",
                                            next_session_on=TODAY + timedelta(days=ago - 10))
                    db.session.add(held)
                    db.session.flush()
                    db.session.add_all([MentoringAction(
                        session_id=held.id, description=f"Action {n}", owner="person",
                        due_on=TODAY - timedelta(days=n)) for n in range(2)])
        db.session.commit()


def test_the_caseload_costs_a_fixed_number_of_queries(app, client, world, as_):
    from tests.querycount import counting
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    add_caseload(app, world, 2)
    as_("walked")
    client.get("/champions/caseload")
    with counting(engine) as small:
        assert client.get("/champions/caseload").status_code == 200
    add_caseload(app, world, 12, start=2)
    with counting(engine) as large:
        page = client.get("/champions/caseload")
    assert large.count == small.count, large.statements
    assert page.text.count("data-pairing=") == 14
    assert "14 requests are waiting for your answer" in text_of(page)
    assert page.text.count("data-action=") == 14 * 4


def test_the_report_costs_a_fixed_number_of_queries(app, client, as_, report_world):
    from tests.querycount import counting
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
    as_("lnd")
    address = report_url(report_world)
    client.get(address)
    with counting(engine) as small:
        before = client.get(address).text
    with app.app_context():
        pairing = db.session.scalars(select(ChampionPairing).filter_by(status="active")).first()
        for ago in range(1, 40):
            held = MentoringSession(pairing_id=pairing.id, held_on=TODAY - timedelta(days=ago),
                                    duration_minutes=30, mode="video")
            db.session.add(held)
            db.session.flush()
            db.session.add_all([MentoringAction(session_id=held.id, description="Read",
                                                owner="person", due_on=TODAY,
                                                done_on=TODAY if number else None)
                                for number in range(3)])
        db.session.commit()
    with counting(engine) as large:
        after = client.get(address).text
    assert large.count == small.count, large.statements
    figures = dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', after))
    assert figures["actions_agreed"] == str(report_world["agreed"] + 117)
    assert figures["actions_done"] == str(report_world["done"] + 78)
    assert before != after
