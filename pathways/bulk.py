"""Writing many rows at once: batches of ``INSERT``, or ``COPY`` on PostgreSQL.

The generator of region-sized data and the bulk imports write hundreds of thousands of rows.
Through the ORM that costs a few statements a row; here a table's rows go in batches of one
``executemany`` (SQLite) or one ``COPY ... FROM STDIN`` stream (PostgreSQL, psycopg 3), inside
the caller's transaction, so all-or-nothing still holds. Rows are dictionaries keyed by column
name and may come from a generator: only one batch is held at a time.

Columns missing from a row take the column's constant Python default (``default=0``), else
NULL or the server's default; callable defaults (``utcnow``) are not called: give the value.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import JSON, Connection, Table, func, insert, select, text

#: Rows a batch holds (an ``executemany`` on SQLite; a chunk of the COPY stream elsewhere).
BATCH = 5000

Row = Mapping[str, Any]


def write_rows(connection: Connection, table: Table, rows: Iterable[Row], *,
               progress: Callable[[int], None] | None = None, batch: int = BATCH) -> int:
    """Write ``rows`` into ``table``; return how many were written.

    Parameters
    ----------
    connection : Connection
        In a transaction the caller commits (or rolls back: nothing is then written).
    table : Table
        For example ``Person.__table__``.
    rows : iterable of mappings
        Column name to value; every row names the same columns.
    progress : callable, optional
        Called with the number of rows of each batch written.
    batch : int
        Rows per batch.

    Returns
    -------
    int

    Examples
    --------
    >>> from pathways.models import Partnership
    >>> write_rows(connection, Partnership.__table__, [{"id": 7, "name": "Region"}])
    1
    """
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    columns = _columns(table, first)
    write = _copy_batch if connection.dialect.name == "postgresql" else _insert_batch
    written = 0
    for chunk in _chunks(itertools.chain([first], iterator), batch):
        values = [[row.get(name, default) for name, default in columns] for row in chunk]
        write(connection, table, [name for name, _ in columns], values)
        written += len(values)
        if progress is not None:
            progress(len(values))
    return written


def next_id(connection: Connection, table: Table) -> int:
    """Return the first free whole-number id of ``table`` (one more than the largest)."""
    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


def advance_sequence(connection: Connection, table: Table) -> None:
    """After writing ids explicitly, move PostgreSQL's id sequence past the largest one."""
    if connection.dialect.name != "postgresql":
        return  # SQLite takes the largest id + 1 by itself
    connection.execute(text(
        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # nosec B608: a model's table
        f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"))


def _columns(table: Table, first: Row) -> list[tuple[str, Any]]:
    """The columns to write, each with the value a row that omits it takes."""
    columns = []
    for column in table.columns:
        default = column.default
        constant = getattr(default, "is_scalar", False)
        if column.name in first or constant:
            columns.append((column.name, default.arg if constant else None))  # type: ignore[union-attr]
    return columns


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _insert_batch(connection: Connection, table: Table, names: list[str],
                  values: list[list[Any]]) -> None:
    connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in values])


def _copy_batch(connection: Connection, table: Table, names: list[str],
                values: list[list[Any]]) -> None:
    """Stream one batch through ``COPY ... FROM STDIN`` on the connection's own transaction."""
    raw: Any = connection.connection.dbapi_connection
    as_json = [isinstance(table.c[name].type, JSON) for name in names]
    quoted = ", ".join(f'"{name}"' for name in names)
    with raw.cursor() as cursor, cursor.copy(
            f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in values:
            copy.write_row([json.dumps(value) if encode and value is not None else value
                            for value, encode in zip(row, as_json, strict=True)])
