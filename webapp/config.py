"""Settings from environment variables, with development defaults (see the README)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from pathways.db import ensure_sqlite_folder, normalise_url

#: Used only in development; production refuses to start with it.
DEVELOPMENT_SECRET = "development-only-not-secret"  # nosec B105


def load(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from the environment, then from ``test_config``."""
    default_url = f"sqlite:///{Path(app.instance_path) / 'pathways.sqlite3'}"
    environment = os.environ.get("PATHWAYS_ENV", "development")
    app.config.from_mapping(
        PATHWAYS_ENV=environment,
        SECRET_KEY=os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET),
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL") or default_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        GRAPH_CACHE_SECONDS=float(os.environ.get("GRAPH_CACHE_SECONDS", "0")),
        DOT_TIMEOUT_SECONDS=float(os.environ.get("DOT_TIMEOUT_SECONDS", "10")),
        PAGE_CACHE_SIZE=int(os.environ.get("PAGE_CACHE_SIZE", "256")),
        SESSION_IDLE_MINUTES=float(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        REDIS_URL=os.environ.get("REDIS_URL"),
        OTJ_BEHIND_SHARE=float(os.environ.get("OTJ_BEHIND_SHARE", "0.9")),
        OTJ_BEHIND_AFTER_DAYS=int(os.environ.get("OTJ_BEHIND_AFTER_DAYS", "28")),
        REVIEW_EVERY_DAYS=int(os.environ.get("REVIEW_EVERY_DAYS", "84")),
        OUTBOX_DIR=os.environ.get("OUTBOX_DIR") or str(Path(app.instance_path) / "outbox"),
        MAIL_SENDER=os.environ.get("MAIL_SENDER", "Care career pathways <no-reply@localhost>"),
        RESET_TOKEN_MINUTES=float(os.environ.get("RESET_TOKEN_MINUTES", "60")),
        SERVICE_URL=os.environ.get("SERVICE_URL"),
        PROXY_FIX_X_FOR=int(os.environ.get("PROXY_FIX_X_FOR", "0")),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=environment == "production",
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=environment == "production",
    )
    if test_config:
        app.config.update(test_config)
    if app.config["PATHWAYS_ENV"] == "production" and (
            app.config["SECRET_KEY"] in (None, "", DEVELOPMENT_SECRET)):
        raise RuntimeError("SECRET_KEY must be set when PATHWAYS_ENV=production")
    url = normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    ensure_sqlite_folder(url)
