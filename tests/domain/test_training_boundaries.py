"""Status boundaries as the database works them out (the matrix's SQL), on both engines: a
leap-day completion, the expiry day and the day after, the window's first day, an
organisation's shorter interval and its own window, and a record made by attendance."""

from datetime import date, time

import pytest

from pathways.models import Person, Role, TrainingSubject
from pathways.training.bookings import book_place, mark_attendance
from pathways.training.matrix import training_matrix
from pathways.training.records import record_training
from pathways.training.requirements import add_requirement
from pathways.training.sessions import SessionDetails, schedule_session
from pathways.training.subjects import set_expiring_window, set_interval
from seed.training import load_subjects
from tests.recipes import TOY_PATHWAY, ids_of, world_fixtures, world_on

#: Completed on a leap day: with fire safety's 12 months it expires on 28 February 2025.
LEAP_DAY = date(2024, 2, 29)


def _build(session, people):
    load_subjects(session)
    staff = people["staff"]
    staff.current_role_id = "care-worker"
    add_requirement(session, None, staff.organisation, session.get(Role, "care-worker"),
                    session.get(TrainingSubject, "fire-safety"))
    record_training(session, None, staff, session.get(TrainingSubject, "fire-safety"),
                    LEAP_DAY, today=LEAP_DAY)
    session.flush()
    return ids_of(people)


WORLD = world_on(TOY_PATHWAY, "training_boundaries", _build)
database_url, world = world_fixtures(WORLD, TOY_PATHWAY)


def status_on(session, person_id, day):
    person = session.get(Person, person_id)
    found = training_matrix(session, person.organisation,
                            Person.id == person_id, day)
    [row] = found.rows
    [cell] = row.cells
    return cell.status.value, cell.expires_on


@pytest.mark.parametrize(("day", "expected"), [
    (date(2024, 11, 29), "up_to_date"),     # 91 days before 28 February 2025
    (date(2024, 11, 30), "expiring_soon"),  # 90 days before: the window's first day
    (date(2025, 2, 28), "expiring_soon"),   # the expiry day itself
    (date(2025, 3, 1), "expired"),          # the day after
    (date(2024, 2, 28), "missing"),         # the day before it was completed
])
def test_a_leap_day_completion_at_every_boundary_in_sql(session, world, day, expected):
    status, expires = status_on(session, world["staff"], day)
    assert status == expected
    if expected != "missing":
        assert expires == date(2025, 2, 28)


def test_an_organisations_shorter_interval_and_window_move_the_boundaries(session, world):
    staff = session.get(Person, world["staff"])
    set_interval(session, None, staff.organisation,
                 session.get(TrainingSubject, "fire-safety"), 6)
    set_expiring_window(session, staff.organisation, 30)
    session.flush()
    # 6 months from 29 February 2024 is 29 August 2024; the window opens 30 days before.
    assert status_on(session, world["staff"], date(2024, 7, 29)) == ("up_to_date",
                                                                     date(2024, 8, 29))
    assert status_on(session, world["staff"], date(2024, 7, 30))[0] == "expiring_soon"
    assert status_on(session, world["staff"], date(2024, 8, 29))[0] == "expiring_soon"
    assert status_on(session, world["staff"], date(2024, 8, 30))[0] == "expired"


def test_attendance_renews_the_status_from_the_sessions_day(session, world):
    staff = session.get(Person, world["colleague"])
    staff.current_role_id = "care-worker"
    lnd = session.get(Person, world["lnd"])
    today = date(2026, 3, 2)
    course = schedule_session(session, lnd, lnd.organisation, SessionDetails(
        "fire-safety", today, time(9, 0), time(12, 0), 4, venue="Room 1",
        trainer_name="Fire"), today=today)
    placed = book_place(session, staff, course, staff, today=today)
    assert status_on(session, staff.id, today)[0] == "missing"
    mark_attendance(session, lnd, placed, True, today=today)
    assert status_on(session, staff.id, today) == ("up_to_date", date(2027, 3, 2))
    assert status_on(session, staff.id, date(2027, 3, 3))[0] == "expired"
