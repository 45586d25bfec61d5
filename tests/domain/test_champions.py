"""Champion profiles, their import, and matching a person with champions (both engines)."""

import pytest

from pathways.errors import InvalidInput
from pathways.interchange.store import save_document
from pathways.mentoring.champions import ChampionDetails, import_champions, save_profile
from pathways.mentoring.matching import (
    SAME_ORGANISATION,
    SPECIALISM,
    WALKED_ROUTE,
    WALKED_TARGET,
    match_champions,
)
from pathways.models import AuditEvent, ChampionPairing, ChampionProfile, Person
from pathways.people.accounts import create_person
from pathways.policy import ALLOW, FORBID, HIDE, can_read_mentoring_notes, can_view_pairing
from pathways.snapshot import build_graph
from tests.factories import make_people, toy_document

#: The apprenticeship route in the toy graph: its roles on the way are senior care worker
#: and practitioner.
ROUTE = ["care-worker", "senior-care-worker", "diploma-l3", "practitioner",
         "sw-apprenticeship", "social-worker"]


@pytest.fixture
def world(session):
    save_document(session, toy_document())
    people = make_people(session)
    staff = people["staff"]
    staff.current_role_id, staff.target_role_id, staff.chosen_route = (
        "care-worker", "social-worker", ROUTE)
    session.flush()
    people["G"] = build_graph(session)
    return people


def champion(session, world, key, organisation=None, mentees=0, **details):
    person = create_person(session, email=f"{key}@example.org", name=key.title(),
                           organisation=organisation or world["staff"].organisation,
                           roles=["staff", "champion"])
    save_profile(session, person, ChampionDetails(**details))
    for number in range(mentees):
        mentee = create_person(session, email=f"{key}-mentee{number}@example.org",
                               name=f"Mentee {number}", organisation=person.organisation,
                               roles=["staff"])
        session.add(ChampionPairing(champion_id=person.id, person_id=mentee.id))
    session.flush()
    return person


def ranked(session, world):
    return [(m.champion.email.split("@")[0], m.score)
            for m in match_champions(session, world["G"], world["staff"])]


def test_walking_the_road_beats_a_specialism_alone(session, world):
    champion(session, world, "walked", roles_held=("social-worker",))
    champion(session, world, "route", roles_held=("practitioner",))
    champion(session, world, "specialist", specialisms=("social_work",))
    assert ranked(session, world) == [
        ("walked", WALKED_TARGET + SAME_ORGANISATION),
        ("route", WALKED_ROUTE + SAME_ORGANISATION),
        ("specialist", SPECIALISM + SAME_ORGANISATION)]
    reasons = match_champions(session, world["G"], world["staff"])[1].reasons
    assert reasons[0] == ("Walked part of this road: has worked as Adult social care "
                          "practitioner, on your route.")


def test_full_champions_are_never_suggested(session, world):
    champion(session, world, "full", roles_held=("social-worker",), capacity=1, mentees=1)
    champion(session, world, "zero", roles_held=("social-worker",), capacity=0)
    champion(session, world, "free", capacity=2, mentees=1)
    assert ranked(session, world) == [("free", SAME_ORGANISATION)]
    only = match_champions(session, world["G"], world["staff"])[0]
    assert only.reasons[-1] == "Has room for 1 more person (1 of 2 places taken)."


def test_ties_go_to_the_champion_with_fewer_mentees(session, world):
    champion(session, world, "busy", specialisms=("social_work",), capacity=5, mentees=2)
    champion(session, world, "quiet", specialisms=("social_work",), capacity=5, mentees=1)
    assert [name for name, _ in ranked(session, world)] == ["quiet", "busy"]


def test_other_organisations_only_when_open_to_the_partnership(session, world):
    partner = world["partner_staff"].organisation
    outside = world["outsider"].organisation
    champion(session, world, "closed", organisation=partner, roles_held=("social-worker",))
    champion(session, world, "open", organisation=partner, roles_held=("social-worker",),
             open_to_partnership=True)
    champion(session, world, "far", organisation=outside, roles_held=("social-worker",),
             open_to_partnership=True)
    assert ranked(session, world) == [("open", WALKED_TARGET)]


def test_the_existing_pairing_and_the_person_themself_are_left_out(session, world):
    save_profile(session, world["champion"], ChampionDetails(roles_held=("social-worker",)))
    save_profile(session, world["staff"], ChampionDetails(roles_held=("social-worker",)))
    # make_people pairs the champion with staff already: not suggested again.
    assert ranked(session, world) == []


def test_matching_needs_a_target(session, world):
    world["staff"].target_role_id = None
    with pytest.raises(InvalidInput, match="target_role"):
        match_champions(session, world["G"], world["staff"])


def test_without_a_chosen_route_the_quickest_route_counts(session, world):
    world["staff"].chosen_route = None
    champion(session, world, "route", roles_held=("practitioner",))
    # The quickest route is the university degree: no roles on the way.
    assert ranked(session, world) == [("route", SAME_ORGANISATION)]


GOOD = """email,specialisms,roles_held,capacity,open_to_partnership
colleague@example.org,Social work;care_and_support,Social worker;practitioner,2,yes
other_team@example.org,,,,
"""


def test_importing_champions_sets_profiles_and_the_role(session, world):
    assert import_champions(session, GOOD, world["staff"].organisation, world["G"]) == 2
    profile = session.get(ChampionProfile, world["colleague"].id)
    assert profile.specialisms == ["social_work", "care_and_support"]
    assert profile.roles_held == ["social-worker", "practitioner"]
    assert (profile.capacity, profile.open_to_partnership) == (2, True)
    default = session.get(ChampionProfile, world["other_team"].id)
    assert (default.capacity, default.open_to_partnership) == (3, False)
    assert world["other_team"].has_role("champion")


@pytest.mark.parametrize("row, message", [
    ("nobody@example.org,,,,", "row 2: email: nobody with nobody@example.org works here"),
    ("outsider@example.org,,,,", "row 2: email: outsider@example.org works for another"),
    ("colleague@example.org,Astronomy,,,", "row 2: specialisms: 'Astronomy' is not a role"),
    ("colleague@example.org,,Astronaut,,", "row 2: roles_held: No role or qualification"),
    ("colleague@example.org,,diploma-l3,,", "row 2: roles_held: 'diploma-l3' is a qualif"),
    ("colleague@example.org,,,lots,", "row 2: capacity: must be a whole number from 0 to 20"),
    ("colleague@example.org,,,21,", "row 2: capacity: must be a whole number"),
    ("colleague@example.org,,,,maybe", "row 2: open_to_partnership: must be yes or no"),
    (",,,,yes", "row 2: email: is empty"),
])
def test_a_bad_row_writes_nothing(session, world, row, message):
    text = f"email,specialisms,roles_held,capacity,open_to_partnership\n{row}\n" \
           "other_team@example.org,,,,\n"
    before = session.query(AuditEvent).count()
    with pytest.raises(InvalidInput) as refused:
        import_champions(session, text, world["staff"].organisation, world["G"])
    assert message in str(refused.value)
    assert session.query(ChampionProfile).count() == 0
    assert session.query(AuditEvent).count() == before


def test_the_same_email_twice_is_refused(session, world):
    text = GOOD + "colleague@example.org,,,,\n"
    with pytest.raises(InvalidInput,
                       match=r"row 4: email: colleague@example\.org is also on row 2"):
        import_champions(session, text, world["staff"].organisation, world["G"])


# Requests, agreements, declines and expiry ---------------------------------------------

from datetime import UTC, date, timedelta  # noqa: E402

from pathways.mentoring import pairings  # noqa: E402

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def on_today(time_machine):
    """This module's dates are fixed around TODAY: the clock (timestamps such as requested_at)
    reads TODAY too, whatever day the suite runs on (TEST_CLOCK_YEARS_AHEAD)."""
    from datetime import datetime

    time_machine.move_to(datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=UTC))


def _request(session, world, who="walked"):
    chosen = champion(session, world, who, roles_held=("social-worker",), capacity=1)
    return chosen, pairings.request_champion(session, world["G"], world["staff"], chosen,
                                             message="Hello", today=TODAY)


def test_a_request_waits_for_the_champion_and_takes_a_place(session, world):
    chosen, pairing = _request(session, world)
    assert (pairing.status, pairing.respond_by) == ("requested", TODAY + timedelta(days=10))
    # The request uses the champion's only place: nobody else is offered them.
    assert ranked(session, world) == []
    with pytest.raises(pairings.PairingRefused, match="cannot take a request"):
        pairings.request_champion(session, world["G"], world["staff"], chosen, today=TODAY)


def test_accepting_needs_an_agreement(session, world):
    _, pairing = _request(session, world)
    with pytest.raises(InvalidInput) as refused:
        pairings.accept(session, pairing, goals=" ", meeting_frequency="",
                        agreed_until=TODAY, today=TODAY)
    assert {p.where for p in refused.value.problems} == {"goals", "meeting_frequency",
                                                          "agreed_until"}
    assert pairing.status == "requested"
    pairings.accept(session, pairing, goals="Explore social work", meeting_frequency="Monthly",
                    agreed_until=TODAY + timedelta(days=180), today=TODAY)
    assert pairing.status == "active" and pairing.goals == "Explore social work"
    with pytest.raises(pairings.PairingRefused, match="is active"):
        pairings.decline(session, pairing, today=TODAY)


@pytest.mark.parametrize("days_late, answered", [(10, True), (11, False)])
def test_a_request_expires_after_its_respond_by_date(session, world, days_late, answered):
    _, pairing = _request(session, world)
    day = TODAY + timedelta(days=days_late)
    if answered:
        pairings.decline(session, pairing, reason="Full this term", today=day)
        assert pairing.status == "declined"
    else:
        with pytest.raises(pairings.PairingRefused, match="expired on 2026-12-04"):
            pairings.decline(session, pairing, today=day)
        assert pairing.status == "expired"


def test_expire_requests_frees_the_place(session, world):
    _, pairing = _request(session, world)
    assert pairings.expire_requests(session, TODAY + timedelta(days=10)) == 0
    assert pairings.expire_requests(session, TODAY + timedelta(days=11)) == 1
    session.refresh(pairing)
    assert pairing.status == "expired"
    assert [name for name, _ in ranked(session, world)] == ["walked"]


def test_withdrawing_a_request_frees_the_place_and_it_cannot_be_answered(session, world):
    chosen, pairing = _request(session, world)
    assert ranked(session, world) == []
    pairings.withdraw_request(session, pairing, actor=world["staff"])
    assert pairing.status == "withdrawn"
    assert [name for name, _ in ranked(session, world)] == ["walked"]
    with pytest.raises(pairings.PairingRefused, match="withdrawn, so it cannot be answered"):
        pairings.accept(session, pairing, goals="g", meeting_frequency="m",
                        agreed_until=TODAY + timedelta(days=30), today=TODAY)
    with pytest.raises(pairings.PairingRefused, match="withdrawn, so it cannot be withdrawn"):
        pairings.withdraw_request(session, pairing, actor=world["staff"])
    # The person may ask again.
    again = pairings.request_champion(session, world["G"], world["staff"], chosen, today=TODAY)
    assert again.status == "requested" and again.id != pairing.id


def test_an_answered_request_cannot_be_withdrawn(session, world):
    _, pairing = _request(session, world)
    pairings.decline(session, pairing, reason="Full", today=TODAY)
    with pytest.raises(pairings.PairingRefused, match="declined, so it cannot be withdrawn"):
        pairings.withdraw_request(session, pairing, actor=world["staff"])


def test_either_side_ends_an_active_pairing(session, world):
    _, pairing = _request(session, world)
    with pytest.raises(pairings.PairingRefused, match="not active"):
        pairings.end_pairing(session, pairing)
    pairings.accept(session, pairing, goals="g", meeting_frequency="m",
                    agreed_until=TODAY + timedelta(days=1), today=TODAY)
    pairings.end_pairing(session, pairing, actor=world["staff"])
    assert pairing.status == "ended"
    assert pairings.pairings_of(session, world["staff"])[0] is pairing


# Mentoring sessions, the off-the-job link and the caseload ------------------------------

from pathways.mentoring import sessions as mentoring  # noqa: E402


def _active(session, world):
    chosen, pairing = _request(session, world)
    pairings.accept(session, pairing, goals="g", meeting_frequency="Monthly",
                    agreed_until=TODAY + timedelta(days=200), today=TODAY)
    return chosen, pairing


def test_a_session_keeps_its_actions_and_checks_every_field(session, world):
    _, pairing = _active(session, world)
    with pytest.raises(InvalidInput) as refused:
        mentoring.record_session(
            session, pairing, held_on=TODAY + timedelta(days=1), duration_minutes=0,
            mode="carrier pigeon", next_session_on=TODAY,
            actions=[mentoring.AgreedAction(" ", "manager", TODAY - timedelta(days=1))],
            today=TODAY)
    assert {p.where for p in refused.value.problems} == {
        "held_on", "duration_minutes", "mode", "next_session_on", "actions[1].description",
        "actions[1].owner", "actions[1].due_on"}
    record = mentoring.record_session(
        session, pairing, held_on=TODAY, duration_minutes=45, mode="video",
        topics="Routes into social work", private_notes="Worried about the degree",
        actions=[mentoring.AgreedAction("Book shadowing", "person", TODAY + timedelta(days=14))],
        next_session_on=TODAY + timedelta(days=30), today=TODAY)
    assert [a.description for a in record.actions] == ["Book shadowing"]
    assert record.otj_entry_id is None


def test_a_session_with_an_apprentice_can_count_as_off_the_job(session, world):
    from pathways.apprenticeships.setup import create_cohort, create_programme, enrol

    _, pairing = _active(session, world)
    with pytest.raises(InvalidInput, match="no active apprenticeship"):
        mentoring.record_session(session, pairing, held_on=TODAY, duration_minutes=90,
                                 mode="phone", count_as_otj=True, today=TODAY)
    programme = create_programme(session, world["staff"].organisation, name="SWDA",
                                 qualification_id="sw-apprenticeship", provider_name="Uni",
                                 leads_to_role_id="social-worker", G=world["G"])
    cohort = create_cohort(session, programme, name="2026", start_date=date(2026, 9, 1),
                           planned_end_date=date(2029, 8, 31))
    apprenticeship = enrol(session, cohort, world["staff"], start_date=date(2026, 9, 1),
                           planned_end_date=date(2029, 8, 31), weekly_hours=37)
    record = mentoring.record_session(session, pairing, held_on=TODAY, duration_minutes=90,
                                      mode="phone", count_as_otj=True, today=TODAY)
    [entry] = apprenticeship.otj_entries
    assert (entry.id, entry.activity, float(entry.hours), entry.worked_on) == (
        record.otj_entry_id, "mentoring", 1.5, TODAY)


def test_the_caseload_puts_overdue_follow_ups_first(session, world):
    chosen, pairing = _active(session, world)
    [entry] = mentoring.caseload(session, chosen, TODAY)
    assert not entry.follow_up_overdue and entry.last_session is None
    mentoring.record_session(
        session, pairing, held_on=TODAY, duration_minutes=30, mode="in_person",
        actions=[mentoring.AgreedAction("Read the ASYE guide", "person",
                                        TODAY + timedelta(days=7))],
        next_session_on=TODAY + timedelta(days=20), today=TODAY)
    later = TODAY + timedelta(days=21)
    [entry] = mentoring.caseload(session, chosen, later)
    assert entry.follow_up_overdue and len(entry.overdue_actions) == 1
    mentoring.complete_action(session, entry.open_actions[0], later)
    [entry] = mentoring.caseload(session, chosen, later)
    assert entry.open_actions == [] and entry.overdue_actions == []


# Privacy ------------------------------------------------------------------------------

#: actor -> (may see the pairing exists, may read its notes) for the staff member's pairing
PRIVACY = {
    "staff": (ALLOW, ALLOW),         # the person supported
    "walked": (ALLOW, ALLOW),        # their champion
    "champion": (HIDE, HIDE),        # another champion, no longer paired with staff
    "manager": (ALLOW, FORBID),      # the person's manager sees the pairing, not the notes
    "lnd": (ALLOW, FORBID),
    "admin": (ALLOW, FORBID),
    "colleague": (HIDE, HIDE),
    "outsider": (HIDE, HIDE),
}


@pytest.mark.parametrize("actor, expected", PRIVACY.items())
def test_notes_are_for_the_pair_only(session, world, actor, expected):
    chosen, pairing = _active(session, world)
    # make_people pairs "champion" with staff; end it so that champion is just another one.
    session.query(ChampionPairing).filter_by(champion_id=world["champion"].id).update(
        {"status": "ended"})
    people = {**world, "walked": chosen}
    assert (can_view_pairing(session, people[actor], pairing),
            can_read_mentoring_notes(session, people[actor], pairing)) == expected


# The report against hand-computed numbers ----------------------------------------------


def test_the_report_numbers(session, world):
    from datetime import datetime

    from pathways.mentoring import shadowing
    from pathways.mentoring.reports import mentoring_report

    _chosen, pairing = _active(session, world)
    pairing.responded_at = datetime(2026, 10, 1, 9, tzinfo=UTC)
    for day, done in ((date(2026, 10, 6), True), (date(2026, 11, 3), False)):
        record = mentoring.record_session(
            session, pairing, held_on=day, duration_minutes=30, mode="video",
            actions=[mentoring.AgreedAction("Do a thing", "person", day)], today=TODAY)
        if done:
            mentoring.complete_action(session, record.actions[0], day)
    world["staff"].role_start_date = date(2026, 10, 20)      # a mentee who moved role
    world["colleague"].role_start_date = date(2026, 10, 21)  # someone else who moved role
    place = shadowing.publish_place(session, world["other_team"], role_id="social-worker",
                                    starts_on=TODAY, ends_on=TODAY, capacity=2, today=TODAY)
    shadowing.decide(session, shadowing.request_place(session, place, world["staff"],
                                                      today=TODAY), True, actor=world["manager"])
    shadowing.request_place(session, place, world["colleague"], today=TODAY)
    session.flush()
    report = mentoring_report(session, world["staff"].organisation, date(2026, 9, 1), TODAY)
    assert report.sessions_by_month == {"2026-10": 1, "2026-11": 1}
    # Two active pairings: make_people's champion with staff, and this one.
    assert report.active_pairings == 2
    assert report.days_to_first_session == [5]
    assert (report.actions_agreed, report.actions_done) == (2, 1)
    assert report.shadowing_by_status == {"approved": 1, "requested": 1}
    # Mentees: staff only (make_people's pairing was never "accepted": no responded_at).
    assert (report.mentees.people, report.mentees.moved_role) == (1, 1)
    people_in_council = len([p for p in session.query(Person)
                             if p.organisation_id == world["staff"].organisation_id])
    assert (report.others.people, report.others.moved_role) == (people_in_council - 1, 1)
    assert report.to_json()["median_days_to_first_session"] == 5


@pytest.mark.parametrize("score, words", [
    (80, "Strong match"), (50, "Strong match"), (40, "Good match"), (30, "Good match"),
    (30 - 1, "Fair match"), (20, "Fair match"), (10, "Could help"), (0, "Could help")])
def test_a_match_says_its_strength_in_words(score, words):
    from pathways.mentoring.matching import ChampionMatch

    match = ChampionMatch(None, score, (), 0, 1)  # type: ignore[arg-type]
    assert match.strength.startswith(words + ": ")
