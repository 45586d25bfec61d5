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
