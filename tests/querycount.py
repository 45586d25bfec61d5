"""Count the SQL statements a page or a service runs, so a test can say it stays fixed.

A page whose statement count grows with the data (one query per row: N+1) is slow at a
partnership's size however fast each query is. The tests that use this build the same page
at two data sizes and assert the counts are equal::

    with counting(engine) as small:
        client.get("/champions")
    ...
    assert large.count == small.count, large.statements

``counting`` listens on the engine (or a Flask-SQLAlchemy app's ``db.engine``), so statements
from every session and connection of that engine are counted, savepoints included.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass
class Statements:
    """What ran while counting: the statements' SQL, in order."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.statements)


@contextmanager
def counting(engine: Engine) -> Iterator[Statements]:
    """Record every statement ``engine`` runs inside the ``with`` block."""
    seen = Statements()

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
