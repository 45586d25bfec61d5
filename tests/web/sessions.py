"""Signing in for tests without the password check (Argon2 is slow on purpose)."""

import time

from flask_login.utils import _create_identifier


def start_session(app, client, person_id: int, generation: int = 0) -> None:
    """Sign in by setting the Flask-Login session directly (what /login would store)."""
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # what "strong" session protection checks
    with client.session_transaction() as session:
        session["_user_id"] = f"{person_id}:{generation}"
        session["_fresh"] = True
        session["_id"] = identifier
        session["seen"] = time.time()
