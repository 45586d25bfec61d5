"""Workforce commands: the role-history import, the workforce report, the forecast and the
partnership's nightly workforce summary."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import clock
from ..dates import format_day
from ..errors import InvalidInput, Problem
from ..people.accounts import find_organisation
from ..snapshot import build_graph
from ..suppression import SUPPRESSED
from ..workforce.estimation import organisations_of
from ..workforce.forecast import gap_in_words
from ..workforce.history_import import import_history
from ..workforce.measures import percent
from ..workforce.planning import find_partnership, partnership_forecast, read_scenarios
from ..workforce.projection import DEFAULT_POPULATION
from ..workforce.report import workforce_report
from ..workforce.summary import refresh_workforce_summaries
from .apprenticeship_commands import parse_as_of
from .base import cli
from .context import CliContext, pass_context


@cli.command("import-history")
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--org", "org", required=True, metavar="ORG",
              help="The organisation's name or id.")
@pass_context
def import_history_command(ctx: CliContext, path: Path, org: str) -> None:
    """Import people's role history and leavers from a CSV or XLSX file.

    Columns: email, role, start_date, end_date, leave_reason, destination, previous_sector.
    Each person's history in the organisation becomes the file's. All-or-nothing: any bad
    row and nothing is written; every problem is listed by row.
    """
    with ctx.session() as session:
        organisation = find_organisation(session, org)
        count = import_history(session, path, organisation, build_graph(session))
    click.echo(f"Imported {count} role spell(s) into {organisation.name}.")


@cli.command("workforce-report")
@click.option("--org", "org", default=None, metavar="ORG", help="An organisation's name or id.")
@click.option("--partnership", "partnership", default=None, metavar="P",
              help="A partnership's name or id (every organisation in it).")
@click.option("--year", type=click.IntRange(1900, 2200), default=None,
              help="A calendar year (default: the 12 months to today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def workforce_report_command(ctx: CliContext, org: str | None, partnership: str | None,
                             year: int | None, as_json: bool) -> None:
    """Print the workforce figures of an organisation or a partnership.

    Filled posts, vacancies and the vacancy rate, starters, leavers and the turnover rate
    (Skills for Care's definitions), leavers by destination, the age profile, agency use and
    apprentices in training; counts of people below 5 are shown as "fewer than 5".
    """
    if (org is None) == (partnership is None):
        raise InvalidInput([Problem("--org/--partnership", "give one of them")],
                           "The report was not made")
    with ctx.session() as session:
        if org is not None:
            organisation = find_organisation(session, org)
            ids, scope = [organisation.id], organisation.name
        else:
            group = find_partnership(session, partnership or "")
            ids, scope = organisations_of(session, group.id), group.name
        report = workforce_report(session, ids, scope, clock.today(), year)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
        return
    click.echo(f"{report.scope}: {report.start:%d %B %Y} to the day before {report.end:%d %B %Y}")
    click.echo(f"  Filled posts {report.filled}; vacancies {report.vacancies} "
               f"(vacancy rate {percent(report.vacancy_rate)}); agency-covered posts "
               f"{report.agency}")
    click.echo(f"  Starters {report.starters} ({percent(report.starters_rate)}); leavers "
               f"{report.leavers} (turnover rate {percent(report.turnover_rate)})")
    for line in report.roles:
        click.echo(f"  - {line.title}: {line.filled} in post, {line.vacancies} vacant, "
                   f"{line.leavers} left (turnover {percent(line.turnover_rate)})")
    if report.pipeline:
        click.echo("  Apprentices in training:")
        for item in report.pipeline:
            click.echo(f"  - {item.title}, {item.year}: {item.apprentices}")
    if report.filled == SUPPRESSED:
        click.echo(f"  Counts of fewer than 5 people are shown as {SUPPRESSED!r}.")


@cli.command("forecast")
@click.option("--partnership", "partnership", required=True, metavar="P",
              help="The partnership's name or id.")
@click.option("--years", type=click.IntRange(1, 30), default=10, show_default=True)
@click.option("--scenario", "scenario_path", default=None, metavar="FILE.json",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Scenarios to forecast beside the current pipeline (JSON).")
@click.option("--population", "population_path", default=None, metavar="FILE.csv",
              type=click.Path(dir_okay=False, path_type=Path),
              help="The 65+ population table (area, year, population_65_plus).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def forecast_command(ctx: CliContext, partnership: str, years: int, scenario_path: Path | None,
                     population_path: Path | None, as_json: bool) -> None:
    """Forecast a partnership's supply and demand per role, and when each gap closes.

    Rates come from the last three years of role history; supply moves along them each
    year, with recruits and apprentices qualifying; demand grows with the 65+ population.
    """
    with ctx.session() as session:
        scenarios = []
        if scenario_path is not None:
            try:
                text = scenario_path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise InvalidInput([Problem(str(scenario_path), f"cannot be read: {error}")],
                                   "The scenario was not read") from error
            scenarios = read_scenarios(session, text)
        group = find_partnership(session, partnership)
        result = partnership_forecast(session, group, years, clock.today(), scenarios,
                                      population_path=population_path or DEFAULT_POPULATION)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    click.echo(f"{result.partnership}: {years}-year forecast from {result.forecasts[0].base_year}")
    for role in result.shown_roles:
        click.echo("  " + gap_in_words(result.titles.get(role, role).lower(), result.forecasts,
                                       role))


@cli.command("workforce-summary")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="The day the figures are for (default: today in England).")
@pass_context
def workforce_summary_command(ctx: CliContext, as_of: str | None) -> None:
    """Work out every partnership's workforce summary (the counts of its workforce board and
    forecast) for the partnership's workforce pages, replacing the one before. Run it
    nightly: the pages show the day it is for.
    """
    today = parse_as_of(as_of) or clock.today()
    with ctx.session() as session:
        runs = refresh_workforce_summaries(session, today)
    for name, run in runs:
        click.echo(f"{name}: {run.roles} role(s) with people in post, as of "
                   f"{format_day(run.as_of)}.")
    if not runs:
        click.echo("No partnerships: nothing to summarise.")
