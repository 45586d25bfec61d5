"""The training calendar's pages: scheduling, booking, the waiting list, attendance and the
feeds, with who may do each and what hostile input gets."""

import re
from datetime import time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from pathways import clock
from pathways.models import CourseBooking, CourseSession, Person, TrainingRecord
from pathways.training.bookings import book_place
from pathways.training.sessions import SessionDetails, schedule_session
from seed.training import load_subjects
from webapp.extensions import db

TODAY = clock.today()
LATER = TODAY + timedelta(days=21)


@pytest.fixture
def course(app, people):
    """A fire safety session in three weeks with two places, and one on today."""
    with app.app_context():
        load_subjects(db.session)
        lnd = db.session.get(Person, people["lnd"])
        ids = {}
        for name, day in (("later", LATER), ("today", TODAY)):
            ids[name] = schedule_session(db.session, lnd, lnd.organisation, SessionDetails(
                "fire-safety", day, time(9, 30), time(12, 30), 2, venue="Room 4",
                trainer_name="Northshire Fire"), today=TODAY).id
        db.session.commit()
    return ids


def form(**changes):
    values = {"subject": "fire-safety", "held_on": [str(LATER.day), str(LATER.month),
                                                     str(LATER.year)],
              "starts_at": "09:30", "ends_at": "12:30", "capacity": "8", "venue": "Room 1",
              "online_link": "", "trainer_email": "", "trainer_name": "Fire service",
              "notes": ""}
    values.update(changes)
    return values


def states(app, course_id):
    with app.app_context():
        rows = db.session.execute(select(Person.email, CourseBooking.state)
                                  .join(Person, Person.id == CourseBooking.person_id)
                                  .where(CourseBooking.session_id == course_id))
        return {email.split("@")[0]: state for email, state in rows}


# Scheduling ------------------------------------------------------------------------------


def test_lnd_schedule_a_session_and_others_may_not(app, client, enter, course):
    enter("staff")
    assert client.get("/training/courses/new").status_code == 403
    assert client.post("/training/courses/new", data=form()).status_code == 403
    enter("lnd")
    assert client.get("/training/courses/new").status_code == 200
    answer = client.post("/training/courses/new", data=form())
    assert answer.status_code == 303
    page = client.get(answer.headers["Location"]).text
    assert "The session is scheduled" in page and "Room 1" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"subject": ""}, "Choose a training subject"),
    ({"subject": "no-such"}, "Not a valid choice"),
    ({"starts_at": "25:00"}, "as hours and minutes"),
    ({"ends_at": "08:00"}, "must end after it starts"),
    ({"capacity": "0"}, "from 1 to 500"),
    ({"capacity": "99999999999999999999"}, "from 1 to 500"),
    ({"venue": "", "online_link": ""}, "Enter a venue or an online link"),
    ({"online_link": "javascript:alert(1)"}, "starting with https://"),
    ({"venue": "Room\x00 1"}, "control character"),
    ({"trainer_email": "someone@elsewhere.org", "trainer_name": ""}, "works at the organisation"),
    ({"held_on": ["31", "2", "2027"]}, "real date"),
])
def test_a_session_form_with_problems_says_so_in_the_error_summary(client, enter, course,
                                                                   changes, message):
    enter("lnd")
    answer = client.post("/training/courses/new", data=form(**changes))
    assert answer.status_code == 400
    assert "There is a problem" in answer.text and message in answer.text


def test_an_edit_on_a_stale_version_is_refused_and_shows_the_current_one(app, client, enter,
                                                                        course):
    enter("lnd")
    address = f"/training/courses/{course['later']}/edit"
    assert 'value="1"' in client.get(address).text
    assert client.post(address, data=form(venue="Room 2", version="1")).status_code == 303
    stale = client.post(address, data=form(venue="Room 3", version="1"))
    assert stale.status_code == 409 and "Someone else changed" in stale.text
    with app.app_context():
        assert db.session.get(CourseSession, course["later"]).venue == "Room 2"


def test_cancelling_a_session_needs_a_reason_and_cancels_the_places(app, client, enter, course,
                                                                    people):
    enter("staff")
    client.post(f"/training/courses/{course['later']}/book")
    enter("lnd")
    address = f"/training/courses/{course['later']}/cancel"
    assert client.post(address, data={"reason": ""}).status_code == 400
    assert client.post(address, data={"reason": "Trainer ill"}).status_code == 303
    assert states(app, course["later"]) == {"staff": "cancelled"}
    enter("staff")
    assert client.post(address, data={"reason": "x"}).status_code == 403


# Booking ---------------------------------------------------------------------------------


def test_booking_fills_the_places_then_the_waiting_list_and_a_cancel_moves_it_up(
        app, client, enter, course, people):
    for who in ("staff", "colleague", "other_team"):
        enter(who)
        assert client.post(f"/training/courses/{course['later']}/book").status_code == 303
    assert states(app, course["later"]) == {"staff": "booked", "colleague": "booked",
                                            "other_team": "waiting"}
    enter("other_team")
    assert "Join the waiting list" not in client.get("/training/courses").text
    assert 'data-status="waiting"' in client.get("/training/courses/mine").text
    enter("staff")
    with app.app_context():
        mine = db.session.scalar(select(CourseBooking.id).where(
            CourseBooking.person_id == people["staff"]))
    assert client.post(f"/training/bookings/{mine}/cancel",
                       data={"next": "mine"}).headers["Location"].endswith("/training/courses/mine")
    assert states(app, course["later"])["other_team"] == "booked"


def test_a_manager_books_for_their_team_only_and_lnd_for_anyone(app, client, enter, course):
    address = f"/training/courses/{course['later']}/book"
    enter("manager")
    refused = client.post(address, data={"email": "other_team@example.org"})
    assert refused.status_code == 400 and "someone you may book for" in refused.text
    assert client.post(address, data={"email": "partner_staff@example.org"}).status_code == 400
    assert client.post(address, data={"email": "colleague@example.org"}).status_code == 303
    enter("lnd")
    assert client.post(address, data={"email": "OTHER_TEAM@example.org"}).status_code == 303
    again = client.post(address, data={"email": "other_team@example.org"})
    assert again.status_code == 400 and "already booked" in again.text
    assert states(app, course["later"]) == {"colleague": "booked", "other_team": "booked"}


def test_an_email_with_a_nul_is_refused_before_it_is_looked_up(app, client, enter, course):
    enter("lnd")
    refused = client.post(f"/training/courses/{course['later']}/book", data={"email": "a\x00b"})
    assert refused.status_code == 400 and "control character" in refused.text
    assert states(app, course["later"]) == {}


def test_someone_elses_booking_is_not_found_and_people_elsewhere_see_no_session(
        app, client, enter, course, people):
    enter("staff")
    client.post(f"/training/courses/{course['later']}/book")
    with app.app_context():
        booking = db.session.scalar(select(CourseBooking.id))
    enter("colleague")
    assert client.post(f"/training/bookings/{booking}/cancel").status_code == 404
    assert 'data-booking="staff@example.org"' not in client.get(
        f"/training/courses/{course['later']}").text
    enter("manager")
    assert 'data-booking="staff@example.org"' in client.get(
        f"/training/courses/{course['later']}").text
    enter("partner_staff")
    assert client.get(f"/training/courses/{course['later']}").status_code == 404
    assert client.post(f"/training/courses/{course['later']}/book").status_code == 404
    assert client.get("/training/courses/99999999999999999999").status_code == 404


# Attendance ------------------------------------------------------------------------------


def test_lnd_mark_attendance_which_makes_the_record_once(app, client, enter, course, people):
    with app.app_context():
        staff = db.session.get(Person, people["staff"])
        booking = book_place(db.session, staff, db.session.get(CourseSession, course["today"]),
                             staff, today=TODAY).id
        db.session.commit()
    address = f"/training/bookings/{booking}/attendance"
    enter("staff")
    assert client.post(address, data={"attended": "yes"}).status_code == 403
    enter("lnd")
    assert "Did not attend" in client.get(f"/training/courses/{course['today']}").text
    assert client.post(address, data={"attended": "maybe"}).status_code == 400
    assert client.post(address, data={"attended": "yes"}).status_code == 303
    assert client.post(address, data={"attended": "yes"}).status_code == 303
    with app.app_context():
        records = db.session.scalars(select(TrainingRecord)).all()
        assert [(r.person_id, r.subject_id, r.completed_on, r.source, r.provider)
                for r in records] == [(people["staff"], "fire-safety", TODAY, "attendance",
                                       "Northshire Fire")]
    refused = client.post(address, data={"attended": "no"})
    assert refused.status_code == 400 and "it stays" in refused.text


# Feeds -----------------------------------------------------------------------------------


def test_the_feed_address_is_made_shown_once_and_replaced(app, client, enter, course):
    enter("staff")
    client.post(f"/training/courses/{course['later']}/book")
    page = client.post("/training/courses/feed").text
    address = re.search(r"data-feed-address>http://localhost(/training/feeds/[^<]+)<",
                        page).group(1)
    assert "fire-safety.ics" in page
    client.get("/logout")
    answer = client.get(address)
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    assert "no-store" in answer.headers["Cache-Control"]
    events = Calendar.from_ical(answer.data).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["Fire safety"]
    subject_feed = client.get(address.replace(".ics", "/fire-safety.ics"))
    assert len(Calendar.from_ical(subject_feed.data).walk("VEVENT")) == 2
    assert client.get(address.replace(".ics", "/no-such.ics")).status_code == 404
    enter("staff")
    assert "not shown again" in client.get("/training/courses/mine").text
    client.post("/training/courses/feed")
    assert client.get(address).status_code == 404
    assert client.get("/training/feeds/not-a-token.ics").status_code == 404
    assert client.get("/training/feeds/" + "x" * 5000 + ".ics").status_code == 404


def test_the_calendar_and_a_session_page_run_a_fixed_number_of_queries(app, client, enter,
                                                                       course, people):
    from tests.querycount import counting

    with app.app_context():
        engine = db.engine
    enter("lnd")
    assert client.get("/training/courses?page=-1").status_code == 200
    assert client.get("/training/courses?page=99999999999999999999").status_code == 200
    addresses = ("/training/courses", f"/training/courses/{course['later']}",
                 "/training/courses/mine")
    assert client.post(f"/training/courses/{course['later']}/book",
                       data={"email": "staff@example.org"}).status_code == 303
    for address in addresses:
        client.get(address)
    with counting(engine) as small:
        for address in addresses:
            client.get(address)
    with app.app_context():
        lnd = db.session.get(Person, people["lnd"])
        learners = []
        for number in range(12):
            learner = Person(email=f"learner-{number}@example.org", name=f"Learner {number}",
                             organisation_id=lnd.organisation_id)
            db.session.add(learner)
            learners.append(learner)
        for number in range(6):
            schedule_session(db.session, lnd, lnd.organisation, SessionDetails(
                "fire-safety", LATER + timedelta(days=number), time(9, 0), time(10, 0), 3,
                venue="Room 9", trainer_name="Fire"), today=TODAY)
        db.session.flush()
        later = db.session.get(CourseSession, course["later"])
        for learner in learners:
            book_place(db.session, lnd, later, learner, today=TODAY)
        db.session.commit()
    with counting(engine) as large:
        pages = [client.get(address) for address in addresses]
    assert all(page.status_code == 200 for page in pages)
    assert large.count == small.count, large.statements
    assert pages[1].text.count("data-booking=") == 13
