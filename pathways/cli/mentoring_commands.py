"""Commands on career champions: setting them up, matching people with them, expiring requests."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import NotFound
from ..mentoring.champions import import_champions
from ..mentoring.matching import match_champions
from ..mentoring.pairings import expire_requests
from ..people.accounts import find_organisation, find_person
from ..snapshot import build_graph
from .base import cli
from .context import CliContext, pass_context


@cli.command("import-champions")
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--org", "org", required=True, metavar="ORG",
              help="The organisation's name or id.")
@pass_context
def import_champions_command(ctx: CliContext, path: Path, org: str) -> None:
    """Set up an organisation's career champions from a CSV or XLSX file.

    Columns: email, specialisms, roles_held, capacity, open_to_partnership. All-or-nothing:
    any bad row and nothing is written; every problem is listed by row.
    """
    with ctx.session() as session:
        organisation = find_organisation(session, org)
        count = import_champions(session, path, organisation, build_graph(session))
    click.echo(f"Imported {count} champion(s) into {organisation.name}.")


@cli.command("match-champions")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@pass_context
def match_champions_command(ctx: CliContext, email: str, as_json: bool, limit: int) -> None:
    """Rank the champions who could support EMAIL toward their target role."""
    with ctx.session() as session:
        person = find_person(session, email)
        if person is None:
            raise NotFound(f"Nobody has the email address {email!r}.")
        matches = match_champions(session, build_graph(session), person, limit=limit)
        if as_json:
            click.echo(json.dumps([m.to_json() for m in matches], indent=2))
            return
        if not matches:
            click.echo(f"No champion has room for {person.name} now.")
        for rank, match in enumerate(matches, start=1):
            click.echo(f"{rank}. {match.champion.name} <{match.champion.email}>  "
                       f"score {match.score}")
            for reason in match.reasons:
                click.echo(f"     - {reason}")


@cli.command("expire-requests")
@pass_context
def expire_requests_command(ctx: CliContext) -> None:
    """Mark champion requests not answered in time as expired (run daily, e.g. from cron)."""
    with ctx.session() as session:
        count = expire_requests(session)
    click.echo(f"Expired {count} request(s).")
