"""Errors mapped to answers in one place: HTML pages in the house style, JSON under /api/.

Bad input never gives a 500: unknown names are 404, invalid input 400, an edit someone else
saved first and a refusal by a rule of the domain 409, a map that cannot be drawn 503. A
real 500 rolls the session back. Forms show invalid input and refusals on the form itself
(``webapp.submit``); this table answers what reaches the app unhandled, and the API.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from pathways.errors import (
    EditConflict,
    InvalidInput,
    NotFound,
    PathwayError,
    Refused,
    RouteNotFound,
    UnknownNode,
)
from pathways.render import RenderError

from .extensions import db

#: Each error's status and page title, the most particular first: the one place they are set.
ANSWERS: list[tuple[type[Exception], int, str]] = [
    (UnknownNode, 404, "Page not found"),
    (NotFound, 404, "Page not found"),
    (RouteNotFound, 404, "Page not found"),
    (InvalidInput, 400, "There is a problem with your request"),
    (EditConflict, 409, "Someone else changed this while you were editing"),
    (Refused, 409, "Sorry, that cannot be done"),
    (RenderError, 503, "Sorry, the career map cannot be drawn right now"),
    (PathwayError, 400, "There is a problem with your request"),
]


def answer_for(error: PathwayError) -> tuple[int, str]:
    """Return the HTTP status and page title of a domain error."""
    return next((status, title) for kind, status, title in ANSWERS if isinstance(error, kind))


def wants_json() -> bool:
    """Whether this request is for the JSON API."""
    return request.path.startswith("/api/")


def json_error(status: int, message: str, problems: list[dict] | None = None):
    """Return the API's error answer: ``{"error": {"status", "message", "problems"}}``."""
    body = {"status": status, "message": message}
    if problems:
        body["problems"] = problems
    return jsonify(error=body), status


def register(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(PathwayError)
    def domain_error(error: PathwayError):
        status, title = answer_for(error)
        problems = getattr(error, "problems", None)
        message = str(error).splitlines()[0] if problems else str(error)
        if wants_json():
            details = [{"where": p.where, "message": p.message} for p in problems or []]
            if isinstance(error, UnknownNode):
                details = [{"where": error.name, "message": "unknown",
                            "suggestions": error.suggestions}]
            return json_error(status, message, details)
        return render_template("error.html", title=title, message=message,
                               problems=problems or []), status

    @app.errorhandler(CSRFError)
    def form_expired(_error: CSRFError):
        if wants_json():
            return json_error(400, "The form's security token is missing or has expired.")
        return render_template(
            "error.html", title="Sorry, that form could not be sent",
            message="It may have been open too long. Go back, reload the page and try again."), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if wants_json():
            return json_error(error.code or 500, error.description or error.name)
        if error.code == 404:
            return render_template(
                "error.html", title="Page not found",
                message="If you typed the web address, check it is correct."), 404
        return render_template("error.html", title=error.name,
                               message=error.description), error.code

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        if wants_json():
            return json_error(500, "Sorry, there is a problem with the service.")
        return render_template("error.html", title="Sorry, there is a problem with the service",
                               message="Try again later."), 500

