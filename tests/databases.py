"""Test databases: made once per run, engine and content, then given to each test clean.

Replaying the Alembic history costs 250-570 ms and loading the seed pathway more, while a test
body takes milliseconds. So each process of the run (each pytest-xdist worker) builds a
*template* the first time a test asks for a given ``Recipe`` on a given engine: migrated to head,
then filled by the recipe's ``build``. Every test then gets a database holding exactly that:

- SQLite: a copy of the template file (about a millisecond);
- PostgreSQL: copying a database (``CREATE DATABASE ... TEMPLATE``) costs 250-400 ms for this
  schema, as much as migrating, so the template database itself is handed to the test, and
  reset after it: other connections are ended, then one statement batch empties every table,
  puts back the recipe's rows from a snapshot schema taken when the template was built, and
  rewinds the sequences (a few milliseconds). Foreign-key triggers are off during the reset
  (``session_replication_role = replica``), which needs the superuser the test server gives.

A recipe's ``build`` may return what tests need to know of what it made (the ids of a "world"
of people, cohorts and pairings): ``made`` gives it back for every copy, with each row it
names as a :class:`Stored` (its class and primary key) that ``attach`` loads again in the
test's own session. A world many tests share is then built once per process and engine,
not once per test.

Each test gets a URL of its own (on PostgreSQL, ``application_name`` names the test), so no
cache keyed by URL can carry over. Databases of crashed runs (whose process is gone) are dropped
when the next run starts.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from pathways.db import make_engine, normalise_url, session_scope, upgrade_schema

ENGINES = ("sqlite", "postgresql")
#: Every test database on PostgreSQL starts with this, then the owning process id.
PREFIX = "pwtest"


@dataclass(frozen=True)
class Recipe:
    """What a template holds beyond the migrated schema: a name and a function that adds it."""

    name: str
    build: Callable[[Session], object] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Stored:
    """A row a recipe made, by its model and primary key (see ``attach``)."""

    model: type
    key: object


def detach(value: object) -> object:
    """``value`` with every mapped object in it (in dicts, lists, tuples) as :class:`Stored`."""
    if isinstance(value, dict):
        return {key: detach(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(detach(item) for item in value)
    state = inspect(value, raiseerr=False)
    if state is not None and getattr(state, "mapper", None) is not None:
        return Stored(type(value), state.identity[0] if len(state.identity) == 1
                      else state.identity)
    return value


def attach(value: object, session: Session) -> object:
    """``value`` with every :class:`Stored` loaded in ``session``."""
    if isinstance(value, dict):
        return {key: attach(item, session) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(attach(item, session) for item in value)
    if isinstance(value, Stored):
        return session.get(value.model, value.key)
    return value


#: The schema at head and no rows.
MIGRATED = Recipe("migrated")


class TemplateDatabases:
    """The templates of one process, and the copies it hands to tests."""

    def __init__(self, folder: Path, postgres_url: str | None):
        self.folder = folder
        self.postgres_url = normalise_url(postgres_url) if postgres_url else None
        self.token = f"{PREFIX}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.templates: dict[tuple[str, str], str] = {}
        self.count = 0
        self._admin = None
        # PostgreSQL: databases free to hand out by recipe, those handed out, blank ones
        self.free: dict[str, list[str]] = {}
        self.in_use: dict[str, Recipe] = {}
        self.blank: set[str] = set()
        self._resets: dict[str, str] = {}
        self._made: dict[tuple[str, str], object] = {}

    # -- public -------------------------------------------------------------------------

    def copy(self, engine: str, recipe: Recipe | None, folder: Path) -> str:
        """Return the URL of a database holding just ``recipe`` (a blank one for ``None``)."""
        self.count += 1
        if engine == "sqlite":
            target = folder / f"test-{self.count}.sqlite3"
            if recipe is not None:
                shutil.copyfile(self._template("sqlite", recipe), target)
            return f"sqlite:///{target}"
        if recipe is None:
            name = f"{self.token}_blank_{self.count}"
            self._create_database(name)
            self.blank.add(name)
            return self._postgres_url(name)
        name = self._free_postgres_database(recipe)
        self.in_use[name] = recipe
        return self._postgres_url(name, application_name=f"{self.token}_{self.count}")

    def made(self, engine: str, recipe: Recipe) -> object:
        """What ``recipe``'s build returned on ``engine``, rows as :class:`Stored`.

        Call it after ``copy`` (which builds the template the first time).
        """
        return self._made[(engine, recipe.name)]

    def spoil(self, url: str) -> None:
        """Drop ``url``'s database when its test ends instead of resetting it for the next.

        For a test that replaces the database wholesale (a restore with ``pg_restore --clean``
        brings the other database's saved rows in too), so no later test gets its rows.
        """
        name = make_url(url).database
        if make_url(url).get_backend_name() == "postgresql" and name in self.in_use:
            self.in_use.pop(name)
            self.blank.add(name)

    def release(self, url: str) -> None:
        """Give a database back after its test: reset it on PostgreSQL, drop a blank (or
        spoiled) one."""
        parsed = make_url(url)
        if parsed.get_backend_name() != "postgresql":
            return  # SQLite copies go with the test's temporary folder
        name = parsed.database
        if name in self.blank:
            self.blank.discard(name)
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        recipe = self.in_use.pop(name)
        self._reset(name)
        self.free.setdefault(recipe.name, []).append(name)

    def close(self) -> None:
        """Drop this process's PostgreSQL databases."""
        if self._admin is not None:
            names = [*self.blank, *self.in_use, *(n for names in self.free.values() for n in names)]
            for name in names:
                self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._admin.close()

    # -- templates ----------------------------------------------------------------------

    def _template(self, engine: str, recipe: Recipe) -> str:
        key = (engine, recipe.name)
        if key not in self.templates:
            self.templates[key] = self._build(engine, recipe)
        return self.templates[key]

    def _build(self, engine: str, recipe: Recipe) -> str:
        if engine == "sqlite":
            path = self.folder / f"template-{recipe.name}.sqlite3"
            url, made = f"sqlite:///{path}", str(path)
        else:
            self.count += 1
            made = f"{self.token}_{re.sub(r'[^a-z0-9]+', '_', recipe.name.lower())}_{self.count}"
            self._create_database(made)
            url = self._postgres_url(made)
        database = make_engine(url)
        try:
            upgrade_schema(database)
            if recipe.build is not None:
                with session_scope(database) as session:
                    result = recipe.build(session)
                    session.flush()
                    self._made.setdefault((engine, recipe.name), detach(result))
            with database.connect() as connection:
                if engine == "sqlite":  # fold the write-ahead log into the file before copying
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                else:
                    self._resets[made] = _snapshot(connection)
        finally:
            database.dispose()
        return made

    # -- PostgreSQL ---------------------------------------------------------------------

    def _free_postgres_database(self, recipe: Recipe) -> str:
        free = self.free.setdefault(recipe.name, [])
        if free:
            return free.pop()
        name = self._build("postgresql", recipe)  # another one, when a test asks for two
        return name

    def _create_database(self, name: str) -> None:
        """Create a test database whose commits do not wait for the disk.

        A commit that waits for its WAL to be flushed costs 7-9 ms on this machine's disk,
        more than most test bodies; a test never needs its writes to survive a crash of the
        server, and what other connections see is the same either way.
        """
        self._execute(f'CREATE DATABASE "{name}"')
        self._execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')

    def _reset(self, name: str) -> None:
        """Put the recipe's rows back (see the module's docstring)."""
        self._execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        with _connect(self._postgres_url(name)) as connection:
            connection.execute(self._resets[name])

    def _postgres_url(self, name: str, **query: str) -> str:
        url = make_url(self.postgres_url).set(database=name)
        return url.update_query_dict(query).render_as_string(hide_password=False)

    def _execute(self, statement: str, parameters: tuple = ()) -> None:
        if self._admin is None:
            self._admin = _connect(self.postgres_url)
            self._drop_leftovers()
        self._admin.execute(statement, parameters)

    def _drop_leftovers(self) -> None:
        """Drop the databases of earlier runs whose process has ended (a crash, a kill)."""
        names = [row[0] for row in self._admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{PREFIX}\\_%",))]
        for name in names:
            pid = int(name.split("_")[1])
            if pid != os.getpid() and not _alive(pid):
                self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _connect(url: str):
    """A plain psycopg connection in autocommit mode (faster than an SQLAlchemy engine here)."""
    import psycopg

    parsed = make_url(url)
    return psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username,
                           password=parsed.password, dbname=parsed.database, autocommit=True)


SNAPSHOT_SCHEMA = "pwtest_snapshot"


def _snapshot(connection) -> str:
    """Copy every table's rows into ``SNAPSHOT_SCHEMA``; return the SQL that restores them."""
    tables = connection.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").scalars()
    tables = [t for t in tables if t != "alembic_version"]
    sequences = connection.exec_driver_sql(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'").all()
    statements = [f"CREATE SCHEMA {SNAPSHOT_SCHEMA}"]
    restore = ["SET session_replication_role = replica"]
    for table in tables:
        statements.append(
            f'CREATE TABLE {SNAPSHOT_SCHEMA}."{table}" AS SELECT * FROM public."{table}"')
        restore.append(f'DELETE FROM public."{table}"')
    for table in tables:
        if connection.exec_driver_sql(f'SELECT EXISTS (SELECT FROM public."{table}")').scalar():
            restore.append(f'INSERT INTO public."{table}" OVERRIDING SYSTEM VALUE '
                           f'SELECT * FROM {SNAPSHOT_SCHEMA}."{table}"')
    for sequence, last_value in sequences:
        restore.append(f"SELECT setval('public.\"{sequence}\"', {last_value or 1}, "
                       f"{'true' if last_value else 'false'})")
    restore.append("SET session_replication_role = DEFAULT")
    for statement in statements:
        connection.exec_driver_sql(statement)
    connection.commit()
    return ";\n".join(restore)
