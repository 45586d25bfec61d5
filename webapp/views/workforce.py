"""The workforce board, and recording a person's change of role or leaving.

The board shows an organisation's workforce figures (``pathways.workforce.report``: filled
posts, vacancies, starters, leavers, their rates, destinations, the age profile, agency use,
apprentices in training) to its L&D and administrators, and the partnership's to those with
partnership scope (``policy.can_see_workforce``, ``policy.can_see_partnership_workforce``);
every count about people is suppressed below 5, in the page and the download. Movements are
recorded through ``webapp.submit`` by the domain's ``record_role_change`` and
``record_leaver`` (``policy.can_record_movement``); leaving disables the account and keeps
the history.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from pathways import clock, policy
from pathways.csv_input import whole_number
from pathways.errors import InvalidInput, NotFound, Problem
from pathways.models import DESTINATIONS, MOVE_KINDS, PREVIOUS_SECTORS, Organisation, Person
from pathways.people.accounts import find_organisation
from pathways.people.profiles import AGE_GROUPS
from pathways.suppression import is_shown
from pathways.workforce.estimation import organisations_of
from pathways.workforce.measures import percent
from pathways.workforce.movements import history_of, record_leaver, record_role_change
from pathways.workforce.report import WorkforceReport, workforce_report

from .. import charts
from ..auth import personal_page, require, signed_in
from ..extensions import current_graph, db
from ..submit import submit
from ..workforce_forms import LeaverForm, RoleChangeForm
from .shared import choices, download, error_list

blueprint = Blueprint("workforce", __name__, url_prefix="/workforce")

#: The years the board's period may be a calendar year of.
EARLIEST_YEAR = 2000


# The board ---------------------------------------------------------------------------------


def _year() -> int | None:
    """The calendar year asked for (``?year=``), or None for the 12 months to today."""
    year = whole_number(request.args.get("year", ""))
    today = clock.today()
    return year if year is not None and EARLIEST_YEAR <= year <= today.year else None


def _organisation() -> Organisation:
    """The organisation the board is about: the viewer's, or ``?organisation=`` in reach."""
    me = signed_in()
    asked = whole_number(request.args.get("organisation", ""))
    organisation = me.organisation
    if asked is not None and asked != me.organisation_id:
        found = db.session.get(Organisation, asked)
        if found is None:
            abort(404)
        organisation = found
    require(policy.can_see_workforce(me, organisation))
    return organisation


def _partnership_ids() -> tuple[list[int], str]:
    """The viewer's partnership's organisations and its name (partnership scope only)."""
    me = signed_in()
    require(policy.can_see_partnership_workforce(me))
    partnership = me.organisation.partnership
    return organisations_of(db.session, partnership.id), partnership.name


def destinations_chart(report: WorkforceReport) -> Markup:
    """Leavers by where they went (a bar chart; suppressed counts have no bar)."""
    return charts.bar_chart(
        "destinations-chart", "Leavers by destination",
        "How many of the period's leavers went to each destination; a destination with "
        "fewer than 5 has no bar. The table below has the same numbers.",
        list(DESTINATIONS.values()),
        [charts.Series("Leavers", [_bar(report.destinations.get(key, 0))
                                   for key in DESTINATIONS])], unit="Leavers")


def age_chart(report: WorkforceReport) -> Markup:
    """People in post by age group (a bar chart; suppressed counts have no bar)."""
    return charts.bar_chart(
        "age-chart", "Age profile of the people in post",
        "How many of the people in post are under 25, 25 to 54, and 55 or over; a group "
        "with fewer than 5 has no bar. The table below has the same numbers.",
        [label for label, _bands in AGE_GROUPS.values()],
        [charts.Series("People", [_bar(report.age_profile.get(key, 0))
                                  for key in AGE_GROUPS])], unit="People")


def roles_chart(report: WorkforceReport) -> Markup:
    """Filled and vacant posts by role (bars side by side)."""
    return charts.bar_chart(
        "roles-chart", "Filled and vacant posts by role",
        "For each role, the filled posts (people in post; fewer than 5 has no bar) beside "
        "the vacant posts. The table below has the same numbers.",
        [line.title for line in report.roles],
        [charts.Series("Filled", [_bar(line.filled) for line in report.roles]),
         charts.Series("Vacant", [line.vacancies for line in report.roles])], unit="Posts")


def _bar(value: object) -> int:
    return value if isinstance(value, int) and is_shown(value) else 0


def report_table(report: WorkforceReport) -> tuple[list[str], list[list]]:
    """Return the report as one table: each figure with its section and measure."""
    rows: list[list] = [
        ["Posts", "Filled posts", report.filled], ["Posts", "Vacant posts", report.vacancies],
        ["Posts", "Vacancy rate", percent(report.vacancy_rate)],
        ["Posts", "Posts covered by agency staff", report.agency],
        ["Movements", "Starters", report.starters],
        ["Movements", "Starters rate", percent(report.starters_rate)],
        ["Movements", "Leavers", report.leavers],
        ["Movements", "Turnover rate", percent(report.turnover_rate)]]
    for line in report.roles:
        rows += [[f"Role: {line.title}", "Filled posts", line.filled],
                 [f"Role: {line.title}", "Vacant posts", line.vacancies],
                 [f"Role: {line.title}", "Vacancy rate", percent(line.vacancy_rate)],
                 [f"Role: {line.title}", "Agency-covered posts", line.agency],
                 [f"Role: {line.title}", "Starters", line.starters],
                 [f"Role: {line.title}", "Leavers", line.leavers],
                 [f"Role: {line.title}", "Turnover rate", percent(line.turnover_rate)]]
    rows += [["Leavers by destination", label, report.destinations.get(key, 0)]
             for key, label in DESTINATIONS.items()]
    rows += [["Starters by previous sector", PREVIOUS_SECTORS.get(key, "Another employer in "
                                                                  "the partnership"), count]
             for key, count in report.previous_sectors.items()]
    rows += [["Age profile", label, report.age_profile.get(key, 0)]
             for key, (label, _bands) in AGE_GROUPS.items()]
    rows += [["Apprentices in training", f"{line.title}, qualifying in {line.year}",
              line.apprentices] for line in report.pipeline]
    return ["Section", "Measure", "Value"], rows


def _board(organisation_ids: list[int], scope: str, *, partnership: bool,
           organisation: Organisation | None = None):
    year = _year()
    report = workforce_report(db.session, organisation_ids, scope, clock.today(), year)
    query = {"year": year} if year else {}
    if organisation is not None and organisation.id != signed_in().organisation_id:
        query["organisation"] = organisation.id
    me = signed_in()
    return render_template(
        "workforce/board.html", report=report, partnership=partnership, query=query,
        year=year, today=clock.today(), percent=percent, destinations=DESTINATIONS,
        sectors=PREVIOUS_SECTORS, age_groups=AGE_GROUPS,
        roles_chart=roles_chart(report), destinations_chart=destinations_chart(report),
        age_chart=age_chart(report),
        may_see_partnership=bool(policy.can_see_partnership_workforce(me)))


@blueprint.get("")
@personal_page
def board():
    """Show an organisation's workforce board over 12 months (``?year=`` a calendar year)."""
    organisation = _organisation()
    return _board([organisation.id], organisation.name, partnership=False,
                  organisation=organisation)


@blueprint.get("/partnership")
@personal_page
def partnership_board():
    """Show the partnership's workforce board (partnership scope)."""
    ids, name = _partnership_ids()
    return _board(ids, name, partnership=True)


def _download(fmt: str, report: WorkforceReport, about: tuple[str, int],
              concerns: Organisation):
    headers, rows = report_table(report)
    period = f"{report.start.isoformat()}-to-{report.end.isoformat()}"
    return download(fmt, headers, rows, f"workforce-{period}", "Workforce",
                    what=f"the workforce board of {report.scope} ({period})", about=about,
                    concerns=concerns)


@blueprint.get("/board.<any(csv, xlsx):fmt>")
@personal_page
def board_download(fmt: str):
    """Download an organisation's board as a table (CSV or XLSX), suppressed as shown."""
    organisation = _organisation()
    report = workforce_report(db.session, [organisation.id], organisation.name,
                              clock.today(), _year())
    return _download(fmt, report, ("organisation", organisation.id), organisation)


@blueprint.get("/partnership.<any(csv, xlsx):fmt>")
@personal_page
def partnership_download(fmt: str):
    """Download the partnership's board as a table (CSV or XLSX), suppressed as shown."""
    ids, name = _partnership_ids()
    report = workforce_report(db.session, ids, name, clock.today(), _year())
    me = signed_in()
    return _download(fmt, report, ("partnership", me.organisation.partnership_id),
                     me.organisation)


# Movements ---------------------------------------------------------------------------------


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
    titles = {spell.role_id: G.nodes[spell.role_id]["title"] for spell in spells
              if spell.role_id in G}
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
