"""Finding roles and qualifications: by id or title, by the words people search with, and
suggestions when nothing matches."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import networkx as nx

from .errors import UnknownNode
from .vocabulary import COMMON_WORDS


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



#: Words a search ignores ("how to become a nurse" looks for "nurse").
STOPWORDS = frozenset({"a", "an", "the", "of", "in", "to", "and", "for", "with", "as", "my",
                       "i", "how", "become", "becoming", "job", "jobs", "role", "roles"})
#: The shortest part of a word that is matched as the start of a longer word.
MIN_PREFIX = 3
#: How many related roles a search shows beside its matches.
MAX_RELATED = 8
#: Starting points (volunteer, career changer...) are not offered as related roles.
ENTRY_FAMILY = "entry_routes"


@dataclass(frozen=True)
class SearchResult:
    """A node a search found, and why, in words ("title", or the common word that means it)."""

    node: str
    why: str


@dataclass(frozen=True)
class SearchAnswer:
    """What a search found: its matches, best first, and roles related to the best one."""

    results: tuple[SearchResult, ...]
    related: tuple[SearchResult, ...]


def words(text: str) -> tuple[str, ...]:
    """Split text into lowercase words without a plural ``s``: ``"Care workers"`` -> care, worker.

    >>> words("Senior carers (Level 3)"), words("L&D")
    (('senior', 'carer', 'level', '3'), ('l', 'd'))
    """
    found = []
    for word in re.findall(r"[a-z0-9]+", text.casefold()):
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if word != "s":  # the s of "master's"
            found.append(word)
    return tuple(found)


def search(G: nx.DiGraph, query: str) -> SearchAnswer:
    """Find roles and qualifications for what people type, with roles related to the best match.

    Every word typed must match a word of the title, the standard code or a common word for
    the node (``vocabulary.COMMON_WORDS``: "carer", "PA", "support worker"...). A word matches
    whole; only a word no title uses is also taken as the start of longer ones ("occup" finds
    occupational therapy, while "care" never finds "Career changer"). Best first: the exact
    title, then a common word typed exactly, then titles holding every word (roles first),
    then the rest; a common word's nodes in the order the vocabulary gives (its usual meaning
    first), others roles first, by title.

    Parameters
    ----------
    G : networkx.DiGraph
        A snapshot from ``build_graph``.
    query : str

    Returns
    -------
    SearchAnswer
        ``related``: up to ``MAX_RELATED`` roles one move (or one qualification) before or
        after the best match, not among the matches.

    Examples
    --------
    >>> [r.node for r in search(G, "carer").results][:2]
    ['care-worker', 'home-care-worker']
    >>> [r.node for r in search(G, "care").results if r.node == "career-changer"]
    []
    """
    typed = tuple(w for w in words(query) if w not in STOPWORDS) or words(query)
    if not typed:
        return SearchAnswer((), ())
    node_words = {n: set(words(d["title"])) | set(words(d.get("standard_code") or ""))
                  for n, d in G.nodes(data=True)}
    known = set().union(*node_words.values()) if node_words else set()
    common = [(words(phrase), ids) for phrase, ids in COMMON_WORDS.items()]
    known.update(w for phrase, _ids in common for w in phrase)
    ranked: dict[str, tuple[tuple, str]] = {}

    def offer(node: str, rank: int, why: str, position: int = 0) -> None:
        data = G.nodes[node]
        key = (rank, position, data["kind"] != "role", data["title"].casefold())
        if node not in ranked or key < ranked[node][0]:
            ranked[node] = (key, why)

    folded = " ".join(query.split()).casefold()
    for phrase, ids in common:
        if _holds(typed, phrase):
            said = " ".join(phrase)
            for position, node in enumerate(ids):
                if node in G:
                    offer(node, 1 if phrase == typed else 3, f"also called “{said}”", position)
    for node, have in node_words.items():
        title = G.nodes[node]["title"]
        if title.casefold() == folded:
            offer(node, 0, "title")
        elif all(w in have for w in typed):
            offer(node, 2, "title")
        elif all(w in have or (w not in known and len(w) >= MIN_PREFIX
                               and any(h.startswith(w) for h in have)) for w in typed):
            offer(node, 4, "title")
    order = sorted(ranked, key=lambda n: ranked[n][0])
    results = tuple(SearchResult(n, ranked[n][1]) for n in order)
    related = _related_roles(G, order[0], set(order)) if order else ()
    return SearchAnswer(results, related)


def _holds(typed: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` appears in ``typed`` as whole words, in order."""
    size = len(phrase)
    return any(typed[i:i + size] == phrase for i in range(len(typed) - size + 1))


def _related_roles(G: nx.DiGraph, node: str, shown: set[str]) -> tuple[SearchResult, ...]:
    """Roles one move before or after ``node``, looking through one qualification (no
    starting points such as volunteer)."""
    found: dict[str, str] = {}
    title = G.nodes[node]["title"]
    for neighbours, relation in ((G.successors, "a next step from"),
                                 (G.predecessors, "a way into")):
        for near in neighbours(node):
            far = [near] if G.nodes[near]["kind"] == "role" else list(neighbours(near))
            for role in far:
                data = G.nodes[role]
                if (role != node and role not in shown and data["kind"] == "role"
                        and data.get("family") != ENTRY_FAMILY):
                    found.setdefault(role, f"{relation} {title}")
    ordered = sorted(found, key=lambda r: G.nodes[r]["title"].casefold())
    return tuple(SearchResult(r, found[r]) for r in ordered[:MAX_RELATED])
