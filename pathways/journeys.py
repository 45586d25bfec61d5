"""What a role's page says about getting there and going on: journeys in, journeys on, and
the real entry requirements of each way in.

"How to become a ..." lists the distinct routes into a role from the usual starting points
(``STARTING_POINTS``: someone new to care, changing career; a care worker) and, for someone
signed in, from their own role. "Where it leads" lists the distinct routes out to the
nearest roles a level or more above (``DESTINATIONS`` of them, quickest to reach first;
for a role with no level, the nearest roles of any level), so a page shows a few real
next steps rather than every role on the map. Each journey holds at most ``ROUTES_SHOWN``
routes: the front of :func:`pathways.routes.distinct_routes` (quickest, earning while
learning, cheapest) comes first. Pure functions on a snapshot; the web app caches them
by graph version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from .errors import RouteNotFound
from .options import RouteOptions
from .reach import reachable_from, ways_into
from .routes import Route, distinct_routes

#: The usual starting points, by id: someone new to care (changing career), a care worker.
STARTING_POINTS = ("career-changer", "care-worker")
#: How many destinations "where it leads" shows.
DESTINATIONS = 4
#: How many routes a journey shows.
ROUTES_SHOWN = 3


@dataclass(frozen=True)
class Journey:
    """The distinct routes from ``start`` to ``goal`` (none when there is no route)."""

    start: str
    goal: str
    routes: tuple[Route, ...]


@dataclass(frozen=True)
class WayIn:
    """One move into a role and what it takes: where from, experience first, what it needs."""

    source: str
    kind: str
    months: float
    min_experience_months: int
    requires: tuple[str, ...]


def journey(G: nx.DiGraph, start: str, goal: str, options: RouteOptions | None = None,
            k: int = ROUTES_SHOWN) -> Journey:
    """Return the distinct routes from ``start`` to ``goal`` (an empty journey when none).

    Examples
    --------
    >>> trip = journey(G, "care-worker", "social-worker")
    >>> len(trip.routes) <= ROUTES_SHOWN and trip.routes[0].path[-1]
    'social-worker'
    """
    options = options or RouteOptions(k=k)
    try:
        found = distinct_routes(G, start, goal, options)
    except RouteNotFound:
        found = []
    return Journey(start, goal, tuple(found))


def ways_to_become(G: nx.DiGraph, role_id: str, starts: Iterable[str] = STARTING_POINTS
                   ) -> list[Journey]:
    """Return the journeys into ``role_id`` from each of ``starts`` that is on the map.

    Starts that are the role itself are left out; a start with no route gives a journey
    with no routes (the page says so).

    Examples
    --------
    >>> [j.start for j in ways_to_become(G, "social-worker")]
    ['career-changer', 'care-worker']
    """
    return [journey(G, start, role_id) for start in dict.fromkeys(starts)
            if start in G and start != role_id]


def where_it_leads(G: nx.DiGraph, role_id: str, count: int = DESTINATIONS) -> list[Journey]:
    """Return the journeys out of ``role_id`` to the nearest roles a level or more above.

    For a role with no level, the nearest roles with a level. Nearest is by the quickest
    route's months, then title.

    Examples
    --------
    >>> leads = where_it_leads(G, "care-worker")
    >>> len(leads), all(G.nodes[j.goal]["level"] > G.nodes["care-worker"]["level"]
    ...                 for j in leads)
    (4, True)
    """
    level = G.nodes[role_id].get("level")
    chosen = []
    for found in sorted(reachable_from(G, role_id, RouteOptions()),
                        key=lambda r: (r.months, G.nodes[r.node]["title"])):
        node = G.nodes[found.node]
        if node["kind"] != "role" or found.node == role_id or node.get("level") is None:
            continue
        if level is not None and node["level"] <= level:
            continue
        chosen.append(found.node)
        if len(chosen) == count:
            break
    return [journey(G, role_id, goal) for goal in chosen]


def entry_requirements(G: nx.DiGraph, role_id: str) -> list[WayIn]:
    """Return each way into ``role_id`` with what it takes, by the title it comes from.

    Every way is an alternative: one move into the role, after the experience it needs
    where it comes from (``min_experience_months``), needing the qualifications it
    ``requires`` (a move from a qualification needs that qualification).

    Examples
    --------
    >>> ways = entry_requirements(G, "senior-care-worker")
    >>> len(ways) == G.in_degree("senior-care-worker"), any(w.min_experience_months for w in ways)
    (True, True)
    """
    return [WayIn(source, data["kind"], data["months"], data["min_experience_months"],
                  tuple(data["requires"]))
            for source, data in ways_into(G, role_id)]
