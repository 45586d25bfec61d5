"""Graph analytics for the workforce board: bottlenecks, where people stall, routes taken.

- **Bottleneck roles**: roles with vacant posts and no one training into them (no apprentice
  in training qualifies into the role: the vacancies wait on recruitment alone), and the
  practice educator capacity against the placements the pipeline needs, term by term
  (``apprenticeships.supply``): a social work or OT apprenticeship cannot be placed without
  an educator.
- **Where people stall**: per role, the median time the people in it now have been in it
  (from their profiles' role start dates, counted in whole months in SQL and the median
  read from the counts) and the role's yearly leaving rate (``forecast.estimate_rates``).
  A role stalls with a median of ``STALL_MONTHS`` or more, or leaving of ``HIGH_LEAVING``
  or more a year. Roles with fewer than 5 people timed are left out (a median of a few
  people is about those people).
- **Routes taken against the map**: the moves between roles the organisations' own history
  shows over the rates' window (``estimation.count_history``), the most taken first, each
  set against the map: a move of its own, a route the map suggests through qualifications
  or other roles (its best by months, ``routes.routes_between``), or not on the map at all;
  and the moves the map offers from the roles people hold that nobody took. A move taken by
  fewer than 5 people is not listed (the count of the rest says how many such moves).

Counting is SQL (one query each); the rest are pure functions of the counts and the graph,
tested by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import networkx as nx
from sqlalchemy import Date, Integer, cast, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from ..apprenticeships.supply import FamilySupply, educator_supply_of
from ..dates import add_months
from ..errors import PathwayError
from ..models import Person
from ..options import RouteOptions
from ..routes import routes_between
from ..suppression import SMALLEST_GROUP
from . import estimation
from .forecast import Counts, Rates, estimate_rates
from .planning import HISTORY_YEARS
from .report import PipelineLine, RoleLine, WorkforceReport

#: A median time in role of this many months or more: people stall in the role.
STALL_MONTHS = 36
#: Leaving of this share a year or more: people leave the role.
HIGH_LEAVING = 0.25
#: How many routes taken the board lists.
TOP_ROUTES = 10
#: Days in an average month.
MONTH_DAYS = 30.4375


@dataclass(frozen=True)
class Stall:
    """One role's median months in role (of the people in it now) and its leaving rate."""

    role_id: str
    people: int
    median_months: float
    leaving: float | None

    @property
    def long_in_role(self) -> bool:
        """Whether the median time in role is ``STALL_MONTHS`` or more."""
        return self.median_months >= STALL_MONTHS

    @property
    def high_leaving(self) -> bool:
        """Whether the role loses ``HIGH_LEAVING`` or more of its people a year."""
        return self.leaving is not None and self.leaving >= HIGH_LEAVING

    @property
    def stalls(self) -> bool:
        """Whether people stall in the role (long in it, or leaving it)."""
        return self.long_in_role or self.high_leaving


@dataclass(frozen=True)
class RouteTaken:
    """A move between roles the history shows, against the map."""

    from_role: str
    to_role: str
    people: int
    #: "direct" (a move of the map), "via" (the map's route through other steps), "none".
    on_map: str
    suggested: tuple[str, ...] = ()
    months: float | None = None


@dataclass(frozen=True)
class Bottleneck:
    """A role with vacant posts and nobody training into it."""

    role_id: str
    title: str
    vacancies: int


def median_from_counts(counts: Mapping[int, int]) -> float | None:
    """Return the median of values given as value -> how many (None when there are none).

    Examples
    --------
    >>> median_from_counts({10: 2, 20: 1, 40: 1})
    15.0
    >>> median_from_counts({6: 3}), median_from_counts({})
    (6.0, None)
    """
    total = sum(counts.values())
    if total <= 0:
        return None
    values = sorted(counts)

    def at(position: int) -> int:
        seen = 0
        for value in values:
            seen += counts[value]
            if seen > position:
                return value
        return values[-1]
    if total % 2:
        return float(at(total // 2))
    return (at(total // 2 - 1) + at(total // 2)) / 2


def months_in_role(session: Session, organisation_ids: list[int], today: date
                   ) -> dict[str, dict[int, int]]:
    """Count the active people in each role by whole months since they started in it (one
    query): role -> {months: people}. People with no start date are not counted."""
    started: ColumnElement = Person.role_start_date  # type: ignore[assignment]
    days = estimation.days_between(session, literal(today, Date), started)
    months = cast(func.floor(days / MONTH_DAYS), Integer)
    rows = session.execute(
        select(Person.current_role_id, months, func.count(Person.id))
        .where(Person.organisation_id.in_(organisation_ids), Person.active.is_(True),
               Person.current_role_id.is_not(None), Person.role_start_date.is_not(None),
               Person.role_start_date <= today)
        .group_by(Person.current_role_id, months)).all()
    found: dict[str, dict[int, int]] = {}
    for role, month_count, people in rows:
        if role is not None:
            found.setdefault(role, {})[int(month_count or 0)] = int(people)
    return found


def stalls(counts: Mapping[str, Mapping[int, int]], rates: Rates) -> list[Stall]:
    """Return the roles with 5 or more people timed: median months in role and leaving,
    the longest first.

    Examples
    --------
    >>> rates = Rates({}, {"cw": 0.3}, {}, {"cw": 10.0})
    >>> [(s.role_id, s.median_months, s.stalls) for s in stalls(
    ...     {"cw": {12: 3, 48: 2}, "rm": {60: 4}}, rates)]
    [('cw', 12.0, True)]
    """
    found = []
    for role, by_months in counts.items():
        people = sum(by_months.values())
        median = median_from_counts(by_months)
        if people < SMALLEST_GROUP or median is None:
            continue
        leaving = rates.leaving.get(role) if rates.person_years.get(role) else None
        found.append(Stall(role, people, median, leaving))
    return sorted(found, key=lambda stall: (-stall.median_months, stall.role_id))


def routes_taken(G: nx.DiGraph, moves: Mapping[tuple[str, str], float],
                 top: int = TOP_ROUTES) -> tuple[list[RouteTaken], int]:
    """Return the moves taken by 5 or more people, the most taken first, against the map;
    and how many other moves were taken (by fewer than 5 each: not listed).

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node("cw", kind="role", title="Care worker")
    >>> G.add_node("sc", kind="role", title="Senior care worker")
    >>> G.add_edge("cw", "sc", months=12)
    >>> taken, others = routes_taken(G, {("cw", "sc"): 6, ("sc", "cw"): 2})
    >>> [(t.from_role, t.to_role, t.people, t.on_map) for t in taken], others
    ([('cw', 'sc', 6, 'direct')], 1)
    """
    listed = sorted(((int(count), pair) for pair, count in moves.items()
                     if count >= SMALLEST_GROUP), key=lambda item: (-item[0], item[1]))
    others = sum(1 for count in moves.values() if 0 < count < SMALLEST_GROUP)
    found = []
    for people, (source, target) in listed[:top]:
        if G.has_edge(source, target):
            found.append(RouteTaken(source, target, people, "direct", (source, target),
                                    G.edges[source, target].get("months")))
            continue
        best = _best_route(G, source, target)
        if best is None:
            found.append(RouteTaken(source, target, people, "none"))
        else:
            found.append(RouteTaken(source, target, people, "via", best.path,
                                    best.total_months))
    return found, others + max(0, len(listed) - top)


def _best_route(G: nx.DiGraph, source: str, target: str):
    if source not in G or target not in G:
        return None
    try:
        return routes_between(G, source, target, RouteOptions(k=1))[0]
    except (PathwayError, nx.NetworkXException, IndexError):
        return None


def untaken_moves(G: nx.DiGraph, held: Mapping[str, int],
                  moves: Mapping[tuple[str, str], float]) -> list[tuple[str, str]]:
    """Return the map's direct moves between roles from roles with 5 or more people that
    nobody took in the window, the fullest roles first.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> for node in ("cw", "sc", "tl"):
    ...     G.add_node(node, kind="role", title=node)
    >>> G.add_edges_from([("cw", "sc"), ("cw", "tl")])
    >>> untaken_moves(G, {"cw": 9}, {("cw", "sc"): 5})
    [('cw', 'tl')]
    """
    found = []
    for role, people in sorted(held.items(), key=lambda item: (-item[1], item[0])):
        if people < SMALLEST_GROUP or role not in G:
            continue
        for target in sorted(G.successors(role)):
            if G.nodes[target].get("kind") == "role" and not moves.get((role, target)):
                found.append((role, target))
    return found


def bottlenecks(roles: list[RoleLine], pipeline: list[PipelineLine]) -> list[Bottleneck]:
    """Return the roles with vacant posts and no apprentice training into them, the most
    vacancies first.

    Examples
    --------
    >>> line = RoleLine("sw", "Social worker", 12, 4, 0, 5, 5, 0.25, 0.4)
    >>> [b.role_id for b in bottlenecks([line], [])]
    ['sw']
    >>> bottlenecks([line], [PipelineLine("sw", "Social worker", 2028, 5)])
    []
    """
    training = {line.role_id for line in pipeline}
    found = [Bottleneck(line.role_id, line.title, line.vacancies) for line in roles
             if line.vacancies > 0 and line.role_id not in training]
    return sorted(found, key=lambda item: (-item.vacancies, item.title))


@dataclass(frozen=True)
class BoardAnalytics:
    """What the board shows about where the workforce gets stuck."""

    bottlenecks: list[Bottleneck]
    educators: list[FamilySupply]
    stalls: list[Stall]
    routes: list[RouteTaken]
    other_routes: int
    untaken: list[tuple[str, str]]


@dataclass(frozen=True)
class AnalyticsCounts:
    """What the analytics are worked out from: the role history's counts over the rates'
    window, the people in each role by whole months in it, the people in each role, and
    the practice educators against the placements, term by term."""

    history: Counts
    timed: dict[str, dict[int, int]]
    held: dict[str, int]
    educators: list[FamilySupply]


def count_analytics(session: Session, organisation_ids: list[int], today: date,
                    held: dict[str, int] | None = None) -> AnalyticsCounts:
    """Count what the analytics of some organisations need (five queries, whatever the
    size; four given ``held``, the people in each role the report counted): the rates over
    the ``planning.HISTORY_YEARS`` to ``today``, time in role to it, terms from it."""
    return AnalyticsCounts(
        estimation.count_history(session, organisation_ids,
                                 add_months(today, -12 * HISTORY_YEARS), today),
        months_in_role(session, organisation_ids, today),
        estimation.people_in_roles(session, organisation_ids) if held is None else held,
        educator_supply_of(session, organisation_ids, today))


def analytics_from(G: nx.DiGraph, counts: AnalyticsCounts, report: WorkforceReport
                   ) -> BoardAnalytics:
    """Return the board's analytics from their counts and the board's report (pure)."""
    rates = estimate_rates(counts.history)
    taken, others = routes_taken(G, counts.history.moves)
    educators = [family for family in counts.educators
                 if family.capacity or any(term.needed for term in family.terms)]
    return BoardAnalytics(bottlenecks(report.roles, report.pipeline), educators,
                          stalls(counts.timed, rates), taken, others,
                          untaken_moves(G, counts.held, counts.history.moves))


def board_analytics(session: Session, G: nx.DiGraph, organisation_ids: list[int],
                    report: WorkforceReport, today: date) -> BoardAnalytics:
    """Return the board's analytics for some organisations (five queries, whatever the size).

    Parameters
    ----------
    G : networkx.DiGraph
        The map's snapshot, for the routes it suggests.
    organisation_ids : list of int
        One organisation, or a partnership's.
    report : WorkforceReport
        The board's report (its roles' vacancies and the apprentices in training).
    today : date
        Rates over the ``planning.HISTORY_YEARS`` to it; time in role to it; terms from it.
    """
    return analytics_from(G, count_analytics(session, organisation_ids, today), report)
