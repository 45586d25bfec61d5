"""The read-only networkx snapshot of the graph, and the per-process cache that keeps it fresh.

SQL rows are the truth. :func:`build_graph` turns them into a frozen ``nx.DiGraph``;
:class:`GraphCache` keeps one snapshot per process and builds a new one, swapped in
whole, when the database's ``graph_version`` moves. Nobody mutates a snapshot.
"""

from __future__ import annotations

import threading
import time

import networkx as nx
from sqlalchemy.orm import Session

from .document import GraphDocument, load_document
from .models import read_graph_version

#: Edge attributes the route engine can optimise, by the name people use.
WEIGHTS = {"months": "w_months", "cost": "w_cost", "steps": "w_steps"}
#: Ordering weights the route engine searches on (see :func:`ordering_weights`), by what
#: comes first: the three orders people choose, and the two other criteria of the front.
ORDERS = {"months": "x_months", "cost": "x_cost", "steps": "x_steps",
          "cost_to_you": "x_cost_to_you", "months_unpaid": "x_months_unpaid"}
#: In an ordering weight, one month of time on a route is worth this much...
MONTH_SCALE = 10_000
#: ...and one unit of the first criterion (a month, a pound or a step) this much. A
#: route's months (at most 20 steps of 1,200) times ``MONTH_SCALE`` stay below it.
FIRST_SCALE = 1_000_000_000


def ordering_weights(edge: dict) -> dict[str, float]:
    """Return an edge's criteria and ordering weights, one sum along a route ordering it.

    ``w_cost_to_you`` is the cost when the person pays it themselves (``self_funded``),
    ``w_months_unpaid`` the step's months when it is not earn-while-learning (experience
    built up first is time in a paid job), ``w_employer_changes`` 1 for a change of
    employer. Each ``x_*`` weight orders routes by its criterion first, then by months,
    then by fewer employer changes, then by fewer steps: ``criterion * FIRST_SCALE +
    months * MONTH_SCALE + 100 * employer changes + 1`` (exact while a route has at most
    20 steps and costs under £9 million; ``x_months`` has no first criterion).
    ``x_front``, the smaller of ``x_cost_to_you`` and ``x_months_unpaid``, is a lower
    bound for both, so one search from the goal on it serves both.
    """
    months = edge["months"] + edge["min_experience_months"]
    cost_to_you = edge["cost_gbp"] if edge["funding"] == "self_funded" else 0
    unpaid = 0 if edge["earn_while_learning"] else edge["months"]
    changes = 1 if edge["kind"] == "change_of_employer" else 0
    tail = months * MONTH_SCALE + 100 * changes + 1
    return {"w_cost_to_you": cost_to_you, "w_months_unpaid": unpaid,
            "w_employer_changes": changes,
            "x_months": tail, "x_cost": edge["cost_gbp"] * FIRST_SCALE + tail,
            "x_steps": FIRST_SCALE + tail, "x_cost_to_you": cost_to_you * FIRST_SCALE + tail,
            "x_months_unpaid": unpaid * FIRST_SCALE + tail,
            "x_front": min(cost_to_you, unpaid) * FIRST_SCALE + tail}


def graph_from_document(document: GraphDocument, version: int = 0) -> nx.DiGraph:
    """Build a frozen snapshot from a (completed, valid) document, leaving out retired nodes.

    Node attributes are the node records; edge attributes are the edge records plus the
    weights ``w_months`` (experience needed first plus the step's own months),
    ``w_cost`` (GBP) and ``w_steps`` (1), and the route engine's criteria and ordering
    weights (:func:`ordering_weights`).

    Parameters
    ----------
    document : GraphDocument
    version : int
        The ``graph_version`` the document was read at; kept in ``G.graph["version"]``.

    Returns
    -------
    networkx.DiGraph
        Frozen: any attempt to change it raises ``NetworkXError``.
    """
    document = document.active()
    graph = nx.DiGraph(version=version)
    graph.add_nodes_from((node_id, record) for node_id, record in document.nodes.items())
    graph.add_edges_from(
        (source, target, {**edge,
                          "w_months": edge["months"] + edge["min_experience_months"],
                          "w_cost": edge["cost_gbp"],
                          "w_steps": 1, **ordering_weights(edge)})
        for (source, target), edge in document.edges.items()
    )
    titles: dict[str, str] = {}
    for node_id, record in document.nodes.items():
        titles.setdefault(record["title"].casefold(), node_id)
    graph.graph["title_index"] = titles
    return nx.freeze(graph)


def build_graph(session: Session) -> nx.DiGraph:
    """Read the graph's rows and return a frozen snapshot tagged with its version.

    Examples
    --------
    >>> G = build_graph(session)
    >>> G.graph["version"], G.nodes["care-worker"]["kind"]
    (2, 'role')
    """
    version = read_graph_version(session)
    return graph_from_document(load_document(session), version)


class GraphCache:
    """One snapshot per process, rebuilt when ``graph_version`` in the database moves.

    Parameters
    ----------
    max_age_seconds : float
        How long a snapshot is trusted before the version is checked again; 0 checks
        on every use (one primary-key query).
    """

    def __init__(self, max_age_seconds: float = 0.0):
        self.max_age_seconds = max_age_seconds
        self._snapshot: nx.DiGraph | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, session: Session, version: int | None = None) -> nx.DiGraph:
        """Return the current snapshot, rebuilding it first if the graph has changed.

        Parameters
        ----------
        version : int, optional
            ``graph_version`` if the caller has just read it (saves asking again).
        """
        snapshot = self._snapshot
        now = time.monotonic()
        if version is None and snapshot is not None and (
                now - self._checked_at < self.max_age_seconds):
            return snapshot
        version = read_graph_version(session) if version is None else version
        if snapshot is not None and snapshot.graph["version"] == version:
            self._checked_at = now
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or snapshot.graph["version"] != version:
                snapshot = build_graph(session)
                self._snapshot = snapshot
                self.builds += 1
            self._checked_at = now
            return snapshot

    def clear(self) -> None:
        """Forget the snapshot (the next ``get`` rebuilds)."""
        self._snapshot = None
