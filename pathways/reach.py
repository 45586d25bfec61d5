"""What can I reach from here, and what leads into a role: pure functions on a snapshot."""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass

import networkx as nx

from .options import RouteOptions, edge_allowed


@dataclass(frozen=True)
class Reachable:
    """A node reachable from the start, with the quickest time and route found to it."""

    node: str
    months: float
    steps: int
    path: tuple[str, ...]


def reachable_from(G: nx.DiGraph, source: str,
                   options: RouteOptions | None = None) -> list[Reachable]:
    """Return every node reachable from ``source``, quickest first.

    Earliest arrival by months (Dijkstra on ``w_months``), taking a move only when its
    prerequisites are held or gained earlier on the route found; qualifications held
    are reachable at once. ``options.within_months`` bounds the search.

    Parameters
    ----------
    G : networkx.DiGraph
    source : str
    options : RouteOptions, optional

    Returns
    -------
    list of Reachable
        Sorted by months, then title; the start itself is left out.

    Examples
    --------
    >>> [r.node for r in reachable_from(G, "care-worker")][:2]
    ['day-services-officer', 'home-care-worker']
    """
    options = options or RouteOptions()
    limit = options.within_months
    counter = itertools.count()
    start_gained = frozenset(options.have)
    heap: list = [(0.0, next(counter), source, (source,), start_gained, 0)]
    heap += [(0.0, next(counter), q, (source, q), start_gained, 0)
             for q in options.have if q in G and q != source]
    heapq.heapify(heap)
    settled: dict[str, Reachable] = {}
    while heap:
        months, _, node, path, gained, self_funded = heapq.heappop(heap)
        if node in settled:
            continue
        settled[node] = Reachable(node, months, len(path) - 1, path)
        for nxt, data in G._succ[node].items():
            if nxt in settled or not edge_allowed(data, nxt, options):
                continue
            if not all(r in gained for r in data["requires"]):
                continue
            funded = self_funded + (data["funding"] == "self_funded")
            if options.max_self_funded is not None and funded > options.max_self_funded:
                continue
            arrival = months + data["w_months"]
            if limit is not None and arrival > limit:
                continue
            now_gained = gained | {nxt} if G.nodes[nxt]["kind"] == "qualification" else gained
            heapq.heappush(heap, (arrival, next(counter), nxt, path + (nxt,), now_gained, funded))
    settled.pop(source, None)
    return sorted(settled.values(), key=lambda r: (r.months, G.nodes[r.node]["title"]))


def ways_into(G: nx.DiGraph, node_id: str) -> list[tuple[str, dict]]:
    """Return the moves that lead into ``node_id`` as ``(source id, edge data)``, by title."""
    return sorted(G.pred[node_id].items(), key=lambda item: G.nodes[item[0]]["title"])


def ways_on(G: nx.DiGraph, node_id: str) -> list[tuple[str, dict]]:
    """Return the moves out of ``node_id`` as ``(target id, edge data)``, by title."""
    return sorted(G.succ[node_id].items(), key=lambda item: G.nodes[item[0]]["title"])
