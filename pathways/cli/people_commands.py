"""Commands on people: organisations, accounts, the staff import, the demo partnership, and
forgetting the one-time tokens of forms sent long ago."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import submissions
from ..errors import InvalidInput, Problem
from ..people.accounts import create_organisation, create_person, find_organisation, team_named
from ..people.staff_import import import_staff
from ..snapshot import build_graph
from .base import cli
from .context import CliContext, pass_context


@cli.command("create-org")
@click.argument("name")
@click.option("--partnership", default=None, metavar="NAME",
              help="The partnership it belongs to (created when new).")
@pass_context
def create_org(ctx: CliContext, name: str, partnership: str | None) -> None:
    """Create an organisation NAME, optionally in a partnership."""
    with ctx.session() as session:
        organisation = create_organisation(session, name, partnership)
        where = f" in the partnership {partnership.strip()}" if partnership else ""
        click.echo(f"Created the organisation {organisation.name} (id {organisation.id}){where}.")


@cli.command("forget-sent-forms")
@pass_context
def forget_sent_forms(ctx: CliContext) -> None:
    """Forget the one-time tokens of forms sent over a week ago (run daily, e.g. from cron).

    A retry of a post comes within minutes; a week's tokens are kept (``pathways.submissions``).
    """
    with ctx.session() as session:
        count = submissions.forget_sent_forms(session)
    click.echo(f"Forgot {count} form(s) sent over {submissions.KEEP_DAYS} days ago.")


@cli.command("create-user")
@click.argument("email")
@click.option("--org", "org", required=True, metavar="ORG",
              help="The organisation's name or id.")
@click.option("--role", "roles", multiple=True, required=True, metavar="ROLE",
              help="An access role: staff, manager, champion, lnd or admin; repeat for more.")
@click.option("--name", default=None, help="The person's name (default: from the email address).")
@click.option("--team", default=None, help="Their team (created when new).")
@click.option("--scope", default="organisation", show_default=True, metavar="SCOPE",
              help="How far lnd and admin reach: organisation or partnership.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input. Without it the "
                   "account has no password and the person sets one by resetting it.")
@pass_context
def create_user(ctx: CliContext, email: str, org: str, roles: tuple[str, ...],
                name: str | None, team: str | None, scope: str, password_stdin: bool) -> None:
    """Create an account for EMAIL in an organisation, with access roles."""
    password = _read_password() if password_stdin else None
    with ctx.session() as session:
        organisation = find_organisation(session, org)
        person = create_person(session, email=email, name=name or _name_from(email),
                               organisation=organisation, roles=list(roles), password=password,
                               team=team_named(session, organisation, team), scope=scope)
        click.echo(f"Created an account for {person.email} at {organisation.name} "
                   f"({', '.join(person.role_names)}).")
        if password is None:
            click.echo("It has no password yet: the person sets one with 'Forgotten your "
                       "password?' on the sign-in page.")


@cli.command("import-staff")
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--org", "org", required=True, metavar="ORG",
              help="The organisation's name or id.")
@pass_context
def import_staff_command(ctx: CliContext, path: Path, org: str) -> None:
    """Create or update an organisation's people from an HR export (CSV or XLSX).

    All-or-nothing: any bad row and nothing is written; every problem is listed by row.
    """
    with ctx.session() as session:
        organisation = find_organisation(session, org)
        result = import_staff(session, path, organisation, actor=None, G=build_graph(session))
    click.echo(f"Imported {path} into {organisation.name}: {result.created} created, "
               f"{result.updated} updated, {result.unchanged} unchanged.")


def seed_demo_people(ctx: CliContext) -> None:
    """Load the demo partnership (unless already there) and print its sign-in accounts."""
    from seed import demo  # seed depends on pathways: looked up only when this runs

    with ctx.session() as session:
        loaded = demo.load_demo(session)
        accounts = demo.demo_accounts(session)
    click.echo("Loaded the demo partnership." if loaded else
               "The demo partnership is already loaded; left as it is.")
    if not accounts:
        return
    click.echo("\nDemo accounts (development only: never use these in production):")
    width = max(len(account.email) for account in accounts)
    click.echo(f"  {'email'.ljust(width)}  {'role'.ljust(26)}  password")
    for account in accounts:
        click.echo(f"  {account.email.ljust(width)}  {account.role.ljust(26)}  "
                   f"{demo.DEMO_PASSWORD}")
    click.echo("(The password is the demo's fixed development-only password, unless changed.)\n")


def _read_password() -> str:
    """Return the first line of standard input, refusing an empty one."""
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise InvalidInput([Problem("password", "Standard input held no password")],
                           "The account was not created")
    return line


def _name_from(email: str) -> str:
    """Guess a display name from an email address: ann.lee@... -> Ann Lee."""
    local = email.strip().split("@")[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").split(".") if part)
