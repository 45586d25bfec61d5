"""A per-process cache of rendered public pages, keyed by graph version and address.

Public explorer pages depend only on the graph snapshot and the query string, so a page
rendered once for a graph version can be served again until the graph changes (a new
version makes new keys; old entries age out). Only successful GET answers are kept.
Signed-in people always get a freshly rendered page (their pages are personalised).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import Flask, Response, current_app, make_response, request
from flask_login import current_user

from .extensions import current_graph


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


def init_app(app: Flask) -> None:
    """Give ``app`` its page cache, sized by ``PAGE_CACHE_SIZE``."""
    app.extensions["page_cache"] = PageCache(app.config["PAGE_CACHE_SIZE"])


def cached_page(view: Callable) -> Callable:
    """Serve a public GET view from the page cache, keyed by graph version and full path."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        cache: PageCache = current_app.extensions["page_cache"]
        if not cache.maxsize or request.method != "GET" or current_user.is_authenticated:
            return view(*args, **kwargs)
        key = (current_graph().graph["version"], request.full_path)
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
