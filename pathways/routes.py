"""The route engine: the best routes between two places on the career map, and the
distinct kinds of route a person could take.

Pure functions on a snapshot, no I/O.

**No route.** A pair no path joins (most pairs of places) is answered at once from the
snapshot's condensation (:func:`pathways.reachability.could_reach`), without a search.

**The k best routes** (:func:`routes_between`). An A* search over partial routes
(``pathways.best_paths``) takes the routes off its heap best first, never extending one
with a move whose prerequisites it has not gained (held, or gained earlier on the route),
so the first ``k`` are the answer and it stops. Should it pop too many partial routes, the
corridor search takes over: a corridor of nodes reachable from the start, able to reach
the goal, and near enough to the best route (``pathways.corridor``), where networkx's
k-shortest simple paths (Yen's algorithm) run with an explicit weight, skipping routes
whose prerequisites are not met in order; it stops widening once the corridor is whole.
Every search orders routes by an *ordering weight*
(``pathways.snapshot.ordering_weights``): its criterion first, then total months, then
fewer employer changes (``change_of_employer`` edges), then fewer steps, so ties never
fall to chance.

**Kinds.** A route's *kind* is the tuple of qualification nodes it gains, in the order it
gains them: every step into a qualification except the "already held" step, the goal
included when it is a qualification. Two routes of one kind differ only in the jobs
between qualifications (sideways moves, a change of employer): a person sees them as the
same route. :func:`distinct_routes` shows the best route of each kind and folds up to
``MAX_VARIANTS`` near-variants under it (``Route.variants``, "also possible via ...").

**Criteria.** Each route carries ``total_months`` (experience first, then the step, for
every step), ``cost_to_you_gbp`` (the cost of the steps funded ``self_funded``; the levy,
an employer or a bursary pay the others) and ``months_unpaid`` (the months of the steps
that are not earn-while-learning; experience gained before a step is time in a job).

**Distinct routes.** :func:`distinct_routes` returns, first, the kinds that are best on at
least one criterion: for each of months, cost to you and months without pay, the best
route by that criterion (then months, employer changes, steps) — the extreme points of the
Pareto front over the three criteria; one that another of them dominates is left out.
Then it fills up to ``k`` kinds with the next kinds by the chosen order (``options.by``).
All of it comes from :class:`pathways.kinds.KindSearch`, an A* search over (place,
qualifications gained so far): the variants of a kind meet at one state instead of being
listed one path at a time (which is what makes Yen's algorithm slow when there are many
near-identical routes), prerequisites are checked exactly, and the goal state of each kind
is reached once, best first. A front criterion's search stops at its first route, so the
front is exact; the fill stops once there are ``k`` kinds in all. The best route by the
chosen order is the fill's first, and serves as that criterion's front route too. Labels
are given in words on what is shown (:func:`_label`): "Quickest", "Earn while you learn,
nothing to pay" (or "Earn while you learn", or "Least time without pay"), "Cheapest for
you"; a route may carry several. The route shown for a kind is its best by the chosen
order; up to ``MAX_VARIANTS`` others of the kind fold under it.

**Caps.** ``k`` is at most 10, a route at most ``MAX_STEPS`` steps; the k-best search
examines at most ``MAX_CANDIDATES`` paths and the kind search settles at most
``pathways.kinds.MAX_SETTLED`` states, then reports what it has. On the seed pathway the
cap never costs a kind; on very large regions (the 50-organisation synthetic graph) it
shortens the fill after the front, which keeps a query within a few tens of
milliseconds.

**Experience already gained.** ``options.months_in_role`` counts toward the experience
gate of the first step out of the start: the search takes it off those edges' weights
(:class:`pathways.corridor.Dijkstra`'s ``credit``) and the step reports what is left.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import cast

import networkx as nx

from .best_paths import Exhausted, best_paths
from .corridor import Dijkstra, corridor_graph
from .errors import InvalidInput, Problem, RouteNotFound
from .explain import describe_step, format_months, why_this_order
from .kinds import KindSearch
from .options import HELD, RouteOptions
from .reachability import could_reach
from .snapshot import FIRST_SCALE, MONTH_SCALE, ORDERS

MAX_STEPS = 20
#: Candidate paths a search examines before it reports what it has found.
MAX_CANDIDATES = 200
#: Variants kept under the best route of a kind.
MAX_VARIANTS = 3
#: How much wider the corridor grows when it has no paths left, by the search's order, in
#: its ordering weight's units (times 4 each time this happens).
WIDENING = {"months": 12 * MONTH_SCALE, "cost": 1000 * FIRST_SCALE, "steps": FIRST_SCALE,
            "cost_to_you": 1000 * FIRST_SCALE, "months_unpaid": 12 * FIRST_SCALE}
#: Corridors tried before the last search, which has no bound.
MAX_CORRIDORS = 6
#: The criteria of the front, in the order their labels are given.
FRONT = ("months", "months_unpaid", "cost_to_you")

QUICKEST = "Quickest"
EARN_NOTHING_TO_PAY = "Earn while you learn, nothing to pay"
EARN = "Earn while you learn"
LEAST_UNPAID = "Least time without pay"
CHEAPEST = "Cheapest for you"
#: Every label a route can carry, in the order they are shown.
LABELS = (QUICKEST, EARN_NOTHING_TO_PAY, EARN, LEAST_UNPAID, CHEAPEST)


@dataclass(frozen=True)
class Requirement:
    """A qualification a step needs, and how the person has it."""

    id: str
    title: str
    met_by: str  # "held", or "step N"


@dataclass(frozen=True)
class Step:
    """One move on a route, with everything it takes.

    ``min_experience_months`` is the experience still needed before the move;
    ``experience_counted`` the months already in the role that counted toward it (only on
    the first step, from ``options.months_in_role``).
    """

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
    experience_counted: int = 0

    @property
    def total_months(self) -> float:
        """Months this step adds: experience needed first, then the step itself."""
        return self.months + self.min_experience_months


@dataclass(frozen=True)
class Route:
    """A path from one node to another, step by step, with totals.

    ``kind`` is the qualifications gained in order (see the module's notes);
    ``labels`` what it is best at, in words (from :func:`distinct_routes`); ``variants``
    other paths of the same kind, a little slower or with more moves.
    """

    path: tuple[str, ...]
    steps: tuple[Step, ...]
    total_months: float
    total_cost_gbp: float
    self_funded_steps: int
    why: tuple[str, ...]
    kind: tuple[str, ...] = ()
    cost_to_you_gbp: float = 0
    months_unpaid: float = 0
    employer_changes: int = 0
    labels: tuple[str, ...] = ()
    variants: tuple[tuple[str, ...], ...] = ()

    @property
    def criteria(self) -> tuple[float, float, float]:
        """Return (months, cost to you, months without pay): the front's three criteria."""
        return self.total_months, self.cost_to_you_gbp, self.months_unpaid

    @property
    def also_via(self) -> tuple[tuple[str, ...], ...]:
        """Return, for each variant, the nodes it passes through that this route does not."""
        on_route = set(self.path)
        return tuple(tuple(n for n in variant if n not in on_route)
                     for variant in self.variants)


def routes_between(G: nx.DiGraph, source: str, target: str,
                   options: RouteOptions | None = None) -> list[Route]:
    """Return up to ``options.k`` best routes from ``source`` to ``target``, kinds repeated.

    Most callers want :func:`distinct_routes`; this is every route in order, for a
    single best route (``k=1``) or a plain list.

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
        Best first by ``options.by``, then months, fewer employer changes, fewer steps.

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
    _check_ends(source, target)
    if not could_reach(G, source, target, options.have):
        raise RouteNotFound(_no_route_message(G, source, target))
    route_of = _explainer(G, options)
    limit = math.inf
    if options.within_months is not None and options.by == "months":
        limit = (options.within_months + 1) * MONTH_SCALE  # a month holds every tie-break
    routes: list[Route] = []
    try:
        for path in best_paths(G, source, target, options, options.by, max_steps=MAX_STEPS,
                               credit=_credit(G, source, options),
                               accept=lambda path: route_of(path) is not None, limit=limit):
            routes.append(cast(Route, route_of(path)))
            if len(routes) >= options.k:
                break
    except Exhausted:  # very many near-identical partial routes: the corridor search
        return _search(G, source, target, options, options.by, options.k, distinct=False)
    if not routes:
        raise RouteNotFound(_no_route_message(G, source, target))
    return [explain_route(G, route) for route in routes]


def distinct_routes(G: nx.DiGraph, source: str, target: str,
                    options: RouteOptions | None = None) -> list[Route]:
    """Return the distinct kinds of route from ``source`` to ``target``, labelled.

    First the kinds that are best on months, cost to you or months without pay (the
    extreme points of their Pareto front, each labelled), then the next kinds by
    ``options.by`` up to ``options.k``; each the best route of its kind, with variants.
    The CLI, the API and the planner all call this.

    Parameters
    ----------
    G : networkx.DiGraph
        A snapshot from ``build_graph``.
    source, target : str
        Node ids.
    options : RouteOptions, optional
        Made with ``make_options``; they filter every search.

    Returns
    -------
    list of Route
        At most ``options.k``, no two of one kind; the front's first (best by
        ``options.by`` among them), then the others by ``options.by``.

    Raises
    ------
    RouteNotFound
        When no route meets the options.

    Examples
    --------
    >>> routes = distinct_routes(G, "care-worker", "social-worker")
    >>> len({r.kind for r in routes}) == len(routes), QUICKEST in routes[0].labels
    (True, True)
    >>> earning = next(r for r in routes if EARN_NOTHING_TO_PAY in r.labels)
    >>> earning.months_unpaid, earning.cost_to_you_gbp
    (0.0, 0.0)
    """
    options = options or RouteOptions()
    _check_ends(source, target)
    if not could_reach(G, source, target, options.have):
        raise RouteNotFound(_no_route_message(G, source, target))
    search = KindSearch(G, source, target, options, _credit(G, source, options), MAX_STEPS)
    if not search.reachable:
        raise RouteNotFound(_no_route_message(G, source, target))
    made: dict[tuple[str, ...], Route | None] = {}
    fit: dict[tuple[str, ...], bool] = {}

    def route_of(path: tuple[str, ...]) -> Route | None:
        if path not in made:
            route = make_route(G, path, options, explain=False)
            within = options.within_months
            made[path] = None if route is None or (
                within is not None and route.total_months > within) else route
        return made[path]

    def accept(path: tuple[str, ...]) -> bool:
        if path not in fit:
            fit[path] = fits(G, path, options)
        return fit[path]

    def with_variants(path: tuple[str, ...], order: str) -> Route:
        route = cast(Route, route_of(path))  # the search accepted it
        variants = [v for v in search.variants_of(path, order) if accept(v)][:MAX_VARIANTS]
        return replace(route, variants=tuple(variants))

    filling = search.best(options.by, accept)
    first = next(filling, None)
    if first is None:
        raise RouteNotFound(_no_route_message(G, source, target))
    front_paths = {options.by: first}
    for criterion in FRONT:
        if criterion not in front_paths:
            path = next(search.best(criterion, accept), None)
            if path is not None:
                front_paths[criterion] = path
    best_of_kind: dict[tuple[str, ...], Route] = {}
    for criterion in FRONT:
        if criterion in front_paths:
            best = with_variants(front_paths[criterion], criterion)
            known = best_of_kind.get(best.kind)
            best_of_kind[best.kind] = best if known is None else _merge(known, best, options.by)
    front = list(best_of_kind.values())
    front = [r for r in front if not any(_dominates(other, r) for other in front)]
    shown = {r.kind for r in front}
    # then the next kinds by the chosen order, until there are k kinds in all
    filled = [first]
    kinds = shown | {cast(Route, route_of(first)).kind}
    while len(kinds) < options.k:
        path = next(filling, None)
        if path is None:
            break
        filled.append(path)
        kinds.add(cast(Route, route_of(path)).kind)
    rest = []
    for path in filled:
        route = with_variants(path, options.by)
        if route.kind in shown:  # the best by the chosen order: the one shown
            best_of_kind[route.kind] = _merge(best_of_kind[route.kind], route, options.by)
        else:
            rest.append(route)
    front = sorted((best_of_kind[kind] for kind in shown),
                   key=lambda r: _order_key(r, options.by))
    return _label([explain_route(G, route) for route in (front + rest)[:options.k]])


def path_from_ids(G: nx.DiGraph, ids: str | Iterable[str]) -> tuple[str, ...]:
    """Check that ``ids`` name a route of moves on the map and return it as a tuple.

    Parameters
    ----------
    G : networkx.DiGraph
    ids : str or iterable of str
        Node ids in order, or one text of them joined by commas (as ``/map?path=`` has
        them).

    Returns
    -------
    tuple of str

    Raises
    ------
    InvalidInput
        When there are fewer than two, more than ``MAX_STEPS + 1``, an id is not on the
        map, a place comes twice, or two in a row are not a move of the map.

    Examples
    --------
    >>> path_from_ids(G, "care-worker,senior-care-worker")
    ('care-worker', 'senior-care-worker')
    >>> path_from_ids(G, ["care-worker", "nowhere"])
    Traceback (most recent call last):
    ...
    pathways.errors.InvalidInput: This route is not on the career map (1 problem(s)):
      - path: nothing on the map has the id 'nowhere'
    """
    if isinstance(ids, str):
        ids = ids.split(",")
    path = tuple(i.strip() for i in ids)
    problems: list[Problem] = []
    if len(path) < 2:
        problems.append(Problem("path", "a route needs at least two places, separated by "
                                        "commas"))
    elif len(path) > MAX_STEPS + 1:
        problems.append(Problem("path", f"a route has at most {MAX_STEPS} steps"))
    else:
        unknown = [i for i in path if i not in G]
        if unknown:
            problems.append(Problem("path", "nothing on the map has the id "
                                    + ", ".join(repr(i[:60]) for i in unknown[:3])))
        elif len(set(path)) != len(path):
            problems.append(Problem("path", "a route passes through each place once"))
        else:
            problems += [
                Problem("path", f"there is no move from {G.nodes[u]['title']} to "
                                f"{G.nodes[v]['title']}")
                for u, v in itertools.pairwise(path) if not G.has_edge(u, v)]
    if problems:
        raise InvalidInput(problems, "This route is not on the career map")
    return path


def map_path(route: Route) -> tuple[str, ...]:
    """Return the part of ``route`` that is moves on the map, for ``/map?path=``.

    That is the whole path, less the start when the first step is the virtual "already
    held" one (which is not a move of the map): the route then starts at the
    qualification held. :func:`path_from_ids` accepts what this returns.
    """
    if route.steps and route.steps[0].kind == HELD and len(route.path) > 2:
        return route.path[1:]
    return route.path


def _check_ends(source: str, target: str) -> None:
    if source == target:
        raise RouteNotFound("You are already there: choose a different destination.")


def _search(G: nx.DiGraph, source: str, target: str, options: RouteOptions, order: str,
            k: int, *, distinct: bool) -> list[Route]:
    """Return the ``k`` best routes (or best routes of ``k`` kinds) by ``order``: the
    corridor search, which :func:`routes_between` falls back on when the A* search
    (``pathways.best_paths``) gives up.

    The corridor around the best route is widened until the answer is certainly
    inside it: to the length of the ``k``-th valid route the last corridor found beyond its
    bound when there is one (the next corridor then certainly holds the answer), else by
    ``WIDENING``; a corridor that is *whole* (its bound left nothing out) ends the search.
    Each path is explained once, however many corridors it is found in.
    """
    weight = ORDERS[order]
    held = {q: source for q in options.have if q in G and q != source}
    credit = _credit(G, source, options)
    backward = Dijkstra(G._pred, {target: 0}, weight, options, forward=False, jumps=held,
                        credit=credit, origin=source)
    backward.run(until=source)
    if source not in backward.dist:
        raise RouteNotFound(_no_route_message(G, source, target))
    route_of = _explainer(G, options)
    best = backward.dist[source]
    limit = math.inf
    if options.within_months is not None and order == "months":
        limit = (options.within_months + 1) * MONTH_SCALE  # a month holds every tie-break
    bound = min(limit, best)  # first, the best route and its ties
    widenings = 0
    for attempt in range(MAX_CORRIDORS + 1):
        backward.run(radius=bound)
        forward = Dijkstra(G._succ, {source: 0, **dict.fromkeys(held, 0)}, weight, options,
                           forward=True, guide=backward.dist, bound=bound, credit=credit,
                           origin=source)
        forward.run(radius=bound)
        search = corridor_graph(G, source, target, options, forward, backward, bound,
                                weight=weight, credit=credit)
        whole = search.graph["whole"]  # then its paths past the bound are in order too
        routes, complete, beyond = _best_routes(search, source, target,
                                                limit if whole else bound, k, distinct,
                                                route_of, whole)
        if complete or bound >= limit:
            break
        if attempt == MAX_CORRIDORS - 1:
            bound = math.inf
        elif beyond is not None:  # k valid routes up to it: the next corridor holds them
            bound = beyond
        else:
            bound += WIDENING[order] * 4 ** widenings
            widenings += 1
        bound = min(bound, limit)
    if not routes:
        raise RouteNotFound(_no_route_message(G, source, target))
    return [explain_route(G, route) for route in routes]


def _explainer(G: nx.DiGraph, options: RouteOptions
               ) -> Callable[[tuple[str, ...]], Route | None]:
    """Return ``route_of(path)``: the path as a route (:func:`make_route`, its words left
    for :func:`explain_route`), or None when it is not a valid route for ``options`` (too
    many steps, prerequisites not met in order, too many self-funded steps, longer than
    ``within_months``); each path looked at once."""
    made: dict[tuple[str, ...], Route | None] = {}

    def route_of(path: tuple[str, ...]) -> Route | None:
        if path not in made:
            route = (make_route(G, path, options, explain=False)
                     if len(path) - 1 <= MAX_STEPS else None)
            within = options.within_months
            made[path] = None if route is None or (
                within is not None and route.total_months > within) else route
        return made[path]

    return route_of


def _credit(G: nx.DiGraph, source: str, options: RouteOptions) -> dict[str, float] | None:
    """Return the weight taken off each move out of ``source`` for months in the role."""
    if not options.months_in_role:
        return None
    credit = {}
    for nxt, data in G._succ[source].items():
        counted = min(data["min_experience_months"], options.months_in_role)
        if counted:
            credit[nxt] = counted * MONTH_SCALE
    return credit or None


def _best_routes(search: nx.DiGraph, source: str, target: str, bound: float, k: int,
                 distinct: bool, route_of: Callable[[tuple[str, ...]], Route | None],
                 whole: bool = False) -> tuple[list[Route], bool, float | None]:
    """Return the best valid routes in the corridor, whether they are surely the k best,
    and a bound that surely holds the k best when they are not (None if unknown).

    Paths come best first; those no longer than ``bound`` are exactly the whole graph's,
    so the answer is complete once ``k`` valid routes (or kinds, when ``distinct``) are
    found within it, or when the corridor has no more paths and ``bound`` is unlimited or
    the corridor ``whole``.
    Past ``bound`` the corridor's paths are still routes of the whole graph, only maybe
    not the next ones: the search goes on counting valid ones, and when it reaches ``k``
    (with those within the bound) the length of the last is a bound that holds the ``k``
    best. With ``distinct`` the first route of each kind is kept and later ones become its
    variants. ``route_of`` explains a path, or returns None when it is not a valid route.
    """
    routes: list[Route] = []
    variants: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    beyond: set[tuple[str, ...]] = set()  # valid routes (their kinds, if distinct) past it
    found_beyond = 0

    def answer() -> list[Route]:
        if not distinct:
            return routes
        return [replace(r, variants=tuple(variants[r.kind])) if variants[r.kind] else r
                for r in routes]

    if source not in search or target not in search:
        return routes, whole or math.isinf(bound), None
    candidates = _paths_or_none(search, source, target)
    for examined, found in enumerate(candidates):
        if examined >= MAX_CANDIDATES:
            return answer(), True, None  # enough looking: report what was found
        path = tuple(found)
        route = route_of(path)
        length = sum(search.edges[u, v]["w"] for u, v in itertools.pairwise(path))
        if length > bound:
            if route is not None and (not distinct or (
                    route.kind not in variants and route.kind not in beyond)):
                beyond.add(route.kind if distinct else path)
                found_beyond += 1
                if len(routes) + found_beyond >= k:
                    return answer(), False, length
            continue
        if route is None:
            continue
        if distinct:
            same_kind = variants.get(route.kind)
            if same_kind is not None:
                if len(same_kind) < MAX_VARIANTS:
                    same_kind.append(route.path)
                continue
            variants[route.kind] = []
        routes.append(route)
        if len(routes) >= k:
            return answer(), True, None
    return answer(), whole or math.isinf(bound), None


def _paths_or_none(search: nx.DiGraph, source: str, target: str) -> Iterator[list[str]]:
    """Yield ``search``'s simple paths best first (none when the corridor joins neither end:
    it may hold both ends and no path, when a move needs what the corridor cannot gain)."""
    try:
        yield from nx.shortest_simple_paths(search, source, target, weight="w")
    except nx.NetworkXNoPath:
        return


def _order_key(route: Route, by: str) -> tuple[float, ...]:
    """Sort key of the chosen order, then months, employer changes and steps."""
    first = {"months": route.total_months, "cost": route.total_cost_gbp,
             "steps": len(route.steps), "cost_to_you": route.cost_to_you_gbp,
             "months_unpaid": route.months_unpaid}[by]
    return first, route.total_months, route.employer_changes, len(route.steps)


def _merge(one: Route, other: Route, by: str) -> Route:
    """Return the better of two routes of one kind, with the other among its variants."""
    best, second = sorted((one, other), key=lambda r: _order_key(r, by))
    variants = tuple(dict.fromkeys((second.path, *best.variants, *second.variants)))
    return replace(best, variants=tuple(v for v in variants if v != best.path)[:MAX_VARIANTS])


def _dominates(one: Route, other: Route) -> bool:
    """Whether ``one`` is no worse than ``other`` on every criterion and better on one."""
    return all(a <= b for a, b in zip(one.criteria, other.criteria, strict=True)) and (
        one.criteria != other.criteria)


def _label(routes: list[Route]) -> list[Route]:
    """Label what each route is best at among ``routes``, in words.

    For months without pay, the route with fewest (then least to pay, then fewest
    months): "Earn while you learn, nothing to pay" when it has none and costs you
    nothing, "Earn while you learn" when it has none; these two say what the route is,
    so they are given even to a route shown alone. The others compare, so they need two
    routes or more: "Least time without pay" for that route when it has some, "Quickest"
    for fewest months, "Cheapest for you" for least to pay (then fewest months without
    pay, then months) unless that route already says "nothing to pay". Ties go to the
    first shown.
    """
    labels: list[list[str]] = [[] for _ in routes]
    compare = len(routes) > 1

    def best(key) -> int:
        return min(range(len(routes)), key=lambda i: (*key(routes[i]), i))

    if not routes:
        return routes
    if compare:
        labels[best(lambda r: (r.total_months, r.employer_changes, len(r.steps)))].append(
            QUICKEST)
    unpaid = best(lambda r: (r.months_unpaid, r.cost_to_you_gbp, r.total_months))
    route = routes[unpaid]
    if route.months_unpaid == 0:
        labels[unpaid].append(EARN_NOTHING_TO_PAY if route.cost_to_you_gbp == 0 else EARN)
    elif compare:
        labels[unpaid].append(LEAST_UNPAID)
    cheapest = best(lambda r: (r.cost_to_you_gbp, r.months_unpaid, r.total_months))
    if compare and EARN_NOTHING_TO_PAY not in labels[cheapest]:
        labels[cheapest].append(CHEAPEST)
    return [replace(r, labels=tuple(sorted(set(names), key=LABELS.index)))
            for r, names in zip(routes, labels, strict=True)]


def kind_of(G: nx.DiGraph, steps: Sequence[Step]) -> tuple[str, ...]:
    """Return a route's kind: the qualifications its steps gain, in order (not held ones)."""
    return tuple(s.target for s in steps
                 if s.kind != HELD and G._node[s.target]["kind"] == "qualification")


def make_route(G: nx.DiGraph, path: Sequence[str], options: RouteOptions,
               explain: bool = True) -> Route | None:
    """Explain ``path`` step by step, or return None if its prerequisites are not met in order.

    A step into a qualification the person holds is the virtual ``held`` step. Months in
    the role at the start (``options.months_in_role``) count toward the first step's
    experience gate. ``explain=False`` leaves the words out (each step's explanation and
    the route's reasons, most of the cost): the searches weigh many candidate paths and
    :func:`explain_route` words only those they answer with.
    """
    gained: dict[str, str] = {q: "held" for q in options.have}
    steps: list[Step] = []
    total_months = total_cost = cost_to_you = unpaid = 0.0
    self_funded = changes = 0
    for number, (u, v) in enumerate(itertools.pairwise(path), start=1):
        if v in options.have:  # the virtual step from the start to a held qualification
            steps.append(_held_step(G, number, u, v, explain))
            continue
        data = G._succ[u][v]  # G.edges[u, v], without the view
        missing = [r for r in data["requires"] if r not in gained]
        if missing:
            return None
        requires = tuple(Requirement(r, G._node[r]["title"], gained[r])
                         for r in data["requires"])
        gate = data["min_experience_months"]
        counted = min(gate, options.months_in_role) if number == 1 else 0
        step = Step(number, u, v, data["kind"], data["months"], gate - counted,
                    data["cost_gbp"], data["funding"], data["earn_while_learning"], requires, "",
                    counted)
        if explain:
            step = _with_explanation(G, step)
        steps.append(step)
        total_months += step.total_months
        total_cost += step.cost_gbp
        self_funded += step.funding == "self_funded"
        cost_to_you += step.cost_gbp if step.funding == "self_funded" else 0
        unpaid += 0 if step.earn_while_learning else step.months
        changes += step.kind == "change_of_employer"
        if G._node[v]["kind"] == "qualification":
            gained.setdefault(v, f"step {number}")
    if options.max_self_funded is not None and self_funded > options.max_self_funded:
        return None
    route_steps = tuple(steps)
    return Route(tuple(path), route_steps, total_months, total_cost, self_funded,
                 tuple(why_this_order(G, route_steps)) if explain else (),
                 kind_of(G, route_steps), cost_to_you, unpaid, changes)


def fits(G: nx.DiGraph, path: Sequence[str], options: RouteOptions) -> bool:
    """Whether ``path`` is a route for ``options``: what :func:`make_route` checks
    (prerequisites met in order, self-funded steps) and ``within_months``, without making
    the route (the searches ask this of many more paths than they answer with).

    Examples
    --------
    >>> path = ("care-worker", "social-work-degree-university", "newly-qualified-social-worker")
    >>> fits(G, path, RouteOptions()), fits(G, path, RouteOptions(within_months=12))
    (True, False)
    """
    have, edges, nodes = options.have, G._succ, G._node
    gained = set(have)
    total_months = 0.0
    self_funded = 0
    for number, (u, v) in enumerate(itertools.pairwise(path), start=1):
        if v in have:
            continue
        data = edges[u][v]
        if any(r not in gained for r in data["requires"]):
            return False
        gate = data["min_experience_months"]
        counted = min(gate, options.months_in_role) if number == 1 else 0
        total_months += data["months"] + (gate - counted)  # as Step.total_months adds it
        self_funded += data["funding"] == "self_funded"
        if nodes[v]["kind"] == "qualification":
            gained.add(v)
    if options.max_self_funded is not None and self_funded > options.max_self_funded:
        return False
    return options.within_months is None or total_months <= options.within_months


def explain_route(G: nx.DiGraph, route: Route) -> Route:
    """Return ``route`` with its words: each step's explanation and the reasons for the order
    (what :func:`make_route` gives with ``explain=True``); a route with them is returned as
    it is.

    Examples
    --------
    >>> path = ("care-worker", "social-work-degree-university", "newly-qualified-social-worker")
    >>> bare = make_route(G, path, RouteOptions(), explain=False)
    >>> bare.steps[0].explanation, explain_route(G, bare) == make_route(G, path, RouteOptions())
    ('', True)
    """
    if all(step.explanation for step in route.steps):
        return route
    steps = tuple(step if step.explanation else _with_explanation(G, step)
                  for step in route.steps)
    return replace(route, steps=steps, why=tuple(why_this_order(G, steps)))


def _held_step(G: nx.DiGraph, number: int, u: str, v: str, explain: bool = True) -> Step:
    step = Step(number, u, v, HELD, 0, 0, 0, "none", True, (), "")
    return _with_explanation(G, step) if explain else step


def _with_explanation(G: nx.DiGraph, step: Step) -> Step:
    explanation = describe_step(G, step)
    counted, source = step.experience_counted, G._node[step.source]["title"]
    if counted and not step.min_experience_months:
        explanation += (f" You already have the {format_months(counted)} of experience it "
                        f"needs as {source}.")
    elif counted:
        explanation += (f" Your {format_months(counted)} as {source} count toward the "
                        f"{format_months(counted + step.min_experience_months)} of experience"
                        " it needs.")
    # Step(...) rather than dataclasses.replace, which costs several times as much
    return Step(step.number, step.source, step.target, step.kind, step.months,
                step.min_experience_months, step.cost_gbp, step.funding,
                step.earn_while_learning, step.requires, explanation, step.experience_counted)


def _no_route_message(G: nx.DiGraph, source: str, target: str) -> str:
    return (f"No route from {G.nodes[source]['title']} to {G.nodes[target]['title']} "
            "meets these options. Try fewer restrictions or a nearer destination.")
