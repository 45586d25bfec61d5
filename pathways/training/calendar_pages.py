"""What the training calendar's pages show, each in a fixed number of queries.

- ``upcoming``: an organisation's sessions from a day on, a page at a time, with the places
  taken and waiting counted by one ``GROUP BY`` and the viewer's own booking on each;
- ``session_bookings``: who is booked or waiting on one session (everyone for those who run
  the organisation's training or its trainer, a manager's team for a manager, else only the
  viewer's own), in the waiting list's order;
- ``places_of``: a person's own bookings, the soonest first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import ColumnElement

from ..models import (
    PLACE_TAKING,
    BookingState,
    CourseBooking,
    CourseSession,
    Organisation,
    Person,
)

PER_PAGE = 20


@dataclass
class SessionRow:
    """A session on the calendar, with its places and the viewer's own booking."""

    course: CourseSession
    taken: int
    waiting: int
    mine: CourseBooking | None

    @property
    def left(self) -> int:
        return max(self.course.capacity - self.taken, 0)


@dataclass
class Calendar:
    """A page of an organisation's sessions."""

    rows: list[SessionRow] = field(default_factory=list)
    number: int = 1
    pages: int = 1
    total: int = 0


def counts(session: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    """Return (places taken, waiting) for each session of ``ids``, in one query."""
    if not ids:
        return {}
    rows = session.execute(
        select(CourseBooking.session_id,
               func.sum(case((CourseBooking.state.in_(PLACE_TAKING), 1), else_=0)),
               func.sum(case((CourseBooking.state == BookingState.WAITING, 1), else_=0)))
        .where(CourseBooking.session_id.in_(ids))
        .group_by(CourseBooking.session_id))
    return {session_id: (int(taken or 0), int(waiting or 0))
            for session_id, taken, waiting in rows}


def upcoming(session: Session, organisation: Organisation, viewer: Person, *, today: date,
             page: int = 1, per_page: int = PER_PAGE) -> Calendar:
    """Return a page of ``organisation``'s sessions from ``today`` on, the soonest first."""
    where = and_(CourseSession.organisation_id == organisation.id,
                 CourseSession.held_on >= today)
    total = session.scalar(select(func.count(CourseSession.id)).where(where)) or 0
    pages = max(1, math.ceil(total / per_page))
    number = min(max(page, 1), pages)
    courses = list(session.scalars(
        select(CourseSession).where(where)
        .options(selectinload(CourseSession.subject), selectinload(CourseSession.trainer))
        .order_by(CourseSession.held_on, CourseSession.starts_at, CourseSession.id)
        .offset((number - 1) * per_page).limit(per_page)))
    ids = [course.id for course in courses]
    counted = counts(session, ids)
    mine = {booking.session_id: booking for booking in session.scalars(
        select(CourseBooking).where(CourseBooking.person_id == viewer.id,
                                    CourseBooking.session_id.in_(ids)))} if ids else {}
    rows = [SessionRow(course, *counted.get(course.id, (0, 0)), mine.get(course.id))
            for course in courses]
    return Calendar(rows, number, pages, total)


def session_bookings(session: Session, course: CourseSession, people: ColumnElement[bool]
                     ) -> list[CourseBooking]:
    """Return the bookings on ``course`` of the people ``people`` selects (a policy filter),
    places first, then the waiting list in its order, then cancelled ones."""
    order = case((CourseBooking.state.in_(PLACE_TAKING), 0),
                 (CourseBooking.state == BookingState.WAITING, 1), else_=2)
    return list(session.scalars(
        select(CourseBooking).join(Person, Person.id == CourseBooking.person_id)
        .where(CourseBooking.session_id == course.id, people)
        .options(selectinload(CourseBooking.person))
        .order_by(order, CourseBooking.queued_at, CourseBooking.id)))


def places_of(session: Session, person: Person, *, today: date) -> list[CourseBooking]:
    """Return ``person``'s bookings on sessions from ``today`` on, the soonest first."""
    return list(session.scalars(
        select(CourseBooking).join(CourseSession,
                                   CourseSession.id == CourseBooking.session_id)
        .where(CourseBooking.person_id == person.id, CourseSession.held_on >= today)
        .options(selectinload(CourseBooking.session).selectinload(CourseSession.subject))
        .order_by(CourseSession.held_on, CourseSession.starts_at, CourseSession.id)))
