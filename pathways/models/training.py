"""Training: the subjects a partnership agrees, who must do them, and what people have done.

- ``TrainingSubject``: one subject of the catalogue (Safeguarding adults, Fire safety, Oliver
  McGowan Tier 2, the Care Certificate...), with its standard refresh interval in months
  (None: it does not expire), an optional level, learning outcomes and whether it is
  accredited. Subjects without a partnership are the shared standard seeded from
  ``seed/training/subjects.csv``; a partnership may add its own.
- ``TrainingInterval``: an organisation's own refresh interval for a subject. Shorter than the
  standard is the organisation's choice; longer (or never expiring) needs a recorded reason.
- ``TrainingSettings``: an organisation's "expiring soon" window (90 days when it has none).
- ``TrainingRequirement``: a subject that people in a role must hold at an organisation (as
  ASC-WDS's mandatory training); a person's requirements follow their current role.
- ``TrainingRecord``: a subject a person completed, on a day, with the provider and the
  evidence seen. Expiry is not stored: it is the completion day plus the interval that
  applies where it is looked at (``pathways.training.status``), so an organisation changing
  its interval changes every status at once and nothing goes stale.
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

from ..vocabulary import LabelledEnum
from .base import Base
from .people import Organisation, Person, utcnow

#: The "expiring soon" window when an organisation has set none (ASC-WDS's default).
DEFAULT_EXPIRING_WINDOW_DAYS = 90


class IntervalBasis(LabelledEnum):
    """Where a subject's standard refresh interval comes from."""

    GUIDANCE = "guidance", "Published guidance"
    EMPLOYER_CHOICE = "employer_choice", "The employer's choice (no published figure)"
    ONE_OFF = "one_off", "Done once: no refresher"


class RecordSource(LabelledEnum):
    """How a training record came to be."""

    RECORDED = "recorded", "Recorded"
    IMPORTED = "imported", "Imported"
    ATTENDANCE = "attendance", "Attended a course"
    PASSPORT = "passport", "Accepted from a training passport"


class TrainingSubject(Base):
    """A training subject of the catalogue, with its standard refresh interval."""

    __tablename__ = "training_subjects"

    #: Lowercase letters, digits and hyphens (``safeguarding-adults``).
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    #: None: the shared standard; else a subject only that partnership uses.
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id"),
                                                       index=True)
    #: Months between refreshers; None when it does not expire.
    refresh_months: Mapped[int | None] = mapped_column(Integer)
    interval_basis: Mapped[str] = mapped_column(String(20), default=IntervalBasis.GUIDANCE)
    #: "Tier 2", "Level 3"...; empty when the subject has no levels.
    level: Mapped[str] = mapped_column(String(40), default="")
    accredited: Mapped[bool] = mapped_column(Boolean, default=False)
    #: What the interval rests on, in words (the guidance and where it is secondary).
    interval_note: Mapped[str] = mapped_column(Text, default="")
    who_needs_it: Mapped[str] = mapped_column(Text, default="")
    learning_outcomes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<TrainingSubject {self.id!r}>"


class TrainingInterval(Base):
    """An organisation's own refresh interval for a subject, and why when it is longer."""

    __tablename__ = "training_intervals"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"),
                                                 primary_key=True)
    subject_id: Mapped[str] = mapped_column(
        ForeignKey("training_subjects.id", ondelete="CASCADE"), primary_key=True)
    #: Months between refreshers here; None when it does not expire here.
    refresh_months: Mapped[int | None] = mapped_column(Integer)
    #: Why the interval is longer than the standard (required then; may be empty otherwise).
    reason: Mapped[str] = mapped_column(Text, default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    subject: Mapped[TrainingSubject] = relationship()


class TrainingSettings(Base):
    """An organisation's training settings: how early a record counts as expiring soon."""

    __tablename__ = "training_settings"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"),
                                                 primary_key=True)
    expiring_window_days: Mapped[int] = mapped_column(Integer,
                                                      default=DEFAULT_EXPIRING_WINDOW_DAYS)


class TrainingRequirement(Base):
    """A subject everyone in a role at an organisation must hold."""

    __tablename__ = "training_requirements"
    __table_args__ = (UniqueConstraint("organisation_id", "role_id", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role_id: Mapped[str] = mapped_column(ForeignKey("nodes.id", ondelete="CASCADE"))
    subject_id: Mapped[str] = mapped_column(
        ForeignKey("training_subjects.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    subject: Mapped[TrainingSubject] = relationship()


class TrainingRecord(Base):
    """A subject a person completed: when, with whom, and the evidence seen."""

    __tablename__ = "training_records"
    __table_args__ = (
        Index("ix_training_records_person_id_subject_id_completed_on",
              "person_id", "subject_id", "completed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    subject_id: Mapped[str] = mapped_column(
        ForeignKey("training_subjects.id", ondelete="CASCADE"), index=True)
    completed_on: Mapped[date] = mapped_column(Date)
    provider: Mapped[str] = mapped_column(String(200), default="")
    #: A certificate number or where the evidence is kept.
    evidence: Mapped[str] = mapped_column(String(500), default="")
    #: The organisation the person was at when it was recorded (the passport's issuer).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    source: Mapped[str] = mapped_column(String(20), default=RecordSource.RECORDED)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    subject: Mapped[TrainingSubject] = relationship()

    def __repr__(self) -> str:
        return f"<TrainingRecord {self.id} {self.subject_id!r} {self.completed_on}>"


TRAINING_MODELS = (TrainingSubject, TrainingInterval, TrainingSettings, TrainingRequirement,
                   TrainingRecord)
