"""Extensions, created once unbound and bound to an app with ``init_app``."""

from __future__ import annotations

from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy

from pathways.db import configure_engine
from pathways.models import Base
from pathways.snapshot import GraphCache

db = SQLAlchemy(model_class=Base)


def init_app(app: Flask) -> None:
    """Bind the extensions to ``app``, and give it one graph snapshot cache."""
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    app.extensions["graph_cache"] = GraphCache(app.config["GRAPH_CACHE_SECONDS"])


def current_graph():
    """Return the current snapshot of the career graph for this process."""
    return current_app.extensions["graph_cache"].get(db.session)
