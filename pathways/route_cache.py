"""Route answers kept per (graph version, query): in this process, and shared through Redis.

A route answer depends only on the snapshot and the query, so it is kept under a key made
of the snapshot's ``graph_version`` and the query (ends, options, which search): any edit
to the graph bumps the version in the same transaction, so an answer worked out on an old
graph is never served for the new one; old keys simply stop being asked for and age out
(least recently used first here, by a time to live in Redis).

:class:`RouteAnswers` looks in a small in-process store first, then in a shared store when
one is configured (:class:`RedisStore`, so every gunicorn worker and machine benefits from
an answer any of them worked out), and otherwise runs the search and stores the answer in
both. "No route" is an answer too, kept the same way (most pairs of places have none).

Answers cross Redis as JSON (:func:`encode_answer`, :func:`decode_answer`), never pickle:
what is read back from a shared store is data, not code. A shared store that fails or
answers slowly is left alone for a while (``RETRY_AFTER_SECONDS``) and the search runs
here: a route query never fails because Redis did.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

import networkx as nx
from redis import Redis
from redis.exceptions import RedisError

from .errors import RouteNotFound
from .options import RouteOptions
from .routes import Requirement, Route, Step, distinct_routes, routes_between

log = logging.getLogger(__name__)

#: How many answers a process keeps.
LOCAL_SIZE = 1024
#: How long Redis keeps an answer, in seconds (answers for old graph versions expire).
SHARED_SECONDS = 24 * 3600
#: How long a failing shared store is left alone before it is tried again.
RETRY_AFTER_SECONDS = 30.0
#: The searches an answer can come from, by name.
SEARCHES: dict[str, Callable[..., list[Route]]] = {
    "distinct": distinct_routes, "best": routes_between}


class AnswerStore(Protocol):
    """Where encoded answers are kept: ``get`` a key's bytes (or None), ``put`` them."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, value: bytes) -> None: ...


class LocalStore:
    """Encoded answers in this process, least recently used dropped first.

    Parameters
    ----------
    maxsize : int
        How many answers to keep (0 keeps none).
    """

    def __init__(self, maxsize: int = LOCAL_SIZE):
        self.maxsize = maxsize
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        """Return the answer kept under ``key``, or None."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: str, value: bytes) -> None:
        """Keep ``value`` under ``key``, dropping the least recently used beyond ``maxsize``."""
        if not self.maxsize:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)


class RedisStore:
    """Encoded answers in Redis, shared by every process using the same server.

    Errors never reach the caller: a failed ``get`` is a miss, a failed ``put`` is
    skipped, and after a failure the store is not asked again for ``retry_after``
    seconds (so a Redis that is down costs one timeout, not one a request).

    Parameters
    ----------
    client : redis.Redis
        Made with short socket timeouts (see :func:`redis_store`).
    prefix : str
        Put before every key (``pathways:routes:`` by default).
    seconds : int
        Each answer's time to live.
    retry_after : float
    """

    def __init__(self, client: Any, prefix: str = "pathways:routes:",
                 seconds: int = SHARED_SECONDS, retry_after: float = RETRY_AFTER_SECONDS):
        self.client, self.prefix, self.seconds = client, prefix, seconds
        self.retry_after = retry_after
        self._resting_until = 0.0

    def get(self, key: str) -> bytes | None:
        """Return the answer kept under ``key``, or None (also when Redis fails)."""
        if time.monotonic() < self._resting_until:
            return None
        try:
            value = self.client.get(self.prefix + key)
        except (RedisError, OSError) as error:  # any failure is a miss
            self._rest(error)
            return None
        return value if isinstance(value, bytes) else None

    def put(self, key: str, value: bytes) -> None:
        """Keep ``value`` under ``key`` for ``seconds`` (skipped when Redis fails)."""
        if time.monotonic() < self._resting_until:
            return
        try:
            self.client.set(self.prefix + key, value, ex=self.seconds)
        except (RedisError, OSError) as error:  # the answer is still given
            self._rest(error)

    def _rest(self, error: Exception) -> None:
        log.warning("route answers: Redis failed (%s); not used for %g seconds",
                    type(error).__name__, self.retry_after)
        self._resting_until = time.monotonic() + self.retry_after


def redis_store(url: str, timeout: float = 0.5, **kwargs: Any) -> RedisStore:
    """Return a :class:`RedisStore` on the server at ``url``, with short timeouts."""
    client = Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    return RedisStore(client, **kwargs)


class RouteAnswers:
    """Route answers per (graph version, query), from the stores or worked out once.

    Parameters
    ----------
    local : AnswerStore, optional
        This process's store (default a :class:`LocalStore`).
    shared : AnswerStore, optional
        A store every process shares (:class:`RedisStore`), asked after ``local``.

    Examples
    --------
    >>> answers = RouteAnswers()
    >>> first = answers.distinct(G, "care-worker", "social-worker", RouteOptions())
    >>> answers.distinct(G, "care-worker", "social-worker", RouteOptions()) == first
    True
    >>> answers.computed, answers.hits
    (1, 1)
    """

    def __init__(self, local: AnswerStore | None = None, shared: AnswerStore | None = None):
        self.local = local if local is not None else LocalStore()
        self.shared = shared
        self.computed = 0
        self.hits = 0

    def distinct(self, G: nx.DiGraph, source: str, target: str,
                 options: RouteOptions) -> list[Route]:
        """Return :func:`pathways.routes.distinct_routes`'s answer, kept per graph version.

        Raises
        ------
        RouteNotFound
            As the search does (also when the answer "no route" was kept).
        """
        return self.answer("distinct", G, source, target, options)

    def best(self, G: nx.DiGraph, source: str, target: str,
             options: RouteOptions) -> list[Route]:
        """Return :func:`pathways.routes.routes_between`'s answer, kept per graph version."""
        return self.answer("best", G, source, target, options)

    def answer(self, search: str, G: nx.DiGraph, source: str, target: str,
               options: RouteOptions) -> list[Route]:
        """Return the answer of ``SEARCHES[search]`` for this query on snapshot ``G``."""
        key = answer_key(G, search, source, target, options)
        encoded = self.local.get(key)
        if encoded is None and self.shared is not None:
            encoded = self.shared.get(key)
            if encoded is not None:
                self.local.put(key, encoded)
        if encoded is not None:
            try:
                routes = decode_answer(encoded)
            except RouteNotFound:
                self.hits += 1
                raise
            except (ValueError, KeyError, TypeError):
                log.warning("route answers: an unreadable answer under %s was ignored", key)
            else:
                self.hits += 1
                return routes
        try:
            routes = SEARCHES[search](G, source, target, options)
        except RouteNotFound as no_route:
            self._keep(key, encode_no_route(str(no_route)))
            self.computed += 1
            raise
        self._keep(key, encode_answer(routes))
        self.computed += 1
        return routes

    def _keep(self, key: str, encoded: bytes) -> None:
        self.local.put(key, encoded)
        if self.shared is not None:
            self.shared.put(key, encoded)


def answer_key(G: nx.DiGraph, search: str, source: str, target: str,
               options: RouteOptions) -> str:
    """Return the key of a query's answer: the graph version, then a digest of the query.

    Examples
    --------
    >>> answer_key(G, "distinct", "care-worker", "social-worker", RouteOptions())[:3]
    'v2:'
    """
    query = [search, source, target, options.by, options.k, sorted(options.have),
             options.earn_while_learning, options.max_self_funded, options.within_months,
             options.months_in_role]
    digest = hashlib.sha256(json.dumps(query, separators=(",", ":")).encode()).hexdigest()
    return f"v{G.graph.get('version')}:{digest[:32]}"


def encode_answer(routes: list[Route]) -> bytes:
    """Return routes as JSON bytes that :func:`decode_answer` turns back into equal routes."""
    return json.dumps({"routes": [_route_data(r) for r in routes]},
                      separators=(",", ":")).encode()


def encode_no_route(message: str) -> bytes:
    """Return the answer "no route", with its message, as JSON bytes."""
    return json.dumps({"no_route": message}).encode()


def decode_answer(encoded: bytes) -> list[Route]:
    """Return the routes :func:`encode_answer` encoded.

    Raises
    ------
    RouteNotFound
        When the answer kept was "no route".
    ValueError, KeyError, TypeError
        When the bytes are not an encoded answer.
    """
    data = json.loads(encoded)
    if "no_route" in data:
        raise RouteNotFound(str(data["no_route"]))
    return [_route(r) for r in data["routes"]]


def _route_data(route: Route) -> dict[str, Any]:
    return {
        "path": route.path, "steps": [_step_data(s) for s in route.steps],
        "total_months": route.total_months, "total_cost_gbp": route.total_cost_gbp,
        "self_funded_steps": route.self_funded_steps, "why": route.why, "kind": route.kind,
        "cost_to_you_gbp": route.cost_to_you_gbp, "months_unpaid": route.months_unpaid,
        "employer_changes": route.employer_changes, "labels": route.labels,
        "variants": route.variants,
    }


def _step_data(step: Step) -> list[Any]:
    return [step.number, step.source, step.target, step.kind, step.months,
            step.min_experience_months, step.cost_gbp, step.funding,
            step.earn_while_learning, [[r.id, r.title, r.met_by] for r in step.requires],
            step.explanation, step.experience_counted]


def _route(data: dict[str, Any]) -> Route:
    steps = tuple(
        Step(number, source, target, kind, months, gate, cost, funding, earning,
             tuple(Requirement(*r) for r in requires), explanation, counted)
        for (number, source, target, kind, months, gate, cost, funding, earning, requires,
             explanation, counted) in data["steps"])
    return Route(
        tuple(data["path"]), steps, data["total_months"], data["total_cost_gbp"],
        data["self_funded_steps"], tuple(data["why"]), tuple(data["kind"]),
        data["cost_to_you_gbp"], data["months_unpaid"], data["employer_changes"],
        tuple(data["labels"]), tuple(tuple(v) for v in data["variants"]))
