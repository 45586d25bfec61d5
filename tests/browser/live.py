"""Serving the app on loopback for browser tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from pathways.db import make_engine, session_scope, upgrade_schema
from webapp import create_app


@contextmanager
def serving(database: Path, populate: Callable[[Session], None] | None = None
            ) -> Iterator[tuple[str, Flask]]:
    """Serve the app on an SQLite database (new, or a copy of a template such as the demo's,
    ``demo_copy``) after ``populate`` adds to it; yield its URL and app."""
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    upgrade_schema(engine)
    if populate is not None:
        with session_scope(engine) as session:
            populate(session)
    engine.dispose()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "OUTBOX_DIR": str(database.parent / "outbox")})  # not the checkout's
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            from webapp.extensions import db

            db.engine.dispose()
