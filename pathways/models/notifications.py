"""Notifications: what a person is told, how they want to be told, and the email on its way.

- ``Notification``: one line in a person's list (``/notifications``), unread until they mark
  it read; the header counts the unread ones.
- ``NotificationPreference``: whether a person wants email for a kind of notification (no
  row: the kind's default, ``pathways.notifications.kinds``).
- ``OutgoingEmail``: an email to send about a notification; the stored record is the queue.
  It is sent once it has ``sent_at``; until then ``next_attempt_at`` says when the next try
  may start (a sender claims it by moving that time on, so two senders never send it
  together), and ``attempts`` and ``last_error`` what happened so far. After
  ``MAX_ATTEMPTS`` it is ``failed`` and kept for a person to look at.
- ``SentReminder``: a reminder already sent, unique by (kind, what it is about, recipient,
  due date), so the scheduled reminders are sent once however often the command runs.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .people import Person, utcnow


class Notification(Base):
    """Something a person is told: what happened, and the page where they act on it."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient_id_id", "recipient_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    #: One of ``pathways.notifications.kinds.KINDS``.
    kind: Mapped[str] = mapped_column(String(40))
    #: What happened, in a sentence the person reads (their list and the email's subject).
    text: Mapped[str] = mapped_column(String(500))
    #: The path of the page to act on it (``/champions/requests``), without the host.
    link: Mapped[str] = mapped_column(String(500), default="")
    #: What it is about: a table's name and the row's id (for the reminders' keys, and to
    #: find notifications about a record).
    about_type: Mapped[str] = mapped_column(String(40), default="")
    about_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    recipient: Mapped[Person] = relationship()


class NotificationPreference(Base):
    """Whether a person wants email for one kind of notification (else the kind's default)."""

    __tablename__ = "notification_preferences"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean)


class OutgoingEmail(Base):
    """An email about a notification, stored until it is sent (the queue is this table)."""

    __tablename__ = "outgoing_emails"
    __table_args__ = (Index("ix_outgoing_emails_state_next_attempt_at", "state",
                            "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    #: The address, as it was when the notification was made.
    to: Mapped[str] = mapped_column(String(254))
    #: ``pending`` (to send, from ``next_attempt_at``), ``sent`` or ``failed`` (given up).
    state: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    notification: Mapped[Notification] = relationship()


class SentReminder(Base):
    """A reminder sent: the unique key that makes the scheduled reminders idempotent."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("kind", "about_id", "recipient_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    about_id: Mapped[int] = mapped_column(Integer)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                              index=True)
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
