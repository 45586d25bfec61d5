"""Accounts and the staff import for L&D and admins, and the audit log.

L&D and admins list the people in their reach and import staff; only admins disable
accounts, grant and remove access roles, change the email address someone signs in with
(which ends their sessions and tells the old address), and read the audit log
(``pathways.policy``).
People outside the actor's reach answer 404, as if they did not exist. Changes are submitted
through ``webapp.submit``; the lists come a page at a time from ``pathways.people.pages``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from pathways.audit import ACTION_LABELS, ENTITY_LABELS, label_of
from pathways.errors import InvalidInput
from pathways.mentoring import champions
from pathways.models import ACCESS_ROLES, AuditEvent, Person
from pathways.people import pages
from pathways.people.access import (
    grant_role,
    remove_role,
    set_account_active,
)
from pathways.people.accounts import change_email
from pathways.people.staff_import import (
    COLUMNS,
    TEMPLATE_ROW,
    StaffImportResult,
    import_staff_upload,
)
from pathways.policy import (
    can_change_email,
    can_import_staff,
    can_manage_accounts,
    can_read_audit,
    can_record_movement,
    can_see_equality_report,
    can_view_person,
)

from ..admin_forms import (
    AccountStatusForm,
    AuditFilterForm,
    ChampionImportForm,
    ChangeEmailForm,
    GrantRoleForm,
    RemoveRoleForm,
    StaffImportForm,
)
from ..auth import personal_page, require, signed_in
from ..extensions import current_graph, db
from ..input_rules import query_text
from ..mail import link_to, send_email
from ..submit import Submission, submit
from .shared import (
    error_list,
    keyset_asked,
    keyset_pagination,
    problem_items,
    template_download,
)

blueprint = Blueprint("admin_people", __name__, url_prefix="/admin")

PER_PAGE = 50
#: What each column of the champion import holds, for its page.
CHAMPION_COLUMNS = [
    ("email", "Required. Their work email address: they must already be staff here (import "
              "them with Import staff first)"),
    ("specialisms", "Role families they know well, separated by ;, for example Social work; "
                    "Care and support"),
    ("roles_held", "Roles they have held, by title or id, separated by ;"),
    ("capacity", "How many people they can support at once, 0 to 20. Empty means 3"),
    ("open_to_partnership", "yes to be offered to people across the partnership; empty means "
                            "no"),
]
#: Audit details never shown, whatever an event holds.
HIDDEN_DETAILS = re.compile(r"password|hash|token|equality|ethnic|disab|sex|gender|religion|"
                            r"age_band", re.IGNORECASE)


@blueprint.get("/users")
@personal_page
def users():
    """List the people in the actor's reach, with their access roles and status."""
    actor = signed_in()
    require(can_import_staff(actor))
    search, problem = query_text("q")
    found = pages.people_in_reach(db.session, actor, search, per_page=PER_PAGE,
                                  **keyset_asked())
    errors = [{"text": f"The search {problem}", "href": "#q"}] if problem else []
    return render_template("admin/people/users.html", people=found.rows, search=search,
                           found=found, error_list=errors,
                           pagination=keyset_pagination(found, "admin_people.users",
                                                        q=search or None),
                           many_organisations=pages.reaches_several_organisations(
                               db.session, actor), roles=ACCESS_ROLES,
                           may_audit=bool(can_read_audit(actor)),
                           may_report=bool(can_see_equality_report(actor))), \
        400 if errors else 200


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
    active = form.active.data == "yes"
    saved = submit(form, lambda: set_account_active(db.session, person, active,
                                                    actor=signed_in()), fields=_no_field)
    if not saved:
        return _refused(person, saved) or _user_page(person, status_form=form,
                                                     errors=error_list(form))
    if saved.value:
        flash(f"{person.name}'s account is {'enabled' if active else 'disabled'}.")
    return redirect(url_for(".user", person_id=person.id))


@blueprint.post("/users/<int:person_id>/grant-role")
@personal_page
def grant(person_id: int):
    """Grant an access role (admins)."""
    person = _person_to_manage(person_id)
    form = GrantRoleForm(prefix="grant")
    saved = submit(form, lambda: grant_role(db.session, person, form.role.data,
                                            form.scope.data, actor=signed_in()),
                   fields=_no_field)
    if not saved:
        return _refused(person, saved, grant_form=form) or _user_page(
            person, grant_form=form, errors=error_list(form))
    if saved.value:
        flash(f"{person.name} now has the {ACCESS_ROLES[form.role.data]} role.")
    return redirect(url_for(".user", person_id=person.id))


@blueprint.post("/users/<int:person_id>/remove-role")
@personal_page
def remove(person_id: int):
    """Remove an access role (admins)."""
    person = _person_to_manage(person_id)
    form = RemoveRoleForm()
    saved = submit(form, lambda: remove_role(db.session, person, form.role.data,
                                             actor=signed_in()), fields=_no_field)
    if not saved:
        return _refused(person, saved) or _user_page(person, errors=error_list(form))
    if saved.value:
        flash(f"{person.name} no longer has the {ACCESS_ROLES[form.role.data]} role.")
    return redirect(url_for(".user", person_id=person.id))


@blueprint.post("/users/<int:person_id>/email")
@personal_page
def change_sign_in_email(person_id: int):
    """Change the email address someone signs in with (admins): their sessions end, the old
    address is told, and the audit log keeps both."""
    actor = signed_in()
    person = _person_in_reach(person_id)
    require(can_change_email(actor, person))
    form = ChangeEmailForm()
    saved = submit(form, lambda: change_email(db.session, person, form.email.data, actor=actor),
                   anchor="#sign-in-email")
    if not saved:
        return _user_page(person, email_form=form, errors=error_list(form))
    tell_old_address(saved.value, person)
    flash(f"{person.name} now signs in with {person.email}: their sessions have ended, and "
          f"{saved.value} has been told.")
    return redirect(url_for(".user", person_id=person.id))


def tell_old_address(old: str, person: Person) -> None:
    """Email the address someone signed in with that it no longer is (ASVS 6.3.6)."""
    send_email(old, "Your Care career pathways sign-in email has changed", (
        f"Hello {person.name},\n\n"
        "An administrator has changed the email address you sign in to Care career pathways "
        f"with, from this address to {person.email}, and you have been signed out "
        "everywhere.\n\n"
        "If you did not expect this, tell the person who looks after Care career pathways "
        "where you work straight away.\n\n"
        f"To sign in: {link_to('accounts.login')}\n"))


@blueprint.route("/import-staff", methods=["GET", "POST"])
@personal_page
def import_staff_page():
    """Upload an HR export of staff: every bad row listed and nothing written, or the counts."""
    actor = signed_in()
    require(can_import_staff(actor))
    organisations, search, more = _organisations_offered(actor)
    form = StaffImportForm()
    form.organisation.choices = [(str(o.id), o.name) for o in organisations]

    def page(status=200, errors=(), result: StaffImportResult | None = None, organisation=None):
        return render_template("admin/people/import.html", form=form, result=result,
                               organisation=organisation, error_list=list(errors),
                               organisation_search=search, more_organisations=more,
                               may_audit=bool(can_read_audit(actor))), status

    def organisation():
        return next(o for o in organisations if str(o.id) == form.organisation.data)

    saved = submit(form, lambda: import_staff_upload(
        db.session, form.staff_file.data.stream, organisation(), actor, G=current_graph()),
        fields=_no_field)
    if saved:
        return page(result=saved.value, organisation=organisation())
    if isinstance(saved.error, InvalidInput):  # every bad row is listed
        form.staff_file.errors = [f"The file has {len(saved.error.problems)} problem(s): "
                                  "nothing was imported"]
        return page(400, problem_items(saved.error.problems, "#staff_file"))
    if saved.clashed:  # someone added one of these people at the same moment
        form.staff_file.errors = ["Someone else changed these people while the file was "
                                  "imported: nothing was imported. Upload it again."]
        return page(409, [{"text": form.staff_file.errors[0], "href": "#staff_file"}])
    return page(400, error_list(form)) if form.is_submitted() else page()


@blueprint.get("/import-staff/template.<any(csv, xlsx):fmt>")
@personal_page
def staff_template(fmt: str):
    """Download the staff import's template: its columns and an example row (CSV or XLSX)."""
    require(can_import_staff(signed_in()))
    return template_download(fmt, COLUMNS, TEMPLATE_ROW, "staff-import-template")


@blueprint.route("/import-champions", methods=["GET", "POST"])
@personal_page
def import_champions_page():
    """Upload career champions: every bad row listed and nothing written, or how many."""
    actor = signed_in()
    require(can_import_staff(actor))
    organisations, search, more = _organisations_offered(actor)
    form = ChampionImportForm()
    form.organisation.choices = [(str(o.id), o.name) for o in organisations]

    def page(status=200, errors=(), imported: int | None = None, organisation=None):
        return render_template("admin/people/import_champions.html", form=form,
                               imported=imported, organisation=organisation,
                               columns=CHAMPION_COLUMNS, error_list=list(errors),
                               organisation_search=search, more_organisations=more,
                               may_audit=bool(can_read_audit(actor))), status

    def organisation():
        return next(o for o in organisations if str(o.id) == form.organisation.data)

    saved = submit(form, lambda: champions.import_champions_upload(
        db.session, form.champions_file.data.stream, organisation(), current_graph(), actor),
        fields=_no_field)
    if saved:
        return page(imported=saved.value, organisation=organisation())
    if isinstance(saved.error, InvalidInput):  # every bad row is listed
        form.champions_file.errors = [f"The file has {len(saved.error.problems)} problem(s): "
                                      "nothing was imported"]
        return page(400, problem_items(saved.error.problems, "#champions_file"))
    return page(400, error_list(form)) if form.is_submitted() else page()


@blueprint.get("/import-champions/template.<any(csv, xlsx):fmt>")
@personal_page
def champions_template(fmt: str):
    """Download the champion import's template: its columns and an example row."""
    require(can_import_staff(signed_in()))
    return template_download(fmt, champions.COLUMNS, champions.TEMPLATE_ROW,
                             "champions-import-template")


@blueprint.get("/audit")
@personal_page
def audit_log():
    """The audit log, newest first, filtered by what changed (admins)."""
    actor = signed_in()
    require(can_read_audit(actor))
    form = AuditFilterForm(request.args)
    form.entity_type.choices = [("", "Everything")] + sorted(
        ((kind, label_of(kind, ENTITY_LABELS)) for kind in pages.audit_kinds(db.session, actor)),
        key=lambda choice: choice[1])
    valid = form.validate()
    words = (form.person.data or "").strip() if valid else ""
    named = pages.people_named(db.session, actor, words) if words else None
    if named is not None and named.more:
        form.person.errors = [f"More than {pages.PEOPLE_NAMED} people's names or emails begin "
                              f"with “{words}”: give more of the name, or the email address"]
    errors = error_list(form) if not valid or form.person.errors else []
    filters = {} if errors else {
        "entity_type": form.entity_type.data or "",
        "person": named.ids if named is not None else None,
        "since": form.day(form.since), "until": form.day(form.until)}
    found = pages.audit_events(db.session, actor, filters.pop("entity_type", ""),
                               per_page=PER_PAGE, **keyset_asked(), **filters)
    rows = [(event, _in_utc(event.at), _shown_details(event)) for event in found.rows]
    kept = {} if errors else {name: request.args.get(name) or None
                              for name in ("entity_type", "person", "since", "until")}
    return render_template("admin/people/audit.html", rows=rows, form=form, found=found,
                           pagination=keyset_pagination(found, "admin_people.audit_log",
                                                        **kept),
                           actions=ACTION_LABELS, entities=ENTITY_LABELS, label_of=label_of,
                           error_list=errors), 400 if errors else 200


def _organisations_offered(actor: Person) -> tuple[list, str, bool]:
    """Return the organisations an import form offers (the first by name, or those matching
    the ``organisation_q`` search, with the one sent), the search, and whether more exist."""
    search, _problem = query_text("organisation_q")
    sent = (request.form.get("organisation") or "").strip()
    organisations, more = pages.organisations_offered(
        db.session, actor, search, int(sent) if sent.isdigit() and len(sent) < 10 else None)
    return organisations, search, more


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


def _user_page(person: Person, *, status_form=None, grant_form=None, email_form=None,
               errors=()):
    """Render an account's page (400 when it shows problems)."""
    actor = signed_in()
    G = current_graph()
    titles = {attr: G.nodes[node]["title"] if node in G else None for attr, node in (
        ("current_role", person.current_role_id), ("target_role", person.target_role_id))}
    return render_template(
        "admin/people/person.html", person=person, titles=titles, roles=ACCESS_ROLES,
        may_manage=bool(can_manage_accounts(actor)), is_self=actor.id == person.id,
        may_change_email=bool(can_change_email(actor, person)),
        may_record_movement=bool(can_record_movement(db.session, actor, person)),
        email_form=email_form or ChangeEmailForm(formdata=None),
        status_form=status_form or AccountStatusForm(), remove_form=RemoveRoleForm(),
        grant_form=grant_form or GrantRoleForm(prefix="grant"), error_list=list(errors),
    ), 400 if errors else 200


def _refused(person: Person, saved: Submission, **forms):
    """Show the account with the domain's problems (listed at the access roles), if any."""
    if not isinstance(saved.error, InvalidInput):
        return None
    return _user_page(person, errors=problem_items(saved.error.problems, "#access-roles"),
                      **forms)


def _no_field(_where: str) -> str:
    """Place no problem on a field: the account and import pages list them themselves."""
    return ""


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
