"""Accounts and the staff import for L&D and admins, and the audit log.

L&D and admins list the people in their reach and import staff; only admins disable
accounts, grant and remove access roles, and read the audit log (``pathways.policy``).
People outside the actor's reach answer 404, as if they did not exist.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import String, and_, cast, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from pathways.errors import InvalidInput, Problem
from pathways.models import ACCESS_ROLES, AuditEvent, Person
from pathways.people.access import (
    grant_role,
    organisations_in_reach,
    remove_role,
    set_account_active,
)
from pathways.people.staff_import import StaffImportResult, import_staff_upload
from pathways.policy import (
    can_import_staff,
    can_manage_accounts,
    can_read_audit,
    can_view_person,
    reach_filter,
)

from ..admin_forms import (
    AccountStatusForm,
    AuditFilterForm,
    GrantRoleForm,
    RemoveRoleForm,
    StaffImportForm,
)
from ..auth import personal_page, require, signed_in
from ..extensions import current_graph, db
from .shared import error_list

blueprint = Blueprint("admin_people", __name__, url_prefix="/admin")

PER_PAGE = 50
#: At most this many problems of a refused import are listed in the error summary.
SHOWN_PROBLEMS = 100
#: Audit events about a person carry the person's id; they are shown only within reach.
PERSON_ENTITIES = ("person", "equality")
#: Audit details never shown, whatever an event holds.
HIDDEN_DETAILS = re.compile(r"password|hash|token|equality|ethnic|disab|sex|gender|religion|"
                            r"age_band", re.IGNORECASE)


@blueprint.get("/users")
@personal_page
def users():
    """List the people in the actor's reach, with their access roles and status."""
    actor = signed_in()
    require(can_import_staff(actor))
    organisations = organisations_in_reach(db.session, actor)
    search = request.args.get("q", "").strip()[:200]
    query = select(Person).where(reach_filter(actor, Person.organisation_id))
    if search:
        folded = search.lower()
        query = query.where(or_(func.lower(Person.name).contains(folded, autoescape=True),
                                Person.email.contains(folded, autoescape=True)))
    page, pagination, total = _paginate(query, "admin_people.users", q=search or None)
    people = db.session.scalars(query.options(
        selectinload(Person.access), selectinload(Person.team),
        selectinload(Person.organisation)).order_by(Person.name, Person.id)
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template("admin/people/users.html", people=people, search=search,
                           total=total, pagination=pagination,
                           many_organisations=len(organisations) > 1, roles=ACCESS_ROLES,
                           may_audit=bool(can_read_audit(actor)))


@blueprint.get("/users/<int:person_id>")
@personal_page
def user(person_id: int):
    """Show one account: organisation, team, status and access roles; admins may change them."""
    return _user_page(_person_in_reach(person_id))


@blueprint.post("/users/<int:person_id>/status")
@personal_page
def change_status(person_id: int):
    """Disable or enable an account (admins)."""
    person = _person_to_manage(person_id)
    form = AccountStatusForm()
    if not form.validate_on_submit():
        return _user_page(person, status_form=form, errors=error_list(form))
    active = form.active.data == "yes"
    try:
        changed = set_account_active(db.session, person, active, actor=signed_in())
    except InvalidInput as refused:
        return _refused(person, refused)
    db.session.commit()
    if changed:
        flash(f"{person.name}'s account is {'enabled' if active else 'disabled'}.")
    return redirect(url_for(".user", person_id=person.id))


@blueprint.post("/users/<int:person_id>/grant-role")
@personal_page
def grant(person_id: int):
    """Grant an access role (admins)."""
    person = _person_to_manage(person_id)
    form = GrantRoleForm(prefix="grant")
    if not form.validate_on_submit():
        return _user_page(person, grant_form=form, errors=error_list(form))
    try:
        changed = grant_role(db.session, person, form.role.data, form.scope.data,
                             actor=signed_in())
    except InvalidInput as refused:
        return _refused(person, refused, grant_form=form)
    db.session.commit()
    if changed:
        flash(f"{person.name} now has the {ACCESS_ROLES[form.role.data]} role.")
    return redirect(url_for(".user", person_id=person.id))


@blueprint.post("/users/<int:person_id>/remove-role")
@personal_page
def remove(person_id: int):
    """Remove an access role (admins)."""
    person = _person_to_manage(person_id)
    form = RemoveRoleForm()
    if not form.validate_on_submit():
        return _user_page(person, errors=error_list(form))
    try:
        changed = remove_role(db.session, person, form.role.data, actor=signed_in())
    except InvalidInput as refused:
        return _refused(person, refused)
    db.session.commit()
    if changed:
        flash(f"{person.name} no longer has the {ACCESS_ROLES[form.role.data]} role.")
    return redirect(url_for(".user", person_id=person.id))


@blueprint.route("/import-staff", methods=["GET", "POST"])
@personal_page
def import_staff_page():
    """Upload an HR export of staff: every bad row listed and nothing written, or the counts."""
    actor = signed_in()
    require(can_import_staff(actor))
    organisations = organisations_in_reach(db.session, actor)
    form = StaffImportForm()
    form.organisation.choices = [(str(o.id), o.name) for o in organisations]

    def page(status=200, errors=(), result: StaffImportResult | None = None, organisation=None):
        return render_template("admin/people/import.html", form=form, result=result,
                               organisation=organisation, error_list=list(errors),
                               may_audit=bool(can_read_audit(actor))), status

    if not form.is_submitted():
        return page()
    if not form.validate():
        return page(400, error_list(form))
    organisation = next(o for o in organisations if str(o.id) == form.organisation.data)
    try:
        result = import_staff_upload(db.session, form.staff_file.data.stream, organisation,
                                     actor, G=current_graph())
        db.session.commit()
    except InvalidInput as refused:
        db.session.rollback()
        form.staff_file.errors = [f"The file has {len(refused.problems)} problem(s): "
                                  "nothing was imported"]
        return page(400, _problem_items(refused.problems, "#staff_file"))
    except IntegrityError:  # someone added one of these people at the same moment
        db.session.rollback()
        form.staff_file.errors = ["Someone else changed these people while the file was "
                                  "imported: nothing was imported. Upload it again."]
        return page(409, error_list(form))
    return page(result=result, organisation=organisation)


@blueprint.get("/audit")
@personal_page
def audit_log():
    """The audit log, newest first, filtered by what changed (admins)."""
    actor = signed_in()
    require(can_read_audit(actor))
    reach = [o.id for o in organisations_in_reach(db.session, actor)]
    visible = _audit_in_reach(reach)
    kinds = db.session.scalars(select(AuditEvent.entity_type).where(visible).distinct()
                               .order_by(AuditEvent.entity_type)).all()
    form = AuditFilterForm(request.args)
    form.entity_type.choices = [("", "Everything")] + [(k, k.capitalize()) for k in kinds]
    errors = [] if form.validate() else error_list(form)
    query = select(AuditEvent).where(visible)
    chosen = form.entity_type.data if not errors else ""
    if chosen:
        query = query.where(AuditEvent.entity_type == chosen)
    page, pagination, total = _paginate(query, "admin_people.audit_log",
                                        entity_type=chosen or None)
    events = db.session.scalars(query.options(selectinload(AuditEvent.actor))
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    rows = [(event, _in_utc(event.at), _shown_details(event)) for event in events]
    return render_template("admin/people/audit.html", rows=rows, form=form, total=total,
                           pagination=pagination, error_list=errors), 400 if errors else 200


def _person_in_reach(person_id: int) -> Person:
    """Return the person for an L&D or admin page: 403 for other roles, 404 outside reach."""
    actor = signed_in()
    require(can_import_staff(actor))
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    require(can_view_person(db.session, actor, person))
    return person


def _person_to_manage(person_id: int) -> Person:
    """Return the person whose account an admin changes: 403 for others, 404 outside reach."""
    require(can_manage_accounts(signed_in()))
    return _person_in_reach(person_id)


def _user_page(person: Person, *, status_form=None, grant_form=None, errors=()):
    """Render an account's page (400 when it shows problems)."""
    actor = signed_in()
    G = current_graph()
    titles = {attr: G.nodes[node]["title"] if node in G else None for attr, node in (
        ("current_role", person.current_role_id), ("target_role", person.target_role_id))}
    return render_template(
        "admin/people/person.html", person=person, titles=titles, roles=ACCESS_ROLES,
        may_manage=bool(can_manage_accounts(actor)), is_self=actor.id == person.id,
        status_form=status_form or AccountStatusForm(), remove_form=RemoveRoleForm(),
        grant_form=grant_form or GrantRoleForm(prefix="grant"), error_list=list(errors),
    ), 400 if errors else 200


def _refused(person: Person, refused: InvalidInput, **forms):
    db.session.rollback()
    return _user_page(person, errors=_problem_items(refused.problems, "#access-roles"), **forms)


def _problem_items(problems: list[Problem], href: str) -> list[dict]:
    """Return the error summary items for a refusal, with a count of any not listed."""
    items = [{"text": str(problem), "href": href} for problem in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        items.append({"text": f"and {len(problems) - SHOWN_PROBLEMS} more problems",
                      "href": href})
    return items


def _paginate(query, endpoint: str, **args) -> tuple[int, dict, int]:
    """Return the page asked for, the GOV.UK pagination parameters, and the total count."""
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, math.ceil(total / PER_PAGE))
    page = request.args.get("page", 1, type=int) or 1
    page = min(max(page, 1), pages)
    links: dict = {"landmarkLabel": "Pages"}
    if page > 1:
        links["previous"] = {"href": url_for(endpoint, page=page - 1, **args)}
    if page < pages:
        links["next"] = {"href": url_for(endpoint, page=page + 1, **args)}
    links["items"] = [{"number": n, "href": url_for(endpoint, page=n, **args),
                       "current": n == page} for n in range(1, pages + 1)] if pages > 1 else []
    return page, links, total


def _audit_in_reach(organisation_ids: list[int]):
    """Return the condition for events the actor may read: about people and organisations
    within reach, and everything about the career graph."""
    about_person = exists(select(Person.id).where(
        cast(Person.id, String) == AuditEvent.entity_id,
        Person.organisation_id.in_(organisation_ids)))
    return or_(
        AuditEvent.entity_type.notin_((*PERSON_ENTITIES, "organisation")),
        and_(AuditEvent.entity_type.in_(PERSON_ENTITIES), about_person),
        and_(AuditEvent.entity_type == "organisation",
             AuditEvent.entity_id.in_([str(i) for i in organisation_ids])),
    )


def _in_utc(moment: datetime) -> datetime:
    """Return a stored time in UTC (SQLite gives it back naive, PostgreSQL in its time zone)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment


def _shown_details(event: AuditEvent) -> list[tuple[str, str]]:
    """Return an event's details fit to show: never passwords or equality data."""
    if event.entity_type == "equality" or not isinstance(event.details, dict):
        return []
    shown = []
    for key, value in event.details.items():
        if HIDDEN_DETAILS.search(str(key)):
            continue
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        shown.append((str(key).replace("_", " "), text))
    return shown
