"""One pairing: its agreement and sessions (private notes for the pair only) and actions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm

from pathways import clock
from pathways.mentoring import pages, pairings
from pathways.mentoring import sessions as mentoring_sessions
from pathways.models import ACTION_OWNERS, SESSION_MODES, ChampionPairing, MentoringAction
from pathways.policy import can_read_mentoring_notes, can_write_mentoring

from ...auth import personal_page, signed_in
from ...extensions import current_graph, db
from ...mentoring_forms import SessionForm
from ...people_forms import ConfirmForm
from ...submit import submit
from ..apprenticeship_access import ID
from ..shared import confirm_first, error_list
from .common import PAIRING, blueprint, pairing_or_404


@blueprint.get(PAIRING)
@personal_page
def pairing(pairing_id: int):
    """Show a pairing: its agreement and sessions (private notes for the pair only)."""
    return _pairing_page(pairing_or_404(pairing_id))


def _pairing_page(pairing: ChampionPairing, forms: dict[str, FlaskForm] | None = None,
                  errors: list[dict] | None = None, status: int = 200):
    """Show the pairing; ``forms`` holds a refused session form, ``errors`` other refusals."""
    me, session = signed_in(), db.session
    forms = forms or {}
    writer = bool(can_write_mentoring(session, me, pairing))
    recording = writer and pairing.status == "active"
    apprenticeship = (mentoring_sessions.active_apprenticeship(session, pairing.person)
                      if recording else None)
    return render_template(
        "mentoring/pairing.html", G=current_graph(), pairing=pairing, me=me,
        sessions=pages.sessions_of(session, pairing),
        notes=bool(can_read_mentoring_notes(session, me, pairing)),
        writer=writer, recording=recording, apprenticeship=apprenticeship,
        session_form=forms.get("session") or SessionForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None), modes=SESSION_MODES, owners=ACTION_OWNERS,
        today=clock.today(),
        error_list=list(errors or []) + [item for form in forms.values()
                                         for item in error_list(form)]), status


@blueprint.post(f"{PAIRING}/sessions")
@personal_page
def record_session(pairing_id: int):
    """Record a session of the pairing, with its agreed actions (the pair only)."""
    found = pairing_or_404(pairing_id, write=True)
    form = SessionForm()
    if submit(form, lambda: mentoring_sessions.record_session(
            db.session, found, held_on=form.held_on.data,
            duration_minutes=form.duration_minutes.data, mode=form.mode.data,
            topics=form.topics.data or "", private_notes=form.private_notes.data or "",
            actions=form.agreed_actions(), next_session_on=form.next_session_on.data,
            count_as_otj=bool(form.count_as_otj.data), actor=signed_in())):
        flash("Session recorded" + (" and logged as off-the-job training"
                                    if form.count_as_otj.data else ""))
        return redirect(url_for(".pairing", pairing_id=found.id, _anchor="sessions"), 303)
    return _pairing_page(found, {"session": form}, status=400)


@blueprint.post(f"{PAIRING}/actions/<{ID}:action_id>/done")
@personal_page
def action_done(pairing_id: int, action_id: int):
    """Mark an agreed action done today (the pair only)."""
    found = pairing_or_404(pairing_id, write=True)
    action = db.session.get(MentoringAction, action_id)
    if action is None or action.session.pairing_id != found.id:
        abort(404)
    return _confirm(found, lambda: mentoring_sessions.complete_action(
        db.session, action, clock.today(), actor=signed_in()),
        f"Action done: {action.description}", "sessions", f"#action-{action.id}")


@blueprint.post(f"{PAIRING}/end")
@personal_page
def end(pairing_id: int):
    """End an active pairing (either of the pair)."""
    found = pairing_or_404(pairing_id, write=True)
    other = found.person if found.champion_id == signed_in().id else found.champion
    ask = confirm_first(
        f"End your pairing with {other.name}?",
        warning="Ending a pairing cannot be undone: no more sessions can be recorded in it. "
                "To work together again, a new request is needed.",
        details=("The sessions, notes and actions recorded so far are kept.",),
        button="Yes, end the pairing", back=url_for(".pairing", pairing_id=found.id))
    return ask or _confirm(found, lambda: pairings.end_pairing(db.session, found,
                                                              actor=signed_in()),
                           "The pairing has ended", "agreement", "#end")


def _confirm(pairing: ChampionPairing, change, done: str, anchor: str, href: str):
    """A button's change: submit it and go back; or show the page with why not at ``href``."""
    form = ConfirmForm()
    if submit(form, change, anchor=href):
        flash(done)
        return redirect(url_for(".pairing", pairing_id=pairing.id, _anchor=anchor), 303)
    return _pairing_page(pairing, errors=error_list(form, href=href) or [
        {"text": "Go back and try again", "href": href}], status=400)
