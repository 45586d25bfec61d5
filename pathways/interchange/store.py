"""Saving a graph document to the database: all-or-nothing, validated first, version bumped.

Import merges by id (an item in the file replaces the stored item with that id, or the
stored edge with that source and target, whole) or, with ``replace``, makes the stored
graph exactly the file's. Either way the resulting graph is validated before a single
row is written; errors refuse the whole import, warnings are returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from ..document import GraphDocument, complete_document, load_document
from ..errors import InvalidInput, Problem
from ..models import Node, Transition, TransitionRequirement, bump_graph_version
from ..validation import Finding, validate_document
from .fields import NODE_FIELD_NAMES, node_record_for_kind

Progress = Callable[[int, int], None]
BATCH = 2000
_EDGE_COLUMNS = ("kind", "months", "cost_gbp", "funding", "earn_while_learning",
                 "min_experience_months", "citation", "note")


@dataclass
class ImportResult:
    """What an import changed, and the graph-quality warnings it left."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    warnings: list[Finding] = field(default_factory=list)


def import_document(session: Session, incoming: GraphDocument, *, replace: bool = False,
                    progress: Progress | None = None) -> ImportResult:
    """Validate and save ``incoming``; flush, and leave the commit to the caller.

    Parameters
    ----------
    session : Session
    incoming : GraphDocument
        As read by ``read_graph``.
    replace : bool
        Replace the whole stored graph instead of merging by id.
    progress : callable, optional
        Called as ``progress(done, total)`` while rows are written.

    Returns
    -------
    ImportResult

    Raises
    ------
    InvalidInput
        When the resulting graph has validation errors; nothing is written.
    """
    current = load_document(session)
    target = complete_document(incoming if replace else current.merged_with(incoming))
    report = validate_document(target.active())
    if not report.ok:
        raise InvalidInput([Problem(f.where, f.message) for f in report.errors],
                           "The graph would not be valid, so nothing was imported")
    result = ImportResult(warnings=report.warnings)
    _write(session, current, target, result, progress or (lambda done, total: None))
    return result


def save_document(session: Session, document: GraphDocument) -> ImportResult:
    """Make the stored graph exactly ``document`` (validated first); see ``import_document``."""
    return import_document(session, document, replace=True)


def _write(session: Session, current: GraphDocument, target: GraphDocument,
           result: ImportResult, progress: Progress) -> None:
    nodes, edges = Node.__table__, Transition.__table__
    requirements = TransitionRequirement.__table__

    new_nodes = [n for k, n in target.nodes.items() if k not in current.nodes]
    changed_nodes = [n for k, n in target.nodes.items() if k in current.nodes
                     and node_record_for_kind(n) != node_record_for_kind(current.nodes[k])]
    gone_nodes = [k for k in current.nodes if k not in target.nodes]
    new_edges = [e for k, e in target.edges.items() if k not in current.edges]
    changed_edges = [e for k, e in target.edges.items()
                     if k in current.edges and e != current.edges[k]]
    gone_edges = [k for k in current.edges if k not in target.edges]

    total = len(new_nodes) + len(changed_nodes) + len(new_edges) + len(changed_edges)
    done = 0
    result.created = len(new_nodes) + len(new_edges)
    result.updated = len(changed_nodes) + len(changed_edges)
    result.deleted = len(gone_nodes) + len(gone_edges)
    result.unchanged = len(target.nodes) + len(target.edges) - result.created - result.updated
    if not (result.created or result.updated or result.deleted):
        return

    ids = _transition_ids(session)
    gone_ids = [ids[k] for k in gone_edges]
    for batch in _batches(gone_ids):
        session.execute(delete(edges).where(edges.c.id.in_(batch)))
    # Requirements of changed moves go before any node does: a move that stays may have
    # required a qualification that is leaving (RESTRICT would refuse the delete).
    changed_ids = [ids[(e["source"], e["target"])] for e in changed_edges]
    for batch in _batches(changed_ids):
        session.execute(delete(requirements).where(requirements.c.transition_id.in_(batch)))
    for batch in _batches(gone_nodes):
        session.execute(delete(nodes).where(nodes.c.id.in_(batch)))

    for batch in _batches(new_nodes):
        session.execute(insert(nodes), [_node_row(n) | {"lock_version": 1} for n in batch])
        done += len(batch)
        progress(done, total)
    if changed_nodes:
        statement = update(nodes).where(nodes.c.id == bindparam("b_id")).values(
            {c: bindparam(f"b_{c}") for c in NODE_FIELD_NAMES if c != "id"}
            | {"lock_version": nodes.c.lock_version + 1})
        for batch in _batches(changed_nodes):
            session.execute(statement, [{f"b_{k}": v for k, v in _node_row(n).items()}
                                        for n in batch])
            done += len(batch)
            progress(done, total)

    for batch in _batches(new_edges):
        session.execute(insert(edges), [_edge_row(e) | {"lock_version": 1} for e in batch])
        done += len(batch)
        progress(done, total)
    if changed_edges:
        statement = update(edges).where(edges.c.id == bindparam("b_id")).values(
            {c: bindparam(f"b_{c}") for c in _EDGE_COLUMNS}
            | {"lock_version": edges.c.lock_version + 1})
        for batch in _batches(changed_edges):
            session.execute(statement, [
                {"b_id": ids[(e["source"], e["target"])]}
                | {f"b_{c}": v for c, v in _edge_row(e).items() if c in _EDGE_COLUMNS}
                for e in batch])
            done += len(batch)
            progress(done, total)

    ids = _transition_ids(session) if new_edges else ids
    requirement_rows = [
        {"transition_id": ids[(e["source"], e["target"])], "qualification_id": q}
        for e in new_edges + changed_edges for q in e["requires"]
    ]
    for batch in _batches(requirement_rows):
        session.execute(insert(requirements), batch)
    bump_graph_version(session)
    session.flush()


def _node_row(record: dict) -> dict:
    row = {c: record.get(c) for c in NODE_FIELD_NAMES}
    row["retired"] = bool(row["retired"])
    for text_column in ("description", "citation", "note"):
        row[text_column] = row[text_column] or ""
    if record["kind"] != "role":
        row["top_of_ladder"] = None
    return row


def _edge_row(record: dict) -> dict:
    row = {"source_id": record["source"], "target_id": record["target"]}
    row.update({c: record[c] for c in _EDGE_COLUMNS})
    row["citation"], row["note"] = row["citation"] or "", row["note"] or ""
    return row


def _transition_ids(session: Session) -> dict[tuple[str, str], int]:
    table = Transition.__table__
    return {(s, t): i for i, s, t in session.execute(
        select(table.c.id, table.c.source_id, table.c.target_id))}


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]
