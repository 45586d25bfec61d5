"""Checks on a graph document, in two grades: errors refuse a change, warnings inform.

Errors: dangling references, moves of the wrong shape or kind, impossible prerequisites
(a requirement that is a role, that nobody can earn, or that needs itself) and cycles
among qualification prerequisites. Warnings: roles nobody can reach from an entry route,
dead ends (roles with no way on unless marked ``top_of_ladder``), and qualifications
nobody can start or that lead nowhere. Moves between roles may form cycles.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

import networkx as nx

from .document import GraphDocument
from .vocabulary import KINDS_BY_SHAPE

ENTRY_FAMILY = "entry_routes"


@dataclass(frozen=True)
class Finding:
    """One error or warning about the graph."""

    code: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ValidationReport:
    """The errors and warnings found in a graph."""

    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the graph has no errors (warnings allowed)."""
        return not self.errors


def edge_label(source: str, target: str) -> str:
    """Name an edge in messages."""
    return f"edge {source} -> {target}"


def validate_document(document: GraphDocument) -> ValidationReport:
    """Check a completed graph document for errors and warnings.

    Parameters
    ----------
    document : GraphDocument
        Nodes and edges with defaults filled in (see ``complete_document``).

    Returns
    -------
    ValidationReport

    Examples
    --------
    >>> doc = GraphDocument({"a": {"id": "a", "kind": "role", "title": "A",
    ...                            "family": "entry_routes", "top_of_ladder": True}})
    >>> validate_document(doc).ok
    True
    """
    report = ValidationReport()
    _check_nodes(document, report)
    _check_edges(document, report)
    _check_prerequisite_cycles(document, report)
    _check_quality(document, report)
    return report


def _check_nodes(document: GraphDocument, report: ValidationReport) -> None:
    for node_id, node in document.nodes.items():
        low, high = node.get("pay_min_gbp"), node.get("pay_max_gbp")
        if low is not None and high is not None and low > high:
            report.errors.append(Finding(
                "pay-range", f"node {node_id}",
                f"pay_min_gbp ({low}) is more than pay_max_gbp ({high})"))


def _earnable(document: GraphDocument) -> set[str]:
    """Ids of nodes that at least one edge leads into."""
    return {target for (_source, target) in document.edges}


def _check_edges(document: GraphDocument, report: ValidationReport) -> None:
    nodes = document.nodes
    earnable = _earnable(document)
    for (source, target), edge in document.edges.items():
        where = edge_label(source, target)
        missing = [n for n in (source, target) if n not in nodes]
        for node_id in missing:
            report.errors.append(Finding("dangling", where, f"unknown node {node_id!r}"))
        if source == target:
            report.errors.append(Finding("self-loop", where, "a move cannot lead to itself"))
        if not missing:
            shape = (nodes[source]["kind"], nodes[target]["kind"])
            allowed = KINDS_BY_SHAPE.get(shape)
            if allowed is None:
                report.errors.append(Finding(
                    "shape", where,
                    "a qualification leads to a role, not to another qualification: "
                    "put the role in between"))
            elif edge.get("kind") not in allowed:
                report.errors.append(Finding(
                    "kind", where,
                    f"kind {edge.get('kind')!r} does not fit a {shape[0]} -> {shape[1]} move "
                    f"(use {' or '.join(sorted(allowed))})"))
        if edge.get("cost_gbp") and edge.get("funding") in (None, "none"):
            report.errors.append(Finding(
                "funding", where,
                f"costs £{edge['cost_gbp']} but does not say who pays (funding)"))
        for required in edge.get("requires", ()):
            if required not in nodes:
                report.errors.append(Finding(
                    "dangling", where, f"requires unknown qualification {required!r}"))
            elif nodes[required]["kind"] != "qualification":
                report.errors.append(Finding(
                    "impossible-prerequisite", where,
                    f"requires {required!r}, which is a role, not a qualification"))
            elif required == target:
                report.errors.append(Finding(
                    "impossible-prerequisite", where,
                    f"requires {required!r} to start {required!r} itself"))
            elif required not in earnable:
                report.errors.append(Finding(
                    "impossible-prerequisite", where,
                    f"requires {required!r}, which no move leads to, so nobody can earn it"))


def _check_prerequisite_cycles(document: GraphDocument, report: ValidationReport) -> None:
    """Refuse qualifications that need each other: Q needs R when every way into Q requires R."""
    needed: dict[str, set[str] | None] = defaultdict(lambda: None)
    for (_source, target), edge in document.edges.items():
        node = document.nodes.get(target)
        if node is None or node["kind"] != "qualification":
            continue
        requires = set(edge.get("requires", ())) - {target}
        previous = needed[target]
        needed[target] = requires if previous is None else previous & requires
    dependencies = nx.DiGraph()
    for qualification, always_required in needed.items():
        for required in always_required or ():
            dependencies.add_edge(required, qualification)
    for component in nx.strongly_connected_components(dependencies):
        if len(component) > 1:
            cycle = " -> ".join(sorted(component))
            report.errors.append(Finding(
                "prerequisite-cycle", f"qualifications {cycle}",
                "each needs another of them first, so none can ever be started"))


def _check_quality(document: GraphDocument, report: ValidationReport) -> None:
    nodes = document.nodes
    successors: dict[str, list[str]] = defaultdict(list)
    predecessors: dict[str, list[str]] = defaultdict(list)
    for source, target in document.edges:
        if source in nodes and target in nodes:
            successors[source].append(target)
            predecessors[target].append(source)
    roles = [n for n, node in nodes.items() if node["kind"] == "role"]
    entries = [n for n in roles if nodes[n].get("family") == ENTRY_FAMILY]
    if roles and not entries:
        report.warnings.append(Finding(
            "no-entry-routes", "graph", "no role is in the entry_routes family"))
    reached = set(entries)
    queue = deque(entries)
    while queue:
        for nxt in successors[queue.popleft()]:
            if nxt not in reached:
                reached.add(nxt)
                queue.append(nxt)
    for node_id in sorted(nodes):
        node = nodes[node_id]
        if node["kind"] == "role":
            if entries and node_id not in reached:
                report.warnings.append(Finding(
                    "unreachable", f"role {node_id}",
                    "nobody can reach this role from an entry route"))
            if not successors[node_id] and not node.get("top_of_ladder"):
                report.warnings.append(Finding(
                    "dead-end", f"role {node_id}",
                    "no way on from this role (mark it top_of_ladder if that is right)"))
        else:
            if not predecessors[node_id]:
                report.warnings.append(Finding(
                    "cannot-start", f"qualification {node_id}", "no role leads to it"))
            if not successors[node_id]:
                report.warnings.append(Finding(
                    "leads-nowhere", f"qualification {node_id}", "it qualifies for no role"))
