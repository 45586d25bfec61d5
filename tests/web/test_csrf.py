"""With CSRF protection on, as in production: forms without a valid token are refused clearly."""

import re

import pytest

from tests.factories import GOOD_PASSWORD
from tests.web.apps import running_app

LOGIN = {"email": "staff@example.org", "password": GOOD_PASSWORD}


@pytest.fixture
def app(database_url):
    """The web app with CSRF protection on (the shared ``app`` fixture turns it off)."""
    with running_app(database_url, WTF_CSRF_ENABLED=True) as app:
        yield app


def csrf_token(client, path: str) -> str:
    """Return the CSRF token of the form on the page at ``path``."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def refused_clearly(response) -> bool:
    return (response.status_code == 400 and b"govuk-heading-l" in response.data
            and b"that form could not be sent" in response.data)


def test_signing_in_without_a_token_is_refused_clearly(client, people):
    response = client.post("/login", data=LOGIN)
    assert refused_clearly(response)
    assert not signed_in(client)


def test_signing_in_with_a_forged_token_is_refused(client, people):
    csrf_token(client, "/login")
    response = client.post("/login", data={**LOGIN, "csrf_token": "forged"})
    assert refused_clearly(response)


def test_signing_in_with_the_form_token_works(client, people):
    response = client.post("/login", data={**LOGIN, "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    assert signed_in(client)


def test_signing_out_needs_the_token(client, people):
    client.post("/login", data={**LOGIN, "csrf_token": csrf_token(client, "/login")})

    assert refused_clearly(client.post("/logout"))
    assert signed_in(client)

    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    assert response.status_code == 302
    assert not signed_in(client)


def test_asking_for_a_reset_needs_the_token(client, people, tmp_path, app):
    app.config["OUTBOX_DIR"] = str(tmp_path)
    assert refused_clearly(client.post("/reset-password", data={"email": "staff@example.org"}))
    assert not list(tmp_path.glob("*.eml"))
    token = csrf_token(client, "/reset-password")
    response = client.post("/reset-password", data={"email": "staff@example.org",
                                                    "csrf_token": token})
    assert response.status_code == 200
    assert len(list(tmp_path.glob("*.eml"))) == 1
