"""What the notification pages show: a person's own notifications, a page at a time."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Notification, Person

#: Notifications on one page of the list.
PER_PAGE = 20


@dataclass(frozen=True)
class NotificationsPage:
    """One page of a person's notifications, newest first, and how many there are."""

    rows: list[Notification]
    number: int
    pages: int
    total: int
    unread: int


def notifications_of(session: Session, person: Person, page: int = 1,
                     per_page: int = PER_PAGE) -> NotificationsPage:
    """Return a page of the person's own notifications, newest first (two queries: the
    counts, then the rows); a page past the end gives the last.

    Examples
    --------
    >>> found = notifications_of(session, Person(id=1))
    >>> found.rows, found.number, found.pages
    ([], 1, 1)
    """
    total, unread = session.execute(
        select(func.count(Notification.id),
               func.count(Notification.id).filter(Notification.read_at.is_(None)))
        .where(Notification.recipient_id == person.id)).one()
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, page), pages)
    rows = list(session.scalars(
        select(Notification).where(Notification.recipient_id == person.id)
        .order_by(Notification.id.desc()).offset((number - 1) * per_page).limit(per_page)))
    return NotificationsPage(rows, number, pages, total, unread)
