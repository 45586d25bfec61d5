"""Web fixtures: an app on a new database holding the toy pathway, and its test client."""

import pytest

from tests.recipes import TOY_PATHWAY, holding
from tests.web.apps import running_app


@pytest.fixture
def database_url(request, database_for):
    """A database of the test's own holding the toy pathway (and ``people`` if it uses them).

    Modules that need another pathway override this fixture (see ``tests.recipes``).
    """
    return database_for(holding(request, TOY_PATHWAY))


@pytest.fixture
def app(database_url):
    # CSRF is off for this suite; tests/web/test_csrf.py and the browser tests keep it on.
    with running_app(database_url, WTF_CSRF_ENABLED=False) as app:
        yield app


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
