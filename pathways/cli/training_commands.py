"""Commands on training: the import of records, an organisation's compliance, the reminders
and the partnership summary."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import clock
from ..dates import format_day
from ..people.accounts import find_organisation
from ..training.compliance import ComplianceReport, compliance_report
from ..training.importer import import_training
from ..training.reminders import send_training_reminders
from ..training.summary import refresh_summaries
from .apprenticeship_commands import parse_as_of
from .base import cli
from .context import CliContext, pass_context
from .notification_commands import send_due_email


@cli.command("import-training")
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--org", "org", required=True, metavar="ORG",
              help="The organisation's name or id.")
@pass_context
def import_training_command(ctx: CliContext, path: Path, org: str) -> None:
    """Import an organisation's training records from a spreadsheet (CSV or XLSX).

    Columns: email, staff_id, subject, completed_on, provider, evidence (subject and
    completed_on required; each row names the person by email or staff_id). All-or-nothing:
    any bad row and nothing is written; every problem is listed by row.
    """
    with ctx.session() as session:
        organisation = find_organisation(session, org)
        result = import_training(session, path, organisation)
    click.echo(f"Imported {path} into {organisation.name}: {result.added} training records "
               f"added, {result.already_recorded} already recorded.")


@cli.command("compliance")
@click.option("--org", "org", required=True, metavar="ORG",
              help="The organisation's name or id.")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="The day of the statuses (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_context
def compliance_command(ctx: CliContext, org: str, as_of: str | None, as_json: bool) -> None:
    """Show each person's required training at an organisation: status and expiry, then the
    totals per subject (compliant: up to date or expiring soon)."""
    day = parse_as_of(as_of)
    with ctx.session() as session:
        organisation = find_organisation(session, org)
        report = compliance_report(session, organisation, day or clock.today())
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(report_lines(report)))


def report_lines(report: ComplianceReport) -> list[str]:
    """Return the compliance report as lines of text."""
    setting = report.setting
    lines = [f"Training at {setting.organisation.name} on {format_day(setting.today)} "
             f"(expiring soon: within {setting.window} days)"]
    if not report.people:
        lines.append("No one here has a role that requires training.")
        return lines
    for person in report.people:
        lines.append("")
        lines.append(f"{person.name} <{person.email}>" + (f", {person.role}" if person.role
                                                           else ""))
        for subject, status, _completed, expires in person.subjects:
            until = f" (expires {format_day(expires)})" if expires else ""
            lines.append(f"  {subject.title}: {status.label}{until}")
    lines.append("")
    lines.append("Per subject: compliant of required")
    for total in report.totals:
        lines.append(f"  {total.label}: {total.compliant} of {total.required} "
                     f"({total.percent}%)")
    return lines


@cli.command("training-reminders")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="The day to remind as of (default: today in England).")
@pass_context
def training_reminders_command(ctx: CliContext, as_of: str | None) -> None:
    """Tell people and their managers of required training expiring within 90, 60 and 30
    days (each once per record and window, however often this runs), then send the emails
    due. Run it daily; two runs at once send nothing twice.
    """
    today = parse_as_of(as_of) if as_of else clock.today()
    with ctx.session() as session:
        sent = send_training_reminders(session, today)
    click.echo(f"Sent {sum(sent.values())} training reminder(s)"
               + (": " + ", ".join(f"{count} at {window}" for window, count
                                    in sorted(sent.items())) if sent else "."))
    send_due_email(ctx)


@cli.command("training-summary")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="The day of the statuses (default: today in England).")
@pass_context
def training_summary_command(ctx: CliContext, as_of: str | None) -> None:
    """Work out every partnership's training summary (per organisation and subject, the
    people required and compliant) for the partnership summary page, replacing the one
    before. Run it nightly: the page shows the day it is for.
    """
    today = parse_as_of(as_of) or clock.today()
    with ctx.session() as session:
        runs = refresh_summaries(session, today)
    for name, run in runs:
        click.echo(f"{name}: {run.cells} organisation and subject cell(s), {run.subjects} "
                   f"subject(s), as of {format_day(run.as_of)}.")
    if not runs:
        click.echo("No partnerships: nothing to summarise.")
