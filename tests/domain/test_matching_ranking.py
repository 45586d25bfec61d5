"""Matching ranks in SQL exactly as it ranked in Python (both engines).

``python_ranking`` is the matching as it was before the database ranked (issue 14): every
champion in reach read and scored in Python. It stays here as the oracle: on generated
champions full of ties (the same score, the same number of mentees, names differing only in
case) the ranking the database returns must be the same champions in the same order with
the same scores and reasons, for the whole list and for its first page.
"""

import random

import networkx as nx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, contains_eager

from pathways.mentoring.champions import ChampionDetails, save_profile
from pathways.mentoring.matching import (
    OPEN_STATUSES,
    SAME_ORGANISATION,
    SPECIALISM,
    WALKED_ROUTE,
    WALKED_TARGET,
    ChampionMatch,
    _title,
    match_champions,
    route_roles,
)
from pathways.models import ChampionPairing, ChampionProfile, Organisation, Person, PersonRole
from pathways.people.accounts import create_person
from pathways.policy import champions_filter
from pathways.snapshot import build_graph
from pathways.vocabulary import FAMILIES
from tests.factories import make_people
from tests.recipes import TOY_WITH_PEOPLE

ROUTE = ["care-worker", "senior-care-worker", "diploma-l3", "practitioner",
         "sw-apprenticeship", "social-worker"]
ROLES = ["social-worker", "practitioner", "senior-care-worker", "care-worker", "volunteer"]
FAMILY_KEYS = ["social_work", "care_and_support", "entry_routes"]
#: Names that tie without case (and one beyond ASCII in lower case), so the name's order
#: and then the id decide.
NAMES = ["alex", "Alex", "ALEX", "Bea", "bea", "Bea Grey", "bea grey", "zoë", "Zoe", "Ann-Marie",
         "ann marie", "Ann_Marie"]


def python_ranking(session: Session, G: nx.DiGraph, person: Person,
                   limit: int = 10) -> list[ChampionMatch]:
    """The matching before issue 14: read every candidate, score and sort in Python."""
    target = person.target_role_id
    family = G.nodes[target].get("family")
    on_route = set(route_roles(G, person))
    taken = set(session.scalars(select(ChampionPairing.champion_id).where(
        ChampionPairing.person_id == person.id,
        ChampionPairing.status.in_(OPEN_STATUSES))))
    organisation = aliased(Organisation)
    load = (select(func.count(ChampionPairing.id))
            .where(ChampionPairing.champion_id == Person.id,
                   ChampionPairing.status.in_(OPEN_STATUSES))
            .correlate(Person).scalar_subquery())
    candidates = session.execute(
        select(Person, ChampionProfile, load)
        .join(ChampionProfile, ChampionProfile.person_id == Person.id)
        .join(PersonRole, (PersonRole.person_id == Person.id) & (PersonRole.role == "champion"))
        .join(organisation, Person.organisation)
        .where(Person.active.is_(True), Person.id != person.id,
               champions_filter(person, organisation), load < ChampionProfile.capacity)
        .options(contains_eager(Person.organisation.of_type(organisation)))).all()
    matches = []
    for champion, profile, load in candidates:
        if champion.id in taken:
            continue
        reasons, score = [], 0
        if champion.organisation_id == person.organisation_id:
            score += SAME_ORGANISATION
            reasons.append("Works in your organisation.")
        else:
            reasons.append(f"Works at {champion.organisation.name}, in your partnership, "
                           "and supports people across it.")
        held = list(profile.roles_held or [])
        if target in held:
            score += WALKED_TARGET
            reasons.insert(0, f"Walked this road: has worked as {_title(G, target)}.")
        elif on_route.intersection(held):
            score += WALKED_ROUTE
            names = ", ".join(_title(G, r) for r in held if r in on_route)
            reasons.insert(0, f"Walked part of this road: has worked as {names}, on your "
                           "route.")
        if family and family in (profile.specialisms or []):
            score += SPECIALISM
            reasons.append(f"Specialises in {FAMILIES.get(family, family).lower()}.")
        free = profile.capacity - load
        reasons.append(f"Has room for {free} more {'person' if free == 1 else 'people'} "
                       f"({load} of {profile.capacity} places taken).")
        matches.append(ChampionMatch(champion, score, tuple(reasons), load, profile.capacity))
    matches.sort(key=lambda m: (-m.score, m.active_mentees, m.champion.name.casefold(),
                                m.champion.id))
    return matches[:limit]


@pytest.fixture
def database_url(database_for):
    return database_for(TOY_WITH_PEOPLE)


@pytest.fixture
def world(session):
    people = make_people(session)
    staff = people["staff"]
    staff.current_role_id, staff.target_role_id, staff.chosen_route = (
        "care-worker", "social-worker", ROUTE)
    session.flush()
    people["G"] = build_graph(session)
    return people


def generate_champions(session, world, seed: int, how_many: int = 150) -> None:
    """Champions of every kind the rules tell apart, with many ties: in the staff member's
    organisation, at the partner (open or not) and outside; roles held on the road, off it or
    none (in any order); specialisms; full or with room; paired with the staff member (asked,
    active or over); inactive; a profile without the champion role."""
    rng = random.Random(seed)
    places = [world[key].organisation for key in ("staff", "partner_staff", "outsider")]
    others = [world[key] for key in ("colleague", "other_team", "partner_staff", "outsider")]
    for number in range(how_many):
        roles = ["staff"] + (["champion"] if rng.random() < 0.93 else [])
        person = create_person(session, email=f"m{seed}-{number}@example.org",
                               name=rng.choice(NAMES), organisation=rng.choice(places),
                               roles=roles)
        person.active = rng.random() < 0.95
        save_profile(session, person, ChampionDetails(
            roles_held=tuple(rng.sample(ROLES, rng.choice([0, 0, 1, 1, 2]))),
            specialisms=tuple(rng.sample(FAMILY_KEYS, rng.choice([0, 1, 1, 2]))),
            capacity=rng.randint(0, 3), open_to_partnership=rng.random() < 0.6))
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            session.add(ChampionPairing(champion_id=person.id, person_id=rng.choice(others).id,
                                        status=rng.choice(["active", "requested", "ended"])))
        if rng.random() < 0.1:
            session.add(ChampionPairing(champion_id=person.id, person_id=world["staff"].id,
                                        status=rng.choice(["requested", "active", "declined"])))
    session.flush()


def shown(matches: list[ChampionMatch]) -> list[tuple]:
    return [(m.champion.id, m.champion.name, m.score, m.reasons, m.active_mentees, m.capacity)
            for m in matches]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("chosen", [True, False], ids=["chosen-route", "quickest-route"])
def test_the_database_ranks_as_python_did(session, world, seed, chosen):
    generate_champions(session, world, seed)
    staff, G = world["staff"], world["G"]
    if not chosen:
        staff.chosen_route = None
        staff.target_role_id = "practitioner"
    session.flush()
    everyone = python_ranking(session, G, staff, limit=1000)
    # The generated set really has ties to break, and scores of every kind.
    keys = [(m.score, m.active_mentees, m.champion.name.casefold()) for m in everyone]
    assert len(keys) - len(set(keys)) >= 2
    assert len({m.score for m in everyone}) >= 4
    assert shown(match_champions(session, G, staff, limit=1000)) == shown(everyone)
    # Short lists stop at the first floor, longer ones go on to the next (FLOORS).
    for limit in (1, 3, 10, 25):
        assert shown(match_champions(session, G, staff, limit=limit)) == shown(
            everyone[:limit]), limit


@pytest.mark.parametrize("seed", [4, 5])
def test_each_floor_gives_the_same_page(session, world, seed, monkeypatch):
    """The page is the same whether ranking starts from the walkers, the specialists or
    everyone (``FLOORS``), and the statements run are one per floor tried."""
    from pathways.mentoring import matching
    from tests.querycount import counting

    generate_champions(session, world, seed)
    staff, G = world["staff"], world["G"]
    expected = shown(python_ranking(session, G, staff))
    for floors in ((0,), (matching.WALKED_ROUTE, 0), matching.FLOORS):
        monkeypatch.setattr(matching, "FLOORS", floors)
        assert shown(match_champions(session, G, staff)) == expected, floors
    monkeypatch.setattr(matching, "FLOORS", (100, 90, 0))  # nobody scores 90
    with counting(session.get_bind()) as statements:
        assert shown(match_champions(session, G, staff)) == expected
    assert statements.count == 3
