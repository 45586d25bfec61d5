"""The Flask adapter: the app factory, reading like a table of contents."""

from __future__ import annotations

from flask import Flask

from . import (
    auth,
    config,
    errors,
    extensions,
    input_rules,
    limits,
    mail,
    observability,
    page_cache,
    security,
    submit,
    templating,
    views,
)


def create_app(test_config: dict | None = None) -> Flask:
    """Create the web app; ``test_config`` overrides settings read from the environment."""
    app = Flask(__name__, instance_relative_config=True)
    config.load(app, test_config)
    observability.init_app(app)
    extensions.init_app(app)
    page_cache.init_app(app)
    auth.init_app(app)
    limits.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    input_rules.init_app(app)
    submit.init_app(app)
    mail.init_app(app)
    views.register(app)
    errors.register(app)
    return app
