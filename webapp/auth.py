"""Signing in: Flask-Login wiring, idle expiry, and turning policy decisions into answers.

A session remembers ``"<person id>:<session generation>"``. Disabling an account or
changing its password bumps the generation, so every existing session of that person stops
matching and ends. Sessions also end after ``SESSION_IDLE_MINUTES`` without a request.

The policy is the only gate. Every view either asks it, through :func:`require` (directly, in
a lookup helper, in a blueprint's ``before_request`` or through :func:`own_page`), or says it
is open to everyone with :func:`public`. Both note it on ``flask.g``; with
``POLICY_AUDIT`` set (the tests set it), an answer given by a view that did neither is
listed in ``app.extensions["policy_audit"]`` (:func:`unasked` says which answers count).
Decisions that only change what a page shows (a button, a menu link) call the policy
directly and are not gates: they never mark a request as checked.
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, Response, abort, current_app, g, has_request_context, request, session
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    logout_user,
    user_unauthorized,
)

from pathways import clock
from pathways.models import Person
from pathways.people.accounts import signed_in_person
from pathways.policy import Decision, can_use_own_pages, menu_for

from .extensions import db

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Sign in to see this page."
login_manager.login_message_category = "info"  # an "Important" banner, not a success one
login_manager.session_protection = "strong"


class Account(UserMixin):
    """The signed-in person, as Flask-Login sees them, and how many notifications of theirs
    were unread when the request began (the header shows it)."""

    def __init__(self, person: Person, unread: int = 0):
        self.person = person
        self.unread = unread

    def get_id(self) -> str:
        return f"{self.person.id}:{self.person.session_generation}"

    @property
    def is_active(self) -> bool:
        return bool(self.person.active)


@login_manager.user_loader
def load_account(user_id: str) -> Account | None:
    """Return the account for a session, or None when it was ended or disabled.

    One query by primary key (``accounts.signed_in_person``): the person with their
    organisation, access roles and unread count.
    """
    try:
        person_id, generation = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    if not (0 < person_id < 2 ** 31 and 0 <= generation < 2 ** 31):
        return None
    found = signed_in_person(db.session, person_id, generation)
    return Account(*found) if found is not None else None


def init_app(app: Flask) -> None:
    """Bind Flask-Login and the idle-expiry check to ``app``."""
    login_manager.init_app(app)

    @app.before_request
    def end_idle_sessions():
        if "_user_id" not in session:
            return
        now = clock.now().timestamp()
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

    app.extensions["policy_audit"] = []
    user_unauthorized.connect(_sent_to_sign_in, app)

    @app.after_request
    def audit_policy(response):
        if current_app.config.get("POLICY_AUDIT"):
            finding = unasked(response)
            if finding is not None:
                current_app.extensions["policy_audit"].append(finding)
        return response

    app.context_processor(menu_context)


def menu_context() -> dict:
    """Give templates ``menu``: the areas the policy lets the signed-in person (or anyone
    not signed in) use (``policy.menu_for``); the menu in ``base.html`` shows those links."""
    if not has_request_context():
        return {}
    return {"menu": menu_for(current_user.person if current_user.is_authenticated else None)}


def signed_in() -> Person:
    """Return the signed-in person (call only behind ``login_required``)."""
    return current_user.person


def require(decision: Decision) -> None:
    """Stop the request unless allowed: 403 when forbidden, 404 when hidden.

    The gate every view goes through: it notes on ``g`` that the policy was asked.
    """
    g.policy_asked = True
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


def own_page(view):
    """Mark a view as one of the signed-in person's own pages (their profile and data,
    finding a champion, shadowing, their story): sign-in required, never cached, and the
    policy asked whether they may use them (``policy.can_use_own_pages``)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        require(can_use_own_pages(signed_in()))
        return view(*args, **kwargs)

    return personal_page(wrapper)


def public(view):
    """Mark a view as open to everyone, signed in or not: the policy has nothing to decide
    (the map, role and qualification pages, the planner, published stories, the public API,
    signing in and out, health checks). Goes above ``cached_page``, so cached answers are
    marked too."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.policy_public = True
        return view(*args, **kwargs)

    wrapper.policy_public = True
    return wrapper


#: Answers that show nothing, so a view may give them before asking the policy: 401 (sign
#: in first) and 404 from a lookup that found no such record, before any personal data.
SHOWS_NOTHING = frozenset({401, 404})


def unasked(response: Response) -> str | None:
    """Return what is wrong when a view answered without asking the policy, else None.

    Fine: answers not from a view (static files, unknown addresses), views marked
    :func:`public`, requests where :func:`require` was called or the sign-in gate sent the
    person to sign in, and the answers in ``SHOWS_NOTHING``.
    """
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static" or response.status_code in SHOWS_NOTHING:
        return None
    if g.get("policy_asked") or g.get("policy_public") or g.get("sent_to_sign_in"):
        return None
    return (f"{request.method} {request.path} ({endpoint}) answered {response.status_code} "
            "without asking the policy")


def _sent_to_sign_in(_app, **_extra) -> None:
    """Note that the sign-in gate refused the request (Flask-Login's ``unauthorized``)."""
    g.sent_to_sign_in = True
