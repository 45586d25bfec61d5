"""Lists read by keyset (``pathways.paging``): walking forwards and back gives every row once,
in order, whatever the ties; a cursor is checked when read (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from pathways.models import AuditEvent
from pathways.paging import (
    Key,
    NotACursor,
    count_up_to,
    decode_cursor,
    encode_cursor,
    keyset_page,
)

NEWEST_FIRST = [Key(AuditEvent.at, descending=True), Key(AuditEvent.id, descending=True)]
#: A key whose columns run different ways (by record, then newest first).
MIXED = [Key(AuditEvent.entity_id), Key(AuditEvent.at, descending=True), Key(AuditEvent.id)]


@pytest.fixture
def events(session) -> list[int]:
    """23 events about the map, three to a time (ties broken by id), on three records."""
    start = datetime(2026, 10, 1, 9, tzinfo=UTC)
    for number in range(23):
        session.add(AuditEvent(at=start + timedelta(hours=number // 3), action="update",
                               entity_type="role", entity_id=f"role-{number % 3}",
                               summary=str(number)))
    session.commit()
    return list(session.scalars(select(AuditEvent.id)))


def walk(session, keys, per_page):
    """Every page from the first by its next links, then back by its previous links."""
    query = select(AuditEvent)
    pages = [keyset_page(session, query, keys, per_page=per_page)]
    while pages[-1].after:
        pages.append(keyset_page(session, query, keys, after=pages[-1].after,
                                 number=pages[-1].number + 1, per_page=per_page))
    back = [pages[-1]]
    while back[-1].before:
        back.append(keyset_page(session, query, keys, before=back[-1].before,
                                number=back[-1].number - 1, per_page=per_page))
    return pages, back


@pytest.mark.parametrize("keys, order", [
    (NEWEST_FIRST, lambda e: (-e.at.timestamp(), -e.id)),
    (MIXED, lambda e: (e.entity_id, -e.at.timestamp(), e.id)),
], ids=["same-way", "mixed"])
def test_walking_forwards_and_back_gives_every_row_once_in_order(session, events, keys, order):
    everything = sorted(session.scalars(select(AuditEvent)), key=order)
    forwards, backwards = walk(session, keys, per_page=5)
    assert [len(page.rows) for page in forwards] == [5, 5, 5, 5, 3]
    assert [event.id for page in forwards for event in page.rows] == [e.id for e in everything]
    assert [page.number for page in forwards] == [1, 2, 3, 4, 5]
    assert [[e.id for e in page.rows] for page in backwards] == [
        [e.id for e in page.rows] for page in reversed(forwards)]
    assert forwards[0].first and forwards[0].before is None and not forwards[-1].after
    assert {page.total for page in forwards} == {23}


def test_a_page_selecting_several_columns_gives_tuples(session, events):
    found = keyset_page(session, select(AuditEvent.summary, AuditEvent.entity_id),
                        NEWEST_FIRST, per_page=2)
    assert found.rows == [("22", "role-1"), ("21", "role-0")]


def test_text_that_is_not_a_cursor_of_the_list_gives_its_first_page(session, events):
    first = keyset_page(session, select(AuditEvent), NEWEST_FIRST, per_page=4)
    past_the_end = encode_cursor([datetime(2000, 1, 1, tzinfo=UTC), 1])
    for nonsense in ("", "abc", "%%%", "W10", encode_cursor(["x", 1]),
                     encode_cursor(["2026-10-01T09:00:00", 2 ** 40]),
                     encode_cursor(["2026-10-01T09:00:00", True]),
                     encode_cursor(["2026-10-01T09:00:00", "1"]),
                     encode_cursor(["2026-10-01T09:00:00\x00", 1]),
                     encode_cursor([1, 2, 3]), "W" * 5000, past_the_end):
        found = keyset_page(session, select(AuditEvent), NEWEST_FIRST, after=nonsense,
                            before=nonsense, number=9, per_page=4)
        assert found.rows == first.rows and found.number == 1 and found.before is None


def test_a_cursor_holds_the_keys_values_as_their_columns_types():
    moment = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
    assert decode_cursor(encode_cursor([moment, 7]), NEWEST_FIRST) == (moment, 7)
    with pytest.raises(NotACursor):
        decode_cursor(encode_cursor(["yesterday", 7]), NEWEST_FIRST)
    with pytest.raises(NotACursor):
        decode_cursor(encode_cursor([moment, 7]), MIXED)


def test_a_list_is_counted_only_up_to_the_limit(session, events):
    assert count_up_to(session, select(AuditEvent), 10) == (10, True)
    assert count_up_to(session, select(AuditEvent), 23) == (23, False)
    only_one = select(AuditEvent).where(AuditEvent.summary == "4")
    assert count_up_to(session, only_one, 10) == (1, False)
    found = keyset_page(session, select(AuditEvent), NEWEST_FIRST, count_limit=10)
    assert (found.total, found.more, len(found.rows)) == (10, True, 23)
