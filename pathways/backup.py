"""Backing a database up to one file and restoring it (``pathways backup`` / ``restore``).

- **SQLite**: SQLite's online backup API (``sqlite3.Connection.backup``) copies the
  database page by page while the app keeps running, into a temporary file beside the
  target that is renamed into place only when complete. The backup is an SQLite database
  file. Restoring copies it into the database the same way, in one step.
- **PostgreSQL**: ``pg_dump --format=custom`` (compressed; consistent, from one snapshot,
  while the app runs) and ``pg_restore --single-transaction --clean --if-exists
  --no-owner``: all or nothing. Both come with the PostgreSQL client package
  (``postgresql-client`` on Debian); their major version must be at least the server's.
  The password is passed in ``PGPASSWORD``, never on the command line.

Restoring refuses a database that holds any row (``alembic_version`` and ``graph_state``
aside: a database just made with ``pathways init-db`` counts as empty) unless ``force``:
then on SQLite the database becomes exactly the backup, and on PostgreSQL the backup's
tables replace those of the same name (``--clean``), with their rows. A backup restores
only into the engine it came from (the file's first bytes say which), and never over itself.
"""

from __future__ import annotations

import os
import shutil
import sqlite3

# pg_dump and pg_restore are run with argument lists, never through a shell
import subprocess  # nosec B404
import tempfile
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url

from .errors import InvalidInput, PathwayError, Problem

#: The first bytes of each kind of backup file.
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"

#: The tables whose rows do not make a database "not empty": the migration reached and the
#: graph's version counter (its one row is made by the first migration).
BOOKKEEPING_TABLES = frozenset({"alembic_version", "graph_state"})


class BackupError(PathwayError):
    """The database or the PostgreSQL tools could not be used (the CLI exits 5)."""


def backup(engine: Engine, target: Path, *, overwrite: bool = False) -> None:
    """Write a backup of ``engine``'s database to ``target``.

    Raises
    ------
    InvalidInput
        ``target`` exists (and not ``overwrite``), or is not in a folder that exists.
    BackupError
        The database is in memory, or ``pg_dump`` is missing or failed.
    """
    target = Path(target)
    if target.exists() and not overwrite:
        raise refused(target, "exists: choose another file, or --force to replace it")
    if not target.parent.is_dir():
        raise refused(target, f"{target.parent} is not a folder")
    if engine.dialect.name == "sqlite":
        _sqlite_backup(sqlite_path(engine.url), target)
    elif engine.dialect.name == "postgresql":
        _pg_dump(engine.url, target)
    else:
        raise BackupError(f"backups of {engine.dialect.name} databases are not supported")


def restore(engine: Engine, source: Path, *, force: bool = False) -> None:
    """Restore the backup in ``source`` into ``engine``'s database.

    Raises
    ------
    InvalidInput
        ``source`` is missing or is not a backup of this kind of database, or the database
        holds rows and not ``force``.
    BackupError
        ``pg_restore`` is missing or failed (the database is left as it was).
    """
    source = Path(source)
    if not source.is_file():
        raise refused(source, "is not a file")
    with source.open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    expected = SQLITE_MAGIC if engine.dialect.name == "sqlite" else PG_DUMP_MAGIC
    if not start.startswith(expected):
        kind = ("an SQLite database file" if engine.dialect.name == "sqlite"
                else "a pg_dump custom-format archive")
        raise refused(source, f"is not a backup of this database's kind ({kind}, as "
                              f"pathways backup writes on {engine.dialect.name})")
    if not force:
        filled = tables_with_rows(engine)
        if filled:
            raise refused(source, f"the database is not empty ({len(filled)} tables hold "
                          f"rows, e.g. {', '.join(filled[:3])}): restore into an empty "
                          "database, or --force to replace its tables with the backup's")
    if engine.dialect.name == "sqlite":
        path = sqlite_path(engine.url)
        if path.exists() and path.resolve() == source.resolve():
            raise refused(source, "is the database itself")
        engine.dispose()  # no pooled connection keeps the old pages
        _sqlite_restore(source, path)
    else:
        engine.dispose()
        _pg_restore(engine.url, source)


def refused(file: Path, message: str) -> InvalidInput:
    """Return the error for a file refused, naming it (the CLI exits 1)."""
    return InvalidInput([Problem(str(file), message)], "Refused")


def tables_with_rows(engine: Engine) -> list[str]:
    """Return the names of the tables that hold at least one row (bookkeeping aside)."""
    names = sorted(set(inspect(engine).get_table_names()) - BOOKKEEPING_TABLES)
    with engine.connect() as connection:
        # the names come from the database's own catalogue
        return [name for name in names if connection.execute(
            text(f'SELECT EXISTS (SELECT 1 FROM "{name}")')).scalar()]  # nosec B608


def sqlite_path(url: URL) -> Path:
    """Return the file of an SQLite database URL (an in-memory database has none)."""
    if url.database in (None, "", ":memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _sqlite_backup(database: Path, target: Path) -> None:
    if not database.exists():
        raise BackupError(f"there is no database at {database}")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        source = sqlite3.connect(database, timeout=30)
        copy = sqlite3.connect(temporary)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sqlite_restore(source: Path, database: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target = sqlite3.connect(database, timeout=30)
    try:
        problem = backup_file.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise refused(source, f"is damaged: {problem}")
        backup_file.backup(target)
    except sqlite3.DatabaseError as error:
        raise refused(source, f"could not be read as a database: {error}") from error
    finally:
        target.close()
        backup_file.close()


def _pg_dump(url: URL, target: Path) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        _run_pg_tool("pg_dump", url, ["--format=custom", f"--file={temporary}"])
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _pg_restore(url: URL, source: Path) -> None:
    program = _pg_tool("pg_restore")
    listed = subprocess.run(  # nosec B603
        [program, "--list", str(source)], capture_output=True, text=True, check=False)
    if listed.returncode != 0:
        raise refused(source, "could not be read as a pg_dump archive: "
                      + " ".join(listed.stderr.strip().splitlines()[:1]))
    _run_pg_tool("pg_restore", url, ["--single-transaction", "--clean", "--if-exists",
                                     "--no-owner", "--no-privileges", str(source)])


def _pg_tool(tool: str) -> str:
    """Return the path of ``pg_dump`` or ``pg_restore``; raise ``BackupError`` if missing."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} was not found: install the PostgreSQL client tools "
                          "(on Debian or Ubuntu: apt-get install postgresql-client)")
    return program


def _run_pg_tool(tool: str, url: URL, arguments: list[str]) -> None:
    """Run ``pg_dump`` or ``pg_restore`` on ``url``'s database; raise ``BackupError`` on failure."""
    program = _pg_tool(tool)
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    address = make_url(url).set(drivername="postgresql", password=None)
    command = [program, f"--dbname={address.render_as_string(hide_password=False)}",
               *arguments]
    finished = subprocess.run(  # nosec B603
        command, env=environment, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        message = " ".join(finished.stderr.strip().splitlines()[:3]) or "no message"
        raise BackupError(f"{tool} failed (exit {finished.returncode}): {message}")
