"""Matching a person with career champions: a ranked list, each with its score and reasons.

Scoring (each factor is shown to the person in words):

- **walked this road** (+50): the champion has held the person's target role, or (+30) a
  role on the person's route to it (their chosen route, else the quickest route);
- **specialism** (+20): the champion specialises in the target role's family;
- **same organisation** (+10); a champion elsewhere in the partnership is only suggested
  when open to the partnership (no points), and never from outside the partnership;
- **free capacity**: a full champion is never suggested; ties are broken by fewer active
  mentees, then by name.

So walking the road always beats a matching specialism alone. Only active champions (the
``champion`` access role, an active account, a profile) other than the person are ranked,
and not those already paired with or requested by the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
from sqlalchemy import (
    ColumnElement,
    Row,
    ScalarSelect,
    Select,
    String,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB, array
from sqlalchemy.orm import Session, aliased, contains_eager

from ..errors import InvalidInput, Problem, RouteNotFound
from ..models import ChampionPairing, ChampionProfile, Organisation, Person, PersonRole
from ..options import RouteOptions
from ..policy import champions_filter
from ..routes import routes_between
from ..vocabulary import FAMILIES

WALKED_TARGET = 50
WALKED_ROUTE = 30
SPECIALISM = 20
SAME_ORGANISATION = 10
#: The scores ranking starts from (``_matches``): walked the target, or part of the road
#: with the specialism; then any part of the road or the specialism; then everyone.
FLOORS = (WALKED_TARGET + SAME_ORGANISATION, WALKED_ROUTE, 0)
#: Pairing statuses that take up a champion's capacity.
OPEN_STATUSES = ("requested", "active")


@dataclass(frozen=True)
class ChampionMatch:
    """A suggested champion, with the score and the reasons behind it."""

    champion: Person
    score: int
    reasons: tuple[str, ...]
    active_mentees: int
    capacity: int

    @property
    def strength(self) -> str:
        """The match in words (the score means nothing to a person): how close, and why.

        Walking the road the person wants is a strong match, part of it a good one, a
        specialism in the target role's family a fair one; otherwise a champion can still
        help (same organisation or partnership, with room).
        """
        if self.score >= WALKED_TARGET:
            return "Strong match: has done the job you are aiming for"
        if self.score >= WALKED_ROUTE:
            return "Good match: has done a job on your way there"
        if self.score >= SPECIALISM:
            return "Fair match: specialises in the kind of work you are aiming for"
        return "Could help: has room to support you, without your road in common"

    def to_json(self) -> dict:
        """The shape ``pathways match-champions --json`` prints."""
        return {"champion": self.champion.email, "name": self.champion.name,
                "score": self.score, "reasons": list(self.reasons),
                "active_mentees": self.active_mentees, "capacity": self.capacity}


def route_roles(G: nx.DiGraph, person: Person) -> list[str]:
    """Return the roles on the person's way to their target: chosen route, else quickest."""
    current, target = person.current_role_id, person.target_role_id
    path: list[str] = list(person.chosen_route or [])
    if not path and current is not None and target is not None and current in G and target in G:
        try:
            path = list(routes_between(G, current, target, RouteOptions(k=1))[0].path)
        except RouteNotFound:
            path = []
    return [node for node in path if node in G and G.nodes[node]["kind"] == "role"
            and node not in (target, current)]


def match_champions(session: Session, G: nx.DiGraph, person: Person,
                    limit: int = 10) -> list[ChampionMatch]:
    """Rank the champions who could support ``person`` toward their target role.

    The ranking is one statement (``ranking_query``): the database scores every champion in
    reach and returns only the best ``limit``, so the rows read into Python (and the work
    done on them) do not grow with the number of champions; the reasons are then written for
    those few.

    Raises
    ------
    InvalidInput
        When the person has no target role (matching is toward a target).
    """
    return _matches(session, G, person, limit)


def could_ask(session: Session, G: nx.DiGraph, person: Person, champion: Person) -> bool:
    """Whether ``champion`` is among the champions ``person`` could ask now (on their match
    list at any rank: in reach, with room, not already paired with or asked by them).

    Raises
    ------
    InvalidInput
        When the person has no target role.
    """
    return bool(_matches(session, G, person, 1, only=champion.id))


def ranking_query(session: Session, G: nx.DiGraph, person: Person, limit: int, *,
                  only: int | None = None, on_route: list[str] | None = None,
                  floor: int = 0) -> Select[Person, ChampionProfile, int, int]:
    """Return the query of the best ``limit`` champions ``person`` could ask, best first:
    each champion (with their organisation), profile, open pairings and score, the score
    worked out by the database from the rules in this module's docstring (``only``: just
    that champion, if they could be asked; ``on_route``: ``route_roles``, when known).
    With a ``floor`` only the champions whose profile could reach that score are ranked
    (the profile's part of the score, at least ``floor - SAME_ORGANISATION``): every
    champion left out scores below ``floor``.

    The champions in reach are ranked on narrow rows (id, open pairings, score, name without
    case), each champion's pairings counted once; only the best ``limit`` are then joined to
    their people, profiles and organisations.

    Raises
    ------
    InvalidInput
        When the person has no target role.
    """
    target = person.target_role_id
    if not target or target not in G:
        raise InvalidInput([Problem("target_role", "set a target role on the profile first")],
                           "No champions can be matched")
    postgres = session.get_bind().dialect.name == "postgresql"
    family = G.nodes[target].get("family")
    on_route = route_roles(G, person) if on_route is None else on_route
    organisation = aliased(Organisation)
    held = ChampionProfile.roles_held
    walked = case((_holds(postgres, held, [target]), WALKED_TARGET),
                  (_holds(postgres, held, on_route), WALKED_ROUTE), else_=0)
    specialism = case((_holds(postgres, ChampionProfile.specialisms, [family]), SPECIALISM),
                      else_=0) if family else literal(0)
    same = case((Person.organisation_id == person.organisation_id, SAME_ORGANISATION),
                else_=0)
    # The name without case, compared by code point as Python compares strings.
    folded = func.lower(Person.name)
    taken = select(ChampionPairing.champion_id).where(
        ChampionPairing.person_id == person.id, ChampionPairing.status.in_(OPEN_STATUSES))
    colleagues = select(Person.id).where(Person.organisation_id == person.organisation_id)
    # Materialised on PostgreSQL, which would otherwise inline it and count each
    # candidate's pairings twice (once to leave out the full, once to rank).
    found = (select(Person.id.label("id"), ChampionProfile.capacity.label("capacity"),
                    _load().label("load"), (walked + specialism + same).label("score"),
                    (folded.collate("C") if postgres else folded).label("folded"))
             .join(ChampionProfile, ChampionProfile.person_id == Person.id)
             .join(organisation, Person.organisation)
             .where(Person.active.is_(True), Person.id != person.id, _is_champion(),
                    Person.id.not_in(taken), champions_filter(person, organisation))
             # Conditions on the profile alone, so the database passes over the profiles
             # left out before reading their people: below the floor, or (implied by the
             # reach) closed champions elsewhere.
             .where((walked + specialism >= floor - SAME_ORGANISATION) if floor > 0 else
                    or_(ChampionProfile.open_to_partnership.is_(True),
                        ChampionProfile.person_id.in_(colleagues)))
             .where(*([Person.id == only] if only is not None else []))
             .cte("found").prefix_with("MATERIALIZED", dialect="postgresql"))
    ranked = (found.c.score.desc(), found.c.load, found.c.folded, found.c.id)
    best = (select(found).where(found.c.load < found.c.capacity).order_by(*ranked)
            .limit(limit).subquery("best"))
    champion_organisation = aliased(Organisation)
    return (select(Person, ChampionProfile, best.c.load, best.c.score)
            .join(best, best.c.id == Person.id)
            .join(ChampionProfile, ChampionProfile.person_id == Person.id)
            .join(champion_organisation, Person.organisation)
            .options(contains_eager(Person.organisation.of_type(champion_organisation)))
            .order_by(best.c.score.desc(), best.c.load, best.c.folded, best.c.id))


def _matches(session: Session, G: nx.DiGraph, person: Person, limit: int, *,
             only: int | None = None) -> list[ChampionMatch]:
    """Return the best ``limit`` matches (``ranking_query``), each with its reasons.

    The ranking starts with the champions whose profile could score at least the first of
    ``FLOORS`` (few, whatever the number of champions: those who walked the road), and
    ranks more only when fewer than ``limit`` of those reach that score; so the usual page
    ranks only its best tier, and a person nobody matches well costs up to three statements.
    """
    route = route_roles(G, person)
    rows: Sequence[Row[Person, ChampionProfile, int, int]] = []
    for floor in FLOORS if only is None else (0,):
        rows = session.execute(ranking_query(session, G, person, limit, only=only,
                                             on_route=route, floor=floor)).all()
        if len(rows) == limit and rows[-1][3] >= floor:
            break  # everyone below the floor ranks after the page
    target = person.target_role_id or ""  # ranking_query refused a person without one
    family = G.nodes[target].get("family")
    on_route = set(route)
    matches = []
    for champion, profile, load, score in rows:
        reasons = []
        if champion.organisation_id != person.organisation_id:
            reasons.append(f"Works at {champion.organisation.name}, in your partnership, "
                           "and supports people across it.")
        else:
            reasons.append("Works in your organisation.")
        held = list(profile.roles_held or [])
        if target in held:
            reasons.insert(0, f"Walked this road: has worked as {_title(G, target)}.")
        elif on_route.intersection(held):
            names = ", ".join(_title(G, r) for r in held if r in on_route)
            reasons.insert(0, f"Walked part of this road: has worked as {names}, on your "
                           "route.")
        if family and family in (profile.specialisms or []):
            reasons.append(f"Specialises in {FAMILIES.get(family, family).lower()}.")
        free = profile.capacity - load
        reasons.append(f"Has room for {free} more {'person' if free == 1 else 'people'} "
                       f"({load} of {profile.capacity} places taken).")
        matches.append(ChampionMatch(champion, score, tuple(reasons), load, profile.capacity))
    return matches


def _is_champion() -> ColumnElement[bool]:
    """The SQL condition "the person (``Person``) holds the champion role", checked row by
    row on the few profiles left (a count: PostgreSQL would turn ``EXISTS`` into a join
    reading every role held in the region)."""
    return (select(func.count()).select_from(PersonRole)
            .where(PersonRole.person_id == Person.id, PersonRole.role == "champion")
            .correlate(Person).scalar_subquery()) > 0


def _load() -> ScalarSelect[int]:
    """The number of open pairings of the champion (``Person``) in the enclosing query."""
    return (select(func.count(ChampionPairing.id))
            .where(ChampionPairing.champion_id == Person.id,
                   ChampionPairing.status.in_(OPEN_STATUSES))
            .correlate(Person).scalar_subquery())


def _holds(postgres: bool, column: Any, values: list[str]) -> ColumnElement[bool]:
    """The SQL condition "the JSON list in ``column`` holds any of the texts ``values``"
    (one test of the list, however many values: this runs on every profile)."""
    if not values:
        return false()
    if postgres:
        json = cast(column, JSONB)
        return json.has_key(values[0]) if len(values) == 1 else json.has_any(
            array(values, type_=String))
    each = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value.in_(values)))


def _title(G: nx.DiGraph, node: str) -> str:
    return G.nodes[node]["title"] if node in G else node
