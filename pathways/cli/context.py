"""What every command shares: the database engine, made once and only when needed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ..db import make_engine, session_scope
from ..snapshot import build_graph


class CliContext:
    """The state of one command-line invocation."""

    def __init__(self, database_url: str | None):
        self.database_url = database_url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The engine for ``--database-url`` / ``DATABASE_URL``, created on first use."""
        if self._engine is None:
            self._engine = make_engine(self.database_url)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits once at the end of the command."""
        with session_scope(self.engine) as session:
            yield session

    def graph(self):
        """Return a snapshot of the stored graph."""
        with self.session() as session:
            return build_graph(session)

    def close(self) -> None:
        """Dispose of the engine."""
        if self._engine is not None:
            self._engine.dispose()


pass_context = click.make_pass_decorator(CliContext)
