"""The demo partnership's training: what each role requires, records of every state, and
course sessions in the coming weeks with places booked, made through the services.

Everything is fictional, and dated relative to the day the demo is loaded:

``training_requirements.csv``
    ``organisation, role, subjects`` (ids separated by ``;``): what each role held at each
    organisation requires, added with ``add_requirement``.
``training_sessions.csv``
    Course sessions (``held_on`` an offset such as ``+6d``), scheduled with
    ``schedule_session``; ``trainer`` is a trainer who works there (email) or
    ``trainer_name`` an outside one; ``booked`` are the people booked by L&D in that order
    with ``book_place``, so a full session has a waiting list.

**Records.** Every person's required subjects get a record by a fixed pattern over the
people (by email, the same on every engine) and their subjects (in the requirements'
order): of each eleven, seven up to date, two expiring soon (expiry 10 to 78 days ahead),
one expired (20 to 110 days ago) and one missing; a subject that does not expire is up to
date or missing (the staff account, ``UNTRAINED``, has none). So the matrix, the
compliance charts, the expiry lists and ``/training/mine`` all have something of each status
whichever day it is loaded. They go in
as one import per organisation (``pathways.training.importer``: checked like any file,
written in batches, the latest completions kept with them), provider and evidence made up.
Deterministic for a given day.
"""

from __future__ import annotations

import csv
import io
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.dates import add_months
from pathways.errors import InvalidInput, Problem
from pathways.models import Organisation, Person, Role, TrainingSubject
from pathways.people.accounts import find_person
from pathways.training.bookings import book_place
from pathways.training.importer import import_training
from pathways.training.requirements import add_requirement
from pathways.training.sessions import SessionDetails, schedule_session
from pathways.training.subjects import intervals_for

from .demo_dates import DEMO_DIR, on

#: Of each ten required subjects in turn, the state its record shows on the load day.
#: Eleven long, so that people with the same requirements do not repeat one another.
PATTERN = ("up_to_date", "up_to_date", "expiring_soon", "up_to_date", "expired",
           "up_to_date", "missing", "up_to_date", "expiring_soon", "up_to_date", "up_to_date")
PROVIDERS = ("Northshire Training Partnership", "Skills for Care endorsed provider",
             "In-house e-learning")
SUMMARY = "The demo's training was not loaded"
#: Jordan Reed, the demo's staff account, starts with no training records, no places and no
#: Fire safety requirement: the training journey (``tests/browser/test_training_journey.py``)
#: has L&D require it, Jordan book and attend it, and his first credential travel.
UNTRAINED = frozenset({"staff@northshire.example"})


def load_demo_training(session: Session, lnd: Person, *, today: date) -> None:
    """Add the demo's requirements, records and course sessions (flushes).

    Raises
    ------
    InvalidInput
        When a demo file names something that does not exist, or its records do not import.
    """
    organisations = {organisation.name: organisation
                     for organisation in session.scalars(select(Organisation))}
    required = _requirements(session, organisations)
    for organisation in organisations.values():
        if organisation.id in required:
            text = records_file(session, organisation, required[organisation.id], today)
            import_training(session, text.encode("utf-8"), organisation, actor=None,
                            today=today)
    _sessions(session, organisations, lnd, today)
    session.flush()


def _rows(name: str) -> list[dict[str, str]]:
    with (DEMO_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _requirements(session: Session, organisations: dict[str, Organisation]
                  ) -> dict[int, dict[str, list[TrainingSubject]]]:
    """Add every requirement; return each organisation's subjects by role."""
    required: dict[int, dict[str, list[TrainingSubject]]] = {}
    for row in _rows("training_requirements.csv"):
        organisation = organisations.get(row["organisation"])
        role = session.get(Role, row["role"])
        if organisation is None or role is None:
            raise InvalidInput([Problem(f"{row['organisation']} {row['role']}",
                                        "is not a demo organisation and role")], SUMMARY)
        for subject_id in row["subjects"].split(";"):
            subject = session.get(TrainingSubject, subject_id)
            if subject is None:
                raise InvalidInput([Problem(subject_id, "is not a training subject")],
                                   SUMMARY)
            add_requirement(session, None, organisation, role, subject)
            required.setdefault(organisation.id, {}).setdefault(role.id, []).append(subject)
    return required


def completed_on(state: str, interval: int | None, turn: int, today: date) -> date | None:
    """The completion that shows ``state`` on ``today`` at a refresh interval in months
    (None: no record). ``turn`` spreads the days so records do not all fall on one.

    Examples
    --------
    >>> completed_on("expiring_soon", 12, 0, date(2026, 11, 24))
    datetime.date(2025, 12, 4)
    >>> completed_on("expired", 12, 1, date(2026, 11, 24))
    datetime.date(2025, 10, 5)
    >>> completed_on("expired", None, 0, date(2026, 11, 24)) is None
    True
    """
    if state == "missing" or (interval is None and state != "up_to_date"):
        return None
    if state == "expiring_soon":  # expires 10 to 78 days from today
        assert interval is not None  # nosec B101 - checked above
        return add_months(today, -interval) + timedelta(days=10 + 17 * (turn % 5))
    if state == "expired":  # expired 20 to 110 days ago
        assert interval is not None  # nosec B101 - checked above
        return add_months(today, -interval) - timedelta(days=20 + 30 * (turn % 4))
    months = max(1, (interval or 24) // 3)  # a third of the way through its interval
    return add_months(today, -months) - timedelta(days=7 * (turn % 4))


def records_file(session: Session, organisation: Organisation,
                 required: dict[str, list[TrainingSubject]], today: date) -> str:
    """The organisation's demo records in the training import's format (CSV text)."""
    people = session.scalars(select(Person).where(Person.organisation_id == organisation.id)
                             .order_by(Person.email)).all()
    subjects = {subject.id: subject for subjects in required.values() for subject in subjects}
    intervals = intervals_for(session, organisation.id, subjects.values())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "subject", "completed_on", "provider", "evidence"])
    turn = 0
    for person in people:
        if person.email in UNTRAINED:
            continue
        for subject in required.get(person.current_role_id or "", []):
            day = completed_on(PATTERN[turn % len(PATTERN)], intervals[subject.id], turn,
                               today)
            if day is not None:
                writer.writerow([person.email, subject.id, day.isoformat(),
                                 PROVIDERS[turn % len(PROVIDERS)], f"DEMO-{1000 + turn}"])
            turn += 1
    return out.getvalue()


def _sessions(session: Session, organisations: dict[str, Organisation], lnd: Person,
              today: date) -> None:
    """Schedule the demo's course sessions and book their places, in the file's order."""
    for row in _rows("training_sessions.csv"):
        organisation = organisations[row["organisation"]]
        trainer = find_person(session, row["trainer"]) if row["trainer"] else None
        details = SessionDetails(
            subject_id=row["subject"], held_on=on(row["held_on"], today),
            starts_at=time.fromisoformat(row["starts_at"]),
            ends_at=time.fromisoformat(row["ends_at"]), capacity=int(row["capacity"]),
            venue=row["venue"], online_link=row["online_link"],
            trainer_id=trainer.id if trainer else None, trainer_name=row["trainer_name"])
        course = schedule_session(session, lnd, organisation, details, today=today)
        for email in row["booked"].split(";"):
            person = find_person(session, email)
            if person is None:
                raise InvalidInput([Problem(email, "is not among the demo staff")], SUMMARY)
            book_place(session, lnd if person.organisation_id == lnd.organisation_id
                       else None, course, person, today=today)
