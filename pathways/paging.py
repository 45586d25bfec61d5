"""Long lists read a page at a time by keyset, so a page costs the same at any depth.

A list is an ordered query whose order is a *key* (columns that together are unique and never
null, the last usually the id). A page is found by where the key continues (``after`` the
last row of the page before, or ``before`` the first row of the page after), with ``LIMIT``
one more than the page holds (to know whether there is a next page): an index on the key
finds it without reading, counting or skipping the rows before it, unlike ``OFFSET``.

Where a page continues is a *cursor*: the key's values of a row, as text safe in an address
(``encode_cursor``). A cursor comes back from the reader, so it is checked against the key's
column types when read (``decode_cursor``); anything else (edited, truncated, of another
list) is not a cursor, and the list starts again at its first page, never an error.

How many rows a list holds is counted only up to a limit (:data:`COUNT_LIMIT`), so counting
costs no more than reading that many index entries: beyond it the list says "more than".
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    and_,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

#: Rows are counted up to this many; a longer list is "more than" this.
COUNT_LIMIT = 10_000
#: The longest text value a cursor may hold (a key's text columns are shorter).
LONGEST_TEXT = 400
#: The longest cursor read, in characters.
LONGEST_CURSOR = 2_000


@dataclass(frozen=True)
class Key:
    """One column (or expression) of a list's order, and whether it runs from high to low."""

    column: Any
    descending: bool = False


@dataclass(frozen=True)
class KeysetPage:
    """One page of a long list read by keyset.

    ``rows`` are the page's rows; ``number`` the page's number from 1 (carried in the
    address: only for showing); ``after`` the cursor of the next page and ``before`` of the
    previous one (None when there is none); ``total`` how many rows the list holds, counted up
    to a limit (``more`` when there are more than that).
    """

    rows: list[Any]
    number: int
    after: str | None
    before: str | None
    total: int
    more: bool = False

    @property
    def first(self) -> bool:
        """Whether this is the list's first page."""
        return self.before is None


class NotACursor(ValueError):
    """Raised for text that is not a cursor of the list's key."""


def keyset_page(session: Session, query: Select, keys: Sequence[Key], *,
                after: str | None = None, before: str | None = None, number: int = 1,
                per_page: int = 50, count_limit: int = COUNT_LIMIT,
                counted: tuple[int, bool] | None = None) -> KeysetPage:
    """Return the page of ``query`` that continues ``after`` or ``before`` a cursor.

    Parameters
    ----------
    query : Select
        The list's query, filtered, without an order (the keys give it). Selecting one entity
        or column gives rows of it, several gives tuples.
    keys : sequence of Key
        The order: together unique and never null (end with the id).
    after, before : str, optional
        A cursor from a page's ``after`` (the next page) or ``before`` (the previous one).
        With neither, or one that is not a cursor of these keys, the first page.
    number : int
        The number the asked page has (shown; 1 for the first page).
    counted : (int, bool), optional
        How many rows the list holds and whether there are more, when the caller has
        counted them already (with other counts, in one query): not counted again.

    Returns
    -------
    KeysetPage
        Its rows, cursors to the pages either side, and the list's length up to a limit.
        A cursor past the end of the list gives its first page.

    Examples
    --------
    >>> from pathways.models import Person
    >>> keys = [Key(Person.name), Key(Person.id)]
    >>> found = keyset_page(session, select(Person), keys, per_page=1)
    >>> [person.name for person in found.rows], found.total, found.before is None
    (['Ann Lee'], 2, True)
    >>> then = keyset_page(session, select(Person), keys, after=found.after, number=2,
    ...                    per_page=1)
    >>> [person.name for person in then.rows], then.number, then.after is None
    (['Lee Dale'], 2, True)
    """
    total, more = counted if counted is not None else count_up_to(session, query,
                                                                    count_limit)
    backwards = before is not None and after is None
    try:
        cursor = decode_cursor(before if backwards else after, keys) if (after or before) \
            else None
    except NotACursor:
        cursor = None
    if cursor is None:
        backwards, number = False, 1
    width = len(query.column_descriptions)
    ordered = query.add_columns(*(key.column for key in keys))
    if cursor is not None:
        ordered = ordered.where(_beyond(keys, cursor, backwards))
    ordered = ordered.order_by(*(_ordered(key, backwards) for key in keys)).limit(per_page + 1)
    fetched = list(session.execute(ordered).all())
    further = len(fetched) > per_page
    fetched = fetched[:per_page]
    if backwards:
        fetched.reverse()
    if not fetched:
        if cursor is None:
            return KeysetPage([], 1, None, None, total, more)
        return keyset_page(session, query, keys, per_page=per_page, count_limit=count_limit,
                           counted=(total, more))
    rows = [row[0] if width == 1 else tuple(row[:width]) for row in fetched]
    first_key, last_key = tuple(fetched[0][width:]), tuple(fetched[-1][width:])
    if backwards:
        has_previous, has_next = further, True
    else:
        has_previous, has_next = cursor is not None, further
    number = max(2, number) if has_previous else 1
    return KeysetPage(rows, number, encode_cursor(last_key) if has_next else None,
                      encode_cursor(first_key) if has_previous else None, total, more)


def count_up_to(session: Session, query: Select, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """Return how many rows ``query`` gives, counting no further than ``limit``, and whether
    there are more than ``limit``."""
    bounded = (query.with_only_columns(literal_column("1"), maintain_column_froms=True)
               .order_by(None).limit(limit + 1).subquery())
    counted = session.scalar(select(func.count()).select_from(bounded)) or 0
    return min(counted, limit), counted > limit


def encode_cursor(values: Sequence[Any]) -> str:
    """Return a key's values as a cursor: text safe in an address.

    >>> encode_cursor(["Ann Lee", 12])
    'WyJBbm4gTGVlIiwxMl0'
    """
    plain = [value.isoformat() if isinstance(value, date | datetime) else value
             for value in values]
    packed = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_cursor(text: str | None, keys: Sequence[Key]) -> tuple[Any, ...]:
    """Return the key's values a cursor holds, each of its column's type.

    Raises
    ------
    NotACursor
        When the text is not a cursor of these keys (wrong shape, type or range).
    """
    if not text or len(text) > LONGEST_CURSOR:
        raise NotACursor("no cursor")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        values = json.loads(packed.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as bad:
        raise NotACursor("not a cursor") from bad
    if not isinstance(values, list) or len(values) != len(keys):
        raise NotACursor("not this list's cursor")
    return tuple(_value(key, value) for key, value in zip(keys, values, strict=True))


def _value(key: Key, value: Any) -> Any:
    """Return a cursor's value as its key column's Python type, or raise NotACursor."""
    column_type = getattr(key.column, "type", None)
    try:
        python_type = column_type.python_type if column_type is not None else str
    except NotImplementedError:
        python_type = str
    if python_type is int:
        bound = 2 ** 63 if isinstance(column_type, BigInteger) else 2 ** 31
        if isinstance(value, bool) or not isinstance(value, int) or not (
                -bound <= value < bound) or not isinstance(column_type, Integer):
            raise NotACursor("not a whole number")
        return value
    if not isinstance(value, str) or len(value) > LONGEST_TEXT or "\x00" in value:
        raise NotACursor("not text")
    if python_type is datetime:
        try:
            return datetime.fromisoformat(value)
        except ValueError as bad:
            raise NotACursor("not a time") from bad
    if python_type is date:
        try:
            return date.fromisoformat(value)
        except ValueError as bad:
            raise NotACursor("not a day") from bad
    if python_type is not str:
        raise NotACursor("a key of a type cursors do not hold")
    return value


def _ordered(key: Key, backwards: bool) -> ColumnElement[Any]:
    """Return the ORDER BY term of a key (reversed when reading backwards)."""
    return key.column.asc() if key.descending == backwards else key.column.desc()


def _beyond(keys: Sequence[Key], cursor: tuple[Any, ...],
            backwards: bool) -> ColumnElement[bool]:
    """Return the condition "the row comes after the cursor" (before it when ``backwards``).

    When every key runs the same way this is one row-value comparison, which an index on the
    key answers directly; otherwise the usual chain of "equal so far, then beyond".
    """
    def later(key: Key) -> bool:
        return key.descending == backwards

    if len({key.descending for key in keys}) == 1:
        row = tuple_(*(key.column for key in keys))
        values = tuple_(*(_bound(key, value) for key, value in zip(keys, cursor, strict=True)))
        return row > values if later(keys[0]) else row < values
    terms = []
    for index, key in enumerate(keys):
        equal = [keys[i].column == cursor[i] for i in range(index)]
        step = key.column > cursor[index] if later(key) else key.column < cursor[index]
        terms.append(and_(*equal, step))
    return or_(*terms)


def _bound(key: Key, value: Any) -> Any:
    """Return a cursor value bound with its column's type (so times compare as stored)."""
    column_type = getattr(key.column, "type", None)
    return literal(value, column_type) if column_type is not None else literal(value)


@dataclass(frozen=True)
class ListPage:
    """One page of a list already in memory: its rows, number (from 1), pages and rows."""

    rows: list[Any]
    number: int
    pages: int
    total: int


def page_of_list(rows: Sequence[Any], number: int, per_page: int = 50) -> ListPage:
    """Return the page ``number`` of ``rows`` (moved into range), for a list worked out whole
    (a dashboard's rows ordered by what they show), so the page sent stays small.

    >>> found = page_of_list(list(range(120)), 9, per_page=50)
    >>> found.rows[:2], found.number, found.pages, found.total
    ([100, 101], 3, 3, 120)
    """
    pages = max(1, -(-len(rows) // per_page))
    number = min(max(number, 1), pages)
    return ListPage(list(rows[(number - 1) * per_page:number * per_page]), number, pages,
                    len(rows))
