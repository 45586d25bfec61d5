"""Profiles: the signed-in person's own, and other people's as the policy allows.

Each edit has two addresses: ``/profile/...`` for the signed-in person and
``/people/<id>/...`` for someone the policy lets the actor edit. A view checks the policy
first (403 or 404 before looking at the form), submits the form (``webapp.submit``:
validate, one service, commit) and redirects back; a refused form shows the page again
with its errors (400).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from pathways.models import Person
from pathways.people import profiles
from pathways.people.pages import equality_page
from pathways.policy import can_edit_person, can_see_equality_report, can_view_person
from pathways.suppression import SUPPRESSED

from ..auth import own_page, personal_page, require, signed_in
from ..extensions import current_graph, db
from ..people_forms import (
    AddQualificationForm,
    ChooseRouteForm,
    ConfirmForm,
    CurrentRoleForm,
    EqualityForm,
    TargetForm,
)
from ..submit import submit
from .shared import confirm_first, error_list

blueprint = Blueprint("people", __name__)
#: Someone's page; ids past the database's integer range are simply not found.
PERSON = "/people/<int:person_id>"


def _person(person_id: int | None, check=can_view_person) -> Person:
    """Return the person a request is about (the signed-in one for None), as the policy allows."""
    me = signed_in()
    own = person_id is None or person_id == me.id
    person = me if own else db.session.get(Person, person_id)
    if person is None:
        abort(404)
    require(check(db.session, me, person))
    return person


def _page(person: Person, own_page: bool) -> str:
    return url_for("people.profile") if own_page else url_for("people.person", person_id=person.id)


def _render(person: Person, own_page: bool, forms: dict[str, FlaskForm] | None = None,
            errors: list[dict] | None = None, status: int = 200):
    """Show a profile, with edit forms where allowed; ``forms`` replaces refused forms."""
    G, me = current_graph(), signed_in()
    forms = forms or {}
    editable = bool(can_edit_person(db.session, me, person))
    answers = profiles.equality_answers(db.session, person) if own_page else {}
    role_form = forms.get("role") or CurrentRoleForm(
        formdata=None, role=person.current_role_id, started_on=person.role_start_date)
    target_form = forms.get("target") or TargetForm(formdata=None, target=person.target_role_id)
    equality_form = forms.get("equality") or EqualityForm(formdata=None, **answers)
    route = profiles.chosen_route(G, person)
    return render_template(
        "people/profile.html", G=G, person=person, own_page=own_page, editable=editable,
        url_person_id=None if own_page else person.id,
        route=route, route_stale=bool(person.chosen_route) and route is None,
        role_form=role_form.fill(G), target_form=target_form.fill(G),
        qualification_form=(forms.get("qualification")
                            or AddQualificationForm(formdata=None)).fill(G),
        confirm_form=ConfirmForm(formdata=None), equality_form=equality_form,
        equality_questions=profiles.EQUALITY_QUESTIONS,
        error_list=(errors or []) + [item for form in forms.values() for item in error_list(form)],
    ), status


def _save(person: Person, own_page: bool, name: str, form: FlaskForm, change, done: str):
    """Submit ``form`` and go back to the profile; or show it with the errors."""
    if submit(form, change):
        flash(done)
        return redirect(_page(person, own_page), 303)
    return _render(person, own_page, {name: form}, status=400)


@blueprint.get("/profile")
@own_page
def profile():
    """Show the signed-in person's profile, with forms to change it."""
    return _render(signed_in(), own_page=True)


@blueprint.get(PERSON)
@personal_page
def person(person_id: int):
    """Show someone's profile, as the policy allows (403 forbidden, 404 hidden)."""
    return _render(_person(person_id), own_page=False)


@blueprint.post("/profile/role", defaults={"person_id": None})
@blueprint.post(f"{PERSON}/role")
@personal_page
def change_role(person_id: int | None):
    """Change the current role and when it started."""
    person = _person(person_id, can_edit_person)
    G = current_graph()
    form = CurrentRoleForm().fill(G)
    return _save(person, person_id is None, "role", form, lambda: profiles.set_current_role(
        db.session, G, signed_in(), person, form.role.data, form.started_on.data),
        "Current role saved")


@blueprint.post("/profile/qualifications", defaults={"person_id": None})
@blueprint.post(f"{PERSON}/qualifications")
@personal_page
def add_qualification(person_id: int | None):
    """Record a qualification held."""
    person = _person(person_id, can_edit_person)
    G = current_graph()
    form = AddQualificationForm().fill(G)
    return _save(person, person_id is None, "qualification", form,
                 lambda: profiles.add_qualification(
                     db.session, G, signed_in(), person, form.qualification.data,
                     form.achieved_on.data, form.evidence.data or ""),
                 "Qualification added")


@blueprint.post("/profile/qualifications/<qualification_id>/remove",
                defaults={"person_id": None})
@blueprint.post(f"{PERSON}/qualifications/<qualification_id>/remove")
@personal_page
def remove_qualification(person_id: int | None, qualification_id: str):
    """Remove a qualification held, once confirmed (its record is kept: adding it restores it)."""
    person = _person(person_id, can_edit_person)
    if qualification_id not in profiles.held_qualification_ids(person):
        abort(404)
    G = current_graph()
    title = G.nodes[qualification_id]["title"] if qualification_id in G else qualification_id
    whose = "your" if person_id is None else f"{person.name}'s"
    ask = confirm_first(
        f"Remove {title} from {whose} qualifications?",
        warning="It will no longer count toward routes, placements or reports.",
        details=("Its date and evidence are kept: adding the qualification again restores "
                 "them.",),
        button="Yes, remove it", back=_page(person, person_id is None) + "#qualifications")
    return ask or _save(person, person_id is None, "remove", ConfirmForm(),
                 lambda: profiles.remove_qualification(db.session, signed_in(), person,
                                                       qualification_id),
                 "Qualification removed")


@blueprint.post("/profile/target", defaults={"person_id": None})
@blueprint.post(f"{PERSON}/target")
@personal_page
def set_target(person_id: int | None):
    """Set the role someone wants to reach (or none)."""
    person = _person(person_id, can_edit_person)
    G = current_graph()
    form = TargetForm().fill(G)
    return _save(person, person_id is None, "target", form, lambda: profiles.set_target(
        db.session, G, signed_in(), person, form.target.data or None), "Target role saved")


@blueprint.post("/profile/route")
@own_page
def choose_route():
    """Make a route found by the planner the signed-in person's route (and its end the target)."""
    me, G = signed_in(), current_graph()
    form = ChooseRouteForm()
    if submit(form, lambda: profiles.set_target(db.session, G, me, me, form.path()[-1],
                                                form.path())):
        flash("Route chosen: it is now your route")
        return redirect(url_for("people.profile", _anchor="my-route"), 303)
    return _render(me, True, errors=error_list(form, href="#my-route") or [
        {"text": "Choose a route", "href": "#my-route"}], status=400)


@blueprint.post("/profile/equality")
@own_page
def save_equality():
    """Save the signed-in person's optional equality answers."""
    me = signed_in()
    form = EqualityForm()
    return _save(me, True, "equality", form,
                 lambda: profiles.save_equality(db.session, me, me, form.answers()),
                 "Equality answers saved. Thank you.")


@blueprint.get("/reports/equality")
@personal_page
def equality_report():
    """The equality and age report of the people in the signed-in L&D person's reach."""
    me = signed_in()
    require(can_see_equality_report(me))
    return render_template("people/equality_report.html", report=equality_page(db.session, me),
                           suppressed=SUPPRESSED)
