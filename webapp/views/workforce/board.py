"""The workforce board of an organisation or the partnership, and its download.

Every count about people is suppressed below 5, in the page and the download
(``pathways.workforce.report``); the page runs a fixed number of queries. An organisation's
board is live; the partnership's is worked out from its summary of the night
(``pathways.workforce.summary``) and says which day it is for.
"""

from __future__ import annotations

from flask import abort, render_template
from markupsafe import Markup

from pathways import clock, policy
from pathways.models import DESTINATIONS, PREVIOUS_SECTORS, Organisation
from pathways.people.profiles import AGE_GROUPS
from pathways.suppression import is_shown
from pathways.workforce.analytics import (
    HIGH_LEAVING,
    STALL_MONTHS,
    BoardAnalytics,
    analytics_from,
    board_analytics,
    count_analytics,
)
from pathways.workforce.measures import percent
from pathways.workforce.report import (
    WorkforceReport,
    count_report,
    report_from,
    report_roles,
    role_titles,
    window,
    workforce_report,
)
from pathways.workforce.summary import StoredSummary, analytics_counts, report_counts

from ... import charts
from ...auth import personal_page, signed_in
from ...extensions import current_graph, db
from ..shared import download
from .common import blueprint, organisation_asked, partnership_asked, year_asked


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


def stalls_chart(found: BoardAnalytics, G) -> Markup:
    """Median months in role of the people in each role now (bars)."""
    return charts.bar_chart(
        "stalls-chart", "Median time in role",
        "For each role with 5 or more people timed, the median months the people in it now "
        "have been in it. The table below has the same numbers, with each role's leaving "
        "rate.", [_title(G, stall.role_id) for stall in found.stalls],
        [charts.Series("Median months", [stall.median_months for stall in found.stalls])],
        unit="Months", whole=False)


def _title(G, node: str) -> str:
    return G.nodes[node]["title"] if node in G else node


def analytics_rows(found: BoardAnalytics, G) -> list[list]:
    """The analytics as rows of the download: section, measure, value."""
    rows: list[list] = [["Bottleneck: vacancies and no one training", _title(G, item.role_id),
                         item.vacancies] for item in found.bottlenecks]
    for family in found.educators:
        rows += [[f"Practice educators: {family.label}", f"{term.term.name}: placements "
                  f"needed / capacity", f"{term.needed} / {term.capacity}"]
                 for term in family.terms]
    for stall in found.stalls:
        rows += [[f"Time in role: {_title(G, stall.role_id)}", "Median months",
                  stall.median_months],
                 [f"Time in role: {_title(G, stall.role_id)}", "Leaving a year",
                  percent(stall.leaving)]]
    rows += [["Moves taken", f"{_title(G, taken.from_role)} to {_title(G, taken.to_role)}",
              taken.people] for taken in found.routes]
    return rows


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


def _board(report: WorkforceReport, found: BoardAnalytics, *, partnership: bool,
           organisation: Organisation | None = None, as_of=None):
    year = year_asked()
    query = {"year": year} if year else {}
    if organisation is not None and organisation.id != signed_in().organisation_id:
        query["organisation"] = organisation.id
    me = signed_in()
    G = current_graph()
    return render_template(
        "workforce/board.html", report=report, partnership=partnership, query=query,
        analytics=found, title_of=lambda node: _title(G, node),
        stalls_chart=stalls_chart(found, G), stall_months=STALL_MONTHS,
        high_leaving=HIGH_LEAVING, as_of=as_of,
        year=year, today=as_of or clock.today(), percent=percent, destinations=DESTINATIONS,
        sectors=PREVIOUS_SECTORS, age_groups=AGE_GROUPS,
        roles_chart=roles_chart(report), destinations_chart=destinations_chart(report),
        age_chart=age_chart(report),
        may_see_partnership=bool(policy.can_see_partnership_workforce(me)))


def not_yet(name: str, what: str):
    """The partnership's page before its summary was first worked out."""
    return render_template("workforce/not_yet.html", scope=name, what=what)


def stored_board(stored: StoredSummary, scope: str) -> tuple[WorkforceReport, BoardAnalytics]:
    """The partnership's report and analytics from its stored summary (the year asked)."""
    year = year_asked()
    counts = report_counts(stored, year)
    start, end = window(stored.as_of, year)
    report = report_from(counts, scope, start, end,
                         role_titles(db.session, report_roles(counts)))
    return report, analytics_from(current_graph(), analytics_counts(stored), report)


@blueprint.get("")
@personal_page
def board():
    """Show an organisation's workforce board over 12 months (``?year=`` a calendar year)."""
    organisation = organisation_asked()
    start, end = window(clock.today(), year_asked())
    counts = count_report(db.session, [organisation.id], start, end)
    report = report_from(counts, organisation.name, start, end,
                         role_titles(db.session, report_roles(counts)))
    found = analytics_from(current_graph(), count_analytics(
        db.session, [organisation.id], clock.today(), counts.filled_now), report)
    return _board(report, found, partnership=False, organisation=organisation)


@blueprint.get("/partnership")
@personal_page
def partnership_board():
    """Show the partnership's workforce board as of its summary's day (partnership scope)."""
    stored, name = partnership_asked()
    if stored is None:
        return not_yet(name, "board")
    report, found = stored_board(stored, name)
    return _board(report, found, partnership=True, as_of=stored.as_of)


def _download(fmt: str, report: WorkforceReport, found: BoardAnalytics,
              about: tuple[str, int], concerns: Organisation):
    headers, rows = report_table(report)
    rows += analytics_rows(found, current_graph())
    period = f"{report.start.isoformat()}-to-{report.end.isoformat()}"
    return download(fmt, headers, rows, f"workforce-{period}", "Workforce",
                    what=f"the workforce board of {report.scope} ({period})", about=about,
                    concerns=concerns)


@blueprint.get("/board.<any(csv, xlsx):fmt>")
@personal_page
def board_download(fmt: str):
    """Download an organisation's board as a table (CSV or XLSX), suppressed as shown."""
    organisation = organisation_asked()
    report = workforce_report(db.session, [organisation.id], organisation.name,
                              clock.today(), year_asked())
    found = board_analytics(db.session, current_graph(), [organisation.id], report,
                            clock.today())
    return _download(fmt, report, found, ("organisation", organisation.id), organisation)


@blueprint.get("/partnership.<any(csv, xlsx):fmt>")
@personal_page
def partnership_download(fmt: str):
    """Download the partnership's board as a table (CSV or XLSX), suppressed as shown."""
    stored, name = partnership_asked()
    if stored is None:
        abort(404)
    report, found = stored_board(stored, name)
    me = signed_in()
    return _download(fmt, report, found, ("partnership", me.organisation.partnership_id),
                     me.organisation)
