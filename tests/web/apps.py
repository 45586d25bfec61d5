"""The web app on a new test database, for fixtures."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from pathways.db import make_engine, session_scope, upgrade_schema
from pathways.interchange.store import save_document
from tests.factories import make_people, toy_document
from webapp import create_app


@contextmanager
def running_app(database_url: str, *, with_people: bool = False, **config) -> Iterator[Flask]:
    """Yield the app on a new database holding the toy pathway (and people, if asked)."""
    engine = make_engine(database_url)
    upgrade_schema(engine)
    with session_scope(engine) as session:
        save_document(session, toy_document())
        if with_people:
            make_people(session)
    engine.dispose()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "REDIS_URL": None, **config})
    yield app
    with app.app_context():
        from webapp.extensions import db

        db.engine.dispose()
