"""The blueprints, one per area."""

from __future__ import annotations

from flask import Flask

from . import accounts, admin_graph, admin_people, api, explore, main, people, planner


def register(app: Flask) -> None:
    """Register every blueprint on ``app``."""
    for module in (main, explore, planner, api, accounts, people, admin_graph, admin_people):
        app.register_blueprint(module.blueprint)
