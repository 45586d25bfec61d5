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

from dataclasses import dataclass

import networkx as nx
from sqlalchemy import Select, func, select
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

    Raises
    ------
    InvalidInput
        When the person has no target role (matching is toward a target).
    """
    target = person.target_role_id
    if not target or target not in G:
        raise InvalidInput([Problem("target_role", "set a target role on the profile first")],
                           "No champions can be matched")
    family = G.nodes[target].get("family")
    on_route = set(route_roles(G, person))
    taken = set(session.scalars(select(ChampionPairing.champion_id).where(
        ChampionPairing.person_id == person.id,
        ChampionPairing.status.in_(OPEN_STATUSES))))
    candidates = session.execute(_candidates(person)).all()
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


def _candidates(person: Person) -> Select[Person, ChampionProfile, int]:
    """Return the query of the champions ``person`` could ask who have room: active, with
    the champion role and a profile, within reach (``policy.champions_filter``: only the
    person's organisation and, when open to it, their partnership), each with their
    organisation and how many open pairings they have, in one statement."""
    organisation = aliased(Organisation)
    load = (select(func.count(ChampionPairing.id))
            .where(ChampionPairing.champion_id == Person.id,
                   ChampionPairing.status.in_(OPEN_STATUSES))
            .correlate(Person).scalar_subquery())
    return (select(Person, ChampionProfile, load)
            .join(ChampionProfile, ChampionProfile.person_id == Person.id)
            .join(PersonRole, (PersonRole.person_id == Person.id)
                  & (PersonRole.role == "champion"))
            .join(organisation, Person.organisation)
            .where(Person.active.is_(True), Person.id != person.id,
                   champions_filter(person, organisation), load < ChampionProfile.capacity)
            .options(contains_eager(Person.organisation.of_type(organisation))))


def _title(G: nx.DiGraph, node: str) -> str:
    return G.nodes[node]["title"] if node in G else node
