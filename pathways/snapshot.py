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


def graph_from_document(document: GraphDocument, version: int = 0) -> nx.DiGraph:
    """Build a frozen snapshot from a (completed, valid) document, leaving out retired nodes.

    Node attributes are the node records; edge attributes are the edge records plus the
    weights ``w_months`` (experience needed first plus the step's own months),
    ``w_cost`` (GBP) and ``w_steps`` (1).

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
                          "w_steps": 1})
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
