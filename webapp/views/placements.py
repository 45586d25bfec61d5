"""Student placements and the practice educator supply page, for L&D.

Both pages are the organisation's own (``apprenticeship_access.managed_organisation``: its
L&D and administrators; anyone else 403). The supply page reads two aggregate queries
(``pathways.apprenticeships.supply``); the student placements page lists the latest
placements and records a new one through ``webapp.submit``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from pathways import clock
from pathways.apprenticeships import placements
from pathways.apprenticeships.students import (
    SHOWN,
    add_student_placement,
    course_choices,
    educators_of,
    student_placements,
)
from pathways.apprenticeships.supply import educator_supply
from pathways.models import Organisation, Person, Placement

from ..apprenticeship_forms import AllocateForm, StudentPlacementForm, identify
from ..auth import personal_page, signed_in
from ..extensions import db
from ..submit import submit
from .apprenticeship_access import ID, managed_organisation
from .shared import error_list, link_to

blueprint = Blueprint("placements", __name__, url_prefix="/cohorts")


@blueprint.context_processor
def page_words() -> dict:
    """The cohort pages' links (``cohorts/parts.html``)."""
    return {"link_to": link_to}


@blueprint.route("/students", methods=["GET", "POST"])
@personal_page
def students():
    """University students on placement here: the latest, and a form to add one."""
    organisation = managed_organisation()
    educators = educators_of(db.session, organisation)
    form = StudentPlacementForm().fill(
        [(course.id, course.title) for course in course_choices(db.session)],
        _options(educators))
    chosen = {str(person.id): person for person in educators}
    saved = submit(form, lambda: add_student_placement(
        db.session, organisation, name=form.name.data, university=form.university.data,
        qualification_id=form.qualification_id.data, setting=form.setting.data,
        start_date=form.start_date.data, end_date=form.end_date.data,
        educator=chosen.get(form.educator.data or ""), actor=signed_in()), sentences=True)
    if saved:
        flash("Student placement added")
        return redirect(url_for(".students"), 303)
    return _page(organisation, educators, form)


@blueprint.post(f"/students/<{ID}:placement_id>/educator")
@personal_page
def allocate(placement_id: int):
    """Allocate, change or take off a student placement's practice educator."""
    organisation = managed_organisation()
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.student is None or \
            placement.student.organisation_id != organisation.id:
        abort(404)
    educators = educators_of(db.session, organisation)
    chosen = {str(person.id): person for person in educators}
    form = identify(AllocateForm().fill(_options(educators)), placement.id)
    saved = submit(form, lambda: placements.allocate(
        db.session, placement, chosen.get(form.educator.data or ""), actor=signed_in()),
        sentences=True)
    if saved:
        flash("Practice educator saved")
        return redirect(url_for(".students"), 303)
    return _page(organisation, educators, refused={placement.id: form})


def _options(educators: list[Person]) -> list[tuple[str, str]]:
    return [(str(person.id), person.name) for person in educators]


def _page(organisation: Organisation, educators: list[Person],
          form: StudentPlacementForm | None = None, refused: dict | None = None):
    """Show the student placements page; a refused form (the new one or an allocation) 400."""
    found = student_placements(db.session, organisation)
    refused = refused or {}
    allocate_forms = {placement.id: refused.get(placement.id) or identify(
        AllocateForm(formdata=None, educator=str(placement.educator_id or "")).fill(
            _options(educators)), placement.id) for placement in found}
    new = form if form is not None else StudentPlacementForm(formdata=None).fill(
        [(course.id, course.title) for course in course_choices(db.session)],
        _options(educators))
    sent = [*refused.values()] or ([form] if form is not None and form.is_submitted() else [])
    errors = [{**item, "href": f"{item['href']}-day"}
              if item["href"] in ("#start_date", "#end_date") else item
              for shown in sent for item in error_list(shown)]
    return render_template(
        "cohorts/students.html", form=new, organisation=organisation, shown=SHOWN,
        placements=found, allocate_forms=allocate_forms, today=clock.today(),
        error_list=errors), 400 if sent else 200


@blueprint.get("/educators")
@personal_page
def supply():
    """Practice educators and their capacity against the placements needed, term by term."""
    organisation = managed_organisation()
    return render_template("cohorts/educators.html", organisation=organisation,
                           families=educator_supply(db.session, organisation, clock.today()))
