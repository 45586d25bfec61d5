"""The search corridor: the part of the graph where the k best routes can lie.

Two resumable Dijkstra searches, one forward from the start and one backward from the
goal, give lower bounds ``d_start(v)`` and ``d_goal(v)`` on the best route through
each node (prerequisites relaxed). A route no longer than a bound ``B`` only uses edges
``u -> v`` with ``d_start(u) + w(u, v) + d_goal(v) <= B``, so k-shortest paths on that
corridor, in order, are exactly the routes of the whole graph up to ``B``. Nodes
outside it are either unreachable from the start, unable to reach the goal, or too far.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
from collections.abc import Mapping

import networkx as nx

from .options import RouteOptions, edge_allowed


class Dijkstra:
    """A Dijkstra search that can be resumed with a larger radius.

    Parameters
    ----------
    adjacency : mapping
        ``G._succ`` to search forward, ``G._pred`` to search backward.
    sources : mapping of node to distance
    weight : str
        The edge attribute to add up.
    options : RouteOptions
        Edges the person would not take are skipped.
    forward : bool
        Whether ``adjacency`` runs with the edges (for the allowed-edge check).
    jumps : mapping, optional
        Extra zero-weight moves: settling key ``k`` also reaches ``jumps[k]``
        (a held qualification lets the backward search reach the start).
    guide : mapping, optional
        Distances to the goal (from the backward search, settled up to ``bound``): only
        nodes ``v`` with ``distance + guide[v] <= bound`` are reached, so the search stays
        inside the corridor. A guided search cannot be resumed with a larger bound.
    bound : float
        The corridor's bound, used with ``guide``.
    credit : mapping, optional
        Weight taken off the moves out of ``origin``, by the node they lead to (the
        experience the person already has in the role they start from).
    origin : str, optional
        The start of the route, with ``credit``.
    """

    def __init__(self, adjacency: Mapping, sources: Mapping[str, float], weight: str,
                 options: RouteOptions, *, forward: bool,
                 jumps: Mapping[str, str] | None = None,
                 guide: Mapping[str, float] | None = None, bound: float = math.inf,
                 credit: Mapping[str, float] | None = None, origin: str | None = None):
        self.adjacency, self.weight, self.options = adjacency, weight, options
        self.credit, self.origin = credit or None, origin
        #: Held while resuming a search that several threads share (None: not shared).
        self.lock: threading.Lock | None = None
        self.forward, self.jumps = forward, jumps or {}
        self.guide, self.bound = guide, bound
        self._restricted = bool(options.earn_while_learning or options.max_self_funded == 0
                                or options.have)
        self.dist: dict[str, float] = {}
        #: Whether the guided search left out a node that leads to the goal, for being
        #: too far (so the corridor may not be the whole of what joins start and goal).
        self.cut = False
        self._best: dict[str, float] = dict(sources)
        self._counter = itertools.count()
        self._heap = [(d, next(self._counter), n) for n, d in sources.items()]
        heapq.heapify(self._heap)

    @property
    def exhausted(self) -> bool:
        """Whether every node the search can reach is settled."""
        return not self._heap

    def run(self, radius: float = math.inf, until: str | None = None) -> None:
        """Settle nodes in distance order up to ``radius``, or until ``until`` is settled."""
        heap, dist, best = self._heap, self.dist, self._best
        weight, options, forward = self.weight, self.options, self.forward
        restricted, guide, bound = self._restricted, self.guide, self.bound
        credit, origin = self.credit, self.origin
        inf = math.inf
        while heap and heap[0][0] <= radius:
            if until is not None and until in dist:
                return
            distance, _, node = heapq.heappop(heap)
            if node in dist:
                continue
            dist[node] = distance
            for other, data in self.adjacency[node].items():
                if other in dist:
                    continue
                if restricted and not edge_allowed(data, other if forward else node, options):
                    continue
                candidate = distance + data[weight]
                if credit is not None:
                    if forward and node == origin:
                        candidate -= credit.get(other, 0)
                    elif not forward and other == origin:
                        candidate -= credit.get(node, 0)
                if guide is not None and candidate + guide.get(other, inf) > bound:
                    if other in guide:
                        self.cut = True
                    continue
                if candidate < best.get(other, inf):
                    best[other] = candidate
                    heapq.heappush(heap, (candidate, next(self._counter), other))
            jump = self.jumps.get(node)
            if jump is not None and jump not in dist and distance < best.get(jump, math.inf):
                best[jump] = distance
                heapq.heappush(heap, (distance, next(self._counter), jump))


def corridor_graph(G: nx.DiGraph, source: str, target: str, options: RouteOptions,
                   forward: Dijkstra, backward: Dijkstra, bound: float,
                   weight: str | None = None,
                   credit: Mapping[str, float] | None = None) -> nx.DiGraph:
    """Return the corridor up to ``bound`` as a small graph with the weight in ``w``.

    ``weight`` is the edge attribute searched on (default ``options.weight``); ``credit``
    is taken off the moves out of ``source``, as in :class:`Dijkstra`. It also holds a
    zero-weight ``held`` edge from the start to each qualification the
    person holds, and leaves out edges needing a qualification nobody in the corridor
    can gain.

    ``graph["whole"]`` says whether the bound left nothing out: the backward search
    settled everything that leads to the goal, the forward search cut nothing for being
    too far, and no node or edge between them was left out for that. A whole corridor
    holds every route from start to goal, so searching it needs no wider one.
    """
    weight = weight or options.weight
    credit = credit or {}
    d_start, d_goal = forward.dist, backward.dist
    keep = {n for n, d in d_start.items() if n in d_goal and d + d_goal[n] <= bound}
    whole = backward.exhausted and not forward.cut and all(
        n in keep for n in d_start if n in d_goal)
    attainable = keep | options.have
    succ = G._succ
    edges = []
    for node in keep:
        for nxt, data in succ[node].items():
            if nxt not in keep or not edge_allowed(data, nxt, options):
                continue
            w = data[weight] - (credit.get(nxt, 0) if node == source else 0)
            if d_start[node] + w + d_goal[nxt] > bound:
                whole = False
                continue
            if all(r in attainable for r in data["requires"]):
                edges.append((node, nxt, {"w": w}))
    for q in options.have:
        if q in keep and q != source:
            if d_goal[q] <= bound:
                edges.append((source, q, {"w": 0, "held": True}))
            else:
                whole = False
    search = nx.DiGraph(whole=whole)
    search.add_edges_from(edges)
    return search
