"""Where the domain finds its settings: environment variables with safe defaults."""

from __future__ import annotations

import os
from pathlib import Path

#: The project folder when running from a checkout (editable install).
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The instance folder the Flask app uses too (``<project>/instance``).
INSTANCE_DIR = PROJECT_ROOT / "instance"


def default_database_url() -> str:
    """Return ``DATABASE_URL`` from the environment, or the embedded SQLite file.

    The SQLite file lives in the app's instance folder, so the command line, the seed
    loader and the web app all use the same database by default.
    """
    return os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'pathways.sqlite3'}"


#: ``PRAGMA synchronous`` for SQLite connections (``SQLITE_SYNCHRONOUS``): ``FULL`` by default,
#: so a commit is on disk before it is acknowledged; ``NORMAL`` skips the sync at each commit
#: in WAL mode (safe from corruption; the last commits may be lost to a power cut), which the
#: test suite uses, where a sync costs 6 ms a commit on this machine's disk.
SQLITE_SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")


def sqlite_synchronous() -> str:
    """Return the SQLite ``synchronous`` level from ``SQLITE_SYNCHRONOUS`` (default ``FULL``).

    Examples
    --------
    >>> sqlite_synchronous() in SQLITE_SYNCHRONOUS_LEVELS
    True
    """
    level = (os.environ.get("SQLITE_SYNCHRONOUS") or "FULL").strip().upper()
    if level not in SQLITE_SYNCHRONOUS_LEVELS:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS_LEVELS)}"
                         f", not {level!r}")
    return level


#: What development signs with when neither ``PASSPORT_KEY_SECRET`` nor ``SECRET_KEY`` is set
#: (the web app's development secret: production refuses to start without ``SECRET_KEY``).
DEVELOPMENT_KEY_SECRET = "development-only-not-secret"  # nosec B105
#: Where the service is when ``SERVICE_URL`` is not set (``make run``'s address).
DEVELOPMENT_SERVICE_URL = "http://127.0.0.1:5000"


def passport_key_secret() -> str:
    """Return the secret that encrypts the organisations' private signing keys.

    ``PASSPORT_KEY_SECRET`` when set, else ``SECRET_KEY`` (so the web app and the command line
    of one deployment agree), else the development secret.
    """
    return (os.environ.get("PASSPORT_KEY_SECRET") or os.environ.get("SECRET_KEY")
            or DEVELOPMENT_KEY_SECRET)


def service_url() -> str:
    """Return the service's public address without a trailing slash (``SERVICE_URL``).

    Credentials name their issuer by it (``<service>/organisations/<id>``).

    Examples
    --------
    >>> service_url().endswith("/")
    False
    """
    return (os.environ.get("SERVICE_URL") or DEVELOPMENT_SERVICE_URL).rstrip("/")
