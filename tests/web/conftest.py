"""Web fixtures: an app on a new database holding the toy pathway, and its test client."""

import pytest

from pathways.db import make_engine, session_scope, upgrade_schema
from pathways.interchange.store import save_document
from tests.factories import toy_document
from webapp import create_app


@pytest.fixture
def app(database_url):
    engine = make_engine(database_url)
    upgrade_schema(engine)
    with session_scope(engine) as session:
        save_document(session, toy_document())
    engine.dispose()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    yield app
    with app.app_context():
        from webapp.extensions import db

        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()
