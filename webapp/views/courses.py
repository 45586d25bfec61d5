"""The training calendar: course sessions, places on them, attendance and the iCalendar feeds.

Everyone sees their organisation's sessions and books themself a place (or a place on the
waiting list); managers book for their team and L&D for anyone there; L&D schedule, change
and cancel sessions; L&D and a session's own trainer mark attendance, which makes the
training records. Every decision is ``pathways.policy``'s; every rule is
``pathways.training``'s. The feeds are fetched by calendar programs without signing in: the
secret token in the address says whose they are.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from pathways import clock, policy
from pathways.csv_input import whole_number
from pathways.models import CourseBooking, CourseSession, Person, TrainingSubject
from pathways.training import calendar_pages, feeds
from pathways.training.bookings import book_place, cancel_place, mark_attendance
from pathways.training.sessions import cancel_session, edit_session, schedule_session
from pathways.training.subjects import subjects_for

from ..auth import personal_page, require, signed_in
from ..extensions import db
from ..people_forms import ConfirmForm
from ..submit import submit
from ..training_forms import AttendanceForm, BookForm, CancelSessionForm, SessionForm
from .shared import error_list, pagination

blueprint = Blueprint("courses", __name__)
COURSE = "/training/courses/<int:course_id>"
BOOKING = "/training/bookings/<int:booking_id>"


def _found(model, record_id: int):
    """Return the record with this id, or answer 404."""
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return record


def _subjects(organisation) -> list[tuple[str, str]]:
    """The subjects a session can be of at ``organisation``: the standard and its
    partnership's own, by title (a catalogue of tens)."""
    return [(subject.id, subject.title) for subject in subjects_for(db.session, organisation)]


def _trainer_id(form: SessionForm, organisation) -> int | None:
    """The id of the trainer named by email; a name that is no one there is put on the form
    (the domain refuses id 0 as "no one there")."""
    email = (form.trainer_email.data or "").strip().lower()
    if not email:
        return None
    found = db.session.scalar(select(Person.id).where(
        Person.email == email, Person.organisation_id == organisation.id))
    return found or -1


# The calendar ----------------------------------------------------------------------------


@blueprint.get("/training/courses")
@personal_page
def calendar():
    """Show the organisation's sessions from today on, with places left and one's own."""
    me = signed_in()
    require(policy.can_use_own_pages(me))
    found = calendar_pages.upcoming(db.session, me.organisation, me, today=clock.today(),
                                    page=whole_number(request.args.get("page", "")) or 1)
    return render_template("training/calendar.html", found=found,
                           runs=bool(policy.can_run_courses(me, me.organisation)),
                           book_form=ConfirmForm(formdata=None),
                           pagination=pagination(found, "courses.calendar"))


@blueprint.route("/training/courses/new", methods=["GET", "POST"])
@personal_page
def new_session():
    """Schedule a session (L&D)."""
    me = signed_in()
    organisation = me.organisation
    require(policy.can_run_courses(me, organisation))
    form = SessionForm(formdata=None if request.method == "GET" else request.form).fill(
        _subjects(organisation))
    if request.method == "POST":
        saved = submit(form, lambda: schedule_session(
            db.session, me, organisation, form.details(_trainer_id(form, organisation)),
            today=clock.today()))
        if saved:
            flash("The session is scheduled")
            return redirect(url_for(".course", course_id=saved.value.id), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("training/session_form.html", form=form, course=None,
                           error_list=error_list(form) if status == 400 else []), status


@blueprint.route(f"{COURSE}/edit", methods=["GET", "POST"])
@personal_page
def edit(course_id: int):
    """Change a session (L&D); an edit on a version someone has since changed is refused."""
    me = signed_in()
    course = _found(CourseSession, course_id)
    require(policy.can_run_courses(me, course.organisation))
    if request.method == "GET":
        form = SessionForm(formdata=None, data={
            "subject": course.subject_id, "held_on": course.held_on,
            "starts_at": f"{course.starts_at:%H:%M}", "ends_at": f"{course.ends_at:%H:%M}",
            "capacity": course.capacity, "venue": course.venue,
            "online_link": course.online_link, "trainer_name": course.trainer_name,
            "trainer_email": course.trainer.email if course.trainer else "",
            "notes": course.notes, "version": str(course.version)})
        return render_template("training/session_form.html", course=course,
                               form=form.fill(_subjects(course.organisation)),
                               cancel_form=CancelSessionForm(formdata=None), error_list=[])
    form = SessionForm().fill(_subjects(course.organisation))
    saved = submit(form, lambda: edit_session(
        db.session, me, course, form.details(_trainer_id(form, course.organisation)),
        seen_version=whole_number(form.version.data or "") or 0, today=clock.today()))
    if saved:
        flash("The session is changed")
        return redirect(url_for(".course", course_id=course.id), 303)
    if saved.conflict:
        form.form_errors.append(str(saved.conflict))
        form.version.data = str(db.session.get(CourseSession, course_id).version)
    return render_template("training/session_form.html", form=form, course=course,
                           cancel_form=CancelSessionForm(formdata=None),
                           error_list=error_list(form)), 409 if saved.conflict else 400


@blueprint.post(f"{COURSE}/cancel")
@personal_page
def cancel(course_id: int):
    """Cancel a session, saying why (L&D); everyone booked or waiting is told."""
    me = signed_in()
    course = _found(CourseSession, course_id)
    require(policy.can_run_courses(me, course.organisation))
    form = CancelSessionForm()
    if submit(form, lambda: cancel_session(db.session, me, course, form.reason.data or ""),
              anchor="#cancel"):
        flash("The session is cancelled and everyone booked is told")
        return redirect(url_for(".course", course_id=course.id), 303)
    return render_template("training/session_form.html", course=course,
                           form=SessionForm(formdata=None).fill(_subjects(course.organisation)),
                           cancel_form=form, error_list=error_list(form)), 400


@blueprint.get(COURSE)
@personal_page
def course(course_id: int, forms: dict | None = None, status: int = 200):
    """Show a session: its details, one's own place, and the bookings one may see."""
    me = signed_in()
    course = _found(CourseSession, course_id)
    require(policy.can_see_course(me, course))
    forms = forms or {}
    bookings = calendar_pages.session_bookings(db.session, course,
                                               policy.course_bookings_filter(me, course))
    taken, waiting = calendar_pages.counts(db.session, [course.id]).get(course.id, (0, 0))
    mine = next((booking for booking in bookings if booking.person_id == me.id), None)
    book_form = forms.get("book") or BookForm(formdata=None)
    return render_template(
        "training/course.html", course=course, bookings=bookings, mine=mine, taken=taken,
        waiting=waiting, today=clock.today(), book_form=book_form,
        for_others=me.has_role("manager") or bool(policy.can_run_courses(
            me, course.organisation)),
        marks=bool(policy.can_mark_attendance(me, course)),
        runs=bool(policy.can_run_courses(me, course.organisation)),
        action_form=ConfirmForm(formdata=None), attendance_form=AttendanceForm(formdata=None),
        error_list=[item for form in forms.values() for item in error_list(form)]), status


@blueprint.post(f"{COURSE}/book")
@personal_page
def book(course_id: int):
    """Book a place for oneself, or (managers, L&D) for someone named by email."""
    me = signed_in()
    course = _found(CourseSession, course_id)
    require(policy.can_see_course(me, course))
    form = BookForm()
    if not form.validate():  # before the email is looked up (a NUL never reaches the database)
        return course_page(course_id, {"book": form})
    email = (form.email.data or "").strip().lower()
    person = me if not email else db.session.scalar(
        select(Person).where(Person.email == email,
                             Person.organisation_id == course.organisation_id))
    if person is None or not policy.can_book_place(me, person, course):
        form.validate()
        form.email.errors = [*form.email.errors,
                             "Enter the email of someone you may book for"]
        return course_page(course_id, {"book": form})
    require(policy.can_book_place(me, person, course))
    saved = submit(form, lambda: book_place(db.session, me, course, person,
                                            today=clock.today()), refused_on="email")
    if saved:
        placed = saved.value
        whose = "You are" if person.id == me.id else f"{person.name} is"
        flash(f"{whose} {'booked' if placed.state == 'booked' else 'on the waiting list'}")
        return redirect(url_for(".course", course_id=course.id), 303)
    return course_page(course_id, {"book": form})


def course_page(course_id: int, forms: dict):
    """The session's page again with the forms' errors (400)."""
    return course(course_id, forms=forms, status=400)


@blueprint.post(f"{BOOKING}/cancel")
@personal_page
def cancel_booking(booking_id: int):
    """Cancel a place (or a place on the waiting list); the first waiting moves up."""
    me = signed_in()
    booking = _found(CourseBooking, booking_id)
    require(policy.can_cancel_place(me, booking))
    form = ConfirmForm()
    course_id = booking.session_id
    if submit(form, lambda: cancel_place(db.session, me, booking, today=clock.today()),
              anchor=f"#booking-{booking_id}"):
        flash("The place is cancelled")
        back = url_for(".mine") if request.form.get("next") == "mine" else url_for(
            ".course", course_id=course_id)
        return redirect(back, 303)
    return course_page(course_id, {"cancel": form})


@blueprint.post(f"{BOOKING}/attendance")
@personal_page
def attendance(booking_id: int):
    """Mark whether someone attended (L&D, the trainer): attending makes the record once."""
    me = signed_in()
    booking = _found(CourseBooking, booking_id)
    require(policy.can_mark_attendance(me, booking.session))
    form = AttendanceForm()
    course_id = booking.session_id
    if submit(form, lambda: mark_attendance(db.session, me, booking,
                                            form.attended.data == "yes",
                                            today=clock.today()),
              anchor=f"#booking-{booking_id}"):
        said = "attended" if form.attended.data == "yes" else "did not attend"
        flash(f"{booking.person.name}: {said}")
        return redirect(url_for(".course", course_id=course_id, _anchor="bookings"), 303)
    return course_page(course_id, {"attendance": form})


# One's own places and the feeds ----------------------------------------------------------


@blueprint.get("/training/courses/mine")
@personal_page
def mine(new_token: str | None = None):
    """Show one's own places, and the address of one's calendar feed."""
    me = signed_in()
    require(policy.can_use_own_pages(me))
    places = calendar_pages.places_of(db.session, me, today=clock.today())
    return render_template("training/my_courses.html", places=places,
                           has_feed=feeds.has_feed(db.session, me), new_token=new_token,
                           subjects=sorted({place.session.subject for place in places},
                                           key=lambda subject: subject.title),
                           form=ConfirmForm(formdata=None))


@blueprint.post("/training/courses/feed")
@personal_page
def new_feed():
    """Make a new secret feed address (the old one stops working) and show it once."""
    me = signed_in()
    require(policy.can_use_own_pages(me))
    form = ConfirmForm()
    saved = submit(form, lambda: feeds.new_feed_token(db.session, me))
    if not saved:
        return mine(), 400
    return mine(new_token=saved.value)


def _feed_person(feed_token: str) -> Person:
    """Whose feed the token opens (404 for none), once the policy lets them use their pages."""
    person = feeds.person_for_token(db.session, feed_token)
    if person is None:
        abort(404)
    require(policy.can_use_own_pages(person))
    return person


def _calendar_response(body: bytes, name: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{name}.ics"'
    return response


@blueprint.get("/training/feeds/<feed_token>.ics")
def person_feed(feed_token: str):
    """The iCalendar feed of a person's places, by their secret token."""
    person = _feed_person(feed_token)
    return _calendar_response(feeds.person_feed(db.session, person, today=clock.today()),
                              "training")


@blueprint.get("/training/feeds/<feed_token>/<subject_id>.ics")
def course_feed(feed_token: str, subject_id: str):
    """The iCalendar feed of a subject's sessions at the person's organisation."""
    person = _feed_person(feed_token)
    subject = _found(TrainingSubject, subject_id)
    if subject.partnership_id not in (None, person.organisation.partnership_id):
        abort(404)
    return _calendar_response(feeds.course_feed(db.session, person, subject,
                                                today=clock.today()), subject.id)
