"""Student placements and the practice educator supply page, for L&D.

Both pages are the organisation's own (``apprenticeship_access.managed_organisation``: its
L&D and administrators; anyone else 403). The supply page reads two aggregate queries
(``pathways.apprenticeships.supply``); the student placements page lists the latest
placements and records a new one through ``webapp.submit``.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from pathways import clock
from pathways.apprenticeships.students import (
    SHOWN,
    add_student_placement,
    course_choices,
    educators_of,
    student_placements,
)
from pathways.apprenticeships.supply import educator_supply

from ..apprenticeship_forms import StudentPlacementForm
from ..auth import personal_page, signed_in
from ..extensions import db
from ..submit import submit
from .apprenticeship_access import managed_organisation
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
        [(str(person.id), person.name) for person in educators])
    chosen = {str(person.id): person for person in educators}
    saved = submit(form, lambda: add_student_placement(
        db.session, organisation, name=form.name.data, university=form.university.data,
        qualification_id=form.qualification_id.data, setting=form.setting.data,
        start_date=form.start_date.data, end_date=form.end_date.data,
        educator=chosen.get(form.educator.data or ""), actor=signed_in()), sentences=True)
    if saved:
        flash("Student placement added")
        return redirect(url_for(".students"), 303)
    refused = form.is_submitted()
    errors = [{**item, "href": f"{item['href']}-day"}
              if item["href"] in ("#start_date", "#end_date") else item
              for item in error_list(form)] if refused else []
    return render_template(
        "cohorts/students.html", form=form, organisation=organisation, shown=SHOWN,
        placements=student_placements(db.session, organisation), today=clock.today(),
        error_list=errors), 400 if refused else 200


@blueprint.get("/educators")
@personal_page
def supply():
    """Practice educators and their capacity against the placements needed, term by term."""
    organisation = managed_organisation()
    return render_template("cohorts/educators.html", organisation=organisation,
                           families=educator_supply(db.session, organisation, clock.today()))
