"""What the partnership's training summary reads instead of every record, every time.

- ``TrainingLatest``: each person's latest completion of each subject (the record with the
  latest completion day, the highest id among those of one day), kept as records come and
  go by the services that write them (``pathways.training.latest``), so a summary joins one
  row per person and subject instead of finding the maximum over all their records.
- ``TrainingSummaryRun``: when a partnership's summary was last worked out, and for which
  day (``pathways training-summary``, run nightly).
- ``TrainingSummaryCell``: per organisation and subject, how many people were required and
  how many compliant on that day (raw counts: suppression happens where they are shown).
- ``TrainingSummaryTotal``: the same per subject for the whole partnership.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .people import utcnow


class TrainingLatest(Base):
    """A person's latest completion of a subject, and the record that holds it."""

    __tablename__ = "training_latest"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    subject_id: Mapped[str] = mapped_column(
        ForeignKey("training_subjects.id", ondelete="CASCADE"), primary_key=True, index=True)
    completed_on: Mapped[date] = mapped_column(Date)
    #: Deleting the record deletes this row; its service then finds the next latest.
    record_id: Mapped[int] = mapped_column(
        ForeignKey("training_records.id", ondelete="CASCADE"), unique=True)


class TrainingSummaryRun(Base):
    """When a partnership's training summary was last worked out, and for which day."""

    __tablename__ = "training_summary_runs"

    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TrainingSummaryCell(Base):
    """An organisation's people required and compliant for one subject on the run's day."""

    __tablename__ = "training_summary_cells"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    subject_id: Mapped[str] = mapped_column(
        ForeignKey("training_subjects.id", ondelete="CASCADE"), primary_key=True)
    required: Mapped[int] = mapped_column(Integer)
    compliant: Mapped[int] = mapped_column(Integer)


class TrainingSummaryTotal(Base):
    """A partnership's people required and compliant for one subject on the run's day."""

    __tablename__ = "training_summary_totals"

    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True)
    subject_id: Mapped[str] = mapped_column(
        ForeignKey("training_subjects.id", ondelete="CASCADE"), primary_key=True)
    required: Mapped[int] = mapped_column(Integer)
    compliant: Mapped[int] = mapped_column(Integer)


TRAINING_SUMMARY_MODELS = (TrainingLatest, TrainingSummaryRun, TrainingSummaryCell,
                           TrainingSummaryTotal)
