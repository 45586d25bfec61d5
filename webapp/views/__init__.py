"""The blueprints, one per area."""

from __future__ import annotations

from flask import Flask

from . import main


def register(app: Flask) -> None:
    """Register every blueprint on ``app``."""
    app.register_blueprint(main.blueprint)
