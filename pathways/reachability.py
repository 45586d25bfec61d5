"""Which places can lead to which, from the snapshot's condensation, kept per snapshot.

Most pairs of places on the career map have no route at all (on the seed, 55% of the
pairs of roles): nothing leads back from a registered social worker to a volunteer. The
route engine asks :func:`could_reach` first and answers those pairs without searching.

The condensation of the snapshot (``nx.condensation``: each strongly connected component
becomes one node, which leaves a DAG) is walked once, sinks first, giving each component
the set of components it leads to as the bits of one integer; a question is then two
dictionary look-ups and a bit test. The index is built on first use for a snapshot and
kept with it (snapshots never change: a new graph version is a new snapshot, with its own
index). Above ``MAX_BITSET_COMPONENTS`` components (where the bits would take too much
memory) the components a start leads to are found by a search of the condensation
instead, and the last ``KEPT_STARTS`` kept.

This is reachability on the whole map, every option and prerequisite aside: "no" is
certain (no option adds a move), "yes" only means the search is worth running.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable

import networkx as nx

#: Components above which the index stops keeping every component's descendants as bits.
MAX_BITSET_COMPONENTS = 10_000
#: Starts whose descendants are kept, when the index does not keep them all.
KEPT_STARTS = 1024


class ReachIndex:
    """Reachability between the nodes of one snapshot, through its condensation.

    Parameters
    ----------
    G : networkx.DiGraph

    Examples
    --------
    >>> index = ReachIndex(G)
    >>> index.reaches("care-worker", "social-worker"), index.reaches("social-worker", "volunteer")
    (True, False)
    """

    def __init__(self, G: nx.DiGraph):
        condensed = nx.condensation(G)
        self.component: dict[str, int] = condensed.graph["mapping"]
        self._condensed = condensed
        self._bits: list[int] | None = None
        self._descendants: OrderedDict[int, frozenset[int]] = OrderedDict()
        self._lock = threading.Lock()
        if len(condensed) <= MAX_BITSET_COMPONENTS:
            bits = [0] * len(condensed)
            for c in reversed(list(nx.topological_sort(condensed))):
                reach = 1 << c
                for d in condensed._succ[c]:
                    reach |= bits[d]
                bits[c] = reach
            self._bits = bits

    def reaches(self, source: str, target: str) -> bool:
        """Whether some path on the map leads from ``source`` to ``target`` (or they are one)."""
        c, d = self.component[source], self.component[target]
        if c == d:
            return True
        if self._bits is not None:
            return bool(self._bits[c] >> d & 1)
        return d in self._descendants_of(c)

    def _descendants_of(self, c: int) -> frozenset[int]:
        with self._lock:
            found = self._descendants.get(c)
            if found is not None:
                self._descendants.move_to_end(c)
                return found
        found = frozenset(nx.descendants(self._condensed, c))
        with self._lock:
            self._descendants[c] = found
            while len(self._descendants) > KEPT_STARTS:
                self._descendants.popitem(last=False)
        return found


_indexes: weakref.WeakKeyDictionary[nx.DiGraph, ReachIndex] = weakref.WeakKeyDictionary()
_indexes_lock = threading.Lock()


def reach_index(G: nx.DiGraph) -> ReachIndex:
    """Return the reachability index of snapshot ``G``, building it the first time."""
    index = _indexes.get(G)
    if index is not None:
        return index
    with _indexes_lock:
        index = _indexes.get(G)
        if index is None:
            index = _indexes[G] = ReachIndex(G)
        return index


def could_reach(G: nx.DiGraph, source: str, target: str, held: Iterable[str] = ()) -> bool:
    """Whether any route could lead from ``source`` to ``target`` on snapshot ``G``.

    A qualification already ``held`` is a start too (the route may begin with the
    "already held" step to it). False is certain; True means a search may find a route.

    Examples
    --------
    >>> could_reach(G, "social-worker", "volunteer")
    False
    """
    index = reach_index(G)
    if index.reaches(source, target):
        return True
    return any(q in index.component and index.reaches(q, target) for q in held)
