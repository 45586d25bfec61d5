"""Places on course sessions: booking, the waiting list, cancelling and attendance.

A person books a place for themself, or their manager (or L&D) books one for them; when the
session is full they join its waiting list. Cancelling a place moves the longest-waiting
person up (``sessions.fill_places``) and tells them.

Places are limited, so booking and cancelling lock the session's row first
(``db.lock_for_update``) and only then count its places: two people booking the last place
at the same moment take turns, and the second joins the waiting list. A person has one
booking row per session (unique), which a new booking after a cancellation reuses, joining
the end of the queue.

Marking someone as attended makes their training record (completed on the session's day,
provided by its outside trainer or the organisation, source ``attendance``) once: the booking moves
to ``attended`` by a conditional ``UPDATE`` that only one marker can win, and a second mark
returns the record the first made.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import audit, clock
from ..dates import format_day
from ..db import lock_for_update
from ..errors import Refused
from ..models import (
    BookingState,
    CourseBooking,
    CourseSession,
    Person,
    RecordSource,
    SessionState,
    TrainingRecord,
)
from ..notifications import notify
from .records import record_training
from .sessions import fill_places, places_taken, rows_changed


class BookingRefused(Refused):
    """The place cannot be booked, cancelled or marked that way; says why."""


def booking_of(session: Session, course: CourseSession, person: Person
               ) -> CourseBooking | None:
    """Return ``person``'s booking row on ``course`` (in any state), or None."""
    return session.scalar(select(CourseBooking).where(CourseBooking.session_id == course.id,
                                                      CourseBooking.person_id == person.id))


def book_place(session: Session, actor: Person | None, course: CourseSession, person: Person,
               *, today: date, now: datetime | None = None) -> CourseBooking:
    """Book ``person`` a place on ``course``, or a place on its waiting list when it is full.

    Parameters
    ----------
    actor
        Who books: the person themself, their manager or L&D (None: the command line).
    course, person
        The session, and someone of its organisation.
    today, now
        The day and the moment of booking (the waiting list's order).

    Returns
    -------
    CourseBooking
        The booking, ``booked`` or ``waiting`` (flushed).

    Raises
    ------
    BookingRefused
        The session is cancelled or has taken place, the person works elsewhere, or they
        are already booked or waiting.
    """
    now = now or clock.now()
    lock_for_update(session, course)
    if course.state != SessionState.SCHEDULED:
        raise BookingRefused("This session is cancelled.")
    if course.held_on < today:
        raise BookingRefused("This session has taken place.")
    if person.organisation_id != course.organisation_id:
        raise BookingRefused(f"{person.name} does not work at "
                             f"{course.organisation.name}, which runs this session.")
    if person.active is False:
        raise BookingRefused(f"{person.name}'s account is disabled.")
    booking = booking_of(session, course, person)
    if booking is not None and booking.state != BookingState.CANCELLED:
        raise BookingRefused(f"{person.name} is already "
                             f"{_words(booking.state)} for this session.")
    state = (BookingState.BOOKED if places_taken(session, course) < course.capacity
             else BookingState.WAITING)
    if booking is None:
        booking = CourseBooking(session_id=course.id, person_id=person.id)
        session.add(booking)
    booking.state, booking.queued_at = state, now
    booking.booked_by_id = actor.id if actor else None
    session.flush()
    audit.record(session, actor, "course_booked", "course_booking", booking.id,
                 f"{person.email} {state.label.lower()} for session {course.id}",
                 {"session": course.id, "state": state.value}, concerns=person)
    if actor is not None and actor.id != person.id:
        where = "booked you a place on" if state == BookingState.BOOKED else (
            "put you on the waiting list for")
        notify(session, person, "course_place", course, link="/training/courses/mine",
               text=f"{actor.name} {where} {course.subject.title} on "
                    f"{format_day(course.held_on)}")
    return booking


def cancel_place(session: Session, actor: Person | None, booking: CourseBooking, *,
                 today: date) -> list[CourseBooking]:
    """Cancel a place (or a place on the waiting list); return who moved up into it.

    Raises
    ------
    BookingRefused
        The booking is not booked or waiting (cancelled already, or attendance marked), or
        the session has taken place.
    """
    course = booking.session
    lock_for_update(session, course)
    session.refresh(booking)
    if booking.state not in (BookingState.BOOKED, BookingState.WAITING):
        raise BookingRefused(f"This booking is {_words(booking.state)}, "
                             "so it cannot be cancelled.")
    if course.held_on < today:
        raise BookingRefused("This session has taken place.")
    booking.state = BookingState.CANCELLED
    session.flush()
    moved = fill_places(session, course)
    audit.record(session, actor, "course_booking_cancelled", "course_booking", booking.id,
                 f"Place on session {course.id} cancelled",
                 {"session": course.id, "moved_up": [row.person_id for row in moved]},
                 concerns=booking.person)
    return moved


def provider_of(course: CourseSession) -> str:
    """Return who provided a session's training: its outside trainer, else the organisation
    (whose own trainer delivered it)."""
    return course.trainer_name or course.organisation.name


def mark_attendance(session: Session, actor: Person | None, booking: CourseBooking,
                    attended: bool, *, today: date) -> TrainingRecord | None:
    """Mark whether the person attended; an attendance makes their training record once.

    Returns
    -------
    TrainingRecord or None
        The record the attendance made (the same one however often it is marked), or None
        for an absence.

    Raises
    ------
    BookingRefused
        The session is cancelled or in the future, the person was not booked (waiting or
        cancelled), or an absence is marked after the attendance made a record.
    """
    course = booking.session
    if course.state != SessionState.SCHEDULED:
        raise BookingRefused("This session is cancelled.")
    if course.held_on > today:
        raise BookingRefused("Attendance can be marked from the day of the session.")
    if not attended:
        changed = rows_changed(session.execute(
            update(CourseBooking)
            .where(CourseBooking.id == booking.id, CourseBooking.state == BookingState.BOOKED)
            .values(state=BookingState.ABSENT)
            .execution_options(synchronize_session=False)))
        session.refresh(booking)
        if changed != 1 and booking.state != BookingState.ABSENT:
            raise BookingRefused(_not_markable(booking))
        return None
    changed = rows_changed(session.execute(
        update(CourseBooking)
        .where(CourseBooking.id == booking.id,
               CourseBooking.state.in_((BookingState.BOOKED, BookingState.ABSENT)),
               CourseBooking.record_id.is_(None))
        .values(state=BookingState.ATTENDED)
        .execution_options(synchronize_session=False)))
    session.refresh(booking)
    if changed != 1:
        if booking.state == BookingState.ATTENDED and booking.record_id is not None:
            return session.get(TrainingRecord, booking.record_id)
        raise BookingRefused(_not_markable(booking))
    record = record_training(session, actor, booking.person, course.subject, course.held_on,
                             today=today, provider=provider_of(course),
                             evidence=f"Attended course session {course.id}",
                             source=RecordSource.ATTENDANCE)
    booking.record_id = record.id
    session.flush()
    return record


def _words(state: str) -> str:
    return BookingState.labels().get(state, state).lower()


def _not_markable(booking: CourseBooking) -> str:
    if booking.state == BookingState.ATTENDED:
        return "The attendance is marked and its training record made: it stays."
    return (f"This booking is {_words(booking.state)}: only people with "
            "a place are marked.")
