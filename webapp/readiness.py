"""Whether this app server is ready for traffic (``/readyz``): what it needs, checked now.

- ``database``: a ``SELECT 1`` answers;
- ``migrations``: the schema is at the head of the migration history (``pathways init-db``
  has run since the code was deployed);
- ``redis``: when ``REDIS_URL`` is set, Redis answers a ``PING`` within a second.

Each check says ``ok`` or what is wrong, in words that name no host, password or person.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from pathways.db import migration_heads, schema_revisions

from .extensions import db

#: How long Redis may take to answer.
REDIS_TIMEOUT_SECONDS = 1.0


def checks() -> dict[str, str]:
    """Return each check's answer by name: ``ok`` or what is wrong."""
    found = {}
    try:
        connection = db.session.connection()
        connection.execute(text("SELECT 1"))
        found["database"] = "ok"
        at = schema_revisions(connection)
        heads = migration_heads()
        if at == heads:
            found["migrations"] = "ok"
        else:
            found["migrations"] = (f"at {', '.join(sorted(at)) or 'no revision'}, expected "
                                   f"{', '.join(sorted(heads))}: run pathways init-db")
    except SQLAlchemyError:
        db.session.rollback()
        found["database"] = "unreachable"
    url = current_app.config.get("REDIS_URL")
    if url:
        found["redis"] = redis_check(url)
    return found


def redis_check(url: str) -> str:
    """Return ``ok`` when Redis at ``url`` answers a ``PING``, else ``unreachable``."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                  socket_timeout=REDIS_TIMEOUT_SECONDS)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return "unreachable"
    finally:
        client.close()
    return "ok"
