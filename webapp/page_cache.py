"""Per-process caches of what the public sees: rendered pages, and the published stories.

Public explorer pages depend on the graph snapshot, the published career stories and the
query string. Two counters in the ``graph_state`` table say when those change:
``graph_version`` (any change to the graph's rows) and the public-content version (a story
published, withdrawn or unpublished by a rewrite). Both are read together, once a request,
in one query (``models.graph.read_versions``), and a rendered page is kept under
``(graph version, public-content version, address)``: a change makes new keys at once in
every process, and old entries age out. Only successful GET answers are kept. Signed-in
people always get a freshly rendered page (their pages are personalised).

The published stories themselves are kept too, as :class:`StoryCard` records, rebuilt when
the public-content version moves; so a page missing from the page cache still costs only the
one version query.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

import networkx as nx
from flask import Flask, Response, current_app, g, make_response, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.csv_input import whole_number
from pathways.mentoring.stories import published_stories
from pathways.models import CareerStory, Person
from pathways.models.graph import read_versions

from .extensions import current_graph, db


class PageCache:
    """Rendered pages, least recently used dropped first.

    Parameters
    ----------
    maxsize : int
        How many pages to keep; 0 turns the cache off.
    """

    def __init__(self, maxsize: int = 256):
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple, tuple[bytes, int, str, dict]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, key: tuple) -> tuple[bytes, int, str, dict] | None:
        """Return a stored page, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            return entry

    def put(self, key: tuple, entry: tuple[bytes, int, str, dict]) -> None:
        """Store a page, dropping the least recently used beyond ``maxsize``."""
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)


@dataclass(frozen=True)
class StoryCard:
    """What is shown of a career story: never the author's email or anything but first name.

    Attributes
    ----------
    id, title, body, status
        The story's own.
    first_name : str
        The author's first name (the first word of their name), as their consent says.
    route : tuple of (node id, year or None)
        The steps in order, roles and qualifications.
    """

    id: int
    title: str
    body: str
    first_name: str
    route: tuple[tuple[str, int | None], ...]
    status: str

    @classmethod
    def of(cls, story: CareerStory) -> StoryCard:
        """Return the card of a story (reads its author)."""
        words = (story.person.name or "").split()
        return cls(id=story.id, title=story.title, body=story.body,
                   first_name=words[0] if words else "Someone",
                   route=tuple((step["node"], step.get("year")) for step in story.route or []),
                   status=story.status)

    @property
    def node_ids(self) -> list[str]:
        """The roles and qualifications the story passes through, in order."""
        return [node for node, _year in self.route]

    def path_on(self, G: nx.DiGraph) -> tuple[str, ...]:
        """Return the route's nodes still on the map, to highlight (consecutive pairs that
        are moves on the map are drawn as the highlighted path; the others are just nodes)."""
        return tuple(node for node in self.node_ids if node in G)


class StoryShelf:
    """The published stories' cards, per process, rebuilt when the public-content version moves."""

    def __init__(self):
        self._version: int | None = None
        self._cards: tuple[StoryCard, ...] = ()
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, session: Session, version: int) -> tuple[StoryCard, ...]:
        """Return the cards of the stories published at ``version`` (or later), newest first."""
        if self._version == version:
            return self._cards
        with self._lock:
            if self._version != version:
                stories = published_stories(session)
                authors = {story.person_id for story in stories}
                if authors:  # one query for every author, not one each
                    session.scalars(select(Person).where(Person.id.in_(authors))).all()
                self._cards = tuple(StoryCard.of(story) for story in stories)
                self._version = version
                self.builds += 1
            return self._cards


class GraphAnswers:
    """Answers worked out from the graph snapshot alone, kept per graph version.

    Parts of pages that signed-in people see too (so not in the page cache), such as a
    role's "How to become", cost one computation per process and graph version; a change
    to the graph makes new keys, and old ones age out (least recently used first).

    Parameters
    ----------
    maxsize : int
    """

    def __init__(self, maxsize: int = 1024):
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0

    def get(self, G: nx.DiGraph, key: tuple, compute: Callable[[], object]) -> object:
        """Return the answer for ``key`` on snapshot ``G``, computing it the first time."""
        full = (G.graph["version"], *key)
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                return self._entries[full]
        value = compute()
        with self._lock:
            self.computed += 1
            self._entries[full] = value
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return value


def init_app(app: Flask) -> None:
    """Give ``app`` its page cache, sized by ``PAGE_CACHE_SIZE``, its story shelf and its
    graph answers."""
    app.extensions["page_cache"] = PageCache(app.config["PAGE_CACHE_SIZE"])
    app.extensions["story_shelf"] = StoryShelf()
    app.extensions["graph_answers"] = GraphAnswers()


def graph_answer(key: tuple, compute: Callable[[], object]) -> object:
    """Return an answer worked out from the current snapshot, cached by graph version."""
    return current_app.extensions["graph_answers"].get(current_graph(), key, compute)


def public_versions() -> tuple[int, int]:
    """Return ``(graph version, public-content version)``, read once a request in one query."""
    if "public_versions" not in g:
        g.public_versions = read_versions(db.session)
    return g.public_versions


def published_story_cards(node_id: str | None = None) -> list[StoryCard]:
    """Return the published stories (through ``node_id`` when given), newest first."""
    cards = current_app.extensions["story_shelf"].get(db.session, public_versions()[1])
    return [card for card in cards if node_id is None or node_id in card.node_ids]


def published_story_card(text: str | None) -> StoryCard | None:
    """Return the published story whose id ``text`` is, or None (also for text not an id)."""
    number = whole_number(text or "")
    if number is None:
        return None
    return next((card for card in published_story_cards() if card.id == number), None)


def cached_page(view: Callable) -> Callable:
    """Serve a public GET view from the page cache, keyed by both versions and full path."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        cache: PageCache = current_app.extensions["page_cache"]
        if not cache.maxsize or request.method != "GET" or current_user.is_authenticated:
            return view(*args, **kwargs)
        graph_version, content_version = public_versions()
        key = (current_graph(graph_version).graph["version"], content_version, request.full_path)
        entry = cache.get(key)
        if entry is not None:
            body, status, mimetype, headers = entry
            return Response(body, status, headers=headers, mimetype=mimetype)
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not response.direct_passthrough:
            headers = {k: v for k, v in response.headers.items() if k == "Cache-Control"}
            cache.put(key, (response.get_data(), 200, response.mimetype, headers))
        return response

    return wrapper
