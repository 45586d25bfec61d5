"""Each person's latest completion of each subject, kept as records are written and removed.

``training_latest`` holds one row per person and subject: the record with the latest
completion day (the highest id among records of one day). The partnership summary joins it
instead of finding the maximum over every record of every person (at region size, 6 million
correlated lookups). Every service that writes records keeps it:

- one record (``record_training``: from the web, attendance, passport acceptance):
  ``note_record``;
- many (the import's ``COPY``, the benchmark's load): ``refill_latest`` for the people
  written;
- records removed (a passport acceptance withdrawn): ``records_removed`` for their people
  and subjects. Deleting a record deletes its row here too (the foreign key cascades).

Both writes are one conditional upsert, ``INSERT ... ON CONFLICT (person_id, subject_id) DO
UPDATE ... WHERE`` the new completion is later: never read-then-write, so writers racing on
one person and subject leave the latest of them whatever the order they commit in (the
second waits on the first's row lock and compares with what it committed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import TrainingLatest, TrainingRecord

#: People (or people and subjects) per statement when refilling.
CHUNK = 500


def _upsert(session: Session, source: Select | dict) -> None:
    """Insert the rows of ``source`` into ``training_latest``, each replacing the row of its
    person and subject only when it is later."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(TrainingLatest)
    statement = (insert.from_select(["person_id", "subject_id", "completed_on", "record_id"],
                                    source)
                 if isinstance(source, Select) else insert.values(source))
    new = statement.excluded
    session.execute(statement.on_conflict_do_update(
        index_elements=["person_id", "subject_id"],
        set_={"completed_on": new.completed_on, "record_id": new.record_id},
        where=or_(new.completed_on > TrainingLatest.completed_on,
                  and_(new.completed_on == TrainingLatest.completed_on,
                       new.record_id > TrainingLatest.record_id))))


def note_record(session: Session, record: TrainingRecord) -> None:
    """Make ``record`` its person's latest of its subject if it is later than theirs.

    Examples
    --------
    >>> from datetime import date
    >>> from pathways.models import Partnership, Organisation, Person, TrainingSubject
    >>> org = Organisation(name="Home", partnership=Partnership(name="P"))
    >>> person = Person(email="a@example.org", name="A", organisation=org)
    >>> session.add_all([person, TrainingSubject(id="fire", title="Fire safety")])
    >>> session.flush()
    >>> for day in (date(2026, 1, 5), date(2025, 1, 5)):
    ...     record = TrainingRecord(person_id=person.id, subject_id="fire", completed_on=day)
    ...     session.add(record)
    ...     session.flush()
    ...     note_record(session, record)
    >>> session.scalar(select(TrainingLatest.completed_on))
    datetime.date(2026, 1, 5)
    """
    _upsert(session, {"person_id": record.person_id, "subject_id": record.subject_id,
                      "completed_on": record.completed_on, "record_id": record.id})


def latest_of(records: ColumnElement[bool]) -> Select:
    """Return the SQL of the latest record of each person and subject ``records`` selects:
    ``person_id``, ``subject_id``, ``completed_on``, ``record_id``."""
    last = (select(TrainingRecord.person_id, TrainingRecord.subject_id,
                   func.max(TrainingRecord.completed_on).label("last"))
            .where(records)
            .group_by(TrainingRecord.person_id, TrainingRecord.subject_id).subquery("last"))
    return (select(TrainingRecord.person_id, TrainingRecord.subject_id,
                   TrainingRecord.completed_on, func.max(TrainingRecord.id))
            .join(last, and_(last.c.person_id == TrainingRecord.person_id,
                             last.c.subject_id == TrainingRecord.subject_id,
                             last.c.last == TrainingRecord.completed_on))
            .where(records)  # also SQLite's: INSERT ... SELECT ... ON CONFLICT needs a WHERE
            .group_by(TrainingRecord.person_id, TrainingRecord.subject_id,
                      TrainingRecord.completed_on))


def refill_latest(session: Session, person_ids: Iterable[int] | None = None) -> None:
    """Bring ``training_latest`` up to date with the records of ``person_ids`` (everyone's
    when None), after records were written in bulk.

    One statement per 500 people, so a region's millions of rows never wait in one
    statement's queue of foreign key checks. Rows only move to later completions here;
    records removed go through ``records_removed``.
    """
    session.flush()
    if person_ids is None:  # everyone with a record, a chunk of people a statement
        person_ids = session.scalars(select(TrainingRecord.person_id).distinct())
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), CHUNK):
        _upsert(session, latest_of(TrainingRecord.person_id.in_(ids[start:start + CHUNK])))


def records_removed(session: Session, pairs: Sequence[tuple[int, str]]) -> None:
    """Find the latest again for people and subjects (``(person_id, subject_id)``) some of
    whose records were deleted: the rows of deleted records go (the foreign key has already
    taken them where it is enforced), then the latest of what is left comes back."""
    session.flush()
    wanted = sorted(set(pairs))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        session.execute(delete(TrainingLatest).where(
            tuple_(TrainingLatest.person_id, TrainingLatest.subject_id).in_(chunk),
            ~exists().where(TrainingRecord.id == TrainingLatest.record_id))
            .execution_options(synchronize_session=False))
        _upsert(session, latest_of(
            tuple_(TrainingRecord.person_id, TrainingRecord.subject_id).in_(chunk)))
