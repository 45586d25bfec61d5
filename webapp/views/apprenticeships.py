"""One apprenticeship's page: status moves, off-the-job log, reviews, placements, the job.

The page is seen by whoever may see the apprentice (``policy.can_view_apprenticeship``).
Each form posts to its own address; the view checks the policy first (404 hidden, 403
forbidden), then submits the form (``webapp.submit``: validate, one service, commit) and
goes back to the page. A refused form shows the page again (400) with the GOV.UK error
summary: the domain's problems on their fields, and a refused status move, job step or
educator in its own words.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from pathways import clock
from pathways.apprenticeships import lifecycle, pages, placements, records
from pathways.apprenticeships.programmes import COURSE_MOVES, runs_apprenticeship
from pathways.apprenticeships.progress import Thresholds, apprenticeship_progress
from pathways.apprenticeships.rules import (
    FINISHED,
    MOVES,
    STATUSES,
    required_otj_hours,
)
from pathways.dates import format_day
from pathways.models import (
    OTJ_ACTIVITIES,
    Apprenticeship,
    OtjEntry,
    Person,
    Placement,
)
from pathways.policy import can_log_otj, can_manage_apprenticeship, can_manage_apprenticeships

from ..apprenticeship_forms import (
    PRESENT,
    AllocateForm,
    CapacityForm,
    JobStepForm,
    OtjForm,
    OtjReviewForm,
    PlacementForm,
    ReviewForm,
    StatusMoveForm,
    identify,
)
from ..auth import personal_page, require, signed_in
from ..extensions import current_graph, db
from ..submit import submit
from .apprenticeship_access import ID, apprenticeship_or_404
from .shared import confirm_first, error_list

blueprint = Blueprint("apprenticeships", __name__)
PAGE = f"/apprenticeships/<{ID}:apprenticeship_id>"


@blueprint.app_template_global()
def apprenticeships_of(person: Person) -> list[Apprenticeship]:
    """Return the person's apprenticeships, newest first (for the profile's section)."""
    return pages.apprenticeships_of(db.session, person)


@blueprint.app_template_filter("apprenticeship_status")
def status_label(status: str) -> str:
    """Return a status's label, e.g. ``epa`` is "end-point assessment"."""
    return STATUSES.get(status, status)


def _rag_reasons(progress) -> list[str]:
    """Say why the apprenticeship has its RAG colour."""
    reasons = []
    if progress.rag == "grey":  # finished: nothing is behind or overdue any more
        return reasons
    if progress.past_end:
        end = progress.planned_end_date
        reasons.append(f"Past the planned end on {format_day(end)}")
    if progress.otj_behind:
        pending = (f" ({progress.otj_pending:g} more waiting for approval)"
                   if progress.otj_pending else "")
        reasons.append(f"Off-the-job hours behind: {progress.otj_logged:g} approved{pending}, "
                       f"{progress.otj_expected:g} expected by now")
    if progress.review_overdue:
        since = "the last review" if progress.last_review else "the start"
        reasons.append(f"Review overdue: {progress.days_since_review} days since {since}")
    return reasons


def _educators(apprenticeship: Apprenticeship
               ) -> tuple[list[Person], dict[int, tuple[int, int]]]:
    """Return who may supervise the placements, and each one's placements now and capacity."""
    session, today = db.session, clock.today()
    educators = placements.eligible_educators(session, apprenticeship)
    return educators, {person.id: (placements.overlapping_load(session, person, today,
                                                               today + timedelta(days=1)),
                                   placements.capacity_of(session, person))
                       for person in educators}


def _educator_options(educators: list[Person], loads: dict[int, tuple[int, int]]
                      ) -> list[tuple[str, str]]:
    """Label each eligible educator with their placements now and their capacity."""
    return [(str(person.id), f"{person.name} ({loads[person.id][0]} of "
             f"{loads[person.id][1]} placements now)") for person in educators]


def _render(apprenticeship: Apprenticeship, forms: dict[str, FlaskForm] | None = None,
            status: int = 200):
    """Show the page, with the forms the signed-in person may use; ``forms`` holds refused ones."""
    me, G, today, session = signed_in(), current_graph(), clock.today(), db.session
    forms = forms or {}
    thresholds = Thresholds.from_mapping(current_app.config)
    progress = apprenticeship_progress(session, apprenticeship, today, thresholds)
    qualification = apprenticeship.cohort.programme.qualification
    apprentice = runs_apprenticeship(apprenticeship)  # else no OTJ, gateway or EPA
    moves = MOVES if apprentice else COURSE_MOVES
    requirement = required_otj_hours(apprenticeship.start_date,
                                     apprenticeship.planned_end_date,
                                     float(apprenticeship.weekly_hours),
                                     qualification.otj_min_hours)
    manage = bool(can_manage_apprenticeship(me, apprenticeship))
    with_placements = placements.needs_placements(apprenticeship)
    educators, loads = _educators(apprenticeship) if with_placements and manage else ([], {})
    options = _educator_options(educators, loads)
    last_review = apprenticeship.reviews[-1] if apprenticeship.reviews else None
    next_step = lifecycle.next_job_step(apprenticeship)

    def form(name: str, blank):
        return forms[name] if name in forms else blank()

    return render_template(
        "apprenticeships/apprenticeship.html", G=G, a=apprenticeship,
        person=apprenticeship.person, programme=apprenticeship.cohort.programme,
        qualification=qualification, progress=progress,
        rag_reasons=_rag_reasons(progress), requirement=requirement,
        next_review_on=(last_review.next_review_on if last_review else
                        apprenticeship.start_date
                        + timedelta(days=thresholds.review_every_days)),
        tracking=apprenticeship.status not in FINISHED, today=today,
        manage=manage, can_log=bool(can_log_otj(session, me, apprenticeship)),
        with_placements=with_placements, educators=educators, loads=loads,
        statuses=STATUSES, moves=moves.get(apprenticeship.status, ()), apprentice=apprentice,
        activities=OTJ_ACTIVITIES,
        present_labels=dict(PRESENT), job_steps=lifecycle.JOB_STEPS,
        next_step=next_step if apprenticeship.status == "qualified" else None,
        status_form=form("status", lambda: StatusMoveForm(formdata=None).fill(
            apprenticeship.status, moves)),
        otj_form=form("otj", lambda: OtjForm(formdata=None)),
        review_form=form("review", lambda: ReviewForm(formdata=None)),
        placement_form=form("placement", lambda: PlacementForm(formdata=None).fill(options)),
        job_form=form("job", lambda: JobStepForm(formdata=None, step=next_step)),
        entry_forms={entry.id: form(f"entry-{entry.id}", lambda entry=entry: identify(
            OtjReviewForm(formdata=None), entry.id))
            for entry in (apprenticeship.otj_entries if manage else ())},
        allocate_forms={placement.id: form(
            f"placement-{placement.id}", lambda placement=placement: identify(
                AllocateForm(formdata=None, educator=str(placement.educator_id or "")).fill(
                    options), placement.id))
            for placement in (apprenticeship.placements if manage else ())},
        capacity_forms={person.id: form(f"capacity-{person.id}", lambda person=person: identify(
            CapacityForm(formdata=None, capacity=loads[person.id][1],
                         apprenticeship_id=str(apprenticeship.id)), person.id))
            for person in educators},
        error_list=[item for refused in forms.values() for item in error_list(refused)],
    ), status


def _save(apprenticeship: Apprenticeship, name: str, form: FlaskForm, change, done: str,
          anchor: str, refused_on: str):
    """Submit ``form`` and go back to the page's section; or show the page with the errors.

    Parameters
    ----------
    name : str
        Which of the page's forms this is (so the page shows it with its errors).
    change : callable
        Calls the one service.
    done : str
        The message shown on the page after the change.
    anchor : str
        The page's section to go back to.
    refused_on : str
        The field that carries a refusal's message (a refused move, step or educator).
    """
    if submit(form, change, refused_on=refused_on):
        flash(done)
        return redirect(url_for(".apprenticeship", apprenticeship_id=apprenticeship.id,
                                _anchor=anchor), 303)
    return _render(apprenticeship, {name: form}, status=400)


def _person_or_404(person_id: int | None) -> Person | None:
    """Return the person chosen in a form (None for nobody); 404 when there is no such person."""
    if person_id is None:
        return None
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    return person


def _chosen(text: str | None) -> int | None:
    """Return the person id a select sent, or None for "nobody" (the form checked the choice)."""
    return int(text) if text else None


@blueprint.get(PAGE)
@personal_page
def apprenticeship(apprenticeship_id: int):
    """Show one apprenticeship: progress, off-the-job log, reviews, placements and the job."""
    return _render(apprenticeship_or_404(apprenticeship_id))


@blueprint.post(f"{PAGE}/status")
@personal_page
def move(apprenticeship_id: int):
    """Move the apprenticeship to a new status (L&D), recording when and why."""
    found = apprenticeship_or_404(apprenticeship_id, manage=True)
    form = StatusMoveForm().fill(found.status,
                                 MOVES if runs_apprenticeship(found) else COURSE_MOVES)
    held = found.post.reference if found.post else None
    if form.status.data == "withdrawn" and found.status != "withdrawn" and form.validate():
        ask = confirm_first(
            f"Withdraw {found.person.name} from {found.cohort.name}?",
            warning="Withdrawing cannot be undone: the apprenticeship ends and cannot restart"
                    + (f", and post {held} is released to vacant." if held else "."),
            details=(f"Why: {form.reason.data}",),
            button="Yes, withdraw them",
            back=url_for(".apprenticeship", apprenticeship_id=found.id,
                         _anchor="status-section"))
        if ask:
            return ask
    if submit(form, lambda: lifecycle.move_status(
            db.session, found, form.status.data, effective_on=form.effective_on.data,
            reason=form.reason.data, actor=signed_in(),
            otj_override=form.otj_override.data or ""), refused_on="status"):
        flash(f"Status changed to {STATUSES.get(form.status.data, form.status.data)}. "
              + lifecycle.meaning_of_move(found, released=None if found.post else held))
        return redirect(url_for(".apprenticeship", apprenticeship_id=found.id,
                                _anchor="status-section"), 303)
    return _render(found, {"status": form}, status=400)


@blueprint.post(f"{PAGE}/otj")
@personal_page
def log_hours(apprenticeship_id: int):
    """Log off-the-job hours (the apprentice, their manager or L&D)."""
    found = apprenticeship_or_404(apprenticeship_id)
    require(can_log_otj(db.session, signed_in(), found))
    form = OtjForm()
    return _save(found, "otj", form, lambda: records.log_hours(
        db.session, found, worked_on=form.worked_on.data, hours=form.hours.data,
        activity=form.activity.data, note=form.note.data or "", actor=signed_in()),
        "Off-the-job hours logged", "off-the-job", "hours")


@blueprint.post(f"{PAGE}/otj/<{ID}:entry_id>/review")
@personal_page
def review_entry(apprenticeship_id: int, entry_id: int):
    """Approve an off-the-job entry, or query it with a note (L&D)."""
    found = apprenticeship_or_404(apprenticeship_id, manage=True)
    entry = db.session.get(OtjEntry, entry_id)
    if entry is None or entry.apprenticeship_id != found.id:
        abort(404)
    form = identify(OtjReviewForm(), entry.id)
    return _save(found, f"entry-{entry.id}", form, lambda: records.review_entry(
        db.session, entry, form.decision.data, note=form.query_note.data or "",
        actor=signed_in()),
        "Entry approved" if form.decision.data == "approved" else "Entry queried",
        "off-the-job", "query_note")


@blueprint.post(f"{PAGE}/reviews")
@personal_page
def add_review(apprenticeship_id: int):
    """Record a three-way progress review (L&D)."""
    found = apprenticeship_or_404(apprenticeship_id, manage=True)
    form = ReviewForm()
    return _save(found, "review", form, lambda: records.record_review(
        db.session, found, held_on=form.held_on.data,
        next_review_on=form.next_review_on.data, notes=form.notes.data or "",
        slippage=form.slippage.data or "", actor=signed_in(), **form.attendance()),
        "Progress review recorded", "reviews", "held_on")


@blueprint.post(f"{PAGE}/placements")
@personal_page
def add_placement(apprenticeship_id: int):
    """Add a practice placement, with its educator if chosen (L&D)."""
    found = apprenticeship_or_404(apprenticeship_id, manage=True)
    form = PlacementForm().fill(_educator_options(*_educators(found)))
    return _save(found, "placement", form, lambda: placements.add_placement(
        db.session, found, setting=form.setting.data, start_date=form.start_date.data,
        end_date=form.end_date.data, educator=_person_or_404(_chosen(form.educator.data)),
        actor=signed_in()), "Placement added", "placements", "educator")


@blueprint.post(f"{PAGE}/placements/<{ID}:placement_id>/educator")
@personal_page
def allocate(apprenticeship_id: int, placement_id: int):
    """Allocate or change a placement's practice educator (L&D)."""
    found = apprenticeship_or_404(apprenticeship_id, manage=True)
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.apprenticeship_id != found.id:
        abort(404)
    form = identify(AllocateForm().fill(_educator_options(*_educators(found))), placement.id)
    return _save(found, f"placement-{placement.id}", form, lambda: placements.allocate(
        db.session, placement, _person_or_404(_chosen(form.educator.data)),
        actor=signed_in()), "Practice educator saved", "placements", "educator")


@blueprint.post(f"/practice-educators/<{ID}:person_id>/capacity")
@personal_page
def set_capacity(person_id: int):
    """Set how many placements at once a practice educator may take (L&D of their organisation).

    The form names the apprenticeship page it was sent from: the answer goes back there
    (or to the educator's profile when there is none).
    """
    educator = _person_or_404(person_id)
    require(can_manage_apprenticeships(signed_in(), educator.organisation))
    form = identify(CapacityForm(), educator.id)
    back = _back_to(form.back_to(), educator)
    if submit(form, lambda: placements.set_capacity(db.session, educator, form.capacity.data,
                                                    actor=signed_in())):
        flash(f"{educator.name} may now take {form.capacity.data} placement(s) at once")
        return redirect(url_for(".apprenticeship", apprenticeship_id=back.id,
                                _anchor="placements") if back else
                        url_for("people.person", person_id=educator.id), 303)
    if back is None:
        return render_template("error.html", title="The capacity was not saved",
                               message="Go back and try again.",
                               problems=[*form.form_errors,
                                         *(m for field in form for m in field.errors)]), 400
    return _render(back, {f"capacity-{educator.id}": form}, status=400)


def _back_to(apprenticeship_id: int | None, educator: Person) -> Apprenticeship | None:
    """Return the apprenticeship page to go back to: one of the educator's organisation."""
    found = db.session.get(Apprenticeship, apprenticeship_id) if apprenticeship_id else None
    if found is None or found.cohort.organisation_id != educator.organisation_id:
        return None
    return found


@blueprint.post(f"{PAGE}/job")
@personal_page
def job_step(apprenticeship_id: int):
    """Record the next guaranteed-job step once qualified (L&D)."""
    found = apprenticeship_or_404(apprenticeship_id, manage=True)
    form = JobStepForm()
    return _save(found, "job", form, lambda: lifecycle.record_job_step(
        db.session, found, form.step.data, form.on.data, G=current_graph(),
        actor=signed_in()),
        f"{lifecycle.JOB_STEPS.get(form.step.data, 'Step')} recorded", "job", "on")
