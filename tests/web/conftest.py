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
    # CSRF is off for this suite; tests/web/test_csrf.py keeps it on.
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "WTF_CSRF_ENABLED": False, "REDIS_URL": None})
    yield app
    with app.app_context():
        from webapp.extensions import db

        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def people(app):
    """One person per role (see ``tests.factories.make_people``), committed; by short name."""
    from tests.factories import make_people
    from webapp.extensions import db

    with app.app_context():
        found = make_people(db.session)
        db.session.commit()
        return {key: person.id for key, person in found.items()}


@pytest.fixture
def sign_in(client):
    """Sign in through the login form: ``sign_in("staff")`` uses staff@example.org."""
    from tests.factories import GOOD_PASSWORD

    def sign_in(key, password=GOOD_PASSWORD):
        return client.post("/login", data={"email": f"{key}@example.org", "password": password})
    return sign_in


@pytest.fixture
def enter(app, client, people):
    """Sign a person in by short name without the password check: ``enter("lnd")``."""
    from tests.web.sessions import start_session

    return lambda key: start_session(app, client, people[key])
