"""The blueprints, one per area."""

from __future__ import annotations

from flask import Flask

from . import api, explore, main, planner


def register(app: Flask) -> None:
    """Register every blueprint on ``app``."""
    for module in (main, explore, planner, api):
        app.register_blueprint(module.blueprint)
