"""Limited things taken at the same moment: a post, a champion's places, a shadowing place, a
practice educator and a day's off-the-job hours (both engines).

Each test fires the same service call from several threads at once (``tests.concurrency``),
then counts the rows: a limit must hold however the calls interleave, and every call that
lost must have been told so (a refusal), never acknowledged and then overwritten.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pathways.apprenticeships import placements, records
from pathways.apprenticeships.setup import enrol
from pathways.mentoring import pairings, shadowing
from pathways.mentoring.champions import ChampionDetails, save_profile
from pathways.models import (
    Apprenticeship,
    AuditEvent,
    ChampionPairing,
    Cohort,
    OtjEntry,
    Person,
    Placement,
    Post,
    ShadowingPlace,
    ShadowingRequest,
)
from pathways.people.accounts import create_person
from pathways.snapshot import build_graph
from tests.concurrency import Act, done, race
from tests.factories import make_cohort_world, make_people
from tests.recipes import SEED_WITH_PEOPLE

TODAY = date(2026, 11, 24)


@pytest.fixture
def database_url(database_for):
    """The seed pathway and ``make_people``'s people, for ``make_cohort_world``."""
    return database_for(SEED_WITH_PEOPLE)


def staff(session, world, key: str, **kwargs) -> Person:
    """Another member of staff of the council."""
    return create_person(session, email=f"{key}@example.org", name=key.replace("-", " "),
                         organisation=world["staff"].organisation, roles=["staff"], **kwargs)


# A guaranteed post ------------------------------------------------------------------------


def test_a_post_is_reserved_once_when_several_enrol_on_it_at_once(session, database_url):
    world = make_cohort_world(session)
    people = [world[key].id for key in ("staff", "colleague", "other_team", "manager")]
    cohort_id, post_id = world["cohort"].id, world["post"].id
    session.commit()

    def enrolling(person_id: int):
        def prepare(session) -> Act:
            cohort, person = session.get(Cohort, cohort_id), session.get(Person, person_id)
            post = session.get(Post, post_id)
            assert post.state == "vacant"  # as the enrolment page showed it
            return lambda: enrol(session, cohort, person, start_date=date(2025, 9, 1),
                                 planned_end_date=date(2028, 8, 31), weekly_hours=37.5,
                                 post=post)
        return prepare

    outcomes = race(database_url, [enrolling(person) for person in people])
    assert done(outcomes) == 1, outcomes
    assert all("not vacant" in str(outcome) for outcome in outcomes if outcome != "done")
    session.expire_all()
    post = session.get(Post, post_id)
    enrolled = session.scalars(select(Apprenticeship)).all()
    assert len(enrolled) == 1 and post.state == "reserved"
    assert post.apprenticeship_id == enrolled[0].id
    assert session.scalar(select(func.count(AuditEvent.id))
                          .where(AuditEvent.action == "post_reserved")) == 1


# A champion's places ----------------------------------------------------------------------


def _champion_world(session, capacity: int, mentees: int):
    """A champion with ``capacity`` places and ``mentees`` people looking for one."""
    world = make_people(session)
    ace = staff(session, world, "ace")
    save_profile(session, ace, ChampionDetails(roles_held=("social-worker",),
                                               capacity=capacity))
    people = []
    for number in range(mentees):
        person = staff(session, world, f"mentee-{number}")
        person.current_role_id, person.target_role_id = "care-worker", "social-worker"
        person.chosen_route = ["care-worker", "social-worker"]
        people.append(person)
    session.flush()
    return ace, people


def test_a_champion_takes_no_more_requests_than_places(session, database_url):
    ace, people = _champion_world(session, capacity=2, mentees=4)
    G = build_graph(session)
    ace_id, ids = ace.id, [person.id for person in people]
    session.commit()

    def requesting(person_id: int):
        def prepare(session) -> Act:
            person, champion = session.get(Person, person_id), session.get(Person, ace_id)
            return lambda: pairings.request_champion(session, G, person, champion,
                                                     today=TODAY)
        return prepare

    outcomes = race(database_url, [requesting(person) for person in ids])
    assert done(outcomes) == 2, outcomes
    session.expire_all()
    assert session.scalar(select(func.count(ChampionPairing.id))
                          .where(ChampionPairing.champion_id == ace_id)) == 2


def _requests(session, ace, people) -> list[int]:
    G = build_graph(session)
    return [pairings.request_champion(session, G, person, ace, today=TODAY).id
            for person in people]


def _accepting(pairing_id: int):
    def prepare(session) -> Act:
        pairing = session.get(ChampionPairing, pairing_id)
        assert pairing.status == "requested"
        return lambda: pairings.accept(session, pairing, goals="Qualify",
                                       meeting_frequency="Monthly",
                                       agreed_until=TODAY + timedelta(days=180), today=TODAY)
    return prepare


def test_accepting_at_once_never_takes_a_champion_over_capacity(session, database_url):
    ace, people = _champion_world(session, capacity=3, mentees=3)
    requested = _requests(session, ace, people)
    save_profile(session, ace, ChampionDetails(roles_held=("social-worker",), capacity=2))
    session.commit()

    outcomes = race(database_url, [_accepting(pairing) for pairing in requested])
    assert done(outcomes) == 2, outcomes
    session.expire_all()
    assert session.scalar(select(func.count(ChampionPairing.id)).where(
        ChampionPairing.champion_id == ace.id, ChampionPairing.status == "active")) == 2


def test_a_request_is_answered_once(session, database_url):
    ace, people = _champion_world(session, capacity=2, mentees=1)
    pairing_id = _requests(session, ace, people)[0]
    session.commit()

    def declining(session) -> Act:
        pairing = session.get(ChampionPairing, pairing_id)
        return lambda: pairings.decline(session, pairing, reason="Full", today=TODAY)

    outcomes = race(database_url, [_accepting(pairing_id), declining, _accepting(pairing_id)])
    assert done(outcomes) == 1, outcomes
    answers = session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(("champion_accept", "champion_decline"))))
    assert answers == 1


def test_a_request_is_withdrawn_or_answered_never_both(session, database_url):
    ace, people = _champion_world(session, capacity=2, mentees=1)
    pairing_id = _requests(session, ace, people)[0]
    person_id = people[0].id
    session.commit()

    def withdrawing(session) -> Act:
        pairing = session.get(ChampionPairing, pairing_id)
        return lambda: pairings.withdraw_request(session, pairing,
                                                 actor=session.get(Person, person_id))

    outcomes = race(database_url, [withdrawing, _accepting(pairing_id), withdrawing])
    assert done(outcomes) == 1, outcomes
    moves = session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(("champion_accept", "champion_withdraw"))))
    assert moves == 1


# A shadowing place ------------------------------------------------------------------------


def test_a_shadowing_place_is_approved_no_more_times_than_its_capacity(session,
                                                                        database_url):
    world = make_people(session)
    place = shadowing.publish_place(session, world["other_team"], role_id="social-worker",
                                    starts_on=TODAY, ends_on=TODAY + timedelta(days=5),
                                    capacity=1, today=TODAY)
    asked = [shadowing.request_place(session, place, world[key], today=TODAY).id
             for key in ("staff", "colleague", "manager")]
    manager_id, place_id = world["manager"].id, place.id
    session.commit()

    def approving(request_id: int):
        def prepare(session) -> Act:
            request = session.get(ShadowingRequest, request_id)
            manager = session.get(Person, manager_id)
            assert request.place.capacity == 1
            return lambda: shadowing.decide(session, request, True, actor=manager,
                                            today=TODAY)
        return prepare

    outcomes = race(database_url, [approving(request) for request in asked])
    assert done(outcomes) == 1, outcomes
    session.expire_all()
    assert shadowing.places_taken(session, session.get(ShadowingPlace, place_id)) == 1


def test_a_shadowing_request_is_cancelled_or_decided_never_both(session, database_url):
    world = make_people(session)
    place = shadowing.publish_place(session, world["other_team"], role_id="social-worker",
                                    starts_on=TODAY + timedelta(days=2),
                                    ends_on=TODAY + timedelta(days=5), capacity=1, today=TODAY)
    request_id = shadowing.request_place(session, place, world["staff"], today=TODAY).id
    manager_id, staff_id = world["manager"].id, world["staff"].id
    session.commit()

    def cancelling(session) -> Act:
        request, person = session.get(ShadowingRequest, request_id), session.get(Person,
                                                                                 staff_id)
        return lambda: shadowing.cancel(session, request, actor=person, today=TODAY)

    def declining(session) -> Act:
        request, manager = session.get(ShadowingRequest, request_id), session.get(Person,
                                                                                  manager_id)
        return lambda: shadowing.decide(session, request, False, actor=manager, today=TODAY)

    outcomes = race(database_url, [cancelling, declining, cancelling])
    assert done(outcomes) == 1, outcomes
    moves = session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(("shadowing_cancel", "shadowing_declined"))))
    assert moves == 1


def test_a_shadowing_place_is_requested_once_by_each_person(session, database_url):
    world = make_people(session)
    place = shadowing.publish_place(session, world["other_team"], role_id="social-worker",
                                    starts_on=TODAY, ends_on=TODAY + timedelta(days=5),
                                    capacity=2, today=TODAY)
    staff_id, place_id = world["staff"].id, place.id
    session.commit()

    def requesting(session) -> Act:
        place, person = session.get(ShadowingPlace, place_id), session.get(Person, staff_id)
        return lambda: shadowing.request_place(session, place, person, today=TODAY)

    outcomes = race(database_url, [requesting] * 3)
    assert done(outcomes) == 1, outcomes
    assert all("already asked" in str(outcome) for outcome in outcomes if outcome != "done")


# A practice educator ----------------------------------------------------------------------


def test_an_educator_is_allocated_no_more_placements_than_their_capacity(session,
                                                                         database_url):
    world = make_cohort_world(session)
    placement_ids = []
    for key in ("staff", "colleague", "other_team"):
        apprenticeship = enrol(session, world["cohort"], world[key],
                               start_date=date(2025, 9, 1), planned_end_date=date(2028, 8, 31),
                               weekly_hours=37.5)
        placement_ids.append(placements.add_placement(
            session, apprenticeship, setting=f"Team of {key}", start_date=date(2026, 1, 5),
            end_date=date(2026, 6, 5)).id)
    educator_id = world["educator"].id
    session.commit()

    def allocating(placement_id: int):
        def prepare(session) -> Act:
            placement = session.get(Placement, placement_id)
            educator = session.get(Person, educator_id)
            assert placements.capacity_of(session, educator) == 1
            return lambda: placements.allocate(session, placement, educator)
        return prepare

    outcomes = race(database_url, [allocating(placement) for placement in placement_ids])
    assert done(outcomes) == 1, outcomes
    session.expire_all()
    assert session.scalar(select(func.count(Placement.id))
                          .where(Placement.educator_id == educator_id)) == 1


# A day's off-the-job hours ----------------------------------------------------------------


def test_hours_logged_at_once_keep_to_a_day(session, database_url):
    world = make_cohort_world(session)
    apprenticeship_id = enrol(session, world["cohort"], world["staff"],
                              start_date=date(2025, 9, 1), planned_end_date=date(2028, 8, 31),
                              weekly_hours=60).id
    session.commit()

    def logging(session) -> Act:
        apprenticeship = session.get(Apprenticeship, apprenticeship_id)
        return lambda: records.log_hours(session, apprenticeship, worked_on=date(2026, 11, 2),
                                         hours=10, activity="taught", today=TODAY)

    outcomes = race(database_url, [logging] * 4)
    assert done(outcomes) == 2, outcomes
    session.expire_all()
    assert session.scalar(select(func.sum(OtjEntry.hours))) == Decimal(20)
