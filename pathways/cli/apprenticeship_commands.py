"""Commands on apprenticeships: the import from a spreadsheet, and a cohort's report."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..apprenticeships.importer import import_apprenticeships
from ..apprenticeships.progress import RAG_ORDER, CohortSummary, Thresholds, cohort_summary
from ..apprenticeships.rules import STATUSES
from ..csv_input import whole_number
from ..errors import InvalidInput, NotFound, Problem
from ..models import Cohort, Organisation
from ..people.accounts import find_organisation
from ..snapshot import build_graph
from .base import cli
from .context import CliContext, pass_context

#: The report's columns: heading and how to show an apprentice's value.
REPORT_COLUMNS = (
    ("email", lambda row: row.email),
    ("status", lambda row: STATUSES.get(row.status, row.status)),
    ("RAG", lambda row: row.rag),
    ("OTJ logged/expected/required",
     lambda row: f"{row.otj_logged:g}/{row.otj_expected:g}/{row.otj_required}"),
    ("review overdue", lambda row: "yes" if row.review_overdue else "no"),
    ("post", lambda row: row.post or "-"),
)


@cli.command("import-apprenticeships")
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--org", "org", required=True, metavar="ORG",
              help="The organisation's name or id.")
@pass_context
def import_apprenticeships_command(ctx: CliContext, path: Path, org: str) -> None:
    """Enrol an organisation's people on cohorts from a spreadsheet (CSV or XLSX).

    Columns: email, cohort, standard_code, start_date, planned_end_date, weekly_hours,
    otj_hours_logged, last_review_date, status, guaranteed_post. New cohorts are created on
    the organisation's programme for the standard. All-or-nothing: any bad row and nothing
    is written; every problem is listed by row. An import only adds apprenticeships. A file
    may hold any number of rows (read a row at a time, written set-based).
    """
    with ctx.session() as session:
        organisation = find_organisation(session, org)
        result = import_apprenticeships(session, path, organisation, actor=None,
                                        G=build_graph(session))
    click.echo(f"Imported {path} into {organisation.name}: {result.apprenticeships} "
               f"apprenticeships created, {result.cohorts} cohorts created, "
               f"{result.posts_reserved} posts reserved, {result.reviews} reviews and "
               f"{float(result.otj_hours):g} off-the-job hours recorded.")


@cli.command("cohort-report")
@click.argument("cohort", metavar="COHORT")
@click.option("--org", "org", default=None, metavar="ORG",
              help="The organisation's name or id (needed when another organisation has a "
                   "cohort of the same name).")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="The day of the report (default: today).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the summary as JSON, as GET /api/v1/cohorts/<id>/summary does.")
@pass_context
def cohort_report(ctx: CliContext, cohort: str, org: str | None, as_of: str | None,
                  as_json: bool) -> None:
    """Show who in a COHORT (its id or name) is on track: counts by RAG, then each apprentice.

    Thresholds come from OTJ_BEHIND_SHARE, OTJ_BEHIND_AFTER_DAYS and REVIEW_EVERY_DAYS.
    """
    day = parse_as_of(as_of)
    thresholds = _thresholds()
    with ctx.session() as session:
        organisation = find_organisation(session, org) if org else None
        found = find_cohort_anywhere(session, cohort, organisation)
        summary = cohort_summary(session, found, day, thresholds)
    if as_json:
        click.echo(json.dumps(summary.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(report_lines(summary)))


def parse_as_of(text: str | None) -> date | None:
    """Read ``--as-of`` (YYYY-MM-DD); None for today.

    Raises
    ------
    InvalidInput
        Naming ``--as-of`` when it is not a date.
    """
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput([Problem("--as-of", f"{text!r} is not a date: use YYYY-MM-DD")],
                           "The report was not made") from None


def _thresholds() -> Thresholds:
    """Read the thresholds from the environment, refusing bad values as invalid input."""
    try:
        return Thresholds.from_mapping(os.environ)
    except ValueError as error:
        raise InvalidInput([Problem("environment", str(error))],
                           "The report was not made") from None


def find_cohort_anywhere(session: Session, id_or_name: str,
                         organisation: Organisation | None = None) -> Cohort:
    """Return the cohort with this id, or this name (any case) in ``organisation``.

    An id is the same in every organisation (with ``organisation`` given, it must be one of
    its cohorts). Without ``organisation`` a name is looked for in every organisation, and
    must be the name of only one cohort.

    Raises
    ------
    NotFound
        When no cohort matches.
    InvalidInput
        When cohorts of several organisations have the name (``--org`` says which).
    """
    text = id_or_name.strip()
    number = whole_number(text)
    if number is not None:
        cohort = session.get(Cohort, number)
        if cohort is not None and (organisation is None
                                   or cohort.organisation_id == organisation.id):
            return cohort
    query = select(Cohort)
    if organisation is not None:
        query = query.where(Cohort.organisation_id == organisation.id)
    matches = [cohort for cohort in session.scalars(query.order_by(Cohort.id))
               if cohort.name.casefold() == text.casefold()]
    if not matches:
        where = f" at {organisation.name}" if organisation is not None else ""
        raise NotFound(f"No cohort called {text!r}{where}")
    if len(matches) > 1:
        which = ", ".join(f"{cohort.organisation.name} (id {cohort.id})" for cohort in matches)
        raise InvalidInput([Problem("COHORT", f"{text!r} is a cohort of several organisations: "
                                    f"{which}; give --org or the cohort's id")],
                           "The report was not made")
    return matches[0]


def report_lines(summary: CohortSummary) -> list[str]:
    """Return the readable report: a title, the counts by RAG and a table of apprentices."""
    counts = summary.counts
    lines = [f"{summary.cohort_name} (cohort {summary.cohort_id}) as of "
             f"{summary.as_of.isoformat()}: {len(summary.apprentices)} apprentice(s)",
             "  ".join(f"{rag} {counts[rag]}" for rag in RAG_ORDER), ""]
    if not summary.apprentices:
        return lines + ["No apprentices yet."]
    table = [[heading for heading, _ in REPORT_COLUMNS]]
    table += [[str(show(row)) for _, show in REPORT_COLUMNS] for row in summary.apprentices]
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
    for line in table:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths))
                     .rstrip())
    return lines
