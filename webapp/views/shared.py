"""Helpers the page views share: choices from the graph, and named places from forms."""

from __future__ import annotations

import networkx as nx
from wtforms import Field

from pathways.errors import UnknownNode
from pathways.lookup import resolve_node


def choices(G: nx.DiGraph, kind: str) -> list[tuple[str, str]]:
    """Return ``(id, title)`` pairs of every node of ``kind``, by title."""
    return sorted(((n, d["title"]) for n, d in G.nodes(data=True) if d["kind"] == kind),
                  key=lambda pair: pair[1].casefold())


def resolve_field(G: nx.DiGraph, field: Field) -> str | None:
    """Return the node id a form field names, or add a clear error to the field."""
    try:
        return resolve_node(G, field.data or "")
    except UnknownNode as unknown:
        hint = f" Did you mean {', '.join(unknown.suggestions[:3])}?" if unknown.suggestions else ""
        field.errors = [*field.errors, f"We could not find ‘{field.data}’.{hint}"]
        return None


def error_list(form) -> list[dict]:
    """Return the GOV.UK error summary items for a form's errors, each linking to its field."""
    items = []
    for field in form:
        for message in field.errors:
            items.append({"text": message, "href": f"#{field.id}"})
    return items
