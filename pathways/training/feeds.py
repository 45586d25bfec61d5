"""iCalendar feeds of the training calendar, behind a secret address per person.

A calendar program fetches a feed without signing in, so each person has a secret token in
the feed's address (``/training/feeds/<token>.ics``). Only the token's SHA-256 digest is
kept (``CalendarFeed``): the address is shown when it is made, and making a new one
replaces the old, which stops working at once (a leaked address is closed that way).

Two feeds, written with the ``icalendar`` library:

- ``person_feed``: the person's places (booked, attended, on the waiting list as tentative,
  cancelled ones as cancelled so calendars remove them);
- ``course_feed``: every session of one training subject at the person's organisation.

Each event's ``UID`` is the session's, its ``SEQUENCE`` the session's version, so a changed
session updates the event already in someone's calendar. Times are in England
(``Europe/London``, with its ``VTIMEZONE``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from .. import audit, clock
from ..models import (
    BookingState,
    CalendarFeed,
    CourseBooking,
    CourseSession,
    Person,
    SessionState,
    TrainingSubject,
)

ENGLAND = ZoneInfo("Europe/London")
#: Sessions further back than this are left out of the feeds.
FEED_HISTORY_DAYS = 366
#: The most events one feed holds.
FEED_LIMIT = 500
#: The product identifier every feed carries.
PRODUCT = "-//Care career pathways//Training calendar//EN"


def digest(token: str) -> str:
    """Return the stored digest of a feed token.

    Examples
    --------
    >>> len(digest("abc"))
    64
    """
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(session: Session, person: Person) -> str:
    """Make ``person`` a new secret feed token, replacing any they had; return it.

    The token is returned once, to show in the address; only its digest is kept.
    """
    token = secrets.token_urlsafe(32)
    row = {"person_id": person.id, "token_digest": digest(token), "created_at": clock.now()}
    insert: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        insert = postgresql.insert(CalendarFeed).values(row)
    else:
        insert = sqlite.insert(CalendarFeed).values(row)
    session.execute(insert.on_conflict_do_update(
        index_elements=["person_id"],
        set_={"token_digest": row["token_digest"], "created_at": row["created_at"]}))
    audit.record(session, person, "calendar_feed_new", "person", person.id,
                 "A new calendar feed address", concerns=person)
    return token


def has_feed(session: Session, person: Person) -> bool:
    """Whether ``person`` has a feed address (its token cannot be shown again)."""
    return session.get(CalendarFeed, person.id) is not None


def person_for_token(session: Session, token: str) -> Person | None:
    """Return whose feed ``token`` opens, or None for a token that is not (or no longer) one."""
    if not token or len(token) > 100:
        return None
    return session.scalar(select(Person).join(CalendarFeed,
                                              CalendarFeed.person_id == Person.id)
                          .where(CalendarFeed.token_digest == digest(token)))


def _event(course: CourseSession, status: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", f"course-session-{course.id}@care-career-pathways")
    event.add("dtstamp", now)
    event.add("sequence", course.version)
    event.add("summary", course.subject.title)
    event.add("dtstart", datetime.combine(course.held_on, course.starts_at, ENGLAND))
    event.add("dtend", datetime.combine(course.held_on, course.ends_at, ENGLAND))
    where = course.venue or course.online_link
    if where:
        event.add("location", where)
    if course.online_link:
        event.add("url", course.online_link)
    trainer = course.trainer_name or (course.trainer.name if course.trainer else "")
    lines = [f"{course.subject.title}, run by {course.organisation.name}."]
    if trainer:
        lines.append(f"Trainer: {trainer}.")
    if course.online_link:
        lines.append(f"Join online: {course.online_link}")
    if course.state == SessionState.CANCELLED:
        lines.append(f"Cancelled: {course.cancel_reason}")
    event.add("description", "\n".join(lines))
    event.add("status", status)
    return event


def _calendar(name: str, events: Iterable[Event]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _status(course: CourseSession, booking_state: str | None) -> str:
    if course.state == SessionState.CANCELLED or booking_state == BookingState.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if booking_state == BookingState.WAITING else "CONFIRMED"


def person_feed(session: Session, person: Person, *, today: date,
                now: datetime | None = None) -> bytes:
    """Return the iCalendar feed of ``person``'s places on course sessions.

    Examples
    --------
    >>> from pathways.models import Organisation
    >>> jo = Person(email="feed@example.org", name="Jo", organisation=Organisation(name="F"))
    >>> session.add(jo); session.flush()
    >>> b"BEGIN:VCALENDAR" in person_feed(session, jo, today=date(2026, 1, 1))
    True
    """
    now = now or clock.now()
    rows = session.execute(
        select(CourseBooking.state, CourseSession)
        .join(CourseSession, CourseSession.id == CourseBooking.session_id)
        .where(CourseBooking.person_id == person.id,
               CourseSession.held_on >= today - timedelta(days=FEED_HISTORY_DAYS))
        .options(selectinload(CourseSession.subject), selectinload(CourseSession.trainer),
                 selectinload(CourseSession.organisation))
        .order_by(CourseSession.held_on, CourseSession.id).limit(FEED_LIMIT)).all()
    return _calendar(f"Training: {person.name}",
                     (_event(course, _status(course, state), now) for state, course in rows))


def course_feed(session: Session, person: Person, subject: TrainingSubject, *, today: date,
                now: datetime | None = None) -> bytes:
    """Return the iCalendar feed of every session of ``subject`` at ``person``'s organisation."""
    now = now or clock.now()
    courses = session.scalars(
        select(CourseSession)
        .where(CourseSession.organisation_id == person.organisation_id,
               CourseSession.subject_id == subject.id,
               CourseSession.held_on >= today - timedelta(days=FEED_HISTORY_DAYS))
        .options(selectinload(CourseSession.subject), selectinload(CourseSession.trainer),
                 selectinload(CourseSession.organisation))
        .order_by(CourseSession.held_on, CourseSession.id).limit(FEED_LIMIT))
    return _calendar(f"{subject.title} sessions",
                     (_event(course, _status(course, None), now) for course in courses))
