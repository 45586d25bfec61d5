"""The route engine: the k best routes between two places on the career map.

Pure functions on a snapshot, no I/O. The search is pruned to a corridor of nodes that are
reachable from the start, able to reach the goal, and near enough to the best route
(``pathways.corridor``); networkx's k-shortest simple paths then runs on that small graph
with an explicit ``weight=``. Routes whose prerequisites
are not met in order (held, or gained earlier on the route) are skipped.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import networkx as nx

from .corridor import Dijkstra, corridor_graph
from .errors import RouteNotFound
from .explain import describe_step, why_this_order
from .options import HELD, RouteOptions

MAX_STEPS = 20
#: Candidate paths examined before giving up on finding ``k`` valid ones.
MAX_CANDIDATES = 200
#: How much wider the corridor grows when it has no paths left, by what is minimised
#: (times 4 each time this happens).
WIDENING = {"months": 12, "cost": 1000, "steps": 1}
#: Corridors tried before the last search, which has no bound.
MAX_CORRIDORS = 6


@dataclass(frozen=True)
class Requirement:
    """A qualification a step needs, and how the person has it."""

    id: str
    title: str
    met_by: str  # "held", or "step N"


@dataclass(frozen=True)
class Step:
    """One move on a route, with everything it takes."""

    number: int
    source: str
    target: str
    kind: str
    months: float
    min_experience_months: int
    cost_gbp: float
    funding: str
    earn_while_learning: bool
    requires: tuple[Requirement, ...]
    explanation: str

    @property
    def total_months(self) -> float:
        """Months this step adds: experience needed first, then the step itself."""
        return self.months + self.min_experience_months


@dataclass(frozen=True)
class Route:
    """A path from one node to another, step by step, with totals."""

    path: tuple[str, ...]
    steps: tuple[Step, ...]
    total_months: float
    total_cost_gbp: float
    self_funded_steps: int
    why: tuple[str, ...]


def routes_between(G: nx.DiGraph, source: str, target: str,
                   options: RouteOptions | None = None) -> list[Route]:
    """Return up to ``options.k`` best routes from ``source`` to ``target``.

    The search runs in a corridor around the best route (see ``pathways.corridor``),
    widened until the k best routes that meet every option are certainly inside it.

    Parameters
    ----------
    G : networkx.DiGraph
        A snapshot from ``build_graph``.
    source, target : str
        Node ids (see ``resolve_node`` for titles).
    options : RouteOptions, optional
        Made with ``make_options``; defaults: 5 routes by months.

    Returns
    -------
    list of Route
        Best first by ``options.by``.

    Raises
    ------
    RouteNotFound
        When no route meets the options.

    Examples
    --------
    >>> routes_between(G, "care-worker", "social-worker")[0].path  # doctest: +NORMALIZE_WHITESPACE
    ('care-worker', 'social-work-degree-university', 'newly-qualified-social-worker', 'asye',
     'social-worker')
    """
    options = options or RouteOptions()
    if source == target:
        raise RouteNotFound("You are already there: choose a different destination.")
    weight = options.weight
    held = {q: source for q in options.have if q in G and q != source}
    backward = Dijkstra(G._pred, {target: 0}, weight, options, forward=False, jumps=held)
    backward.run(until=source)
    if source not in backward.dist:
        raise RouteNotFound(_no_route_message(G, source, target))
    best = backward.dist[source]
    limit = math.inf
    if options.within_months is not None and options.by == "months":
        limit = options.within_months
    bound = min(limit, best)  # first, the best route and its ties
    widenings = 0
    for attempt in range(MAX_CORRIDORS + 1):
        backward.run(radius=bound)
        forward = Dijkstra(G._succ, {source: 0, **{q: 0 for q in held}}, weight, options,
                           forward=True, guide=backward.dist, bound=bound)
        forward.run(radius=bound)
        search = corridor_graph(G, source, target, options, forward, backward, bound)
        routes, complete, beyond = _best_routes(G, search, source, target, options, bound)
        if complete or bound >= limit:
            break
        if attempt == MAX_CORRIDORS - 1:
            bound = math.inf
        elif beyond is not None:  # the corridor's next path: no shorter one can be outside
            bound = beyond
        else:
            bound += WIDENING[options.by] * 4 ** widenings
            widenings += 1
        bound = min(bound, limit)
    if not routes:
        raise RouteNotFound(_no_route_message(G, source, target))
    return routes


def _best_routes(G: nx.DiGraph, search: nx.DiGraph, source: str, target: str,
                 options: RouteOptions, bound: float
                 ) -> tuple[list[Route], bool, float | None]:
    """Return the best valid routes in the corridor, whether they are surely the k best,
    and the length of the corridor's first path beyond ``bound`` (None if there is none).

    Paths come shortest first; those no longer than ``bound`` are exactly the whole
    graph's, so the answer is complete once ``k`` valid routes are found within it, or
    when the corridor has no more paths and ``bound`` is unlimited.
    """
    routes: list[Route] = []
    if source not in search or target not in search:
        return routes, math.isinf(bound), None
    candidates = nx.shortest_simple_paths(search, source, target, weight="w")
    for examined, path in enumerate(candidates):
        if examined >= MAX_CANDIDATES:
            return routes, True, None  # enough looking: report what was found
        length = sum(search.edges[u, v]["w"] for u, v in itertools.pairwise(path))
        if length > bound:
            return routes, False, length
        if len(path) - 1 > MAX_STEPS:
            continue
        route = make_route(G, path, options)
        if route is None:
            continue
        if options.within_months is not None and route.total_months > options.within_months:
            continue
        routes.append(route)
        if len(routes) >= options.k:
            return routes, True, None
    return routes, math.isinf(bound), None


def make_route(G: nx.DiGraph, path: list[str], options: RouteOptions) -> Route | None:
    """Explain ``path`` step by step, or return None if its prerequisites are not met in order.

    A step into a qualification the person holds is the virtual ``held`` step.
    """
    gained: dict[str, str] = {q: "held" for q in options.have}
    steps: list[Step] = []
    total_months = total_cost = 0.0
    self_funded = 0
    for number, (u, v) in enumerate(itertools.pairwise(path), start=1):
        if v in options.have:  # the virtual step from the start to a held qualification
            steps.append(_held_step(G, number, u, v))
            continue
        data = G.edges[u, v]
        missing = [r for r in data["requires"] if r not in gained]
        if missing:
            return None
        requires = tuple(Requirement(r, G.nodes[r]["title"], gained[r])
                         for r in data["requires"])
        step = Step(number, u, v, data["kind"], data["months"], data["min_experience_months"],
                    data["cost_gbp"], data["funding"], data["earn_while_learning"], requires, "")
        step = _with_explanation(G, step)
        steps.append(step)
        total_months += step.total_months
        total_cost += step.cost_gbp
        self_funded += step.funding == "self_funded"
        if G.nodes[v]["kind"] == "qualification":
            gained.setdefault(v, f"step {number}")
    if options.max_self_funded is not None and self_funded > options.max_self_funded:
        return None
    route_steps = tuple(steps)
    return Route(tuple(path), route_steps, total_months, total_cost, self_funded,
                 tuple(why_this_order(G, route_steps)))


def _held_step(G: nx.DiGraph, number: int, u: str, v: str) -> Step:
    step = Step(number, u, v, HELD, 0, 0, 0, "none", True, (), "")
    return _with_explanation(G, step)


def _with_explanation(G: nx.DiGraph, step: Step) -> Step:
    return replace(step, explanation=describe_step(G, step))


def _no_route_message(G: nx.DiGraph, source: str, target: str) -> str:
    return (f"No route from {G.nodes[source]['title']} to {G.nodes[target]['title']} "
            "meets these options. Try fewer restrictions or a nearer destination.")
