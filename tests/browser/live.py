"""Serving the app on loopback for browser tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.datastructures import Headers
from werkzeug.serving import make_server

from pathways.db import make_engine, session_scope, upgrade_schema
from webapp import create_app

#: How the live server lets the browser keep the app's static files (for the run).
STATIC_CACHING = "private, max-age=3600"


def cacheable_static(app: Flask) -> None:
    """Let the browser keep the app's static files (``/static/...``) between pages.

    The app marks every response to someone signed in ``no-store`` (``webapp.auth``), its
    stylesheet and scripts included, so a signed-in browser fetched ``app.css``, GOV.UK
    Frontend's and the app's scripts again on every page: four requests a page, about a
    fifth of a 375 px walk's time. The files do not change while a test runs, and no test
    is about how they are cached, so the live server alone says they may be kept; pages
    keep the app's headers.
    """
    inner = app.wsgi_app

    def wsgi(environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            return inner(environ, start_response)

        def start(status, headers, exc_info=None):
            headers = Headers(headers)
            headers["Cache-Control"] = STATIC_CACHING
            return start_response(status, headers.to_wsgi_list(), exc_info)
        return inner(environ, start)

    app.wsgi_app = wsgi  # type: ignore[method-assign]


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
    cacheable_static(app)
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
