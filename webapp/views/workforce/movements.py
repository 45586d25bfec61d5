"""Recording a person's change of role or leaving, from their account page.

Through ``webapp.submit`` and the domain's ``record_role_change`` and ``record_leaver``
(``policy.can_record_movement``); leaving disables the account and keeps the history.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from pathways import clock, policy
from pathways.errors import InvalidInput, NotFound, Problem
from pathways.models import MOVE_KINDS, Person
from pathways.people.accounts import find_organisation
from pathways.workforce.movements import history_of, record_leaver, record_role_change

from ...auth import personal_page, require, signed_in
from ...extensions import current_graph, db
from ...submit import submit
from ...workforce_forms import LeaverForm, RoleChangeForm
from ..shared import choices, error_list
from .common import blueprint


def _person_to_record(person_id: int) -> Person:
    """Return the person whose movement is recorded: 403 or 404 as the policy says."""
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    require(policy.can_record_movement(db.session, signed_in(), person))
    return person


def _movement_page(template: str, person: Person, form, status: int = 200):
    """Render a movement's form with the person's role history (400 with its problems)."""
    G = current_graph()
    spells = history_of(db.session, person)
    titles = {role: G.nodes[role]["title"] for role in
              {spell.role_id for spell in spells} | {person.current_role_id}
              if role and role in G}
    return render_template(template, person=person, form=form, spells=spells, titles=titles,
                           moves=MOVE_KINDS,
                           error_list=error_list(form) if status != 200 else []), status


@blueprint.route("/people/<int:person_id>/leaver", methods=["GET", "POST"])
@personal_page
def leaver(person_id: int):
    """Record that someone left: the day, why and where to. Their account closes."""
    person = _person_to_record(person_id)
    form = LeaverForm()
    saved = submit(form, lambda: record_leaver(
        db.session, person, form.left_on.data, reason=form.reason.data or "",
        destination=form.destination.data or "", actor=signed_in(), today=clock.today()),
        sentences=True)
    if saved:
        flash(f"{person.name} is recorded as a leaver: their account is disabled and their "
              "history kept.")
        return redirect(url_for("admin_people.user", person_id=person.id))
    return _movement_page("workforce/leaver.html", person, form,
                          400 if form.is_submitted() else 200)


@blueprint.route("/people/<int:person_id>/role", methods=["GET", "POST"])
@personal_page
def role_change(person_id: int):
    """Record that someone started in a role (a promotion, a sideways move, a starter)."""
    person = _person_to_record(person_id)
    form = RoleChangeForm()
    form.role_id.choices = [("", "Choose a role"), *choices(current_graph(), "role")]

    def change():
        employer = None
        if form.employer.data:
            try:
                employer = find_organisation(db.session, form.employer.data)
            except NotFound as missing:
                raise InvalidInput([Problem("employer", str(missing))],
                                   "The change was not recorded") from missing
        return record_role_change(
            db.session, person, form.role_id.data or "", form.started_on.data,
            employer=employer, previous_sector=form.previous_sector.data or None,
            actor=signed_in(), today=clock.today())

    saved = submit(form, change, sentences=True)
    if saved:
        flash(f"{person.name}'s change of role is recorded.")
        return redirect(url_for("admin_people.user", person_id=person.id))
    return _movement_page("workforce/role_change.html", person, form,
                          400 if form.is_submitted() else 200)
