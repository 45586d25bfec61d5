"""Error pages: domain errors and HTTP errors mapped to answers in one place."""

from __future__ import annotations

from flask import Flask, render_template

from .extensions import db


def register(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(404)
    def not_found(_error):
        return render_template("error.html", title="Page not found",
                               message="If you typed the web address, check it is correct."), 404

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return render_template("error.html", title="Sorry, there is a problem with the service",
                               message="Try again later."), 500
