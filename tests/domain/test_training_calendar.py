"""The training calendar: sessions, booking, the waiting list, cancelling and attendance
(pathways.training.sessions, .bookings), on both engines, races included."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from pathways.errors import EditConflict, InvalidInput
from pathways.models import (
    AuditEvent,
    BookingState,
    CourseBooking,
    CourseSession,
    Notification,
    Person,
    TrainingRecord,
)
from pathways.people.accounts import create_person
from pathways.training.bookings import (
    BookingRefused,
    book_place,
    cancel_place,
    mark_attendance,
)
from pathways.training.sessions import (
    SessionDetails,
    SessionRefused,
    cancel_session,
    edit_session,
    link_problem,
    places_taken,
    schedule_session,
)
from seed.training import load_subjects
from tests.concurrency import Act, done, race
from tests.recipes import TOY_PATHWAY, ids_of, world_fixtures, world_on

TODAY = date(2026, 6, 15)
DAY = date(2026, 7, 1)


def _build(session, people):
    load_subjects(session)
    council = people["staff"].organisation
    for number in range(6):
        create_person(session, email=f"learner-{number}@example.org", name=f"Learner {number}",
                      organisation=council, roles=["staff"])
    session.flush()
    return ids_of(people)


WORLD = world_on(TOY_PATHWAY, "training_calendar", _build)
database_url, world = world_fixtures(WORLD, TOY_PATHWAY)


def details(**changes) -> SessionDetails:
    values = {"subject_id": "fire-safety", "held_on": DAY, "starts_at": time(9, 30),
              "ends_at": time(12, 30), "capacity": 2, "venue": "Room 4, County Hall",
              "trainer_name": "Northshire Fire Service"}
    values.update(changes)
    return SessionDetails(**values)


def person(session, key) -> Person:
    found = session.scalar(select(Person).where(Person.email == f"{key}@example.org"))
    assert found is not None
    return found


def learners(session, count):
    return [person(session, f"learner-{number}") for number in range(count)]


def schedule(session, **changes) -> CourseSession:
    lnd = person(session, "lnd")
    return schedule_session(session, lnd, lnd.organisation, details(**changes), today=TODAY)


def states(session, course) -> dict[str, str]:
    rows = session.execute(select(Person.email, CourseBooking.state)
                           .join(Person, Person.id == CourseBooking.person_id)
                           .where(CourseBooking.session_id == course.id))
    return {email.split("@")[0]: state for email, state in rows}


# Scheduling ------------------------------------------------------------------------------


def test_a_session_is_scheduled_with_its_details_and_an_audit_event(session, world):
    course = schedule(session, online_link="https://meet.example.org/fire")
    assert (course.held_on, course.starts_at, course.capacity, course.state) == (
        DAY, time(9, 30), 2, "scheduled")
    assert course.online_link == "https://meet.example.org/fire"
    assert session.scalar(select(func.count(AuditEvent.id))
                          .where(AuditEvent.action == "course_scheduled")) == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"subject_id": "no-such-subject"}, "subject_id"),
    ({"held_on": date(2026, 6, 14)}, "held_on"),
    ({"held_on": None}, "held_on"),
    ({"held_on": date(2029, 1, 1)}, "held_on"),
    ({"ends_at": time(9, 30)}, "ends_at"),
    ({"starts_at": None}, "starts_at"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": 501}, "capacity"),
    ({"capacity": None}, "capacity"),
    ({"venue": "", "online_link": ""}, "venue"),
    ({"online_link": "javascript:alert(1)"}, "online_link"),
    ({"online_link": "http://meet.example.org"}, "online_link"),
    ({"venue": "Room\x00 4"}, "venue"),
    ({"venue": "x" * 301}, "venue"),
    ({"trainer_name": ""}, "trainer_name"),
    ({"trainer_id": 10**9}, "trainer_id"),
])
def test_details_that_cannot_be_kept_are_refused_by_field(session, world, changes, field):
    with pytest.raises(InvalidInput) as refused:
        schedule(session, **changes)
    assert field in [problem.where for problem in refused.value.problems]
    assert session.scalar(select(func.count(CourseSession.id))) == 0


def test_a_trainer_must_work_at_the_organisation(session, world):
    outsider = person(session, "outsider")
    with pytest.raises(InvalidInput, match="trainer"):
        schedule(session, trainer_id=outsider.id, trainer_name="")
    colleague = person(session, "colleague")
    assert schedule(session, trainer_id=colleague.id, trainer_name="").trainer_id == colleague.id


def test_online_links_are_https_only():
    assert link_problem("https://x.example/a?b=c") is None
    assert link_problem("ftp://x.example") is not None
    assert link_problem("https://") is not None
    assert link_problem("https://x.example/a b") is not None


# Booking and the waiting list ------------------------------------------------------------


def test_booking_fills_the_places_then_the_waiting_list_in_order(session, world):
    course = schedule(session)
    first, second, third, fourth = learners(session, 4)
    lnd = person(session, "lnd")
    for learner in (first, second, third, fourth):
        book_place(session, learner, course, learner, today=TODAY)
    assert states(session, course) == {"learner-0": "booked", "learner-1": "booked",
                                       "learner-2": "waiting", "learner-3": "waiting"}
    assert places_taken(session, course) == 2
    moved = cancel_place(session, lnd, booking(session, course, second), today=TODAY)
    assert [row.person_id for row in moved] == [third.id]
    assert states(session, course)["learner-2"] == "booked"
    told = session.scalars(select(Notification).where(Notification.recipient_id == third.id))
    assert "A place came free" in told.one().text


def booking(session, course, learner) -> CourseBooking:
    found = session.scalar(select(CourseBooking).where(CourseBooking.session_id == course.id,
                                                       CourseBooking.person_id == learner.id))
    assert found is not None
    return found


def test_cancelling_a_waiting_place_moves_nobody_and_a_rebooking_joins_the_end(session, world):
    course = schedule(session, capacity=1)
    first, second, third = learners(session, 3)
    for learner in (first, second, third):
        book_place(session, learner, course, learner, today=TODAY)
    assert cancel_place(session, second, booking(session, course, second), today=TODAY) == []
    book_place(session, second, course, second, today=TODAY)  # the same row, queued again
    cancel_place(session, first, booking(session, course, first), today=TODAY)
    assert states(session, course) == {"learner-0": "cancelled", "learner-1": "waiting",
                                       "learner-2": "booked"}
    assert session.scalar(select(func.count(CourseBooking.id))) == 3


def test_a_manager_books_for_their_team_and_the_person_is_told(session, world):
    course = schedule(session)
    manager, staff = person(session, "manager"), person(session, "staff")
    placed = book_place(session, manager, course, staff, today=TODAY)
    assert (placed.state, placed.booked_by_id) == ("booked", manager.id)
    told = session.scalars(select(Notification).where(Notification.recipient_id == staff.id))
    assert "manager booked you a place on Fire safety" in told.one().text


@pytest.mark.parametrize("case", ["twice", "elsewhere", "past", "cancelled", "disabled"])
def test_bookings_that_cannot_be_made_are_refused(session, world, case):
    course = schedule(session)
    staff = person(session, "staff")
    today = TODAY
    if case == "twice":
        book_place(session, staff, course, staff, today=TODAY)
    elif case == "elsewhere":
        staff = person(session, "partner_staff")
    elif case == "past":
        today = date(2026, 7, 2)
    elif case == "cancelled":
        cancel_session(session, None, course, "The trainer is ill")
    else:
        staff.active = False
    with pytest.raises(BookingRefused):
        book_place(session, staff, course, staff, today=today)


def test_a_booking_cannot_be_cancelled_twice_or_after_the_session(session, world):
    course = schedule(session)
    staff = person(session, "staff")
    placed = book_place(session, staff, course, staff, today=TODAY)
    with pytest.raises(BookingRefused, match="taken place"):
        cancel_place(session, staff, placed, today=date(2026, 7, 2))
    cancel_place(session, staff, placed, today=TODAY)
    with pytest.raises(BookingRefused, match="cancelled"):
        cancel_place(session, staff, placed, today=TODAY)


# Changing and cancelling a session -------------------------------------------------------


def test_more_places_move_the_waiting_list_up_and_fewer_than_taken_is_refused(session, world):
    course = schedule(session, capacity=1)
    for learner in learners(session, 3):
        book_place(session, learner, course, learner, today=TODAY)
    edit_session(session, None, course, details(capacity=2), seen_version=1, today=TODAY)
    assert places_taken(session, course) == 2 and course.version == 2
    with pytest.raises(SessionRefused, match="2 places are taken"):
        edit_session(session, None, course, details(capacity=1), seen_version=2, today=TODAY)


def test_an_edit_on_an_old_version_is_refused_not_overwritten(session, world):
    course = schedule(session)
    edit_session(session, None, course, details(venue="Room 5"), seen_version=1, today=TODAY)
    with pytest.raises(EditConflict):
        edit_session(session, None, course, details(venue="Room 6"), seen_version=1,
                     today=TODAY)
    session.expire_all()
    assert session.get(CourseSession, course.id).venue == "Room 5"


def test_cancelling_a_session_cancels_its_bookings_and_tells_everyone_once(session, world):
    course = schedule(session, capacity=1)
    for learner in learners(session, 2):
        book_place(session, learner, course, learner, today=TODAY)
    with pytest.raises(InvalidInput):
        cancel_session(session, None, course, "  ")
    cancel_session(session, None, course, "The trainer is ill")
    assert set(states(session, course).values()) == {"cancelled"}
    assert session.scalar(select(func.count(Notification.id))
                          .where(Notification.kind == "course_cancelled")) == 2
    with pytest.raises(SessionRefused):
        cancel_session(session, None, course, "Again")
    with pytest.raises(SessionRefused):
        edit_session(session, None, course, details(), seen_version=course.version,
                     today=TODAY)


# Attendance ------------------------------------------------------------------------------


def test_attendance_makes_the_training_record_once(session, world):
    staff, lnd = person(session, "staff"), person(session, "lnd")
    course = schedule(session, trainer_name="", trainer_id=lnd.id)  # their own trainer
    placed = book_place(session, staff, course, staff, today=TODAY)
    with pytest.raises(BookingRefused, match="from the day"):
        mark_attendance(session, lnd, placed, True, today=TODAY)
    record = mark_attendance(session, lnd, placed, True, today=DAY)
    again = mark_attendance(session, lnd, placed, True, today=date(2026, 7, 3))
    assert record is not None and again is not None and again.id == record.id
    assert (record.completed_on, record.source, record.subject_id) == (
        DAY, "attendance", "fire-safety")
    assert record.provider == lnd.organisation.name
    assert placed.record_id == record.id and placed.state == "attended"
    assert session.scalar(select(func.count(TrainingRecord.id))) == 1
    with pytest.raises(BookingRefused, match="stays"):
        mark_attendance(session, lnd, placed, False, today=DAY)


def test_absence_makes_no_record_and_only_booked_people_are_marked(session, world):
    course = schedule(session, capacity=1)
    first, second = learners(session, 2)
    for learner in (first, second):
        book_place(session, learner, course, learner, today=TODAY)
    assert mark_attendance(session, None, booking(session, course, first), False,
                           today=DAY) is None
    assert mark_attendance(session, None, booking(session, course, first), False,
                           today=DAY) is None
    with pytest.raises(BookingRefused, match="waiting"):
        mark_attendance(session, None, booking(session, course, second), True, today=DAY)
    record = mark_attendance(session, None, booking(session, course, first), True, today=DAY)
    assert record is not None and record.provider == "Northshire Fire Service"


# Races -----------------------------------------------------------------------------------


def _course_for_race(session, capacity):
    course = schedule(session, capacity=capacity)
    ids = [learner.id for learner in learners(session, 5)]
    course_id = course.id
    session.commit()
    return course_id, ids


def booking_of_learner(course_id, person_id):
    def prepare(other) -> Act:
        course, learner = other.get(CourseSession, course_id), other.get(Person, person_id)
        return lambda: book_place(other, learner, course, learner, today=TODAY)
    return prepare


def test_five_people_booking_two_places_at_once_never_overbook(session, world, database_url):
    course_id, ids = _course_for_race(session, capacity=2)
    outcomes = race(database_url, [booking_of_learner(course_id, person) for person in ids])
    assert done(outcomes) == 5, outcomes  # the others join the waiting list
    session.expire_all()
    counts = dict(session.execute(select(CourseBooking.state, func.count(CourseBooking.id))
                                  .where(CourseBooking.session_id == course_id)
                                  .group_by(CourseBooking.state)).all())
    assert counts == {"booked": 2, "waiting": 3}


def test_a_cancellation_and_bookings_at_once_keep_the_count(session, world, database_url):
    course_id, ids = _course_for_race(session, capacity=1)
    holder = session.get(Person, ids[0])
    book_place(session, holder, session.get(CourseSession, course_id), holder, today=TODAY)
    session.commit()

    def cancelling(other) -> Act:
        held = other.scalar(select(CourseBooking).where(CourseBooking.person_id == ids[0]))
        return lambda: cancel_place(other, None, held, today=TODAY)

    outcomes = race(database_url, [cancelling] + [booking_of_learner(course_id, person)
                                                  for person in ids[1:]])
    assert done(outcomes) == 5, outcomes
    session.expire_all()
    course = session.get(CourseSession, course_id)
    assert places_taken(session, course) == 1
    assert session.scalar(select(func.count(CourseBooking.id)).where(
        CourseBooking.state == BookingState.WAITING)) == 3


def test_two_markers_at_once_make_one_record(session, world, database_url):
    course_id, ids = _course_for_race(session, capacity=2)
    learner = session.get(Person, ids[0])
    placed = book_place(session, learner, session.get(CourseSession, course_id), learner,
                        today=TODAY)
    booking_id = placed.id
    session.commit()

    def marking(other) -> Act:
        held = other.get(CourseBooking, booking_id)
        return lambda: mark_attendance(other, None, held, True, today=DAY)

    assert done(race(database_url, [marking, marking, marking])) == 3
    session.expire_all()
    assert session.scalar(select(func.count(TrainingRecord.id))) == 1
    assert session.get(CourseBooking, booking_id).record_id is not None


# iCalendar feeds -------------------------------------------------------------------------


def test_a_persons_feed_parses_back_with_their_places(session, world):
    from icalendar import Calendar

    from pathways.training.feeds import ENGLAND, new_feed_token, person_feed, person_for_token

    first, second = learners(session, 2)
    course = schedule(session, capacity=1, online_link="https://meet.example.org/fire")
    other = schedule(session, held_on=date(2026, 8, 3), venue="Hall <b>&amp;</b>")
    for learner in (first, second):
        book_place(session, learner, course, learner, today=TODAY)
    book_place(session, second, other, second, today=TODAY)
    cancel_session(session, None, other, "The room flooded")
    token = new_feed_token(session, second)
    assert person_for_token(session, token).id == second.id
    parsed = Calendar.from_ical(person_feed(session, second, today=TODAY))
    events = sorted(parsed.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))
    assert [str(event["status"]) for event in events] == ["TENTATIVE", "CANCELLED"]
    start = events[0].decoded("dtstart")
    assert (start.date(), start.hour, start.minute) == (DAY, 9, 30)
    assert start.utcoffset() == timedelta(hours=1)  # British Summer Time in July
    assert str(events[0]["uid"]) == f"course-session-{course.id}@care-career-pathways"
    assert str(events[1]["location"]) == "Hall <b>&amp;</b>"  # text, as typed
    assert "The room flooded" in str(events[1]["description"])
    assert str(events[0]["url"]) == "https://meet.example.org/fire"
    assert parsed.walk("VTIMEZONE")[0]["tzid"] == str(ENGLAND)


def test_a_new_token_closes_the_old_address(session, world):
    from pathways.training.feeds import has_feed, new_feed_token, person_for_token

    staff = person(session, "staff")
    assert not has_feed(session, staff)
    old = new_feed_token(session, staff)
    new = new_feed_token(session, staff)
    assert old != new and has_feed(session, staff)
    assert person_for_token(session, old) is None
    assert person_for_token(session, new).id == staff.id
    assert person_for_token(session, "") is None
    assert person_for_token(session, "x" * 1000) is None


def test_a_course_feed_lists_the_subjects_sessions_at_the_organisation(session, world):
    from icalendar import Calendar

    from pathways.models import TrainingSubject
    from pathways.training.feeds import course_feed

    schedule(session)
    schedule(session, held_on=date(2026, 9, 1), ends_at=time(16, 0))
    schedule(session, subject_id="safeguarding-adults")
    staff = person(session, "staff")
    fire = session.get(TrainingSubject, "fire-safety")
    parsed = Calendar.from_ical(course_feed(session, staff, fire, today=TODAY))
    events = parsed.walk("VEVENT")
    assert len(events) == 2 and {str(event["summary"]) for event in events} == {fire.title}
    assert {str(event["status"]) for event in events} == {"CONFIRMED"}
    partner = person(session, "partner_staff")
    assert Calendar.from_ical(course_feed(session, partner, fire, today=TODAY)).walk(
        "VEVENT") == []
