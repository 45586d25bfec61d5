"""The k best routes in order: an A* search over partial routes, prerequisites checked as it goes.

A partial route's cost so far ``g`` (on an ordering weight, ``pathways.snapshot.ORDERS``)
plus ``h``, the distance from its last place to the goal found by a backward Dijkstra on
the same weight (prerequisites and "each place once" relaxed, so a lower bound that never
overestimates and is consistent), orders a heap of partial routes. A complete route comes
off the heap only when no partial route could still lead to a better one, so complete
routes come off best first: the first ``k`` valid ones are the ``k`` best routes.

Unlike Yen's algorithm (``nx.shortest_simple_paths``), which lists every path, valid or
not, and runs a shortest-path search for each place of each path it lists, this search
never extends a route with a move whose prerequisites it has not gained (held, or gained
earlier on the route), past a place it has been, past the caps on steps or self-funded
steps, or beyond the time asked for, and pays for each partial route one push on the heap.
The backward search is resumed lazily (a place it has not settled yet gets its frontier's
distance as a lower bound, and a partial route popped with such a bound goes back with the
true one), and when nothing about the query changes distances to the goal it is the one
the snapshot keeps for that goal (``pathways.kinds.shared_backward``), so it only ever
searches the part of the graph the answer needs, once per goal.

A search that pops ``MAX_POPPED`` partial routes stops and says so (:class:`Exhausted`):
the caller then falls back to the corridor search, which has its own caps.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Iterator, Mapping

import networkx as nx

from .corridor import Dijkstra
from .kinds import shared_backward
from .options import RouteOptions, edge_allowed
from .snapshot import ORDERS

#: Partial routes popped before the search gives up (and the caller falls back).
MAX_POPPED = 5_000

Path = tuple[str, ...]


class Exhausted(Exception):
    """The search popped ``MAX_POPPED`` partial routes without finishing."""


def best_paths(G: nx.DiGraph, source: str, target: str, options: RouteOptions, order: str,
               *, max_steps: int, credit: Mapping[str, float] | None = None,
               accept: Callable[[Path], bool] = lambda path: True,
               limit: float = math.inf) -> Iterator[Path]:
    """Yield the valid routes from ``source`` to ``target``, best first by ``order``.

    Parameters
    ----------
    G : networkx.DiGraph
    source, target : str
    options : RouteOptions
        Moves the person would not take are left out; held qualifications are a
        zero-weight first step from the start, and meet prerequisites.
    order : str
        A key of ``ORDERS``.
    max_steps : int
    credit : mapping, optional
        Weight taken off the moves out of ``source`` (months already in the role).
    accept : callable
        Checks each complete route (what is judged on the whole route); a refused one is
        left out.
    limit : float
        No route longer than this (on the ordering weight) is wanted: the search stops
        when the best partial route is longer.

    Raises
    ------
    Exhausted
        After ``MAX_POPPED`` partial routes (from the generator, when it is advanced).

    Examples
    --------
    >>> from pathways.options import RouteOptions
    >>> next(best_paths(G, "care-worker", "social-worker", RouteOptions(), "months",
    ...                 max_steps=20))  # doctest: +NORMALIZE_WHITESPACE
    ('care-worker', 'social-work-degree-university', 'newly-qualified-social-worker', 'asye',
     'social-worker')
    """
    weight = ORDERS[order]
    held = {q: source for q in options.have if q in G and q != source}
    restricted = bool(options.earn_while_learning or options.max_self_funded == 0
                      or options.have)
    credit = credit or {}
    if restricted or credit:
        backward = Dijkstra(G._pred, {target: 0}, weight, options, forward=False, jumps=held,
                            credit=credit or None, origin=source)
    else:
        backward = shared_backward(G, target, weight)
    dist, frontier = backward.dist, backward._heap
    lock = backward.lock

    def bound(node: str) -> tuple[float, bool]:
        found = dist.get(node)
        if found is not None:
            return found, True
        if lock is None:
            return (frontier[0][0] if frontier else math.inf), False
        with lock:  # another thread may be between taking a node off and settling it
            found = dist.get(node)
            if found is not None:
                return found, True
            return (frontier[0][0] if frontier else math.inf), False

    def resume(radius: float) -> None:
        if lock is None:
            backward.run(radius=radius)
        else:
            with lock:
                backward.run(radius=radius)

    succ, nodes = G._succ, G._node
    have = options.have
    max_paid = options.max_self_funded
    counter = itertools.count()
    h, exact = bound(source)
    # (f, -g, tie, path, gained qualifications, self-funded steps, h is exact)
    heap: list = [(h, 0.0, next(counter), (source,), have, 0, exact)]
    for _ in range(MAX_POPPED):
        if not heap:
            return
        f, minus_g, _, path, gained, paid, exact = heapq.heappop(heap)
        if f > limit:
            return
        g, node = -minus_g, path[-1]
        if not exact:  # a lower bound: learn the true distance, and queue it again
            resume(f - g)
            h, exact = bound(node)
            if h < math.inf:
                heapq.heappush(heap, (g + h, minus_g, next(counter), path, gained, paid, exact))
            continue
        if node == target:
            if accept(path):
                yield path
            continue
        if len(path) > max_steps:
            continue
        for nxt, data in succ[node].items():
            if nxt in path or (restricted and not edge_allowed(data, nxt, options)):
                continue
            requires = data["requires"]
            if requires and any(r not in gained for r in requires):
                continue
            now_paid = paid + (data["funding"] == "self_funded")
            if max_paid is not None and now_paid > max_paid:
                continue
            h, exact = bound(nxt)
            if h == math.inf:
                continue
            step = data[weight] - (credit.get(nxt, 0) if node == source else 0)
            now_gained = gained | {nxt} if nodes[nxt]["kind"] == "qualification" else gained
            heapq.heappush(heap, (g + step + h, -(g + step), next(counter), (*path, nxt),
                                  now_gained, now_paid, exact))
        if node == source:
            for q in held:
                h, exact = bound(q)
                if h < math.inf:
                    heapq.heappush(heap, (g + h, minus_g, next(counter), (source, q), gained,
                                          paid, exact))
    raise Exhausted(f"more than {MAX_POPPED} partial routes")
