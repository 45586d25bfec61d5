"""``training_latest`` equals the latest record of each person and subject after every service
that writes records (pathways.training.latest), on both engines, racing writers included."""

from datetime import date, time

import pytest
from sqlalchemy import delete, func, select

from pathways.models import IssuedCredential, Person, TrainingLatest, TrainingRecord
from pathways.passport.credentials import issue_passport
from pathways.passport.sharing import accept_credentials
from pathways.passport.status_list import revoke_credential
from pathways.people.accounts import create_person
from pathways.training.bookings import book_place, mark_attendance
from pathways.training.importer import import_training
from pathways.training.latest import latest_of, refill_latest
from pathways.training.sessions import SessionDetails, schedule_session
from tests.concurrency import race
from tests.domain.test_passport import BASE
from tests.domain.test_passport_sharing import newcomer, receiver, world  # noqa: F401
from tests.domain.test_passport_sharing import record as record_fire
from tests.recipes import TOY_WITH_PEOPLE

TODAY = date(2026, 6, 15)


@pytest.fixture
def database_url(database_for):
    return database_for(TOY_WITH_PEOPLE)


def kept(session) -> set[tuple]:
    session.flush()
    return set(session.execute(select(TrainingLatest.person_id, TrainingLatest.subject_id,
                                      TrainingLatest.completed_on, TrainingLatest.record_id)))


def worked_out(session) -> set[tuple]:
    """The latest record of each person and subject, from the records themselves."""
    return {tuple(row) for row in session.execute(latest_of(TrainingRecord.id.is_not(None)))}


def assert_consistent(session) -> set[tuple]:
    found = kept(session)
    assert found == worked_out(session)
    return found


def test_recording_keeps_the_latest_whatever_the_order(session, world):  # noqa: F811
    staff = world["staff"]
    later = record_fire(session, staff, completed=date(2026, 3, 2))
    record_fire(session, staff, completed=date(2025, 3, 2))
    assert assert_consistent(session) == {(staff.id, "fire-safety", date(2026, 3, 2),
                                           later.id)}
    same_day = record_fire(session, staff, completed=date(2026, 3, 2))
    assert assert_consistent(session) == {(staff.id, "fire-safety", date(2026, 3, 2),
                                           same_day.id)}
    record_fire(session, staff, "safeguarding-adults", completed=date(2026, 1, 1))
    assert len(assert_consistent(session)) == 2


def test_an_import_keeps_the_latest(session, world):  # noqa: F811
    staff = world["staff"]
    record_fire(session, staff, completed=date(2026, 3, 2))
    world["colleague"].staff_id = "E7"
    result = import_training(session, (
        "email,staff_id,subject,completed_on,provider,evidence\n"
        "staff@example.org,,Fire safety,2026-01-01,,\n"      # older: stays as it was
        "staff@example.org,,Fire safety,2026-05-01,,\n"      # later: the latest now
        ",E7,safeguarding-adults,01/02/2026,,\n"), staff.organisation, today=TODAY)
    assert result.added == 3
    found = assert_consistent(session)
    assert {(person_id, subject, day) for person_id, subject, day, _id in found} == {
        (staff.id, "fire-safety", date(2026, 5, 1)),
        (world["colleague"].id, "safeguarding-adults", date(2026, 2, 1))}


def test_attendance_keeps_the_latest(session, world):  # noqa: F811
    staff, lnd = world["staff"], world["lnd"]
    record_fire(session, staff, completed=date(2025, 1, 1))
    course = schedule_session(session, lnd, lnd.organisation, SessionDetails(
        subject_id="fire-safety", held_on=TODAY, starts_at=time(9, 30), ends_at=time(12, 0),
        capacity=2, venue="Room 4", trainer_name="Northshire Fire"), today=TODAY)
    placed = book_place(session, staff, course, staff, today=TODAY)
    made = mark_attendance(session, lnd, placed, True, today=TODAY)
    assert made is not None
    assert assert_consistent(session) == {(staff.id, "fire-safety", TODAY, made.id)}


def test_accepting_and_revoking_a_passport_keeps_the_latest(
        session, world, newcomer, receiver):  # noqa: F811
    record_fire(session, newcomer, completed=date(2024, 1, 10))  # older, at the new place
    record_fire(session, world["staff"])
    tokens = issue_passport(session, world["staff"], today=TODAY, base_url=BASE)
    accept_credentials(session, receiver, newcomer, tokens, today=TODAY, base_url=BASE)
    found = assert_consistent(session)
    assert (newcomer.id, "fire-safety", date(2026, 3, 2)) in {row[:3] for row in found}
    revoke_credential(session, world["lnd"], session.scalars(
        select(IssuedCredential).where(IssuedCredential.person_id == world["staff"].id)).one())
    found = assert_consistent(session)
    assert (newcomer.id, "fire-safety", date(2024, 1, 10)) in {row[:3] for row in found}


def test_removing_people_or_records_removes_their_rows(session, world):  # noqa: F811
    leaver = create_person(session, email="leaver@example.org", name="Leaver",
                           organisation=world["staff"].organisation, roles=["staff"])
    record_fire(session, leaver)
    record_fire(session, world["staff"])
    session.execute(delete(Person).where(Person.id == leaver.id))
    assert {row[0] for row in assert_consistent(session)} == {world["staff"].id}
    session.execute(delete(TrainingRecord))
    assert assert_consistent(session) == set()


def test_a_refill_finds_what_bulk_writes_left_out(session, world):  # noqa: F811
    staff = world["staff"]
    session.add_all([TrainingRecord(person_id=staff.id, subject_id="fire-safety",
                                    completed_on=day)
                     for day in (date(2025, 1, 1), date(2026, 1, 1))])
    refill_latest(session, [staff.id])
    assert len(assert_consistent(session)) == 1
    session.add(TrainingRecord(person_id=world["colleague"].id, subject_id="fire-safety",
                               completed_on=date(2026, 2, 2)))
    refill_latest(session)
    assert len(assert_consistent(session)) == 2


def test_writers_racing_on_one_person_leave_the_latest(session, world, database_url):  # noqa: F811
    staff_id = world["staff"].id
    session.commit()
    days = [date(2026, 3, 1), date(2026, 5, 1), date(2026, 4, 1), date(2025, 12, 1)]

    def recorder(day):
        def prepare(session):
            staff = session.get(Person, staff_id)
            staff.organisation  # noqa: B018  (loaded before the race)
            return lambda: record_fire(session, staff, completed=day)
        return prepare

    assert race(database_url, [recorder(day) for day in days]) == ["done"] * 4
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(TrainingRecord)) == 4
    found = assert_consistent(session)
    assert {row[2] for row in found} == {date(2026, 5, 1)}
