"""The web app on a test database, for fixtures."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from pathways.db import make_engine, session_scope
from tests.factories import make_people
from webapp import create_app


@contextmanager
def running_app(database_url: str, *, with_people: bool = False, **config) -> Iterator[Flask]:
    """Yield the app on ``database_url`` (already holding its pathway), adding people if asked."""
    if with_people:
        engine = make_engine(database_url)
        with session_scope(engine) as session:
            make_people(session)
        engine.dispose()
    outbox = tempfile.mkdtemp(prefix="outbox-")  # emails sent by a test land here
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "REDIS_URL": None, "OUTBOX_DIR": outbox, **config})
    yield app
    shutil.rmtree(outbox, ignore_errors=True)
    with app.app_context():
        from webapp.extensions import db

        db.engine.dispose()
