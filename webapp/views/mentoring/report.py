"""The mentoring report: counts only, never notes or names; a chart, tables and downloads.

The page and the downloads show the report suppressed (``MentoringReport.shown``): a count
about people below 5 is "fewer than 5", never the number.
"""

from __future__ import annotations

from datetime import date

from flask import render_template, request
from markupsafe import Markup

from pathways import clock
from pathways.errors import InvalidInput, Problem
from pathways.mentoring.reports import ShownReport, mentoring_report
from pathways.models import SHADOWING_STATES
from pathways.policy import can_see_mentoring_report
from pathways.suppression import Shown, is_shown

from ... import charts
from ...auth import personal_page, require, signed_in
from ...extensions import db
from ...mentoring_forms import ReportForm
from ..shared import download, error_list
from .common import blueprint

#: The report's download formats; any other is 404.
FORMAT = "<any(csv, xlsx):fmt>"


def _report_period() -> tuple[ReportForm, tuple[date, date] | None]:
    """Read the report's period from the query; None when it is not valid."""
    require(can_see_mentoring_report(signed_in()))
    form = ReportForm(request.args)
    return form, form.period(clock.today()) if form.validate() else None


def sessions_by_month(report: ShownReport) -> list[tuple[date, Shown]]:
    """Return each month of the period with its number of sessions, as shown."""
    return [(date.fromisoformat(f"{month}-01"), count)
            for month, count in report.sessions_by_month.items()]


def sessions_chart(months: list[tuple[date, Shown]]) -> Markup:
    """Sessions held each month (a bar chart; the page has the same numbers in a table).

    A month with fewer than 5 sessions has no bar: its number is not shown.
    """
    return charts.bar_chart(
        "sessions-chart", "Mentoring sessions each month",
        "How many mentoring sessions the organisation's people had each month of the "
        "period; a month with fewer than 5 has no bar. The table below has the same numbers.",
        [charts.month_label(month) for month, _count in months],
        [charts.Series("Sessions", [count if is_shown(count) else 0
                                    for _month, count in months])], unit="Sessions")


def report_table(report: ShownReport) -> tuple[list[str], list[list]]:
    """Return the report as one table: each figure with its section and measure."""
    rows: list[list] = [["Sessions", charts.month_label(month), count]
                        for month, count in sessions_by_month(report)]
    rows += [["Pairings", f"Active on {report.until.isoformat()}", report.active_pairings],
             ["First session", "Pairings accepted in the period that have had one",
              report.first_sessions],
             ["First session", "Median days from accepting",
              report.median_days_to_first_session],
             ["Actions", "Agreed in the period's sessions", report.actions_agreed],
             ["Actions", "Done", report.actions_done]]
    rows += [["Shadowing requests", SHADOWING_STATES.get(state, state), count]
             for state, count in report.shadowing_by_status.items()]
    for name, group in (("Mentees", report.mentees), ("Others", report.others)):
        share = group.share_progressed
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
    found = mentoring_report(db.session, me.organisation, *period).shown()
    months = sessions_by_month(found)
    return render_template(
        "mentoring/report.html", form=form, report=found, organisation=me.organisation,
        months=months, chart=sessions_chart(months),
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
    organisation = signed_in().organisation
    found = mentoring_report(db.session, organisation, *period).shown()
    headers, rows = report_table(found)
    return download(fmt, headers, rows, f"mentoring-report-{found.since.isoformat()}-to-"
                    f"{found.until.isoformat()}", "Mentoring report",
                    what=f"the mentoring report from {found.since.isoformat()} to "
                    f"{found.until.isoformat()}", about=("organisation", organisation.id),
                    concerns=organisation)
