"""Career champions: finding one, requests, pairings, sessions, the caseload and reports.

Who sees what (``pathways.policy``, plus the private helpers at the bottom of this module):

- anyone signed in sees their own matches and pairings on ``/champions`` and may ask a
  champion in their reach (their organisation, or the partnership when the champion is
  open to it); a champion out of reach is "not found", so ids do not reveal names;
- the champion's own pages (profile, requests, caseload) need the ``champion`` access role
  (403 without); a request is answered only by its champion: others who may see the
  pairing are forbidden, anyone else gets "not found";
- a pairing's page follows ``can_view_pairing`` (the pair, the person's manager, L&D and
  admins; others 404). Private session notes are shown only when
  ``can_read_mentoring_notes`` allows (the pair); only the pair records sessions, marks
  actions done and ends the pairing;
- the report holds counts only, never notes or names: the L&D and administrators of an
  organisation see theirs, and so do its champions (the issue gives reports to "L&D and
  champions"; a champion sees the whole organisation's figures, not just their own, since
  a report of one champion's few mentees would come close to naming them).

Each view checks the policy first, validates the form, calls one service, commits and
redirects; a refused form shows the page again (400) with the GOV.UK error summary: the
domain's problems on their fields, a refused request or answer in its own words.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select

from pathways import clock
from pathways.errors import InvalidInput, Problem
from pathways.mentoring import pairings
from pathways.mentoring import sessions as mentoring_sessions
from pathways.mentoring.champions import check_details, save_profile
from pathways.mentoring.matching import ChampionMatch, match_champions
from pathways.mentoring.pairings import PairingRefused
from pathways.mentoring.reports import MentoringReport, mentoring_report
from pathways.models import (
    ACTION_OWNERS,
    SESSION_MODES,
    SHADOWING_STATES,
    ChampionPairing,
    ChampionProfile,
    MentoringAction,
    MentoringSession,
    Person,
)
from pathways.policy import (
    can_act_as_champion,
    can_answer_request,
    can_ask_champion,
    can_read_mentoring_notes,
    can_see_mentoring_report,
    can_view_pairing,
    can_write_mentoring,
)
from pathways.vocabulary import FAMILIES

from .. import charts
from ..apprenticeship_forms import identify
from ..auth import own_page, personal_page, require, signed_in
from ..extensions import current_graph, db
from ..mentoring_forms import (
    AcceptForm,
    DeclineForm,
    ProfileForm,
    ReportForm,
    RequestForm,
    SessionForm,
)
from ..people_forms import ConfirmForm
from .apprenticeship_access import ID
from .shared import download, error_list

blueprint = Blueprint("mentoring", __name__)
PAIRING = f"/pairings/<{ID}:pairing_id>"
#: Words for each pairing status, and the GOV.UK tag colour that shows it.
PAIRING_STATUSES = {
    "requested": ("Waiting for an answer", "govuk-tag--blue"),
    "active": ("Active", "govuk-tag--green"),
    "declined": ("Declined", "govuk-tag--red"),
    "expired": ("Expired: no answer in time", "govuk-tag--grey"),
    "ended": ("Ended", "govuk-tag--grey"),
}
#: Statuses of pairings that are over.
PAST = ("declined", "expired", "ended")
#: The report's download formats; any other is 404.
FORMAT = "<any(csv, xlsx):fmt>"


@blueprint.app_template_filter("pairing_status")
def pairing_status(status: str) -> str:
    """Return a pairing status's words, e.g. ``requested`` is "Waiting for an answer"."""
    return PAIRING_STATUSES.get(status, (status, ""))[0]


@blueprint.app_template_filter("pairing_tag")
def pairing_tag(status: str) -> str:
    """Return the GOV.UK tag class of a pairing status."""
    return PAIRING_STATUSES.get(status, ("", "govuk-tag--grey"))[1]


@blueprint.app_template_global()
def champion_pairings_of(person: Person) -> list[ChampionPairing]:
    """Return the person's champion pairings, newest first (for a profile's section).

    Only the pairings' existence and agreement: each links to its page, which decides who
    may read the notes.
    """
    return pairings.pairings_of(db.session, person)


# Finding and asking a champion -----------------------------------------------------------


@blueprint.get("/champions")
@own_page
def find():
    """Show the signed-in person's ranked champions, and their requests and pairings."""
    return _find_page()


def _find_page(forms: dict[int, FlaskForm] | None = None, errors: list[dict] | None = None,
               status: int = 200):
    """Show the matches and pairings; ``forms`` holds refused request forms by champion id."""
    me, G = signed_in(), current_graph()
    forms = forms or {}
    try:
        matches: list[ChampionMatch] = match_champions(db.session, G, me)
        no_target = None
    except InvalidInput as invalid:
        matches, no_target = [], invalid
    shown = {match.champion.id for match in matches}
    items = list(errors or [])
    for champion_id, form in forms.items():
        found = error_list(form)
        items += found if champion_id in shown else [
            {"text": item["text"], "href": "#matches"} for item in found]
    mine = pairings.pairings_of(db.session, me)
    return render_template(
        "mentoring/find.html", G=G, me=me, matches=matches, no_target=no_target,
        profiles={match.champion.id: db.session.get(ChampionProfile, match.champion.id)
                  for match in matches},
        request_forms={match.champion.id: forms.get(match.champion.id) or identify(
            RequestForm(formdata=None), match.champion.id) for match in matches},
        requested=[p for p in mine if p.status == "requested"],
        active=[p for p in mine if p.status == "active"],
        past=[p for p in mine if p.status in PAST],
        champion_links=bool(can_act_as_champion(me)), today=clock.today(),
        report_link=bool(can_see_mentoring_report(me)),
        error_list=items), status


@blueprint.post(f"/champions/<{ID}:person_id>/request", endpoint="request")
@personal_page
def ask(person_id: int):
    """Ask a champion for support (they must be on the person's match list)."""
    me = signed_in()
    champion = _champion_or_404(me, person_id)
    form = identify(RequestForm(), champion.id)
    if form.validate():
        try:
            pairing = pairings.request_champion(db.session, current_graph(), me, champion,
                                                message=form.message.data or "")
        except InvalidInput as invalid:
            db.session.rollback()
            _add_problems(form, invalid.problems)
        except PairingRefused as refused:
            db.session.rollback()
            _add_problems(form, [Problem("message", str(refused))])
        else:
            db.session.commit()
            flash(f"Request sent to {champion.name}. They have until "
                  f"{_day(pairing.respond_by)} to answer.")
            return redirect(url_for(".find", _anchor="your-champions"), 303)
    return _find_page({champion.id: form}, status=400)


def _champion_or_404(me: Person, person_id: int) -> Person:
    """Return a champion the signed-in person could ask; anyone else is "not found"."""
    person = db.session.get(Person, person_id)
    profile = db.session.get(ChampionProfile, person_id) if person is not None else None
    if person is None:
        abort(404)
    require(can_ask_champion(me, person, profile))
    return person


# The champion's own pages ----------------------------------------------------------------


def _champion_me() -> Person:
    """Return the signed-in person if they hold the champion access role (else 403)."""
    me = signed_in()
    require(can_act_as_champion(me))
    return me


@blueprint.route("/champions/profile", methods=["GET", "POST"])
@personal_page
def profile():
    """Show and change the signed-in champion's profile."""
    me, G = _champion_me(), current_graph()
    if request.method == "GET":
        return _profile_page(me, _profile_form(me).fill(G))
    form = ProfileForm().fill(G)
    if form.validate():
        problems: list[Problem] = []
        details = check_details(G, form.specialisms.data or [], form.roles_held.data or [],
                                form.capacity.data, form.open_to_partnership.data == "yes",
                                lambda where, message: problems.append(Problem(where, message)))
        _add_problems(form, problems)
        if not problems:
            save_profile(db.session, me, replace(
                details, availability=(form.availability.data or "").strip()), actor=me)
            db.session.commit()
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
    return _requests_page(_champion_me())


def _requests_page(me: Person, forms: dict[str, FlaskForm] | None = None,
                   errors: list[dict] | None = None, status: int = 200):
    """Show the open requests, oldest deadline first; ``forms`` holds refused answers."""
    forms = forms or {}
    waiting = sorted((p for p in pairings.pairings_of(db.session, me, as_champion=True)
                      if p.status == "requested"),
                     key=lambda p: (p.respond_by or date.max, p.id))
    return render_template(
        "mentoring/requests.html", G=current_graph(), waiting=waiting, today=clock.today(),
        accept_forms={p.id: forms.get(f"accept-{p.id}") or identify(
            AcceptForm(formdata=None), p.id) for p in waiting},
        decline_forms={p.id: forms.get(f"decline-{p.id}") or identify(
            DeclineForm(formdata=None), p.id) for p in waiting},
        error_list=list(errors or []) + [item for form in forms.values()
                                         for item in error_list(form)]), status


def _request_or_404(pairing_id: int) -> ChampionPairing:
    """Return a request the signed-in champion may answer: theirs (others 403 or 404)."""
    me = _champion_me()
    pairing = _pairing_or_404(pairing_id)
    require(can_answer_request(me, pairing))
    return pairing


@blueprint.post(f"/champions/requests/<{ID}:pairing_id>/accept")
@personal_page
def accept(pairing_id: int):
    """Accept a request with the agreement: goals, how often to meet, and until when."""
    pairing = _request_or_404(pairing_id)
    form = identify(AcceptForm(), pairing.id)
    return _answer(pairing, f"accept-{pairing.id}", form, lambda: pairings.accept(
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
    return _answer(pairing, f"decline-{pairing.id}", form, lambda: pairings.decline(
        db.session, pairing, reason=form.reason.data or "", actor=signed_in()),
        f"You declined {pairing.person.name}'s request", url_for(".requests"))


def _answer(pairing: ChampionPairing, name: str, form: FlaskForm, change, done: str,
            then: str):
    """Validate an answer, make it, commit and go on; or show the requests with the errors.

    A request answered too late is refused, and the domain marks it expired: that mark is
    kept (committed), so the request leaves the list and the person may ask again.
    """
    if form.validate():
        try:
            change()
        except InvalidInput as invalid:
            db.session.rollback()
            _add_problems(form, invalid.problems)
        except PairingRefused as refused:
            db.session.commit()  # keeps the expiry the domain noted; nothing else changed
            return _requests_page(signed_in(), errors=[
                {"text": str(refused), "href": "#open-requests"}], status=400)
        else:
            db.session.commit()
            flash(done)
            return redirect(then, 303)
    return _requests_page(signed_in(), {name: form}, status=400)


@blueprint.get("/champions/caseload")
@personal_page
def caseload():
    """Show the people the signed-in champion supports: overdue follow-ups and actions first."""
    me = _champion_me()
    return render_template(
        "mentoring/caseload.html", entries=mentoring_sessions.caseload(db.session, me),
        today=clock.today(), owners=ACTION_OWNERS,
        waiting=sum(1 for p in pairings.pairings_of(db.session, me, as_champion=True)
                    if p.status == "requested"))


# One pairing: the agreement, sessions and actions ---------------------------------------


def _pairing_or_404(pairing_id: int, write: bool = False) -> ChampionPairing:
    """Return a pairing the signed-in person may see (or, with ``write``, change)."""
    pairing = db.session.get(ChampionPairing, pairing_id)
    if pairing is None:
        abort(404)
    me = signed_in()
    require(can_view_pairing(db.session, me, pairing))
    if write:
        require(can_write_mentoring(db.session, me, pairing))
    return pairing


@blueprint.get(PAIRING)
@personal_page
def pairing(pairing_id: int):
    """Show a pairing: its agreement and sessions (private notes for the pair only)."""
    return _pairing_page(_pairing_or_404(pairing_id))


def _pairing_page(pairing: ChampionPairing, forms: dict[str, FlaskForm] | None = None,
                  errors: list[dict] | None = None, status: int = 200):
    """Show the pairing; ``forms`` holds a refused session form, ``errors`` other refusals."""
    me, session = signed_in(), db.session
    forms = forms or {}
    writer = bool(can_write_mentoring(session, me, pairing))
    recording = writer and pairing.status == "active"
    held = list(session.scalars(select(MentoringSession).where(
        MentoringSession.pairing_id == pairing.id)
        .order_by(MentoringSession.held_on.desc(), MentoringSession.id.desc())))
    apprenticeship = (mentoring_sessions.active_apprenticeship(session, pairing.person)
                      if recording else None)
    return render_template(
        "mentoring/pairing.html", G=current_graph(), pairing=pairing, me=me,
        sessions=held, notes=bool(can_read_mentoring_notes(session, me, pairing)),
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
    found = _pairing_or_404(pairing_id, write=True)
    form = SessionForm()
    if form.validate():
        try:
            mentoring_sessions.record_session(
                db.session, found, held_on=form.held_on.data,
                duration_minutes=form.duration_minutes.data, mode=form.mode.data,
                topics=form.topics.data or "", private_notes=form.private_notes.data or "",
                actions=form.agreed_actions(), next_session_on=form.next_session_on.data,
                count_as_otj=bool(form.count_as_otj.data), actor=signed_in())
        except InvalidInput as invalid:
            db.session.rollback()
            _add_problems(form, invalid.problems, form.field_for)
        else:
            db.session.commit()
            flash("Session recorded" + (" and logged as off-the-job training"
                                        if form.count_as_otj.data else ""))
            return redirect(url_for(".pairing", pairing_id=found.id, _anchor="sessions"), 303)
    return _pairing_page(found, {"session": form}, status=400)


@blueprint.post(f"{PAIRING}/actions/<{ID}:action_id>/done")
@personal_page
def action_done(pairing_id: int, action_id: int):
    """Mark an agreed action done today (the pair only)."""
    found = _pairing_or_404(pairing_id, write=True)
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
    found = _pairing_or_404(pairing_id, write=True)
    return _confirm(found, lambda: pairings.end_pairing(db.session, found, actor=signed_in()),
                    "The pairing has ended", "agreement", "#end")


def _confirm(pairing: ChampionPairing, change, done: str, anchor: str, href: str):
    """A button's change: make it, commit and go back; or show the page with why not."""
    form = ConfirmForm()
    if form.validate():
        try:
            change()
        except InvalidInput as invalid:
            db.session.rollback()
            return _pairing_page(pairing, errors=[{"text": p.message, "href": href}
                                                  for p in invalid.problems], status=400)
        except PairingRefused as refused:
            db.session.rollback()
            return _pairing_page(pairing, errors=[{"text": str(refused), "href": href}],
                                 status=400)
        db.session.commit()
        flash(done)
        return redirect(url_for(".pairing", pairing_id=pairing.id, _anchor=anchor), 303)
    return _pairing_page(pairing, errors=[{"text": "Go back and try again", "href": href}],
                         status=400)


# Reports ---------------------------------------------------------------------------------


def _report_period() -> tuple[ReportForm, tuple[date, date] | None]:
    """Read the report's period from the query; None when it is not valid."""
    require(can_see_mentoring_report(signed_in()))
    form = ReportForm(request.args)
    return form, form.period(clock.today()) if form.validate() else None


def _months(since: date, until: date) -> list[date]:
    """Return the first day of every month from ``since``'s to ``until``'s."""
    months, index = [], since.year * 12 + since.month - 1
    while index <= until.year * 12 + until.month - 1:
        months.append(date(index // 12, index % 12 + 1, 1))
        index += 1
    return months


def sessions_by_month(report: MentoringReport) -> list[tuple[date, int]]:
    """Return each month of the period with its number of sessions (none is 0)."""
    return [(month, report.sessions_by_month.get(month.strftime("%Y-%m"), 0))
            for month in _months(report.since, report.until)]


def sessions_chart(months: list[tuple[date, int]]) -> Markup:
    """Sessions held each month (a bar chart; the page has the same numbers in a table)."""
    return charts.bar_chart(
        "sessions-chart", "Mentoring sessions each month",
        "How many mentoring sessions the organisation's people had each month of the "
        "period. The table below has the same numbers.",
        [charts.month_label(month) for month, _count in months],
        [charts.Series("Sessions", [count for _month, count in months])], unit="Sessions")


def report_table(report: MentoringReport) -> tuple[list[str], list[list]]:
    """Return the report as one table: each figure with its section and measure."""
    rows: list[list] = [["Sessions", charts.month_label(month), count]
                        for month, count in sessions_by_month(report)]
    rows += [["Pairings", f"Active on {report.until.isoformat()}", report.active_pairings],
             ["First session", "Pairings accepted in the period that have had one",
              len(report.days_to_first_session)],
             ["First session", "Median days from accepting",
              report.median_days_to_first_session],
             ["Actions", "Agreed in the period's sessions", report.actions_agreed],
             ["Actions", "Done", report.actions_done]]
    rows += [["Shadowing requests", SHADOWING_STATES.get(state, state), count]
             for state, count in report.shadowing_by_status.items()]
    for name, group in (("Mentees", report.mentees), ("Others", report.others)):
        share = group.share(group.progressed)
        rows += [[f"Progression: {name.lower()}", "People", group.people],
                 [f"Progression: {name.lower()}", "Moved role", group.moved_role],
                 [f"Progression: {name.lower()}", "Started an apprenticeship",
                  group.started_apprenticeship],
                 [f"Progression: {name.lower()}", "Progressed", group.progressed],
                 [f"Progression: {name.lower()}", "Share progressed", share]]
    return ["Section", "Measure", "Value"], rows


@blueprint.get("/champions/report")
@personal_page
def report():
    """Show the organisation's mentoring report over a period (``since``, ``until``)."""
    form, period = _report_period()
    me = signed_in()
    if period is None:
        return render_template("mentoring/report.html", form=form, report=None,
                               organisation=me.organisation,
                               error_list=error_list(form)), 400
    found = mentoring_report(db.session, me.organisation, *period)
    months = sessions_by_month(found)
    return render_template(
        "mentoring/report.html", form=form, report=found, organisation=me.organisation,
        months=months, chart=sessions_chart(months), month_label=charts.month_label,
        shadowing_states=SHADOWING_STATES, query={"since": found.since.isoformat(),
                                                  "until": found.until.isoformat()})


@blueprint.get(f"/champions/report.{FORMAT}")
@personal_page
def report_download(fmt: str):
    """Download the report as CSV or XLSX (a bad period is a 400 page)."""
    form, period = _report_period()
    if period is None:
        raise InvalidInput([Problem(field.name, message) for field in form
                            for message in field.errors], "The report was not made")
    found = mentoring_report(db.session, signed_in().organisation, *period)
    headers, rows = report_table(found)
    return download(fmt, headers, rows, f"mentoring-report-{found.since.isoformat()}-to-"
                    f"{found.until.isoformat()}", "Mentoring report")


# Helpers ---------------------------------------------------------------------------------


def _add_problems(form: FlaskForm, problems: list[Problem], field_for=lambda where: where
                  ) -> None:
    """Put the domain's problems on the form's fields (``Problem.where`` names the field)."""
    fields = [field for field in form if field.type != "CSRFTokenField"]
    for problem in problems:
        field = form._fields.get(field_for(problem.where)) or fields[0]
        field.errors = [*field.errors, problem.message]


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "no set date"
