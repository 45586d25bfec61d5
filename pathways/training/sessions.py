"""Course sessions: L&D schedule sittings of a training subject, change them and cancel them.

A session belongs to one organisation and is for its staff. Its details (``SessionDetails``)
are checked together, every problem named by its field: a subject of the organisation's
catalogue, a day from today on, a start before the end, a venue or an online link (``https``),
a capacity from 1 to ``MAX_CAPACITY``, and a trainer who works there or an outside trainer's
name.

Changing a session is a conditional ``UPDATE ... WHERE version = :seen``: an edit made on a
version someone else has since changed is refused (``EditConflict``), not overwritten. A
capacity below the places already taken is refused; a larger one moves people up from the
waiting list (``bookings.fill_places``). Cancelling tells everyone booked or waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from .. import audit
from ..csv_input import text_problem
from ..dates import format_day
from ..db import lock_for_update
from ..errors import EditConflict, InvalidInput, Problem, Refused
from ..models import (
    PLACE_TAKING,
    BookingState,
    CourseBooking,
    CourseSession,
    Organisation,
    Person,
    SessionState,
    TrainingSubject,
)
from ..notifications import notify_each

#: The most places a session can offer.
MAX_CAPACITY = 500
VENUE_LIMIT, LINK_LIMIT, TRAINER_LIMIT, NOTES_LIMIT = 300, 500, 200, 2000
#: How far ahead a session may be scheduled.
MAX_DAYS_AHEAD = 2 * 366


class SessionRefused(Refused):
    """The session cannot be changed that way (cancelled, or fewer places than booked)."""


@dataclass(frozen=True)
class SessionDetails:
    """What L&D say about a session: the form's fields, before they are checked."""

    subject_id: str
    held_on: date | None
    starts_at: time | None
    ends_at: time | None
    capacity: int | None
    venue: str = ""
    online_link: str = ""
    trainer_id: int | None = None
    trainer_name: str = ""
    notes: str = ""


def rows_changed(result: object) -> int:
    """Return how many rows a conditional ``UPDATE`` changed (0 when its condition failed)."""
    return getattr(result, "rowcount", 0) or 0


def link_problem(link: str) -> str | None:
    """Return why ``link`` cannot be a session's online link, or None.

    Examples
    --------
    >>> link_problem("https://meet.example.org/abc") is None
    True
    >>> link_problem("javascript:alert(1)")
    'Enter a web address starting with https://'
    """
    if not link:
        return None
    parts = urlsplit(link)
    if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in link):
        return "Enter a web address starting with https://"
    return None


def check_details(session: Session, organisation: Organisation, details: SessionDetails, *,
                  today: date) -> tuple[TrainingSubject, Person | None]:
    """Check a session's details for ``organisation``; return its subject and trainer.

    Raises
    ------
    InvalidInput
        Every problem, each named by its field.
    """
    problems: list[Problem] = []

    def problem(field: str, message: str | None) -> None:
        if message:
            problems.append(Problem(field, message))

    subject = session.get(TrainingSubject, details.subject_id) if details.subject_id else None
    if subject is None or subject.partnership_id not in (None, organisation.partnership_id):
        problem("subject_id", "Choose a training subject")
    if details.held_on is None:
        problem("held_on", "Enter the date of the session")
    elif details.held_on < today:
        problem("held_on", "The date of the session must be today or in the future")
    elif (details.held_on - today).days > MAX_DAYS_AHEAD:
        problem("held_on", "The date of the session must be within two years")
    if details.starts_at is None:
        problem("starts_at", "Enter the time the session starts")
    if details.ends_at is None:
        problem("ends_at", "Enter the time the session ends")
    elif details.starts_at is not None and details.ends_at <= details.starts_at:
        problem("ends_at", "The session must end after it starts")
    if details.capacity is None or not 1 <= details.capacity <= MAX_CAPACITY:
        problem("capacity", f"Enter a number of places from 1 to {MAX_CAPACITY}")
    venue, link = details.venue.strip(), details.online_link.strip()
    problem("venue", text_problem(venue, limit=VENUE_LIMIT))
    problem("online_link", text_problem(link, limit=LINK_LIMIT) or link_problem(link))
    if not venue and not link:
        problem("venue", "Enter a venue or an online link")
    problem("trainer_name", text_problem(details.trainer_name.strip(), limit=TRAINER_LIMIT))
    problem("notes", text_problem(details.notes.strip(), multiline=True, limit=NOTES_LIMIT))
    trainer = session.get(Person, details.trainer_id) if details.trainer_id else None
    if details.trainer_id and (trainer is None or trainer.organisation_id != organisation.id):
        problem("trainer_id", "Choose a trainer who works at the organisation")
        trainer = None
    if not details.trainer_id and not details.trainer_name.strip():
        problem("trainer_name", "Choose a trainer or enter the name of an outside trainer")
    if problems:
        raise InvalidInput(problems, "The session was not saved")
    if subject is None:  # a problem above said so: for the type checker
        raise InvalidInput([Problem("subject_id", "Choose a training subject")])
    return subject, trainer


def _values(details: SessionDetails) -> dict[str, object]:
    return {"subject_id": details.subject_id, "held_on": details.held_on,
            "starts_at": details.starts_at, "ends_at": details.ends_at,
            "capacity": details.capacity, "venue": details.venue.strip(),
            "online_link": details.online_link.strip(), "trainer_id": details.trainer_id,
            "trainer_name": details.trainer_name.strip(), "notes": details.notes.strip()}


def schedule_session(session: Session, actor: Person | None, organisation: Organisation,
                     details: SessionDetails, *, today: date) -> CourseSession:
    """Schedule a session of a training subject at ``organisation``.

    Returns
    -------
    CourseSession
        The new session (flushed).

    Raises
    ------
    InvalidInput
        Details that cannot be kept, every problem named by its field.
    """
    check_details(session, organisation, details, today=today)
    course = CourseSession(organisation_id=organisation.id, created_by_id=actor and actor.id,
                           state=SessionState.SCHEDULED, **_values(details))
    session.add(course)
    session.flush()
    audit.record(session, actor, "course_scheduled", "course_session", course.id,
                 f"{course.subject_id} on {course.held_on:%Y-%m-%d}",
                 {"capacity": course.capacity}, concerns=organisation)
    return course


def places_taken(session: Session, course: CourseSession) -> int:
    """Return how many of the session's places are taken (booked, attended or absent)."""
    return session.scalar(select(func.count(CourseBooking.id)).where(
        CourseBooking.session_id == course.id,
        CourseBooking.state.in_(PLACE_TAKING))) or 0


def fill_places(session: Session, course: CourseSession) -> list[CourseBooking]:
    """Move the longest-waiting people up into the session's free places; return them.

    The caller holds the session's lock (``db.lock_for_update``), so the count of places
    taken and the moves up are not raced. Each person moved up is told.
    """
    free = course.capacity - places_taken(session, course)
    if free <= 0 or course.state != SessionState.SCHEDULED:
        return []
    moved = list(session.scalars(
        select(CourseBooking).where(CourseBooking.session_id == course.id,
                                    CourseBooking.state == BookingState.WAITING)
        .options(selectinload(CourseBooking.person))
        .order_by(CourseBooking.queued_at, CourseBooking.id).limit(free)))
    for booking in moved:
        booking.state = BookingState.BOOKED
    session.flush()
    notify_each(session, [booking.person for booking in moved], "course_place", course,
                text=f"A place came free: you are booked on {course.subject.title} on "
                     f"{format_day(course.held_on)}", link="/training/courses/mine")
    return moved


def edit_session(session: Session, actor: Person | None, course: CourseSession,
                 details: SessionDetails, *, seen_version: int, today: date
                 ) -> CourseSession:
    """Change a scheduled session's details, unless someone changed it since ``seen_version``.

    Raises
    ------
    InvalidInput
        Details that cannot be kept.
    EditConflict
        The session changed since the editor loaded it: nothing was written.
    SessionRefused
        The session is cancelled, or the new capacity is below the places taken.
    """
    check_details(session, course.organisation, details, today=today)
    lock_for_update(session, course)
    if course.state != SessionState.SCHEDULED:
        raise SessionRefused("This session is cancelled, so it cannot be changed.")
    taken = places_taken(session, course)
    if details.capacity is not None and details.capacity < taken:
        raise SessionRefused(f"{taken} places are taken: the session cannot offer fewer. "
                             "Cancel bookings first.")
    changed = rows_changed(session.execute(
        update(CourseSession)
        .where(CourseSession.id == course.id, CourseSession.version == seen_version)
        .values(version=CourseSession.version + 1, **_values(details))
        .execution_options(synchronize_session=False)))
    if changed != 1:
        raise EditConflict(f"the {course.subject.title} session", "course_session", course.id)
    session.refresh(course)
    fill_places(session, course)
    audit.record(session, actor, "course_changed", "course_session", course.id,
                 f"{course.subject_id} on {course.held_on:%Y-%m-%d}",
                 {"capacity": course.capacity}, concerns=course.organisation)
    return course


def cancel_session(session: Session, actor: Person | None, course: CourseSession,
                   reason: str) -> CourseSession:
    """Cancel a scheduled session, cancel its bookings and tell everyone booked or waiting.

    Raises
    ------
    InvalidInput
        No reason, or one that cannot be kept.
    SessionRefused
        The session was already cancelled (by someone else at the same moment, too).
    """
    reason = reason.strip()
    problem = text_problem(reason, multiline=True, limit=NOTES_LIMIT) or (
        None if reason else "Enter why the session is cancelled")
    if problem:
        raise InvalidInput([Problem("reason", problem)], "The session was not cancelled")
    changed = rows_changed(session.execute(
        update(CourseSession)
        .where(CourseSession.id == course.id, CourseSession.state == SessionState.SCHEDULED)
        .values(state=SessionState.CANCELLED, cancel_reason=reason,
                version=CourseSession.version + 1)
        .execution_options(synchronize_session=False)))
    if changed != 1:
        raise SessionRefused("This session is already cancelled.")
    session.refresh(course)
    told = list(session.scalars(
        select(CourseBooking).where(
            CourseBooking.session_id == course.id,
            CourseBooking.state.in_((BookingState.BOOKED, BookingState.WAITING)))
        .options(selectinload(CourseBooking.person)).order_by(CourseBooking.id)))
    session.execute(update(CourseBooking)
                    .where(CourseBooking.id.in_([booking.id for booking in told]))
                    .values(state=BookingState.CANCELLED)
                    .execution_options(synchronize_session=False))
    notify_each(session, [booking.person for booking in told], "course_cancelled", course,
                text=f"The {course.subject.title} session on {format_day(course.held_on)} "
                     f"is cancelled: {reason}"[:500], link="/training/courses")
    audit.record(session, actor, "course_cancelled", "course_session", course.id,
                 f"{course.subject_id} on {course.held_on:%Y-%m-%d}",
                 {"bookings": len(told)}, concerns=course.organisation)
    return course
