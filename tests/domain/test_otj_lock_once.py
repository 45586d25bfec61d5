"""Off-the-job records lock a row once a transaction (``records.lock_once``).

Logging and approving many entries in one transaction (the demo logs and approves hundreds)
locks the apprenticeship the first time only, and an entry made in the transaction not at
all: the lock is held until the transaction ends, and nobody else sees a new row until then.
A new transaction, or a savepoint, locks again. The limits are still checked every time.
"""

from __future__ import annotations

from datetime import date

import pytest

from pathways.apprenticeships import records
from pathways.apprenticeships.setup import enrol
from pathways.errors import InvalidInput
from tests.factories import make_cohort_world
from tests.recipes import SEED_WITH_PEOPLE

TODAY = date(2026, 11, 24)


@pytest.fixture
def database_url(database_for):
    """The seed pathway and ``make_people``'s people, for ``make_cohort_world``."""
    return database_for(SEED_WITH_PEOPLE)


@pytest.fixture
def locked(monkeypatch):
    """The (class name, id) of every row ``records`` takes the lock on, in order."""
    taken: list[tuple[str, int]] = []
    lock = records.lock_for_update

    def counting(session, row):
        taken.append((type(row).__name__, row.id))
        lock(session, row)
    monkeypatch.setattr(records, "lock_for_update", counting)
    return taken


def _apprenticeship(session):
    world = make_cohort_world(session)
    apprenticeship = enrol(session, world["cohort"], world["staff"],
                           start_date=date(2025, 9, 1), planned_end_date=date(2028, 8, 31),
                           weekly_hours=30)
    return apprenticeship, world["lnd"]


def _log(session, apprenticeship, day: int, hours: float = 7):
    return records.log_hours(session, apprenticeship, worked_on=date(2026, 11, day),
                             hours=hours, activity="taught", today=TODAY)


def test_one_transaction_locks_the_apprenticeship_once_and_its_new_entries_never(
        session, locked):
    apprenticeship, lnd = _apprenticeship(session)
    session.commit()
    for day in (2, 3, 4):
        entry = _log(session, apprenticeship, day)
        records.review_entry(session, entry, "approved", actor=lnd)
    assert locked == [("Apprenticeship", apprenticeship.id)]
    # Still checked each time: a fourth day of 10 hours takes the week over 30.
    with pytest.raises(InvalidInput, match="not logged"):
        _log(session, apprenticeship, 5, hours=10)
    session.commit()
    _log(session, apprenticeship, 9)  # a new transaction locks again
    assert locked == [("Apprenticeship", apprenticeship.id)] * 2


def test_a_savepoint_locks_afresh_and_an_entry_made_before_is_locked_to_review(
        session, locked):
    apprenticeship, lnd = _apprenticeship(session)
    session.commit()
    entry = _log(session, apprenticeship, 2)
    session.commit()
    with session.begin_nested():
        records.review_entry(session, entry, "queried", note="Say more", actor=lnd)
        _log(session, apprenticeship, 3)
    _log(session, apprenticeship, 4)  # back in the outer transaction: locked again
    assert locked == [("Apprenticeship", apprenticeship.id),  # the first entry
                      ("Apprenticeship", apprenticeship.id), ("OtjEntry", entry.id),
                      ("Apprenticeship", apprenticeship.id)]
