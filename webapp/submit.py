"""One submit path for forms: validate, call one service, commit; or roll back and say why.

A view loads what its page is about and checks the policy, then hands the form and the one
service call to :func:`submit`; when the change is saved it flashes and redirects, otherwise
it shows the page again with the form's errors (400). This is the only place the web app
commits a form's change or rolls it back:

- the form's own checks fail: nothing is called;
- ``InvalidInput``: rolled back; each ``Problem`` goes on the field its ``where`` names
  (through ``fields``, or the form's own ``field_for`` or ``place_problems``), else on the
  form as a whole;
- ``Refused`` and any other ``PathwayError``: rolled back; the message goes on the
  ``refused_on`` field, else on the form as a whole;
- ``EditConflict``: rolled back; the submission carries it, for the editor's 409 page;
- ``IntegrityError`` (someone saved the same thing at the same moment): rolled back, and
  said on the form as a whole;
- ``NotFound``: rolled back and raised, so the app answers 404 as for any page.

A form that creates a record (``form_fields.CreatesRecord``) carries a one-time token, claimed
here in the same transaction as the change (``pathways.submissions``). A post whose token was
already claimed, the same post sent again after a dropped connection or a double click,
changes nothing: :class:`AlreadySent` is raised and the app sends the person where the first
post led, saying it was saved once. Where a post led is noted after it redirects
(:func:`note_where_it_led`).

Errors of the form as a whole are ``form.form_errors``: ``views.shared.error_list`` lists
them first, linking to the ``anchor`` given here (the page's section the form sits in), or
else to the form's first field.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, flash, g, redirect, request
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from pathways import submissions
from pathways.errors import EditConflict, InvalidInput, NotFound, PathwayError, Problem

from .extensions import db

#: Said when two people save the same thing at the same moment and the database refuses one.
SAVED_AT_THE_SAME_MOMENT = ("Someone else saved a change at the same moment: nothing was "
                            "saved. Check the page and try again.")

#: Said when a post that created something arrives again.
SENT_TWICE = "This form was sent more than once: it was saved once."

FieldNames = Mapping[str, str] | Callable[[str], str]


def new_token() -> str:
    """A one-time token for a form as it is shown (192 random bits)."""
    return secrets.token_urlsafe(24)


class CreatesRecord:
    """Mixin for a form whose post creates a record: it carries a one-time token.

    The token is made each time the form is shown afresh and sent back with the post;
    :func:`submit` claims it with the change, so a retry of the same post creates nothing
    twice. Shown again with its errors, the form keeps its token: nothing was saved, so the
    corrected post may still use it. Templates render it with the form's other hidden
    fields (``hidden_fields`` in macros.html).
    """

    once = HiddenField(default=new_token)


class AlreadySent(Exception):
    """The post's one-time token was claimed by an earlier post that was saved."""

    def __init__(self, led_to: str | None):
        super().__init__(SENT_TWICE)
        self.led_to = led_to


@dataclass
class Submission:
    """What came of a submitted form: saved, with what the service returned; or not, and why."""

    saved: bool = False
    value: Any = None
    error: PathwayError | None = None
    #: Someone else saved the same thing at the same moment (the database refused this).
    clashed: bool = False

    def __bool__(self) -> bool:
        return self.saved

    @property
    def conflict(self) -> EditConflict | None:
        """The edit someone else saved first, when that is why nothing was saved."""
        return self.error if isinstance(self.error, EditConflict) else None


def submit(form: FlaskForm, change: Callable[[], Any], *, fields: FieldNames | None = None,
           refused_on: str | None = None, anchor: str | None = None,
           sentences: bool = False, keep_refused: bool = False,
           check: FlaskForm | None = None) -> Submission:
    """Validate ``form``, call ``change`` (one service) and commit; or roll back and say why.

    Parameters
    ----------
    form : FlaskForm
        The form sent; it carries the problems when the change is refused.
    change : callable
        Calls the one service; what it returns is the submission's ``value``.
    fields : mapping or callable, optional
        The form's field for a ``Problem.where`` the service names differently (default:
        the form's ``field_for`` when it has one, else the same name).
    refused_on : str, optional
        The field that shows a refusal's message (default: the form as a whole).
    anchor : str, optional
        Where errors of the form as a whole link to, e.g. ``"#post-3"``.
    sentences : bool
        Start every message placed here with a capital letter.
    keep_refused : bool
        Commit what the domain noted before refusing (a request that expired on being
        answered) instead of rolling it back.
    check : FlaskForm, optional
        The form to validate when it is not ``form`` (a button's lock beside the editor).

    Returns
    -------
    Submission
        True when saved, with what the service returned. Otherwise nothing was written (but
        ``keep_refused``'s note), the form's fields or the form as a whole say why, and
        ``error`` is the domain's error (``conflict`` when someone else saved first).

    Raises
    ------
    NotFound
        When the service finds no such thing: the app answers 404.
    AlreadySent
        When the form's one-time token was used by a post already saved: nothing changes.
    """
    if anchor is not None:
        form.error_anchor = anchor
    if not (check or form).validate_on_submit():
        return Submission()
    token = once_token(form)
    if token is not None and not submissions.claim(db.session, token):
        db.session.rollback()
        raise AlreadySent(submissions.led_to(db.session, token))
    try:
        value = change()
    except EditConflict as conflict:
        db.session.rollback()
        return Submission(error=conflict)
    except InvalidInput as invalid:
        db.session.rollback()
        place_problems(form, invalid.problems, fields, sentences)
        return Submission(error=invalid)
    except NotFound:
        db.session.rollback()
        raise
    except PathwayError as refused:  # Refused, and any other rule the domain enforces
        if keep_refused:
            db.session.commit()
        else:
            db.session.rollback()
        place_problems(form, [Problem(refused_on or "", str(refused))], {}, sentences)
        return Submission(error=refused)
    except IntegrityError:
        db.session.rollback()
        place_problems(form, [Problem("", SAVED_AT_THE_SAME_MOMENT)], {}, sentences)
        return Submission(clashed=True)
    db.session.commit()
    if token is not None:
        g.claimed_token = token
    return Submission(saved=True, value=value)


def once_token(form: FlaskForm) -> str | None:
    """The one-time token the post of a form that creates something carries, if any.

    A post without one (a client that never showed the form) is carried out as before.
    """
    field = getattr(form, "once", None)
    return (field.data or None) if field is not None else None


def place_problems(form: FlaskForm, problems: list[Problem], fields: FieldNames | None = None,
                   sentences: bool = False) -> None:
    """Put each problem on the field it names, else on the form as a whole.

    A form with its own ``place_problems(problems)`` places them itself (a story's steps
    say which step).
    """
    if fields is None and hasattr(form, "place_problems"):
        form.place_problems(problems)
        return
    field_for = _field_for(form, fields)
    for problem in problems:
        message = problem.message[:1].upper() + problem.message[1:] if sentences \
            else problem.message
        field = form._fields.get(field_for(problem.where)) if problem.where else None
        if field is None or field.type == "CSRFTokenField":
            form.form_errors = [*form.form_errors, message]
        else:
            field.errors = [*field.errors, message]


def _field_for(form: FlaskForm, fields: FieldNames | None) -> Callable[[str], str]:
    if fields is None:
        return getattr(form, "field_for", lambda where: where)
    if isinstance(fields, Mapping):
        return lambda where: fields.get(where, where)
    return fields


def note_where_it_led(response: Response) -> Response:
    """After a post that claimed a token redirected, keep where to, for its retries."""
    token = g.pop("claimed_token", None)
    location = response.headers.get("Location")
    if token is None or response.status_code // 100 != 3 or not _own_page(location):
        return response
    try:
        submissions.note_led_to(db.session, token, location)
        db.session.commit()
    except Exception:  # the post is saved: a lost note only makes a retry land on the form
        db.session.rollback()
        current_app.logger.exception("Could not note where a sent form led")
    return response


def send_back(error: AlreadySent) -> Response:
    """Answer a post sent again: where the first one led (else the page it came from)."""
    flash(SENT_TWICE)
    back = next((place for place in (error.led_to, request.referrer) if _own_page(place)),
                request.path)
    return redirect(back, 303)


def _own_page(location: str | None) -> bool:
    """Whether ``location`` is a page of this app (a path, or an address on this host)."""
    if not location:
        return False
    if location.startswith("/") and not location.startswith("//"):
        return True
    return location.startswith(request.host_url)


def init_app(app: Flask) -> None:
    """Note where posts that created something led, and answer posts sent again."""
    app.after_request(note_where_it_led)
    app.register_error_handler(AlreadySent, send_back)
