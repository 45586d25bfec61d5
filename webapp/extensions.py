"""Extensions, created once unbound and bound to an app with ``init_app``."""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers

from pathways.db import configure_engine, log_slow_queries
from pathways.models import Base
from pathways.render import MapCache
from pathways.route_cache import LocalStore, RouteAnswers, redis_store
from pathways.snapshot import GraphCache

db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
wtforms_helpers = WTFormsHelpers()


def init_app(app: Flask) -> None:
    """Bind the extensions to ``app``; give it one graph snapshot cache and one map cache."""
    db.init_app(app)
    csrf.init_app(app)
    wtforms_helpers.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
        log_slow_queries(db.engine, app.config["SLOW_QUERY_MS"])
    app.extensions["graph_cache"] = GraphCache(app.config["GRAPH_CACHE_SECONDS"])
    app.extensions["map_cache"] = MapCache(link=node_path,
                                           timeout=app.config["DOT_TIMEOUT_SECONDS"])
    url = app.config.get("REDIS_URL")
    app.extensions["route_answers"] = RouteAnswers(
        LocalStore(app.config["ROUTE_CACHE_SIZE"]),
        redis_store(url, seconds=app.config["ROUTE_CACHE_SECONDS"],
                    prefix=app.config["ROUTE_CACHE_PREFIX"]) if url else None)


def node_path(node_id: str, data: dict) -> str:
    """Return the path of a node's page (maps are cached, so this avoids per-request URLs)."""
    area = "roles" if data["kind"] == "role" else "qualifications"
    return f"/{area}/{node_id}"


def current_graph(version: int | None = None):
    """Return the current snapshot of the career graph (the version is checked once a request).

    ``version`` is ``graph_version`` when the caller has just read it (the page cache reads
    it with the public-content version in one query).
    """
    if "graph" not in g:
        g.graph = current_app.extensions["graph_cache"].get(db.session, version)
    return g.graph


def route_answers() -> RouteAnswers:
    """Return this process's route answers (shared through Redis when ``REDIS_URL`` is set)."""
    return current_app.extensions["route_answers"]


def map_cache() -> MapCache:
    """Return this process's cache of rendered maps."""
    return current_app.extensions["map_cache"]
