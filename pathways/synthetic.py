"""A synthetic regional graph for benchmarks: many employers, one shared set of qualifications.

Each organisation gets its own copy of every role in a base pathway (ids prefixed
``orgNNN-``), qualifications stay shared, study and qualifying moves connect each copy to
the shared qualifications, and each role can move to the same role at a few other
organisations (change of employer). With the seed pathway, 50 organisations give about
4,000 nodes and more than 20,000 edges.
"""

from __future__ import annotations

from .document import GraphDocument, complete_document

#: Months and experience for moving to the same role at another employer (typical values).
MOVE_MONTHS, MOVE_EXPERIENCE_MONTHS = 1, 6


def org_id(number: int) -> str:
    """Return the id prefix of organisation ``number``."""
    return f"org{number:03d}"


def synthetic_region(base: GraphDocument, organisations: int, *,
                     employers_to_move_to: int = 4) -> GraphDocument:
    """Return a regional graph built from ``base`` for ``organisations`` employers.

    Parameters
    ----------
    base : GraphDocument
        A valid pathway (the seed); its roles are copied, its qualifications shared.
    organisations : int
    employers_to_move_to : int
        How many other organisations each role can move to sideways (the next ones, in a
        ring, so the region is connected).

    Returns
    -------
    GraphDocument
        Completed and valid.
    """
    roles = {k for k, n in base.nodes.items() if n["kind"] == "role"}

    def copy_id(node_id: str, number: int) -> str:
        return f"{org_id(number)}-{node_id}" if node_id in roles else node_id

    nodes = {k: dict(n) for k, n in base.nodes.items() if k not in roles}
    edges = {}
    for number in range(organisations):
        for role_id in roles:
            record = dict(base.nodes[role_id])
            record["id"] = copy_id(role_id, number)
            record["title"] = f"{record['title']} ({org_id(number)})"
            nodes[record["id"]] = record
        for (source, target), edge in base.edges.items():
            key = (copy_id(source, number), copy_id(target, number))
            edges[key] = {**edge, "source": key[0], "target": key[1]}
        for step in range(1, min(employers_to_move_to, organisations - 1) + 1):
            other = (number + step) % organisations
            for role_id in roles:
                if base.nodes[role_id].get("family") == "entry_routes":
                    continue
                key = (copy_id(role_id, number), copy_id(role_id, other))
                edges[key] = {
                    "source": key[0], "target": key[1], "kind": "change_of_employer",
                    "months": MOVE_MONTHS, "cost_gbp": 0, "funding": "none",
                    "earn_while_learning": True, "requires": [],
                    "min_experience_months": MOVE_EXPERIENCE_MONTHS,
                    "citation": "", "note": "synthetic",
                }
    return complete_document(GraphDocument(nodes, edges))
