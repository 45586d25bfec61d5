"""Finding a role or qualification by id or title, with suggestions when nothing matches."""

from __future__ import annotations

import difflib

import networkx as nx

from .errors import UnknownNode


def resolve_node(G: nx.DiGraph, name: str) -> str:
    """Return the id of the node called ``name`` (an id, or a title in any case).

    Parameters
    ----------
    G : networkx.DiGraph
        A snapshot from ``build_graph``.
    name : str

    Returns
    -------
    str
        The node id.

    Raises
    ------
    UnknownNode
        When nothing matches; ``suggestions`` holds up to five close titles.

    Examples
    --------
    >>> resolve_node(G, "care WORKER")
    'care-worker'
    """
    key = (name or "").strip()
    if key in G:
        return key
    titles: dict[str, str] = G.graph.get("title_index", {})
    folded = key.casefold()
    if folded in titles:
        return titles[folded]
    raise UnknownNode(key, suggest(G, key))


def suggest(G: nx.DiGraph, name: str, limit: int = 5) -> list[str]:
    """Return up to ``limit`` titles close to ``name`` (containing it, or spelt alike)."""
    folded = name.casefold()
    titles = {G.nodes[n]["title"]: n for n in G}
    containing = sorted(t for t in titles if folded and folded in t.casefold())
    close = difflib.get_close_matches(name, list(titles), n=limit, cutoff=0.5)
    ids = difflib.get_close_matches(folded, list(G), n=limit, cutoff=0.6)
    found: list[str] = []
    for title in containing + close + [G.nodes[i]["title"] for i in ids]:
        if title not in found:
            found.append(title)
    return found[:limit]

