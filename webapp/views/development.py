"""Development: My Conversation, role shadowing and the personal data download.

- My Conversation: a person's development conversations, newest first, seen by whoever may
  see the person; recorded by their manager (same team), L&D and admins of their reach,
  never by the person themself (they read it).
- Role shadowing: open places anyone signed in could request (on the days they would like,
  with a message), offering a place in one's own organisation, one's own requests (to
  cancel, with the manager's note, and the reflection afterwards), and a manager's
  approvals of their team's requests, each decided with a note.
- The data download: everything held about the signed-in person, as a JSON attachment.

Each view checks the policy first (403 forbidden, 404 hidden), submits the form
(``webapp.submit``: validate, one service, commit) and goes back; a refused form shows the
page again (400) with the GOV.UK error summary: the domain's problems on their fields, its
refusals in its own words. What a page lists comes from ``pathways.mentoring.pages``.
"""

from __future__ import annotations

import json
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm

from pathways import audit, clock
from pathways.apprenticeships.pages import teams_of
from pathways.mentoring import conversations, pages, shadowing
from pathways.models import (
    DEVELOPMENT_ACTIONS,
    DevelopmentConversation,
    Person,
    ShadowingPlace,
    ShadowingRequest,
    Team,
)
from pathways.people.data_download import everything_about, records_in
from pathways.policy import (
    can_cancel_shadowing,
    can_decide_shadowing,
    can_decide_team_shadowing,
    can_record_conversation,
    can_reflect_on_shadowing,
    can_view_person,
    shadowing_place_in_reach,
)

from ..apprenticeship_forms import identify
from ..auth import own_page, personal_page, require, signed_in
from ..development_forms import (
    ConversationForm,
    DecisionForm,
    PlaceForm,
    ReflectionForm,
    ShadowingRequestForm,
    months_later,
)
from ..extensions import current_graph, db
from ..people_forms import ConfirmForm
from ..submit import submit
from .shared import error_list, keyset_asked, keyset_pagination

blueprint = Blueprint("development", __name__)
#: A person's pages (an id past the databases' integers is a 404: ``webapp.input_rules``).
PERSON = "/people/<int:person_id>"
#: Months from a conversation to its review, unless the manager says otherwise.
REVIEW_AFTER_MONTHS = 6
#: The place form's field for each field the shadowing service names differently.
PLACE_FIELDS = {"role_id": "role"}


# For the profile page ------------------------------------------------------------------


@blueprint.app_template_global()
def latest_conversation_of(person: Person) -> DevelopmentConversation | None:
    """Return the person's latest development conversation (for the profile's summary)."""
    return conversations.latest_conversation(db.session, person)


@blueprint.app_template_global()
def shadowing_requests_of(person: Person) -> list[ShadowingRequest]:
    """Return the person's shadowing requests, newest first (for the profile's section)."""
    return pages.shadowing_requests_of(db.session, person)


@blueprint.app_template_global()
def may_record_conversation(person: Person) -> bool:
    """Whether the signed-in person may record a conversation for ``person``."""
    return bool(can_record_conversation(db.session, signed_in(), person))


@blueprint.app_template_global()
def conversation_review_due(conversation: DevelopmentConversation) -> bool:
    """Whether a conversation's review date has come."""
    return conversation.review_on <= clock.today()


@blueprint.app_template_filter("development_action")
def development_action(kind: str) -> str:
    """Return a development action kind's words, e.g. ``course`` is "Take a course"."""
    return DEVELOPMENT_ACTIONS.get(kind, kind)


# Shared helpers --------------------------------------------------------------------------


def _person(person_id: int | None) -> Person:
    """Return the person a page is about (the signed-in one for None), as the policy allows."""
    me = signed_in()
    own = person_id is None or person_id == me.id
    person = me if own else _found(Person, person_id)
    require(can_view_person(db.session, me, person))
    return person


def _found(model, record_id: int):
    """Return the record with this id, or answer 404."""
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return record


# My Conversation -------------------------------------------------------------------------


def _conversation_form(today: date) -> ConversationForm:
    """A blank conversation form: held today, reviewed six months on."""
    return ConversationForm(formdata=None, held_on=today,
                            review_on=months_later(today, REVIEW_AFTER_MONTHS))


def _conversations_page(person: Person, form: ConversationForm | None = None,
                        status: int = 200):
    """Show the person's conversations, newest first, with the form when allowed."""
    me, today = signed_in(), clock.today()
    own_page = person.id == me.id
    may_record = bool(can_record_conversation(db.session, me, person))
    found = pages.conversations_of(db.session, person)
    if form is None and may_record:
        form = _conversation_form(today)
    return render_template(
        "development/conversations.html", G=current_graph(), person=person,
        own_page=own_page, conversations=found, today=today, may_record=may_record,
        form=form,
        error_list=error_list(form) if form is not None and status != 200 else []), status


@blueprint.get("/profile/conversations", defaults={"person_id": None},
               endpoint="conversations")
@blueprint.get(f"{PERSON}/conversations", endpoint="conversations")
@personal_page
def conversations_page(person_id: int | None):
    """Show someone's development conversations (the signed-in person's own for /profile)."""
    return _conversations_page(_person(person_id))


@blueprint.post(f"{PERSON}/conversations")
@personal_page
def record_conversation(person_id: int):
    """Record a development conversation (the person's manager, L&D or an admin)."""
    me = signed_in()
    person = _found(Person, person_id)
    require(can_record_conversation(db.session, me, person))
    form = ConversationForm()
    if submit(form, lambda: conversations.record_conversation(
            db.session, person, held_on=form.held_on.data, review_on=form.review_on.data,
            aspirations=form.aspirations.data or "", actions=form.planned_actions(),
            actor=me)):
        flash("Conversation recorded")
        return redirect(url_for(".conversations", person_id=person.id), 303)
    return _conversations_page(person, form, status=400)


# Role shadowing -------------------------------------------------------------------------


def _shadowing_page(forms: dict[str, FlaskForm] | None = None,
                    errors: list[dict] | None = None, status: int = 200):
    """Show open places, the offer form, and the signed-in person's requests and places."""
    me, G, today = signed_in(), current_graph(), clock.today()
    forms = forms or {}
    page = pages.shadowing_page(db.session, me, today, **keyset_asked())
    reflectable = [request for request in page.mine
                   if request.status == "approved" and shadowing.starts_on(request) <= today]
    cancellable = {request.id for request in page.mine if request.status == "requested" or (
        request.status == "approved" and shadowing.starts_on(request) > today)}
    return render_template(
        "development/shadowing.html", G=G, me=me, today=today, places=page.places,
        left=page.left, asked={request.place_id for request in page.mine
                                          if request.status != "withdrawn"}, mine=page.mine,
        hosted=page.hosted, team_names=page.team_names,
        pagination=keyset_pagination(page.found, "development.shadowing"),
        is_manager=bool(can_decide_team_shadowing(me)),
        place_form=forms.get("place") or PlaceForm(formdata=None).fill(G, page.teams),
        action_form=ConfirmForm(formdata=None), cancellable=cancellable,
        reflection_forms={request.id: forms.get(f"reflection-{request.id}") or identify(
            ReflectionForm(formdata=None), request.id) for request in reflectable},
        error_list=(errors or []) + [item for form in forms.values()
                                     for item in error_list(form)],
    ), status


@blueprint.get("/shadowing", endpoint="shadowing")
@own_page
def shadowing_page():
    """Show the shadowing places the signed-in person could request, and their own requests."""
    return _shadowing_page()


@blueprint.route("/shadowing/<int:place_id>/request", methods=["GET", "POST"])
@own_page
def request_place(place_id: int):
    """Ask for a shadowing place on the days the person would like (their manager decides)."""
    me = signed_in()
    place = _found(ShadowingPlace, place_id)
    if not shadowing_place_in_reach(me, place) and request.method == "GET":
        abort(404)  # a place elsewhere is not found (asking for it is refused below)
    if request.method == "GET":
        return _request_page(place, ShadowingRequestForm(formdata=None))
    form = ShadowingRequestForm()
    if submit(form, lambda: shadowing.request_place(
            db.session, place, me, preferred_from=form.preferred_from.data,
            preferred_to=form.preferred_to.data, message=form.message.data or ""),
              anchor="#request"):
        flash("Place requested: your manager will decide")
        return redirect(url_for(".shadowing", _anchor="your-requests"), 303)
    if shadowing_place_in_reach(me, place) and place.host_id != me.id:
        return _request_page(place, form, status=400)
    return _shadowing_page(errors=error_list(form, href=f"#place-{place.id}"), status=400)


def _request_page(place: ShadowingPlace, form: ShadowingRequestForm, status: int = 200):
    """Show a place and the form asking for it."""
    page = pages.place_to_request(db.session, place)
    return render_template(
        "development/request.html", G=current_graph(), place=place, left=page.left,
        team=page.team, form=form, error_list=error_list(form) if status != 200 else []
    ), status


@blueprint.post("/shadowing/requests/<int:request_id>/cancel")
@personal_page
def cancel(request_id: int):
    """Cancel a shadowing request (only the person who asked), before the shadowing starts."""
    me = signed_in()
    found = _found(ShadowingRequest, request_id)
    require(can_cancel_shadowing(db.session, me, found))
    form = ConfirmForm()
    if submit(form, lambda: shadowing.cancel(db.session, found, actor=me),
              anchor=f"#request-{found.id}"):
        flash("Your request is cancelled")
        return redirect(url_for(".shadowing", _anchor="your-requests"), 303)
    return _shadowing_page(errors=error_list(form, href=f"#request-{found.id}"), status=400)


@blueprint.post("/shadowing/places")
@own_page
def publish():
    """Offer a shadowing place for a role in the signed-in person's organisation."""
    me, G = signed_in(), current_graph()
    form = PlaceForm().fill(G, teams_of(db.session, me.organisation_id))
    if submit(form, lambda: shadowing.publish_place(
            db.session, me, role_id=form.role.data, starts_on=form.starts_on.data,
            ends_on=form.ends_on.data, capacity=form.capacity.data,
            team=db.session.get(Team, int(form.team.data)) if form.team.data else None,
            description=form.description.data or "",
            open_to_partnership=bool(form.open_to_partnership.data)), fields=PLACE_FIELDS):
        flash("Shadowing place published")
        return redirect(url_for(".shadowing", _anchor="your-places"), 303)
    return _shadowing_page({"place": form}, status=400)


@blueprint.post("/shadowing/requests/<int:request_id>/reflection")
@personal_page
def reflect(request_id: int):
    """Write the reflection after shadowing (only the person who asked)."""
    me = signed_in()
    found = _found(ShadowingRequest, request_id)
    require(can_reflect_on_shadowing(db.session, me, found))
    form = identify(ReflectionForm(), found.id)
    if submit(form, lambda: shadowing.reflect(
            db.session, found, reflection=form.reflection.data,
            still_my_goal=form.still_my_goal.data == "yes"), anchor="#your-requests"):
        flash("Reflection saved. Thank you.")
        return redirect(url_for(".shadowing", _anchor="your-requests"), 303)
    return _shadowing_page({f"reflection-{found.id}": form}, status=400)


def _approvals_page(forms: dict[int, FlaskForm] | None = None, status: int = 200):
    """Show the requests of the signed-in manager's team: waiting ones first, then decided.

    ``forms`` holds a refused decision's form by request id.
    """
    me = signed_in()
    require(can_decide_team_shadowing(me))
    forms = forms or {}
    team_requests = pages.team_shadowing_requests(db.session, me)
    waiting = [r for r in team_requests if r.status == "requested"]
    return render_template(
        "development/approvals.html", G=current_graph(), me=me, waiting=waiting,
        decided=[r for r in team_requests if r.status != "requested"],
        forms={r.id: forms.get(r.id) or identify(DecisionForm(formdata=None), r.id)
               for r in waiting},
        error_list=[{**item, "href": f"#request-{request_id}"} if item["href"].startswith(
            "#decision") else item for request_id, form in forms.items()
            for item in error_list(form)]), status


@blueprint.get("/shadowing/approvals")
@personal_page
def approvals():
    """Show the shadowing requests of the signed-in manager's team, to approve or decline."""
    return _approvals_page()


@blueprint.post("/shadowing/requests/<int:request_id>/decide")
@personal_page
def decide(request_id: int):
    """Approve or decline a shadowing request (the requester's manager)."""
    me = signed_in()
    found = _found(ShadowingRequest, request_id)
    require(can_decide_shadowing(db.session, me, found))
    form = identify(DecisionForm(), found.id)
    approve = form.decision.data == "approve"
    if submit(form, lambda: shadowing.decide(db.session, found, approve, actor=me,
                                             note=form.note.data or ""),
              anchor=f"#request-{found.id}"):
        flash(f"{'Approved' if approve else 'Declined'}: {found.person.name}")
        return redirect(url_for(".approvals"), 303)
    return _approvals_page({found.id: form}, status=400)


# The data download -----------------------------------------------------------------------


@blueprint.get("/profile/download.json")
@own_page
def download():
    """Send everything held about the signed-in person, as a JSON file (never cached).

    The download is recorded in the audit log, like every download of personal data.
    """
    me = signed_in()
    data = everything_about(db.session, me)
    audit.record_export(db.session, me, "their own data", records_in(data), "person", me.id,
                        concerns=me, fmt="json")
    db.session.commit()
    response = Response(json.dumps(data, indent=2, ensure_ascii=False, default=str),
                        mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=my-data-{clock.today().isoformat()}.json")
    response.headers["Cache-Control"] = "no-store"
    return response

