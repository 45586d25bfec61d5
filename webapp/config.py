"""Settings from environment variables, with development defaults."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from pathways.db import ensure_sqlite_folder, normalise_url


def load(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from the environment, then from ``test_config``."""
    default_url = f"sqlite:///{Path(app.instance_path) / 'pathways.sqlite3'}"
    app.config.from_mapping(
        PATHWAYS_ENV=os.environ.get("PATHWAYS_ENV", "development"),
        SECRET_KEY=os.environ.get("SECRET_KEY", "development-only-not-secret"),
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL") or default_url,
        GRAPH_CACHE_SECONDS=float(os.environ.get("GRAPH_CACHE_SECONDS", "0")),
    )
    if test_config:
        app.config.update(test_config)
    url = normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    ensure_sqlite_folder(url)
