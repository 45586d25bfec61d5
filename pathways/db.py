"""Engines, sessions and the schema: SQLite by default, PostgreSQL via ``DATABASE_URL``."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .config import default_database_url, sqlite_synchronous

SQLITE_BUSY_TIMEOUT_MS = 5000


def normalise_url(url: str) -> str:
    """Return ``url`` with the psycopg 3 driver named for bare ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of an SQLite database file when it is missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create an engine for ``url`` (default: ``DATABASE_URL`` or the embedded SQLite file).

    SQLite connections get WAL journalling, a busy timeout, foreign keys on and the
    ``SQLITE_SYNCHRONOUS`` level; the folder of an SQLite file is created when missing.

    Parameters
    ----------
    url : str, optional
        An SQLAlchemy database URL.

    Returns
    -------
    Engine

    Examples
    --------
    >>> make_engine("sqlite://").dialect.name
    'sqlite'
    """
    url = normalise_url(url or default_database_url())
    ensure_sqlite_folder(url)
    return configure_engine(create_engine(url, **kwargs))


def configure_engine(engine: Engine) -> Engine:
    """Set up an engine made elsewhere (e.g. by Flask-SQLAlchemy) the way ``make_engine`` does."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _configure_sqlite):
        event.listen(engine, "connect", _configure_sqlite)
    return engine


def _configure_sqlite(dbapi_connection, _record) -> None:
    """Turn on WAL, a busy timeout and foreign keys for each new SQLite connection.

    ``synchronous`` follows the ``SQLITE_SYNCHRONOUS`` setting (``pathways.config``).
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={sqlite_synchronous()}")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine``."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits once at the end, or rolls back on any error."""
    session = make_session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def lock_for_update(session: Session, row: object) -> None:
    """Take the write lock on ``row`` for the rest of the transaction, then load it again.

    Anything limited (a post, a champion's or an educator's places, a shadowing place, a
    day's off-the-job hours) is taken by locking the row that holds the limit first, and
    only then reading its state and counting what already uses it: two requests at the same
    moment queue here instead of both reading "there is room" and both writing.

    - PostgreSQL (and other servers): ``SELECT ... FOR NO KEY UPDATE`` of the row; a second
      transaction waits here until the first commits, then reads what it committed. Rows
      that refer to the locked one may still be added meanwhile.
    - SQLite has one write lock per database and no row locks: an ``UPDATE`` that changes
      nothing (``SET id = id WHERE id = :id``) takes it, waiting up to the busy timeout.
      Python's sqlite3 driver begins a transaction only before the first write, so this
      must come before the reads the decision rests on (then they see the latest data).

    Pending changes are flushed first; the row's attributes are then read again, so checks
    after the call see its committed state, not what was loaded before the lock.

    Examples
    --------
    >>> from pathways.models import Organisation
    >>> council = Organisation(name="Lockshire")
    >>> session.add(council)
    >>> lock_for_update(session, council)
    >>> council.name
    'Lockshire'
    """
    session.flush()
    state = inspect(row)
    mapper = state.mapper
    if session.get_bind(mapper).dialect.name != "sqlite":
        session.refresh(row, with_for_update={"key_share": True})
        return
    keys = mapper.primary_key
    session.execute(update(mapper.local_table)
                    .where(*(column == value for column, value in zip(keys, state.identity)))
                    .values({keys[0]: keys[0]}))
    session.refresh(row)


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` with the project's Alembic history.

    On SQLite, foreign keys are switched off while migrating: Alembic's batch mode rebuilds a
    table by copying it and dropping the old one, and with foreign keys on, dropping ``nodes``
    would cascade and delete every transition. Integrity is checked before committing.
    """
    _migrate(engine, "upgrade", revision)


def downgrade_schema(engine: Engine, revision: str = "base") -> None:
    """Take the schema down to ``revision`` (``base``: no tables) like ``upgrade_schema``."""
    _migrate(engine, "downgrade", revision)


def _migrate(engine: Engine, direction: str, revision: str) -> None:
    from alembic import command

    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # must run outside a transaction to take effect
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        config = alembic_config()
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                connection.rollback()
                raise RuntimeError(f"Migration would break foreign keys: {broken[:5]}")
        connection.commit()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def alembic_config():
    """Return the Alembic configuration of the project's single migration history."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config


@cache
def migration_heads() -> frozenset[str]:
    """Return the head revision(s) of the project's migration history (read once a process)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def schema_revisions(connection: Connection) -> frozenset[str]:
    """Return the revision(s) the database's schema is at (empty when never migrated).

    Reads Alembic's ``alembic_version`` table directly (Alembic's own reader logs a line at
    each call, and ``/readyz`` calls it often).
    """
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")
                                         ).scalars())


#: Where slow statements are logged (``log_slow_queries``).
SLOW_QUERY_LOG = logging.getLogger("pathways.sql")

_slow_query_thresholds: WeakKeyDictionary[Engine, float] = WeakKeyDictionary()


def log_slow_queries(engine: Engine, threshold_ms: float | None) -> None:
    """Log every statement on ``engine`` that takes longer than ``threshold_ms`` (None: none).

    A warning on the ``pathways.sql`` logger with ``duration_ms`` and the statement's SQL
    text (its placeholders, never the values bound to them, which may be personal data).
    Calling it again changes the threshold; the hooks are added once per engine.
    """
    if threshold_ms is None:
        _slow_query_thresholds.pop(engine, None)
        return
    _slow_query_thresholds[engine] = threshold_ms
    if not event.contains(engine, "before_cursor_execute", _start_timing):
        event.listen(engine, "before_cursor_execute", _start_timing)
        event.listen(engine, "after_cursor_execute", _log_if_slow)


def _start_timing(_connection, _cursor, _statement, _parameters, context, _executemany) -> None:
    if context is not None:
        context.pathways_started = time.perf_counter()


def _log_if_slow(connection, _cursor, statement, _parameters, context, executemany) -> None:
    started = getattr(context, "pathways_started", None)
    threshold = _slow_query_thresholds.get(connection.engine)
    if started is None or threshold is None:
        return
    duration_ms = (time.perf_counter() - started) * 1000
    if duration_ms >= threshold:
        SLOW_QUERY_LOG.warning("slow query: %.1f ms", duration_ms, extra={
            "duration_ms": round(duration_ms, 1), "statement": statement[:2000],
            "executemany": executemany})
