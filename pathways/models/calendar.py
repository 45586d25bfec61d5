"""The training calendar: course sessions an organisation runs, and who has a place on them.

- ``CourseSession``: one sitting of a training subject (date, start and end time in England,
  a venue or an online link, a capacity and a trainer), run by an organisation for its staff.
  A cancelled session keeps its rows, with the reason.
- ``CourseBooking``: a person's place on a session, or their place in its waiting list, made
  by themself or their manager. A person has at most one booking per session (unique): booking
  again after cancelling reuses the row. When a place frees, the longest-waiting person is
  moved up. Marking attendance makes the training record once (``record_id``).
- ``CalendarFeed``: the secret address of a person's iCalendar feeds. Only a digest of the
  token is kept; a new token replaces the old one (the old address stops working).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocabulary import LabelledEnum
from .base import Base
from .people import Organisation, Person, utcnow
from .training import TrainingSubject


class SessionState(LabelledEnum):
    """Whether a course session goes ahead."""

    SCHEDULED = "scheduled", "Scheduled", "blue"
    CANCELLED = "cancelled", "Cancelled", "grey"


class BookingState(LabelledEnum):
    """Where a person stands on a course session."""

    BOOKED = "booked", "Booked", "green"
    WAITING = "waiting", "On the waiting list", "yellow"
    CANCELLED = "cancelled", "Cancelled", "grey"
    ATTENDED = "attended", "Attended", "blue"
    ABSENT = "absent", "Did not attend", "red"


#: Booking states that take one of a session's places.
PLACE_TAKING = (BookingState.BOOKED.value, BookingState.ATTENDED.value,
                BookingState.ABSENT.value)


class CourseSession(Base):
    """A sitting of a training subject: when, where, how many places and who delivers it."""

    __tablename__ = "course_sessions"
    __table_args__ = (Index("ix_course_sessions_organisation_id_held_on",
                            "organisation_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    subject_id: Mapped[str] = mapped_column(
        ForeignKey("training_subjects.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    #: Local times in England (the feed says ``Europe/London``).
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    #: Someone of the organisation who delivers it (they may mark attendance)...
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"),
                                                   index=True)
    #: ...or the name of an outside trainer or provider.
    trainer_name: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=SessionState.SCHEDULED)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Bumped by every edit: an edit made on an older version is refused, not overwritten.
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()
    subject: Mapped[TrainingSubject] = relationship()
    trainer: Mapped[Person | None] = relationship(foreign_keys=[trainer_id])

    def __repr__(self) -> str:
        return f"<CourseSession {self.id} {self.subject_id!r} {self.held_on}>"


class CourseBooking(Base):
    """A person's place (or place in the waiting list) on a course session."""

    __tablename__ = "course_bookings"
    __table_args__ = (
        UniqueConstraint("session_id", "person_id"),
        Index("ix_course_bookings_session_id_state_queued_at", "session_id", "state",
              "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    state: Mapped[str] = mapped_column(String(20), default=BookingState.BOOKED)
    booked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"))
    #: When the person joined (or joined again): the waiting list's order.
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The training record attendance made (once).
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_records.id", ondelete="SET NULL"), unique=True)

    session: Mapped[CourseSession] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    def __repr__(self) -> str:
        return f"<CourseBooking {self.id} session {self.session_id} {self.state}>"


class CalendarFeed(Base):
    """The digest of a person's secret calendar-feed token (one at a time)."""

    __tablename__ = "calendar_feeds"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           primary_key=True)
    #: SHA-256 of the token, hex: the token itself is shown once and never stored.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


CALENDAR_MODELS = (CourseSession, CourseBooking, CalendarFeed)
