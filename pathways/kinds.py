"""The search for the best route of each kind: an A* search over (place, kind so far).

A route's kind is the qualifications it gains, in order (``pathways.routes``). Whether a
move is allowed depends only on what has been gained (its ``requires``), so a search whose
states are ``(node, qualifications gained so far)`` checks prerequisites exactly, and
routes of one kind meet at the same states: the many near-identical variants of a kind
(other jobs in between, another employer) cost one state each rather than one path each,
which is what makes k-shortest simple paths slow on large graphs. States are settled in
order of ``g + h`` (deeper first among equals, so the goal comes as soon as it can):
``g`` the route so far on an ordering weight (``x_*``, see
``pathways.snapshot.ordering_weights``), ``h`` the distance to the goal from a backward
Dijkstra on the same weight, or on one no larger on any edge (``BOUNDED_BY``: the two
other criteria of the front share ``x_front``), so ``h`` is a consistent lower bound
(prerequisites relaxed) and one backward search serves several of a query's searches. The
backward search is resumed lazily: a node it has not settled yet gets its frontier as a
lower bound, and an entry popped with such a bound is put back with the true value, so
only the part of the graph the answer needs is searched. When nothing about the query
changes distances to the goal (no held qualifications, no months in role, no option that
leaves moves out), the backward search is the one kept with the snapshot for that goal
(:func:`shared_backward`), so later queries to the same goal resume it rather than start
again: the snapshot never changes, so what it has settled stays true.

The goal state of each kind is settled at most once, in order: the first is the best
route, the next ones are the best routes of the next kinds. A route passes through a place
at most once, checked along each state's path; as that makes where a state can go on
depend on how it was reached, a later arrival that avoids a place every earlier one passed
through is searched on too (up to ``MAX_EXPANSIONS`` a state), which on random graphs
agrees with listing every simple path (``tests/domain/test_distinct_routes.py``).
Near-variants are the arrivals at a state of the best route after it was settled (the
route with its beginning swapped for another way there).
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field

import networkx as nx

from .corridor import Dijkstra
from .options import RouteOptions, edge_allowed
from .snapshot import ORDERS

#: The weight of the backward search that bounds each order's search: its own, or one
#: no larger on any edge (``x_front`` serves both criteria of the front but months).
BOUNDED_BY = {**ORDERS, "cost_to_you": "x_front", "months_unpaid": "x_front"}
#: States popped before a search reports what it has found (a safety net)...
MAX_STATES = 20_000
#: ...and states settled. On the seed pathway a search that finds k kinds settles at most
#: about 50; one that runs out of kinds may reach the cap, and loses none by it (checked
#: for every pair of places). On the 50-organisation synthetic region the cap cuts the
#: kinds filled in after the front (the front's own searches settle a handful of states).
MAX_SETTLED = 150
#: Times a state is searched on from: a later, longer arrival goes on only when it
#: avoids a place the earlier ones passed through (a route passes through each once).
MAX_EXPANSIONS = 2
#: Backward searches kept per snapshot, by (goal, weight), for queries they serve whatever
#: the start (see :func:`shared_backward`).
SHARED_BACKWARDS = 32
#: Later arrivals kept at each state, for variants.
ARRIVALS_KEPT = 3

Path = tuple[str, ...]
Kind = tuple[str, ...]


_shared: weakref.WeakKeyDictionary[nx.DiGraph, OrderedDict[tuple[str, str], Dijkstra]] = (
    weakref.WeakKeyDictionary())
_shared_lock = threading.Lock()


def shared_backward(G: nx.DiGraph, target: str, weight: str) -> Dijkstra:
    """Return the backward search from ``target`` on ``weight`` kept with snapshot ``G``.

    A backward search with no options that leave moves out, no held qualifications and no
    months in role depends only on the goal and the snapshot (which never changes), so
    every query to that goal can resume the same one: the distances it has settled stay
    true, and it only grows. ``SHARED_BACKWARDS`` are kept per snapshot (least recently
    used dropped); they go with the snapshot. Resume it under its ``lock``.
    """
    with _shared_lock:
        kept = _shared.get(G)
        if kept is None:
            kept = _shared[G] = OrderedDict()
        key = (target, weight)
        found = kept.get(key)
        if found is None:
            found = kept[key] = Dijkstra(G._pred, {target: 0}, weight, RouteOptions(),
                                         forward=False)
            found.lock = threading.Lock()
            while len(kept) > SHARED_BACKWARDS:
                kept.popitem(last=False)
        else:
            kept.move_to_end(key)
        return found


@dataclass
class KindSearch:
    """The searches of one query: the shared backward bound, and one A* search per order.

    Parameters
    ----------
    G : networkx.DiGraph
    source, target : str
    options : RouteOptions
    credit : mapping, optional
        Weight taken off moves out of ``source`` (months already in the role).
    max_steps : int
    """

    G: nx.DiGraph
    source: str
    target: str
    options: RouteOptions
    credit: dict[str, float] | None = None
    max_steps: int = 20
    #: By order searched: the states settled (with ``g``) and later arrivals at each.
    searched: dict[str, tuple[dict[tuple[str, Kind], float],
                              dict[tuple[str, Kind], list[tuple[float, Path]]]]] = field(
        init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.held = {q: self.source for q in self.options.have
                     if q in self.G and q != self.source}
        self.backwards: dict[str, Dijkstra] = {}
        self._run(self._backward("months"), until=self.source)

    def _backward(self, order: str) -> Dijkstra:
        """Return the (lazily run) backward search from the goal that bounds ``order``:
        the snapshot's shared one when nothing about this query changes the distances."""
        weight = BOUNDED_BY[order]
        if weight not in self.backwards:
            options = self.options
            if (self.held or self.credit or options.earn_while_learning
                    or options.max_self_funded == 0):
                self.backwards[weight] = Dijkstra(
                    self.G._pred, {self.target: 0}, weight, options, forward=False,
                    jumps=self.held, credit=self.credit, origin=self.source)
            else:
                self.backwards[weight] = shared_backward(self.G, self.target, weight)
        return self.backwards[weight]

    @staticmethod
    def _run(backward: Dijkstra, **limits) -> None:
        lock = backward.lock
        if lock is None:
            backward.run(**limits)
            return
        with lock:
            backward.run(**limits)

    @property
    def reachable(self) -> bool:
        """Whether any route (prerequisites aside) leads from the start to the goal."""
        return self.source in self.backwards[ORDERS["months"]].dist

    def best(self, order: str, accept: Callable[[Path], bool]) -> Iterator[Path]:
        """Yield the best route of each kind by ``order``, best first, with its variants.

        ``accept`` checks a route that reaches the goal (options that are judged on the
        whole route); a refused one leaves the goal open to the next route of its kind.
        Each kind comes once. Variants (other paths of a kind, next best) are gathered
        while the search runs, so they grow as later kinds are asked for: read them with
        :meth:`variants_of` when done. A new search of the same order starts afresh.
        """
        G, source, target, options = self.G, self.source, self.target, self.options
        weight, succ, credit = ORDERS[order], G._succ, self.credit or {}
        nodes, held = G._node, self.held
        backward = self._backward(order)
        dist, frontier_heap = backward.dist, backward._heap

        def unshared_bound(node: str) -> tuple[float, bool]:
            found = dist.get(node)
            if found is not None:
                return found, True
            return (frontier_heap[0][0] if frontier_heap else math.inf), False

        def shared_bound(node: str) -> tuple[float, bool]:
            found = dist.get(node)  # settled distances never change
            if found is not None:
                return found, True
            with shared_lock:  # another thread may be between taking a node off and settling it
                return unshared_bound(node)

        shared_lock = backward.lock if backward.lock is not None else nullcontext()
        bound = unshared_bound if backward.lock is None else shared_bound

        restricted = bool(options.earn_while_learning or options.max_self_funded == 0
                          or options.have)
        counter = itertools.count()
        h, exact = bound(source)
        heap: list = [(h, 0.0, next(counter), (source,), (), exact)]
        settled: dict[tuple[str, Kind], float] = {}
        arrivals: dict[tuple[str, Kind], list[tuple[float, Path]]] = {}
        expanded: dict[tuple[str, Kind], list[frozenset[str]]] = {}
        self.searched[order] = (settled, arrivals)
        for _ in range(MAX_STATES):
            if not heap:
                return
            f, minus_g, _, path, kind, exact = heapq.heappop(heap)
            g, node = -minus_g, path[-1]
            if not exact:  # a lower bound: learn the true distance, and queue it again
                self._run(backward, radius=f - g)
                h, exact = bound(node)
                if h < math.inf:
                    heapq.heappush(heap, (g + h, -g, next(counter), path, kind, exact))
                continue
            key = (node, kind)
            if key in settled:
                if len(arrivals[key]) < ARRIVALS_KEPT:
                    arrivals[key].append((g, path))
                if node == target or not self._expand_again(key, path, expanded):
                    continue
            else:
                if node == target and not accept(path):
                    continue
                settled[key] = g
                arrivals[key] = []
                expanded[key] = [frozenset(path)]
                if len(settled) > MAX_SETTLED:
                    return
                if node == target:
                    yield path
                    continue
            if len(path) > self.max_steps:
                continue
            gained = set(kind) | options.have
            for nxt, data in succ[node].items():
                if nxt in path or (restricted and not edge_allowed(data, nxt, options)):
                    continue
                if nxt in gained or (
                        data["requires"] and any(r not in gained for r in data["requires"])):
                    continue
                step = data[weight]
                if node == source and credit:
                    step -= credit.get(nxt, 0)
                h, exact = bound(nxt)
                if h == math.inf:
                    continue
                now_kind = (*kind, nxt) if nodes[nxt]["kind"] == "qualification" else kind
                heapq.heappush(heap, (g + step + h, -(g + step), next(counter), (*path, nxt),
                                      now_kind, exact))
            if node == source:
                for q in held:
                    h, exact = bound(q)
                    if h < math.inf:
                        heapq.heappush(heap, (g + h, -g, next(counter), (source, q), kind,
                                              exact))

    @staticmethod
    def _expand_again(key: tuple[str, Kind], path: Path,
                      expanded: dict[tuple[str, Kind], list[frozenset[str]]]) -> bool:
        """Whether a later arrival at a settled state goes on too: when it avoids a place
        every earlier one passed through (so it may go where they could not), up to
        ``MAX_EXPANSIONS`` times a state."""
        earlier = expanded[key]
        if len(earlier) >= MAX_EXPANSIONS:
            return False
        places = frozenset(path)
        if any(seen <= places for seen in earlier):
            return False
        earlier.append(places)
        return True

    def variants_of(self, path: Path, order: str) -> list[Path]:
        """Return other paths of ``path``'s kind found by the last search, nearest first:
        ``path`` with its beginning, up to one of its places, swapped for another way
        there that arrived later (with the same qualifications gained)."""
        settled, arrivals = self.searched[order]
        found: list[tuple[float, Path]] = []
        prefix_kind: Kind = ()
        for index, node in enumerate(path):
            if index and node in self.G and self.G._node[node]["kind"] == "qualification" \
                    and node not in self.options.have:
                prefix_kind = (*prefix_kind, node)
            key = (node, prefix_kind)
            at = settled.get(key)
            if at is None:
                continue
            for other_g, other in arrivals.get(key, ()):
                variant = other + path[index + 1:]
                if len(set(variant)) == len(variant) and variant != path:
                    found.append((other_g - at, variant))
        found.sort(key=lambda item: item[0])
        return list(dict.fromkeys(v for _, v in found))
