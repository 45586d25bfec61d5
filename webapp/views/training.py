"""Training: an organisation's matrix (people by required subjects) and a person's own page.

The matrix is for those who run the organisation's training and for its managers, who see
their own team (``policy.can_see_training_matrix``, ``policy.training_people_filter``); a
person's own page shows their required subjects and records (``policy.can_view_training``).
Everything is read by ``pathways.training``: statuses, filters, order, pages and percentages
are SQL.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from pathways import clock, policy
from pathways.csv_input import whole_number
from pathways.models import Person, Role, TrainingRequirement, TrainingSubject
from pathways.training.compliance import EXPIRING_CHOICES, expiring_within
from pathways.training.matrix import Matrix, MatrixFilters, filter_choices, training_matrix
from pathways.training.records import record_training, records_of
from pathways.training.requirements import (
    add_requirement,
    remove_requirement,
    required_subjects,
    requirements_at,
)
from pathways.training.status import TrainingStatus, training_status
from pathways.training.subjects import expiring_window, intervals_for, subjects_for

from .. import charts
from ..auth import personal_page, require, signed_in
from ..extensions import current_graph, db
from ..people_forms import ConfirmForm
from ..submit import submit
from ..training_forms import RecordForm, RequirementForm
from .shared import choices, download, error_list, keyset_asked, keyset_pagination

blueprint = Blueprint("training", __name__)


@blueprint.get("/training")
@personal_page
def matrix():
    """Show the signed-in person's organisation's training matrix, filtered, a page at a time."""
    me = signed_in()
    organisation = me.organisation
    require(policy.can_see_training_matrix(me, organisation))
    people = policy.training_people_filter(me, organisation)
    teams, roles, filters = _filters(people)
    days = whole_number(request.args.get("within", "")) or 90
    days = days if days in EXPIRING_CHOICES else 90
    today = clock.today()
    found = training_matrix(db.session, organisation, people, today, filters, **keyset_asked())
    expiring = expiring_within(db.session, organisation, people, today, days, found.setting)
    args = {key: value for key, value in (("team", filters.team_id), ("role", filters.role_id),
                                          ("status", filters.status and filters.status.value))
            if value}
    return render_template("training/matrix.html", found=found, teams=teams, roles=roles,
                           filters=filters, statuses=list(TrainingStatus), today=today,
                           expiring=expiring, days=days, choices=EXPIRING_CHOICES, args=args,
                           may_receive=bool(policy.can_receive_passports(me)),
                           charts=_charts(found),
                           manages=bool(policy.can_manage_training(me, organisation)),
                           sees_partnership=bool(policy.can_see_partnership_training(me)),
                           pagination=keyset_pagination(found, "training.matrix", **args))


def _filters(people) -> tuple[list, list, MatrixFilters]:
    """The matrix's team and role choices, and the filters the address asks for (a value
    not offered is no filter)."""
    teams, roles = filter_choices(db.session, signed_in().organisation, people)
    team_id = whole_number(request.args.get("team", ""))
    role_id = request.args.get("role", "")
    status = TrainingStatus.of(request.args.get("status", ""))
    return teams, roles, MatrixFilters(team_id=team_id if team_id in dict(teams) else None,
                                       role_id=role_id if role_id in dict(roles) else None,
                                       status=status)


def _charts(found: Matrix) -> dict[str, Markup]:
    """Bar charts of the compliant share per subject and per team (the tables beside them
    hold the same numbers)."""
    drawn = {}
    for key, groups, what in (("subject", found.by_subject, "subject"),
                              ("team", found.by_team, "team")):
        drawn[key] = charts.bar_chart(
            f"compliance-by-{key}", f"Compliant, per cent, by {what}",
            f"The share of required training that is up to date or expiring soon, by {what}; "
            "the table below gives the numbers.",
            [group.label for group in groups],
            [charts.Series("Compliant (%)", [group.percent for group in groups])],
            unit="%", whole=False)
    return drawn


#: The most people one export holds (an organisation's matrix; the filters narrow it).
EXPORT_LIMIT = 20_000


@blueprint.get("/training/matrix.<fmt>")
@personal_page
def export(fmt: str):
    """Download the matrix (the filters of the page) as XLSX or CSV: a row per person, a
    status and expiry column per subject."""
    me = signed_in()
    organisation = me.organisation
    require(policy.can_see_training_matrix(me, organisation))
    if fmt not in ("xlsx", "csv"):
        abort(404)
    people = policy.training_people_filter(me, organisation)
    _teams, _roles, filters = _filters(people)
    found = training_matrix(db.session, organisation, people, clock.today(), filters,
                            per_page=EXPORT_LIMIT)
    headers = ["Name", "Team", "Role"]
    for subject in found.subjects:
        headers += [subject.title, f"{subject.title}: expires"]
    rows = []
    for row in found.rows:
        line: list = [row.name, row.team, row.role]
        for cell in row.cells:
            line += [cell.status.tag_text if cell.status else "Not required",
                     cell.expires_on]
        rows.append(line)
    return download(fmt, headers, rows, "training-matrix", "Training matrix",
                    what="training matrix", about=("organisation", organisation.id),
                    concerns=organisation)


# A person's training, recorded from the web ---------------------------------------------


@blueprint.route("/training/people/<int:person_id>", methods=["GET", "POST"])
@personal_page
def person(person_id: int):
    """Show someone's required training and records; L&D and their manager record more."""
    me = signed_in()
    someone = db.session.get(Person, person_id)
    if someone is None:
        abort(404)
    if request.method == "GET":
        require(policy.can_view_training(db.session, me, someone))
        return _person_page(someone, RecordForm(formdata=None))
    require(policy.can_record_training(db.session, me, someone))
    form = RecordForm().fill(_subject_choices(someone))

    def change():
        subject = db.session.get(TrainingSubject, form.subject.data or "")
        if subject is None:
            abort(404)
        return record_training(db.session, me, someone, subject, form.completed_on.data,
                               today=clock.today(), provider=form.provider.data or "",
                               evidence=form.evidence.data or "")

    if submit(form, change, fields={"completed_on": "completed_on"}, anchor="#record"):
        flash(f"Training recorded for {someone.name}")
        return redirect(url_for(".person", person_id=someone.id), 303)
    return _person_page(someone, form, status=400)


def _subject_choices(someone: Person) -> list[tuple[str, str]]:
    return [(subject.id, subject.title) for subject in subjects_for(db.session,
                                                                      someone.organisation)]


def _person_page(someone: Person, form: RecordForm, status: int = 200):
    me = signed_in()
    today = clock.today()
    records = records_of(db.session, someone)
    subjects = required_subjects(db.session, someone)
    intervals = intervals_for(db.session, someone.organisation_id, subjects)
    window = expiring_window(db.session, someone.organisation_id)
    latest: dict = {}
    for record in records:
        if record.completed_on <= today:
            latest.setdefault(record.subject_id, record)
    required = [(subject, training_status(latest.get(subject.id), intervals[subject.id],
                                          today, window), latest.get(subject.id))
                for subject in subjects]
    return render_template(
        "training/person.html", someone=someone, required=required, records=records,
        today=today, form=form.fill(_subject_choices(someone)),
        records_here=bool(policy.can_record_training(db.session, me, someone)),
        error_list=error_list(form) if status != 200 else []), status


# What each role requires, set by L&D -----------------------------------------------------


@blueprint.route("/training/requirements", methods=["GET", "POST"])
@personal_page
def requirements(status: int = 200, form: RequirementForm | None = None):
    """List what each role requires at the organisation; L&D add a requirement."""
    me = signed_in()
    organisation = me.organisation
    require(policy.can_manage_training(me, organisation))
    G = current_graph()
    subjects = [(subject.id, subject.title) for subject in subjects_for(db.session,
                                                                        organisation)]
    if request.method == "POST" and form is None:
        form = RequirementForm().fill(choices(G, "role"), subjects)

        def change():
            role, subject = (db.session.get(Role, form.role.data or ""),
                             db.session.get(TrainingSubject, form.subject.data or ""))
            if role is None or subject is None:
                abort(404)
            return add_requirement(db.session, me, organisation, role, subject)

        if submit(form, change, anchor="#add"):
            flash("The requirement is added")
            return redirect(url_for(".requirements"), 303)
        status = 400
    form = form or RequirementForm(formdata=None)
    titles = dict(choices(G, "role"))
    return render_template(
        "training/requirements.html", form=form.fill(choices(G, "role"), subjects),
        found=requirements_at(db.session, organisation.id), titles=titles,
        remove_form=ConfirmForm(formdata=None), organisation=organisation,
        error_list=error_list(form) if status != 200 else []), status


@blueprint.post("/training/requirements/<int:requirement_id>/remove")
@personal_page
def remove(requirement_id: int):
    """Stop requiring a subject of a role (L&D)."""
    me = signed_in()
    requirement = db.session.get(TrainingRequirement, requirement_id)
    if requirement is None:
        abort(404)
    require(policy.can_manage_training(me, requirement.organisation))
    form = ConfirmForm()
    if submit(form, lambda: remove_requirement(db.session, me, requirement)):
        flash("The requirement is removed")
        return redirect(url_for(".requirements"), 303)
    return requirements(status=400, form=RequirementForm(formdata=None))


@blueprint.get("/training/mine")
@personal_page
def mine():
    """Show the signed-in person's required training with its status, and their records."""
    me = signed_in()
    require(policy.can_view_training(db.session, me, me))
    today = clock.today()
    records = records_of(db.session, me)
    subjects = required_subjects(db.session, me)
    intervals = intervals_for(db.session, me.organisation_id, subjects)
    window = expiring_window(db.session, me.organisation_id)
    latest = {}
    for record in records:
        if record.completed_on <= today:
            latest.setdefault(record.subject_id, record)
    required = [(subject, training_status(latest.get(subject.id), intervals[subject.id], today,
                                          window), latest.get(subject.id))
                for subject in subjects]
    return render_template("training/mine.html", me=me, required=required, records=records,
                           today=today)
