"""Settings from environment variables, with development defaults (see the README).

``PATHWAYS_ENV=production`` refuses to start without ``SECRET_KEY`` (anything but the
development value) and ``SERVICE_URL`` (the public ``https://`` address, from which every
link sent by email is built: never from the Host header of a request).
"""

from __future__ import annotations

import os
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from pathways.db import ensure_sqlite_folder, normalise_url
from pathways.notifications.transport import MailSettingsError, transport_from

#: The mail settings read from the environment (``pathways.notifications.transport``).
MAIL_SETTINGS = ("MAIL_TRANSPORT", "SMTP_HOST", "SMTP_PORT", "SMTP_TLS", "SMTP_USER",
                 "SMTP_PASSWORD", "SMTP_TIMEOUT_SECONDS", "NOTIFY_API_KEY",
                 "NOTIFY_TEMPLATE_ID")

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
        ROUTE_CACHE_SIZE=int(os.environ.get("ROUTE_CACHE_SIZE", "1024")),
        ROUTE_CACHE_SECONDS=int(os.environ.get("ROUTE_CACHE_SECONDS", "86400")),
        ROUTE_CACHE_PREFIX=os.environ.get("ROUTE_CACHE_PREFIX", "pathways:routes:"),
        SESSION_IDLE_MINUTES=float(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        REDIS_URL=os.environ.get("REDIS_URL"),
        OTJ_BEHIND_SHARE=float(os.environ.get("OTJ_BEHIND_SHARE", "0.9")),
        OTJ_BEHIND_AFTER_DAYS=int(os.environ.get("OTJ_BEHIND_AFTER_DAYS", "28")),
        REVIEW_EVERY_DAYS=int(os.environ.get("REVIEW_EVERY_DAYS", "84")),
        OUTBOX_DIR=os.environ.get("OUTBOX_DIR") or str(Path(app.instance_path) / "outbox"),
        MAIL_SENDER=os.environ.get("MAIL_SENDER", "Care career pathways <no-reply@localhost>"),
        # How email leaves (pathways.notifications.transport): outbox, smtp or notify
        **{name: os.environ.get(name) for name in MAIL_SETTINGS},
        RESET_TOKEN_MINUTES=float(os.environ.get("RESET_TOKEN_MINUTES", "60")),
        SERVICE_URL=os.environ.get("SERVICE_URL"),
        PROXY_FIX_X_FOR=int(os.environ.get("PROXY_FIX_X_FOR", "0")),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=environment == "production",
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=environment == "production",
        # Operations (webapp.observability): logs, the slow-query log, /metrics
        LOG_FORMAT=os.environ.get("LOG_FORMAT") or (
            "json" if environment == "production" else "text"),
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "INFO"),
        SLOW_QUERY_MS=optional_number(os.environ.get("SLOW_QUERY_MS", "500")),
        METRICS_TOKEN=os.environ.get("METRICS_TOKEN") or None,
        METRICS_NETWORKS=os.environ.get("METRICS_NETWORKS", ""),
    )
    if test_config:
        app.config.update(test_config)
    check_production(app.config)
    check_operations(app.config)
    if app.config["SERVICE_URL"]:
        problem = service_url_problem(app.config["SERVICE_URL"],
                                      app.config["PATHWAYS_ENV"] == "production")
        if problem:
            raise RuntimeError(f"SERVICE_URL {app.config['SERVICE_URL']!r} {problem}")
    try:
        transport_from(app.config)
    except MailSettingsError as error:
        raise RuntimeError(str(error)) from error
    url = normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    ensure_sqlite_folder(url)


def check_production(config) -> None:
    """Refuse to start in production without a secret key and the service's public address.

    Raises
    ------
    RuntimeError
        Naming every setting missing, and why it is needed.
    """
    if config["PATHWAYS_ENV"] != "production":
        return
    missing = []
    if config["SECRET_KEY"] in (None, "", DEVELOPMENT_SECRET):
        missing.append("SECRET_KEY must be set when PATHWAYS_ENV=production (a long random "
                       "value: it signs sessions and password reset links)")
    if not config.get("SERVICE_URL"):
        missing.append("SERVICE_URL must be set when PATHWAYS_ENV=production (the public "
                       "address, e.g. https://pathways.example.org: every link in an email "
                       "is built from it, never from the Host header of a request)")
    if missing:
        raise RuntimeError("; ".join(missing))


def optional_number(value: str | None) -> float | None:
    """Return ``value`` as a number, or None when it is empty or ``off``."""
    if value is None or value.strip().lower() in ("", "off"):
        return None
    try:
        return float(value)
    except ValueError:
        raise RuntimeError(f"{value!r} is not a number of milliseconds (or off)") from None


#: The ways logs can be written (``LOG_FORMAT``).
LOG_FORMATS = ("json", "text")


def check_operations(config) -> None:
    """Refuse to start with a log format, log level or metrics network that cannot be used.

    Raises
    ------
    RuntimeError
        Naming the setting and what it may be.
    """
    if config["LOG_FORMAT"] not in LOG_FORMATS:
        raise RuntimeError(f"LOG_FORMAT must be json or text, not {config['LOG_FORMAT']!r}")
    level = str(config["LOG_LEVEL"]).upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise RuntimeError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, "
                           f"not {config['LOG_LEVEL']!r}")
    config["LOG_LEVEL"] = level
    try:
        config["METRICS_NETWORKS"] = metrics_networks(config["METRICS_NETWORKS"])
    except ValueError as error:
        raise RuntimeError(f"METRICS_NETWORKS: {error}") from None


def metrics_networks(value) -> tuple[IPv4Network | IPv6Network, ...]:
    """Return the networks in a comma-separated list like ``10.0.0.0/8, 127.0.0.1``.

    Examples
    --------
    >>> [str(n) for n in metrics_networks("10.0.0.0/8, 127.0.0.1")]
    ['10.0.0.0/8', '127.0.0.1/32']
    """
    if isinstance(value, tuple):
        return value
    return tuple(ip_network(part.strip(), strict=False)
                 for part in str(value or "").split(",") if part.strip())


def service_url_problem(url: str, production: bool) -> str | None:
    """Return what is wrong with a ``SERVICE_URL`` (None when it will do).

    It is a scheme and a host (and a port), with no path: links add the app's own paths.
    Production needs ``https``.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return "is not an address like https://pathways.example.org"
    schemes = ("https",) if production else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname or parts.path not in ("", "/") or (
            parts.query or parts.fragment or parts.username or parts.password):
        return (f"must be {' or '.join(schemes)}:// and a host only, like "
                "https://pathways.example.org")
    return None
