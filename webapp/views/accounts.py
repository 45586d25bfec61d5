"""Signing in and out, and resetting a forgotten password.

Every failed sign-in reads the same, so the page never tells whether an account exists or
is disabled; sign-ins and reset requests are throttled (``webapp.limits``). Session cookies
are signed, not stored, so signing out moves the person's session generation on: a copy of
the old cookie stops working, and so do their other sessions. A reset link is signed,
expires after ``RESET_TOKEN_MINUTES`` (60 unless set) and carries a fingerprint of the
password hash and session generation, so it works once.

Asking for a reset does the same work whether or not the address has an account that can
sign in: a token is signed and an email written and sent to the address typed, holding the
link, or else saying there is no account to reset (:func:`send_reset_email`). The answer and
the time it takes are the same either way.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer

from pathways import audit, clock
from pathways.models import Person
from pathways.people.accounts import (
    end_sessions,
    find_person,
    hash_password,
    normalise_email,
    set_password,
    verify_password,
)

from .. import limits
from ..accounts_forms import NewPasswordForm, ResetRequestForm, SignInForm, SignOutForm
from ..auth import Account, public, signed_in
from ..extensions import db
from ..mail import link_to, send_email
from ..submit import submit
from .shared import error_list

blueprint = Blueprint("accounts", __name__)

SIGN_IN_FAILED = "Enter a correct email address and password"
#: Where a sign-in lands without a ``next`` page: the person's own profile.
PROFILE_PATH = "/profile"
RESET_SALT = "password-reset"
RESET_SUBJECT = "Reset your Care career pathways password"


@blueprint.after_request
def never_store(response):
    """Keep sign-in and reset pages (tokens, links) out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign a person in with their email address and password."""
    form = SignInForm()
    next_page = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        if limits.sign_in_blocked(form.email.data):
            minutes = limits.SIGN_IN_WINDOW_MINUTES
            return render_template("accounts/rate_limited.html", minutes=minutes), 429, {
                "Retry-After": str(minutes * 60)}
        person = authenticate(form.email.data, form.password.data)
        if person is not None:
            start_session(person)
            audit.record(db.session, person, "sign-in", "person", person.id, concerns=person)
            db.session.commit()
            return redirect(next_page or PROFILE_PATH)
        limits.count_failed_sign_in(form.email.data)
        form.email.errors = [*form.email.errors, SIGN_IN_FAILED]
    errors = error_list(form)
    return render_template("accounts/login.html", form=form, next_page=next_page,
                           error_list=errors), 400 if errors else 200


@blueprint.route("/logout", methods=["GET", "POST"])
@public
def logout():
    """Sign out, ending every session of the person (GET asks first)."""
    form = SignOutForm()
    if not submit(form, lambda: end_sessions(db.session, signed_in())
                  if current_user.is_authenticated else None):
        return render_template("accounts/logout.html", form=form)
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("accounts.login"))


@blueprint.route("/reset-password", methods=["GET", "POST"])
@public
def request_reset():
    """Email a reset link; the answer is the same whether or not the account exists."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        if not limits.take_reset_request(form.email.data):
            minutes = limits.RESET_WINDOW_MINUTES
            return render_template("accounts/reset_limited.html", minutes=minutes), 429, {
                "Retry-After": str(minutes * 60)}
        person = find_person(db.session, form.email.data)
        send_reset_email(form.email.data,
                         person if person is not None and person.active else None)
        return render_template("accounts/reset_request.html", form=form, sent=True)
    errors = error_list(form)
    return render_template("accounts/reset_request.html", form=form,
                           error_list=errors), 400 if errors else 200


@blueprint.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Set a new password from a reset link, ending every other session."""
    person = person_for_token(token)
    if person is None:
        return render_template("accounts/reset.html", form=None), 400
    form = NewPasswordForm()
    if submit(form, lambda: set_password(db.session, person, form.password.data)):
        logout_user()
        session.clear()
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("accounts.login"))
    errors = error_list(form)
    return render_template("accounts/reset.html", form=form,
                           error_list=errors), 400 if errors else 200


def safe_next(target: str | None) -> str | None:
    """Return ``target`` when it is a path on this site, else None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None  # browsers read "/\evil" as "//evil" and drop tabs and newlines
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


@functools.cache
def _stand_in_hash() -> str:
    return hash_password("a stand-in so unknown emails take as long as known ones")


def authenticate(email: str, password: str) -> Person | None:
    """Return the active person with this email and password, or None."""
    person = find_person(db.session, email)
    if person is None or not person.password_hash:
        verify_password(Person(password_hash=_stand_in_hash()), password)
        return None
    return person if verify_password(person, password) and person.active else None


def start_session(person: Person) -> None:
    """Start a new session for ``person``, dropping anything the old one held."""
    session.clear()
    login_user(Account(person))
    session.permanent = True
    session["seen"] = clock.now().timestamp()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=RESET_SALT)


def _fingerprint(person: Person) -> str:
    text = f"{person.password_hash or ''}:{person.session_generation}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _reset_minutes() -> float:
    return float(current_app.config.get("RESET_TOKEN_MINUTES", 60))


def person_for_token(token: str) -> Person | None:
    """Return the person a reset token is for, or None when bad, expired or used."""
    try:
        person_id, fingerprint = _serializer().loads(token, max_age=_reset_minutes() * 60)
        person = db.session.get(Person, int(person_id))
    except (BadData, TypeError, ValueError):
        return None
    if person is None or not person.active:
        return None
    return person if hmac.compare_digest(str(fingerprint), _fingerprint(person)) else None


@functools.cache
def _stand_in() -> Person:
    """Whom a reset token is signed for when the address has no account (id 0: no one)."""
    return Person(id=0, name="", password_hash=_stand_in_hash(), session_generation=0)


def send_reset_email(address: str, person: Person | None) -> None:
    """Email ``address`` a link to choose a new password for ``person``, or, without an
    active account (None), that there is none to reset: the same steps either way.

    Both sign a token (for no one, when there is no account: it is never sent), build the
    link from ``SERVICE_URL``, write the message and send it to the address typed, so the
    answer takes as long whether or not there is an account.
    """
    subject = person or _stand_in()
    token = _serializer().dumps([subject.id, _fingerprint(subject)])
    link = link_to("accounts.reset_password", token=token)
    minutes = _reset_minutes()
    if person is not None:
        body = (f"Hello {person.name},\n\n"
                "Someone asked to reset the password of your Care career pathways account.\n"
                f"To choose a new password, open this link within {minutes:g} minutes:\n\n"
                f"{link}\n\n"
                "The link works once. If you did not ask for this, ignore this email: "
                "your password has not changed.\n")
    else:
        body = ("Hello,\n\n"
                "Someone asked to reset the password of a Care career pathways account for "
                "this email address, but there is no account with it that can sign in.\n\n"
                "If you work in adult social care and expected an account, ask the person who "
                "looks after Care career pathways where you work. If you did not ask for "
                "this, ignore this email.\n")
    send_email(person.email if person is not None else normalise_email(address),
               RESET_SUBJECT, body)
