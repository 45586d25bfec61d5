"""What the notification pages show: a person's own notifications, a page at a time.

The list is read by keyset (``pathways.paging``), newest first by id, on the index
``ix_notifications_recipient_id_id``: a page deep in a long list costs the same as the first.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Notification, Person
from ..paging import Key, KeysetPage, keyset_page

#: Notifications on one page of the list.
PER_PAGE = 20
#: The list's order: newest first (the ids of one recipient, on their index).
NEWEST_FIRST = (Key(Notification.id, descending=True),)


@dataclass(frozen=True)
class NotificationsPage(KeysetPage):
    """One page of a person's notifications, newest first, and how many are unread."""

    unread: int = 0


def notifications_of(session: Session, person: Person, *, after: str | None = None,
                     before: str | None = None, number: int = 1,
                     per_page: int = PER_PAGE) -> NotificationsPage:
    """Return a page of the person's own notifications, newest first, continuing ``after``
    or ``before`` a cursor of the pages either side (two queries: the counts, then the rows).

    Examples
    --------
    >>> found = notifications_of(session, Person(id=1))
    >>> found.rows, found.number, found.after, found.total
    ([], 1, None, 0)
    """
    mine = Notification.recipient_id == person.id
    total, unread = session.execute(
        select(func.count(Notification.id),
               func.count(Notification.id).filter(Notification.read_at.is_(None)))
        .where(mine)).one()
    found = keyset_page(session, select(Notification).where(mine), NEWEST_FIRST, after=after,
                        before=before, number=number, per_page=per_page,
                        counted=(total, False))
    return NotificationsPage(**{part.name: getattr(found, part.name) for part in fields(found)},
                             unread=unread)
