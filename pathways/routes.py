"""The route engine: the k best routes between two places on the career map.

Pure functions on a snapshot, no I/O. The search is pruned to nodes that are both
reachable from the start and able to reach the goal, then networkx's k-shortest simple
paths runs on that small graph with an explicit ``weight=``. Routes whose prerequisites
are not met in order (held, or gained earlier on the route) are skipped.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import networkx as nx

from .errors import RouteNotFound
from .explain import describe_step, why_this_order
from .options import HELD, RouteOptions, edge_allowed

MAX_STEPS = 20
#: Candidate paths examined before giving up on finding ``k`` valid ones.
MAX_CANDIDATES = 200


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
    >>> [r.path for r in routes_between(G, "care-worker", "social-worker")]  # doctest: +SKIP
    [('care-worker', 'senior-care-worker', ...)]
    """
    options = options or RouteOptions()
    if source == target:
        raise RouteNotFound("You are already there: choose a different destination.")
    search = search_graph(G, source, target, options)
    if search is None:
        raise RouteNotFound(_no_route_message(G, source, target))
    routes: list[Route] = []
    candidates = nx.shortest_simple_paths(search, source, target, weight="w")
    for examined, path in enumerate(candidates):
        if examined >= MAX_CANDIDATES or len(routes) >= options.k:
            break
        if len(path) - 1 > MAX_STEPS:
            continue
        route = make_route(G, path, options)
        if route is None:
            continue
        if options.within_months is not None and route.total_months > options.within_months:
            if options.by == "months":
                break  # paths come shortest first: none later can fit
            continue
        routes.append(route)
    if not routes:
        raise RouteNotFound(_no_route_message(G, source, target))
    return routes


def search_graph(G: nx.DiGraph, source: str, target: str,
                 options: RouteOptions) -> nx.DiGraph | None:
    """Return the pruned graph the search runs on, or None when the goal is out of reach.

    It holds only allowed edges between nodes reachable from ``source`` that can also
    reach ``target``, each with the chosen weight as ``w``, plus a zero-weight ``held``
    step from ``source`` to each qualification the person already holds.
    """
    weight = options.weight
    shortcuts = [q for q in options.have if q in G and q != source]

    forward = {source, *shortcuts}
    queue = deque(forward)
    while queue:
        node = queue.popleft()
        for nxt, data in G._succ[node].items():
            if nxt not in forward and edge_allowed(data, nxt, options):
                forward.add(nxt)
                queue.append(nxt)
    if target not in forward:
        return None
    backward = {target}
    queue = deque(backward)
    while queue:
        node = queue.popleft()
        for prev, data in G._pred[node].items():
            if prev not in backward and prev in forward and edge_allowed(data, node, options):
                backward.add(prev)
                queue.append(prev)
    keep = backward
    reachable_shortcuts = [q for q in shortcuts if q in keep]
    if source not in keep:
        if not reachable_shortcuts:
            return None
        keep = keep | {source}
    attainable = keep | options.have
    search = nx.DiGraph()
    for node in keep:
        for nxt, data in G._succ[node].items():
            if (nxt in keep and edge_allowed(data, nxt, options)
                    and all(r in attainable for r in data["requires"])):
                search.add_edge(node, nxt, w=data[weight])
    for qualification in reachable_shortcuts:
        search.add_edge(source, qualification, w=0, held=True)
    if source not in search or target not in search:
        return None
    return search


def make_route(G: nx.DiGraph, path: list[str], options: RouteOptions) -> Route | None:
    """Explain ``path`` step by step, or return None if its prerequisites are not met in order.

    A step into a qualification the person holds is the virtual ``held`` step.
    """
    gained: dict[str, str] = {q: "held" for q in options.have}
    steps: list[Step] = []
    total_months = total_cost = 0.0
    self_funded = 0
    for number, (u, v) in enumerate(zip(path, path[1:]), start=1):
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
