"""Recording training someone completed: from the web, an import or a course's attendance.

A record is never changed once made (a correction is a new record; the latest completion
decides the status); ``record_training`` checks it and adds it with an audit event.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..csv_input import text_problem
from ..errors import InvalidInput, Problem, Refused
from ..models import Person, RecordSource, TrainingRecord, TrainingSubject
from .latest import note_record

#: No record is older than this (a completion before it is a typing mistake).
EARLIEST_COMPLETION = date(1950, 1, 1)
PROVIDER_LIMIT = 200
EVIDENCE_LIMIT = 500


class RecordRefused(Refused):
    """A training record cannot be made for that person or subject; nothing was written."""


def completion_problem(completed_on: date, today: date) -> str | None:
    """Return why a completion day cannot be recorded on ``today``, or None.

    Examples
    --------
    >>> completion_problem(date(2026, 1, 2), date(2026, 1, 1))
    'The completion date must be today or in the past'
    >>> completion_problem(date(2026, 1, 1), date(2026, 1, 1)) is None
    True
    """
    if completed_on > today:
        return "The completion date must be today or in the past"
    if completed_on < EARLIEST_COMPLETION:
        return "The completion date must be in 1950 or later"
    return None


def record_training(session: Session, actor: Person | None, person: Person,
                    subject: TrainingSubject, completed_on: date, *, today: date,
                    provider: str = "", evidence: str = "",
                    source: str = RecordSource.RECORDED, audited: bool = True
                    ) -> TrainingRecord:
    """Record that ``person`` completed ``subject`` on ``completed_on``.

    Parameters
    ----------
    actor
        Who records it (None for the command line or the system).
    person, subject
        Whose training, and which subject of their organisation's catalogue.
    completed_on
        The day it was completed: from 1950 to ``today``.
    today
        The day it is recorded.
    provider, evidence
        Who delivered it; a certificate number or where the evidence is kept.
    source
        How it came (``RecordSource``): recorded, imported, attendance or passport.
    audited
        Add an audit event (an import adds one for the whole file instead).

    Returns
    -------
    TrainingRecord
        The new record (flushed).

    Raises
    ------
    InvalidInput
        A completion day out of range, or provider or evidence text that cannot be kept.
    RecordRefused
        A subject the person's organisation does not use.
    """
    problems = [Problem(field, message) for field, message in (
        ("completed_on", completion_problem(completed_on, today)),
        ("provider", text_problem(provider, limit=PROVIDER_LIMIT)),
        ("evidence", text_problem(evidence, limit=EVIDENCE_LIMIT))) if message]
    if problems:
        raise InvalidInput(problems, "The training was not recorded")
    partnership_id = person.organisation.partnership_id
    if subject.partnership_id is not None and subject.partnership_id != partnership_id:
        raise RecordRefused(f"{subject.title} is not a subject of {person.organisation.name}")
    record = TrainingRecord(person_id=person.id, subject_id=subject.id,
                            completed_on=completed_on, provider=provider.strip(),
                            evidence=evidence.strip(), organisation_id=person.organisation_id,
                            source=source, recorded_by_id=actor.id if actor else None)
    session.add(record)
    session.flush()
    note_record(session, record)
    if audited:
        audit.record(session, actor, "training_record", "person", person.id,
                     f"{subject.title} completed on {completed_on:%Y-%m-%d}",
                     {"record": record.id, "subject": subject.id, "source": str(source)},
                     concerns=person)
    return record


def records_of(session: Session, person: Person) -> list[TrainingRecord]:
    """Return every record of a person, the latest completion first."""
    return list(session.scalars(
        select(TrainingRecord).where(TrainingRecord.person_id == person.id)
        .order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc())))
