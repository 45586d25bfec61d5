"""Training records from a CSV or XLSX file: all or nothing, every problem named by its row.

The first row names the columns (any case, spaces or underscores)::

    email,staff_id,subject,completed_on,provider,evidence
    sam.poole@example.org,E101,Safeguarding adults,2026-03-14,Northshire Training,CERT-2291

``subject`` and ``completed_on`` are required, and each row names the person by ``email`` or
``staff_id`` (or both, which must be the same person) of the organisation imported into.
The subject is an id or title, any case, of the organisation's catalogue; the completion
date is YYYY-MM-DD or DD/MM/YYYY, from 1950 to the day of the import. A row that repeats a
stored record (same person, subject and completion day) is left out and counted; two rows
that say the same are refused. Every row is checked first; any problem and nothing is
written (``InvalidInput``, ``row N: column: reason``); then the records are inserted in
batches (``COPY`` on PostgreSQL: :mod:`pathways.bulk`), with one audit event for the file.
A file has no row limit (an upload keeps its byte limit): it is read a row at a time, and
what is kept per row is its key (person, subject, day) and its two texts.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from datetime import date
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, bulk, clock
from ..csv_input import parse_date, read_upload, row_problems, text_problem
from ..errors import InvalidInput, Problem
from ..models import Organisation, Person, RecordSource, TrainingRecord
from ..spreadsheets import iter_table
from .latest import refill_latest
from .records import EVIDENCE_LIMIT, PROVIDER_LIMIT, completion_problem
from .subjects import subjects_for

COLUMNS = ("email", "staff_id", "subject", "completed_on", "provider", "evidence")
REQUIRED_COLUMNS = ("subject", "completed_on")
SUMMARY = "The training records were not imported"
#: The template's example row, in the order of ``COLUMNS`` (``pathways.spreadsheets``).
TEMPLATE_ROW = ("sam.poole@example.org", "E101", "Safeguarding adults", "2026-03-14",
                "Northshire Training", "CERT-2291")


@dataclass(frozen=True)
class TrainingImport:
    """What an import did: records added, and rows left out as already recorded."""

    added: int
    already_recorded: int


def import_training(session: Session, source: str | os.PathLike | bytes,
                    organisation: Organisation, actor: Person | None = None, *,
                    today: date | None = None) -> TrainingImport:
    """Import training records for the people of ``organisation`` from a CSV or XLSX file.

    Parameters
    ----------
    source
        A path, CSV text or the file's bytes.
    organisation
        Whose people the rows name.
    actor
        Who imports (None for the command line).
    today
        The day of the import (default ``pathways.clock.today()``): no completion after it.

    Returns
    -------
    TrainingImport
        How many records were added, and how many rows were already recorded.

    Raises
    ------
    InvalidInput
        Listing every problem as ``row N: column: reason``; nothing is written.

    Examples
    --------
    >>> import_training(session, "email,subject,completed_on\\n", council)
    TrainingImport(added=0, already_recorded=0)
    """
    today = today or clock.today()
    read: list[Problem] = []  # the file's own problems, reported before the rows'
    problems: list[Problem] = []
    rows = iter_table(source, COLUMNS, REQUIRED_COLUMNS, read, SUMMARY, noun="records")
    first = next(rows, None)
    if first is not None and "email" not in first[1] and "staff_id" not in first[1]:
        raise InvalidInput([Problem("row 1", "name the people by an email or staff_id column")],
                           SUMMARY)
    by_email, by_staff_id = _people(session, organisation)
    subjects = {}
    for subject in subjects_for(session, organisation):
        subjects[subject.id] = subjects[subject.title.casefold()] = subject.id
    checked: dict[tuple[int, str, date], int] = {}
    details: dict[tuple[int, str, date], tuple[str, str]] = {}
    for number, row in itertools.chain([first] if first else [], rows):
        problem = row_problems(number, problems)
        person_id = _person_of(row, by_email, by_staff_id, problem)
        subject_text = " ".join(row.get("subject", "").split())
        subject_id = subjects.get(subject_text.casefold()) if subject_text else None
        if not subject_text:
            problem("subject", "is empty")
        elif subject_id is None:
            problem("subject", f"{subject_text!r} is not a subject of {organisation.name}")
        completed = parse_date(row.get("completed_on"), "completed_on", problem)
        if completed is None and not row.get("completed_on"):
            problem("completed_on", "is empty")
        elif completed is not None and (reason := completion_problem(completed, today)):
            problem("completed_on", reason)
        provider, evidence = row.get("provider", ""), row.get("evidence", "")
        for column, value, limit in (("provider", provider, PROVIDER_LIMIT),
                                     ("evidence", evidence, EVIDENCE_LIMIT)):
            if (reason := text_problem(value, limit=limit)) is not None:
                problem(column, reason)
        if person_id is None or subject_id is None or completed is None:
            continue
        key = (person_id, subject_id, completed)
        if key in checked:
            problem("subject", f"the same record is on row {checked[key]}")
            continue
        checked[key] = number
        details[key] = (provider, evidence)
    if read or problems:
        raise InvalidInput(read + problems, SUMMARY)
    stored = _stored(session, list(checked))
    new = [key for key in checked if key not in stored]
    if new:
        recorded_by, now = (actor.id if actor is not None else None), clock.now()
        session.flush()
        bulk.write_rows(session.connection(), TrainingRecord.__table__, (
            {"person_id": person_id, "subject_id": subject_id, "completed_on": completed,
             "provider": details[(person_id, subject_id, completed)][0],
             "evidence": details[(person_id, subject_id, completed)][1],
             "organisation_id": organisation.id, "source": RecordSource.IMPORTED.value,
             "recorded_by_id": recorded_by, "recorded_at": now}
            for person_id, subject_id, completed in new))
        refill_latest(session, {person_id for person_id, _subject, _day in new})
    audit.record(session, actor, "import", "organisation", organisation.id,
                 f"Imported {len(new)} training record(s)",
                 {"added": len(new), "already_recorded": len(stored)}, concerns=organisation)
    session.flush()
    return TrainingImport(len(new), len(stored))


def import_training_upload(session: Session, upload: IO[bytes], organisation: Organisation,
                           actor: Person | None = None, *, today: date | None = None
                           ) -> TrainingImport:
    """Import training records from an uploaded file object (at most ``csv_input.MAX_BYTES``)."""
    return import_training(session, read_upload(upload, SUMMARY), organisation, actor,
                           today=today)


def _people(session: Session, organisation: Organisation
            ) -> tuple[dict[str, int], dict[str, int]]:
    """Return the organisation's people by email and by staff id (one query)."""
    by_email, by_staff_id = {}, {}
    for person_id, email, staff_id in session.execute(
            select(Person.id, Person.email, Person.staff_id)
            .where(Person.organisation_id == organisation.id)):
        by_email[email.lower()] = person_id
        if staff_id:
            by_staff_id[staff_id.strip().casefold()] = person_id
    return by_email, by_staff_id


def _person_of(row: dict[str, str], by_email: dict[str, int], by_staff_id: dict[str, int],
               problem) -> int | None:
    """Return the person a row names by email and/or staff id, or None (with a problem)."""
    email = row.get("email", "").strip().lower()
    staff_id = row.get("staff_id", "").strip()
    if not email and not staff_id:
        problem("email", "is empty: name the person by email or staff_id")
        return None
    found_by_email = by_email.get(email) if email else None
    found_by_staff_id = by_staff_id.get(staff_id.casefold()) if staff_id else None
    if email and found_by_email is None:
        problem("email", f"nobody with {email} works at this organisation")
        return None
    if staff_id and found_by_staff_id is None:
        problem("staff_id", f"nobody with staff id {staff_id} works at this organisation")
        return None
    if found_by_email and found_by_staff_id and found_by_email != found_by_staff_id:
        problem("staff_id", f"{staff_id} is someone else's staff id than {email}'s")
        return None
    return found_by_email or found_by_staff_id


def _stored(session: Session, keys: list[tuple[int, str, date]]
            ) -> set[tuple[int, str, date]]:
    """Return which of the (person, subject, completion) keys are stored already."""
    found: set[tuple[int, str, date]] = set()
    people = sorted({person_id for person_id, _subject, _day in keys})
    wanted = set(keys)
    for start in range(0, len(people), 500):
        chunk = people[start:start + 500]
        for key in session.execute(
                select(TrainingRecord.person_id, TrainingRecord.subject_id,
                       TrainingRecord.completed_on)
                .where(TrainingRecord.person_id.in_(chunk))):
            if tuple(key) in wanted:
                found.add((key[0], key[1], key[2]))
    return found
