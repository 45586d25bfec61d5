"""Signing in: Flask-Login wiring, idle expiry, and turning policy decisions into answers.

A session remembers ``"<person id>:<session generation>"``. Disabling an account or
changing its password bumps the generation, so every existing session of that person stops
matching and ends. Sessions also end after ``SESSION_IDLE_MINUTES`` without a request.
"""

from __future__ import annotations

import time
from functools import wraps

from flask import Flask, abort, current_app, session
from flask_login import LoginManager, UserMixin, current_user, login_required, logout_user

from pathways.models import Person
from pathways.policy import Decision

from .extensions import db

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Sign in to see this page."
login_manager.session_protection = "strong"


class Account(UserMixin):
    """The signed-in person, as Flask-Login sees them."""

    def __init__(self, person: Person):
        self.person = person

    def get_id(self) -> str:
        return f"{self.person.id}:{self.person.session_generation}"

    @property
    def is_active(self) -> bool:
        return bool(self.person.active)


@login_manager.user_loader
def load_account(user_id: str) -> Account | None:
    """Return the account for a session, or None when it was ended or disabled."""
    try:
        person_id, generation = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    person = db.session.get(Person, person_id)
    if person is None or not person.active or person.session_generation != generation:
        return None
    return Account(person)


def init_app(app: Flask) -> None:
    """Bind Flask-Login and the idle-expiry check to ``app``."""
    login_manager.init_app(app)

    @app.before_request
    def end_idle_sessions():
        if "_user_id" not in session:
            return
        now = time.time()
        idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
        if now - session.get("seen", now) > idle:
            logout_user()
            session.clear()
            return
        session["seen"] = now

    @app.after_request
    def no_store_when_signed_in(response):
        if current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response


def signed_in() -> Person:
    """Return the signed-in person (call only behind ``login_required``)."""
    return current_user.person


def require(decision: Decision) -> None:
    """Stop the request unless allowed: 403 when forbidden, 404 when hidden."""
    if decision is Decision.FORBID:
        abort(403)
    if decision is Decision.HIDE:
        abort(404)


def personal_page(view):
    """Mark a view as showing personal data: sign-in required, never cached."""

    @login_required
    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    return wrapper
