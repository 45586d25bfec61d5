"""The graph as plain data: the one shape shared by the database, the files and validation.

A :class:`GraphDocument` holds node records keyed by id and edge records keyed by
``(source, target)``. The database loads into it (:func:`load_document`), the
interchange readers parse into it, validation checks it, the snapshot is built from it
and the exporter writes it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .interchange.fields import EDGE_FIELDS, NODE_FIELDS, node_record_for_kind
from .models import Node, Transition, TransitionRequirement
from .vocabulary import DEFAULT_KIND_BY_SHAPE

EdgeKey = tuple[str, str]


@dataclass
class GraphDocument:
    """Roles, qualifications and transitions as records (plain dicts)."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[EdgeKey, dict[str, Any]] = field(default_factory=dict)

    def merged_with(self, other: GraphDocument) -> GraphDocument:
        """Return a new document: this one with ``other``'s items replacing same-id items."""
        return GraphDocument({**self.nodes, **other.nodes}, {**self.edges, **other.edges})

    def active(self) -> GraphDocument:
        """Return the document without retired nodes and the edges that touch them."""
        retired = {k for k, n in self.nodes.items() if n.get("retired")}
        if not retired:
            return self
        return GraphDocument(
            {k: n for k, n in self.nodes.items() if k not in retired},
            {k: e for k, e in self.edges.items() if k[0] not in retired and k[1] not in retired})

    def canonical(self) -> dict[str, Any]:
        """Return a comparable form: nodes and edges sorted, numbers normalised."""
        return {
            "nodes": [node_record_for_kind(self.nodes[k]) for k in sorted(self.nodes)],
            "edges": [self.edges[k] for k in sorted(self.edges)],
        }


def tidy_number(value: float | Decimal | int | None) -> float | int | None:
    """Return ``value`` as an int when whole, else a float rounded to pennies."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else round(number, 2)


def complete_edge(edge: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Fill the defaults of an edge record that depend on its endpoints.

    ``kind`` defaults by shape (role to role: promotion; role to qualification: study;
    qualification to role: qualifies). ``funding`` defaults to ``none`` when the step
    costs nothing. ``earn_while_learning`` defaults to false for study that is not an
    apprenticeship, true otherwise.
    """
    edge = dict(edge)
    source, target = nodes.get(edge["source"]), nodes.get(edge["target"])
    shape = (source["kind"], target["kind"]) if source and target else None
    if edge.get("kind") is None and shape in DEFAULT_KIND_BY_SHAPE:
        edge["kind"] = DEFAULT_KIND_BY_SHAPE[shape]
    edge["cost_gbp"] = tidy_number(edge.get("cost_gbp") or 0)
    edge["months"] = tidy_number(edge["months"])
    if edge.get("funding") is None and not edge["cost_gbp"]:
        edge["funding"] = "none"
    if edge.get("earn_while_learning") is None:
        studying = edge.get("kind") == "study"
        apprenticeship = bool(target and target.get("standard_code"))
        edge["earn_while_learning"] = apprenticeship or not studying
    edge["requires"] = sorted(set(edge.get("requires") or ()))
    edge["min_experience_months"] = int(edge.get("min_experience_months") or 0)
    return edge


def complete_document(document: GraphDocument) -> GraphDocument:
    """Return the document with every edge's endpoint-dependent defaults filled in."""
    return GraphDocument(
        dict(document.nodes),
        {key: complete_edge(edge, document.nodes) for key, edge in document.edges.items()},
    )


_NODE_COLUMNS = [f.name for f in NODE_FIELDS]
_EDGE_COLUMNS = [f.name for f in EDGE_FIELDS if f.name not in ("source", "target", "requires")]


def load_document(session: Session) -> GraphDocument:
    """Read every role, qualification and transition into a document (three queries).

    Parameters
    ----------
    session : Session

    Returns
    -------
    GraphDocument
    """
    node_table = Node.__table__
    nodes: dict[str, dict[str, Any]] = {}
    for row in session.execute(select(*(node_table.c[c] for c in _NODE_COLUMNS))).mappings():
        record = dict(row)
        record["top_of_ladder"] = bool(record["top_of_ladder"])
        record["retired"] = bool(record["retired"])
        if record["duration_months"] is not None:
            record["duration_months"] = tidy_number(record["duration_months"])
        nodes[record["id"]] = record

    requirements: dict[int, list[str]] = defaultdict(list)
    req_table = TransitionRequirement.__table__
    for transition_id, qualification_id in session.execute(
        select(req_table.c.transition_id, req_table.c.qualification_id)
    ):
        requirements[transition_id].append(qualification_id)

    table = Transition.__table__
    edges: dict[EdgeKey, dict[str, Any]] = {}
    columns = [table.c.id, table.c.source_id, table.c.target_id]
    columns += [table.c[c] for c in _EDGE_COLUMNS]
    for row in session.execute(select(*columns)).mappings():
        record = {"source": row["source_id"], "target": row["target_id"]}
        record.update({c: row[c] for c in _EDGE_COLUMNS})
        record["requires"] = sorted(requirements.get(row["id"], ()))
        record["months"] = tidy_number(record["months"])
        record["cost_gbp"] = tidy_number(record["cost_gbp"])
        record["earn_while_learning"] = bool(record["earn_while_learning"])
        edges[(record["source"], record["target"])] = record
    return GraphDocument(nodes, edges)
