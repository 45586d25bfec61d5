"""Finding and asking a champion; the champion's own pages: profile, requests, caseload."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from pathways import clock
from pathways.mentoring import pages, pairings
from pathways.mentoring import sessions as mentoring_sessions
from pathways.mentoring.champions import update_profile
from pathways.models import ACTION_OWNERS, ChampionPairing, ChampionProfile, Person
from pathways.policy import (
    can_act_as_champion,
    can_answer_request,
    can_ask_champion,
    can_see_mentoring_report,
    can_withdraw_champion_request,
)
from pathways.vocabulary import FAMILIES

from ...apprenticeship_forms import identify
from ...auth import own_page, personal_page, require, signed_in
from ...extensions import current_graph, db
from ...mentoring_forms import AcceptForm, DeclineForm, ProfileForm, RequestForm
from ...people_forms import ConfirmForm
from ...submit import submit
from ..apprenticeship_access import ID
from ..shared import error_list
from .common import blueprint, champion_me, day, pairing_or_404

# Finding and asking a champion -----------------------------------------------------------


@blueprint.get("/champions")
@own_page
def find():
    """Show the signed-in person's ranked champions, and their requests and pairings."""
    return _find_page()


def _find_page(forms: dict[int, FlaskForm] | None = None, status: int = 200,
               errors: list[dict] | None = None):
    """Show the matches and pairings; ``forms`` holds refused request forms by champion id,
    ``errors`` other refusals."""
    me, G = signed_in(), current_graph()
    forms = forms or {}
    page = pages.champions_page(db.session, G, me)
    shown = {match.champion.id for match in page.matches}
    items = list(errors or [])
    for champion_id, form in forms.items():
        found = error_list(form)
        items += found if champion_id in shown else [
            {"text": item["text"], "href": "#matches"} for item in found]
    return render_template(
        "mentoring/find.html", G=G, me=me, matches=page.matches, no_target=page.no_target,
        profiles=page.profiles,
        request_forms={match.champion.id: forms.get(match.champion.id) or identify(
            RequestForm(formdata=None), match.champion.id) for match in page.matches},
        requested=page.requested, active=page.active, past=page.past,
        champion_links=bool(can_act_as_champion(me)), today=clock.today(),
        report_link=bool(can_see_mentoring_report(me)),
        withdraw_form=ConfirmForm(formdata=None), error_list=items), status


@blueprint.post(f"/champions/<{ID}:person_id>/request", endpoint="request")
@personal_page
def ask(person_id: int):
    """Ask a champion for support (they must be on the person's match list)."""
    me = signed_in()
    champion = _champion_or_404(me, person_id)
    form = identify(RequestForm(), champion.id)
    saved = submit(form, lambda: pairings.request_champion(
        db.session, current_graph(), me, champion, message=form.message.data or ""),
        refused_on="message")
    if saved:
        flash(f"Request sent to {champion.name}. They have until "
              f"{day(saved.value.respond_by)} to answer.")
        return redirect(url_for(".find", _anchor="your-champions"), 303)
    return _find_page({champion.id: form}, status=400)


@blueprint.post(f"/champions/requests/<{ID}:pairing_id>/withdraw")
@personal_page
def withdraw(pairing_id: int):
    """Withdraw a request the champion has not answered (the person who asked)."""
    pairing = pairing_or_404(pairing_id)
    require(can_withdraw_champion_request(signed_in(), pairing))
    form = ConfirmForm()
    where = f"#pairing-{pairing.id}"
    if submit(form, lambda: pairings.withdraw_request(db.session, pairing, actor=signed_in()),
              anchor=where):
        flash(f"Your request to {pairing.champion.name} is withdrawn")
        return redirect(url_for(".find", _anchor="your-champions"), 303)
    return _find_page(errors=error_list(form, href=where), status=400)


def _champion_or_404(me: Person, person_id: int) -> Person:
    """Return a champion the signed-in person could ask; anyone else is "not found"."""
    person = db.session.get(Person, person_id)
    profile = db.session.get(ChampionProfile, person_id) if person is not None else None
    if person is None:
        abort(404)
    require(can_ask_champion(me, person, profile))
    return person


# The champion's own pages ----------------------------------------------------------------


@blueprint.route("/champions/profile", methods=["GET", "POST"])
@personal_page
def profile():
    """Show and change the signed-in champion's profile."""
    me, G = champion_me(), current_graph()
    if request.method == "GET":
        return _profile_page(me, _profile_form(me).fill(G))
    form = ProfileForm().fill(G)
    if submit(form, lambda: update_profile(
            db.session, G, me, specialisms=form.specialisms.data or [],
            roles_held=form.roles_held.data or [], capacity=form.capacity.data,
            open_to_partnership=form.open_to_partnership.data == "yes",
            availability=form.availability.data or "", actor=me)):
        flash("Your champion profile is saved")
        return redirect(url_for(".profile"), 303)
    return _profile_page(me, form, status=400)


def _profile_form(me: Person) -> ProfileForm:
    """The profile form holding the saved profile (or the defaults for a new one)."""
    saved = db.session.get(ChampionProfile, me.id)
    if saved is None:
        return ProfileForm(formdata=None)
    return ProfileForm(formdata=None, specialisms=list(saved.specialisms or []),
                       roles_held=list(saved.roles_held or []), capacity=saved.capacity,
                       open_to_partnership="yes" if saved.open_to_partnership else "no",
                       availability=saved.availability or "")


def _profile_page(me: Person, form: ProfileForm, status: int = 200):
    return render_template(
        "mentoring/profile.html", form=form, saved=db.session.get(ChampionProfile, me.id),
        families=FAMILIES, error_list=error_list(form)), status


@blueprint.get("/champions/requests")
@personal_page
def requests():
    """Show the requests waiting for the signed-in champion's answer."""
    return _requests_page(champion_me())


def _requests_page(me: Person, forms: dict[str, FlaskForm] | None = None, status: int = 200):
    """Show the open requests, oldest deadline first; ``forms`` holds refused answers."""
    forms = forms or {}
    waiting = pages.waiting_requests(db.session, me)
    return render_template(
        "mentoring/requests.html", G=current_graph(), waiting=waiting, today=clock.today(),
        accept_forms={p.id: forms.get(f"accept-{p.id}") or identify(
            AcceptForm(formdata=None), p.id) for p in waiting},
        decline_forms={p.id: forms.get(f"decline-{p.id}") or identify(
            DeclineForm(formdata=None), p.id) for p in waiting},
        error_list=[item for form in forms.values() for item in error_list(form)]), status


def _request_or_404(pairing_id: int) -> ChampionPairing:
    """Return a request the signed-in champion may answer: theirs (others 403 or 404)."""
    me = champion_me()
    pairing = pairing_or_404(pairing_id)
    require(can_answer_request(me, pairing))
    return pairing


@blueprint.post(f"/champions/requests/<{ID}:pairing_id>/accept")
@personal_page
def accept(pairing_id: int):
    """Accept a request with the agreement: goals, how often to meet, and until when."""
    pairing = _request_or_404(pairing_id)
    form = identify(AcceptForm(), pairing.id)
    return _answer(f"accept-{pairing.id}", form, lambda: pairings.accept(
        db.session, pairing, goals=form.goals.data or "",
        meeting_frequency=form.meeting_frequency.data or "",
        agreed_until=form.agreed_until.data, actor=signed_in()),
        f"You are now supporting {pairing.person.name}",
        url_for(".pairing", pairing_id=pairing.id))


@blueprint.post(f"/champions/requests/<{ID}:pairing_id>/decline")
@personal_page
def decline(pairing_id: int):
    """Decline a request, with an optional reason the person sees."""
    pairing = _request_or_404(pairing_id)
    form = identify(DeclineForm(), pairing.id)
    return _answer(f"decline-{pairing.id}", form, lambda: pairings.decline(
        db.session, pairing, reason=form.reason.data or "", actor=signed_in()),
        f"You declined {pairing.person.name}'s request", url_for(".requests"))


def _answer(name: str, form: FlaskForm, change, done: str, then: str):
    """Submit an answer and go on; or show the requests with the errors.

    A request answered too late is refused, and the domain marks it expired: that mark is
    kept (committed), so the request leaves the list and the person may ask again.
    """
    if submit(form, change, anchor="#open-requests", keep_refused=True):
        flash(done)
        return redirect(then, 303)
    return _requests_page(signed_in(), {name: form}, status=400)


@blueprint.get("/champions/caseload")
@personal_page
def caseload():
    """Show the people the signed-in champion supports: overdue follow-ups and actions first."""
    me = champion_me()
    return render_template(
        "mentoring/caseload.html", entries=mentoring_sessions.caseload(db.session, me),
        today=clock.today(), owners=ACTION_OWNERS,
        waiting=len(pages.waiting_requests(db.session, me)))
