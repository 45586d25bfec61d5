"""Factory helpers with good defaults, so each test sets up only what it is about."""

from __future__ import annotations

from pathways.document import GraphDocument, complete_document
from pathways.interchange.fields import EDGE_FIELDS, NODE_FIELDS, parse_item
from pathways.snapshot import graph_from_document


def _record(raw: dict, fields) -> dict:
    record, problems = parse_item(raw, fields, "factory", text=False)
    assert not problems, problems
    return record


def make_role(node_id: str, title: str | None = None, **attrs) -> dict:
    """A role record; the title defaults from the id."""
    return _record({"id": node_id, "kind": "role",
                    "title": title or node_id.replace("-", " ").capitalize(), **attrs},
                   NODE_FIELDS)


def make_qualification(node_id: str, title: str | None = None, **attrs) -> dict:
    """A qualification record; the title defaults from the id."""
    return _record({"id": node_id, "kind": "qualification",
                    "title": title or node_id.replace("-", " ").capitalize(), **attrs},
                   NODE_FIELDS)


def make_edge(source: str, target: str, months: float = 1, **attrs) -> dict:
    """An edge record."""
    return _record({"source": source, "target": target, "months": months, **attrs},
                   EDGE_FIELDS)


def make_document(nodes, edges) -> GraphDocument:
    """A completed document from node and edge records."""
    return complete_document(GraphDocument(
        {n["id"]: n for n in nodes}, {(e["source"], e["target"]): e for e in edges}))


def toy_document() -> GraphDocument:
    """A small, valid pathway from volunteering to social worker with two ways to qualify.

    Best by months from care worker to social worker: the self-funded university degree
    (38 months). Earning while learning: the apprenticeship route (62 months).
    """
    nodes = [
        make_role("volunteer", family="entry_routes"),
        make_role("care-worker", family="care_and_support", cwp_category="care_or_support_worker"),
        make_role("senior-care-worker", family="care_and_support"),
        make_role("practitioner", "Adult social care practitioner", family="social_work"),
        make_role("social-worker", family="social_work", registration_body="Social Work England",
                  top_of_ladder=True),
        make_qualification("care-cert", "Care Certificate", family="care_and_support"),
        make_qualification("diploma-l3", "Level 3 Diploma in Adult Care", level=3),
        make_qualification("sw-apprenticeship", "Social worker (integrated degree)", level=6,
                           standard_code="ST0510", duration_months=36, funding_band_gbp=24000),
        make_qualification("sw-degree", "Social work degree", level=6),
    ]
    edges = [
        make_edge("volunteer", "care-worker", 1),
        make_edge("care-worker", "care-cert", 3, funding="employer", earn_while_learning=True),
        make_edge("care-cert", "senior-care-worker", 1),
        make_edge("care-worker", "senior-care-worker", 2, min_experience_months=12,
                  requires=["care-cert"]),
        make_edge("senior-care-worker", "diploma-l3", 18, earn_while_learning=True),
        make_edge("diploma-l3", "practitioner", 2),
        make_edge("practitioner", "sw-apprenticeship", 36, funding="levy",
                  requires=["diploma-l3"]),
        make_edge("care-worker", "sw-degree", 36, cost_gbp=9250, funding="self_funded"),
        make_edge("sw-apprenticeship", "social-worker", 2),
        make_edge("sw-degree", "social-worker", 2),
    ]
    return make_document(nodes, edges)


def toy_graph():
    """The toy document as a frozen snapshot."""
    return graph_from_document(toy_document(), version=1)
