"""Commands on the training passport: issue a person's credentials, verify a passport file,
revoke credentials, rotate and withdraw the signing keys."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from sqlalchemy import func, select

from .. import clock
from ..errors import InvalidInput, NotFound, Problem
from ..models import IssuedCredential
from ..passport.credentials import issue_passport, passport_file
from ..passport.keys import keys_of, rotate_key
from ..passport.status_list import (
    issued_credential,
    revoke_credential,
    revoke_person_credentials,
    withdraw_key,
)
from ..passport.verification import MAX_INPUT, Checked, verdicts_json, verify_passport
from ..people.accounts import find_organisation, find_person
from .apprenticeship_commands import parse_as_of
from .base import cli
from .context import CliContext, pass_context

#: The exit code when any credential is refused (as for invalid data).
REFUSED_EXIT = 1
#: Read no more than this from a file: anything past the passport limit is refused anyway.
READ_LIMIT = MAX_INPUT + 1


@cli.group("passport")
def passport_group() -> None:
    """The training passport: credentials signed by the organisation that recorded them."""


@passport_group.command("issue")
@click.argument("email")
@click.option("--out", "out", default="-", metavar="FILE.json", type=click.Path(
    dir_okay=False, allow_dash=True, path_type=Path),
    help="Where to write the passport (default: the standard output).")
@pass_context
def issue_command(ctx: CliContext, email: str, out: Path) -> None:
    """Issue a person's current training records as signed credentials (Open Badges 3.0,
    VC-JWT) and write them as a passport file: {"format": "training-passport", "version": 1,
    "credentials": [...]}. Expired records are left out."""
    with ctx.session() as session:
        person = find_person(session, email)
        if person is None:
            raise NotFound(f"Nobody has the email address {email!r}.")
        tokens = issue_passport(session, person, today=clock.today())
    text = json.dumps(passport_file(tokens), indent=2) + "\n"
    if str(out) == "-":
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(tokens)} credentials for {person.name} to {out}.", err=True)


@passport_group.command("verify")
@click.argument("path", metavar="FILE.json", type=click.Path(
    dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--org", "org", default=None, metavar="ORG",
              help="The receiving organisation (name or id): issuers must be its partners.")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="The day the dates are checked against (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
@pass_context
def verify_command(ctx: CliContext, path: Path, org: str | None, as_of: str | None,
                   as_json: bool) -> None:
    """Verify a passport file: one verdict per credential with its reason (signature, issuer,
    dates, revocation). Exits 1 when any credential is refused."""
    day = parse_as_of(as_of) or clock.today()
    data = sys.stdin.buffer.read(READ_LIMIT) if str(path) == "-" else _read(path)
    with ctx.session() as session:
        receiving = find_organisation(session, org) if org else None
        verdicts = verify_passport(session, data, today=day, receiving=receiving)
        answer = verdicts_json(verdicts, day, receiving)
    if as_json:
        click.echo(json.dumps(answer, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(verdict_lines(verdicts)))
    if any(not checked.valid for checked in verdicts):
        click.get_current_context().exit(REFUSED_EXIT)


@passport_group.command("revoke")
@click.argument("credential", required=False, metavar="[CREDENTIAL]")
@click.option("--org", "org", required=True, metavar="ORG",
              help="The organisation that issued it (name or id).")
@click.option("--person", "email", default=None, metavar="EMAIL",
              help="Revoke every credential the organisation issued to this person instead.")
@click.option("--reason", default="", help="Why, shown to whoever checks it.")
@pass_context
def revoke_command(ctx: CliContext, credential: str | None, org: str, email: str | None,
                   reason: str) -> None:
    """Revoke a credential the organisation issued (its urn:uuid: id, or its number on the
    issued list), or with --person all of a person's: the status list marks them and every
    check refuses them as revoked from now on. Records other organisations made by accepting
    them are removed. Exits 3 for an unknown credential or person, 6 for another
    organisation's credential or one revoked already."""
    if (credential is None) == (email is None):
        raise click.UsageError("Give a credential's id or --person EMAIL (one of them).")
    with ctx.session() as session:
        organisation = find_organisation(session, org)
        if email is not None:
            person = find_person(session, email)
            if person is None:
                raise NotFound(f"Nobody has the email address {email!r}.")
            revoked = revoke_person_credentials(session, None, organisation, person, reason)
            click.echo(f"Revoked {len(revoked)} credentials {organisation.name} issued to "
                       f"{person.name}.")
            return
        assert credential is not None  # nosec B101 - one of the two, checked above
        found = issued_credential(session, organisation, credential)
        revoke_credential(session, None, found, reason)
        click.echo(f"Revoked {found.credential_id}: {found.subject.title} of "
                   f"{found.person.name}.")


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(READ_LIMIT)
    except OSError as error:
        raise InvalidInput([Problem(str(path), error.strerror or "cannot be read")],
                           "The passport could not be read") from None


def verdict_lines(verdicts: list[Checked]) -> list[str]:
    """Return the verdicts as lines of text, numbered as in the file."""
    lines = []
    for number, checked in enumerate(verdicts, start=1):
        about = f"{checked.subject} ({checked.holder})" if checked.subject else "Credential"
        lines.append(f"{number}. {about}: {checked.reason}")
    valid = sum(checked.valid for checked in verdicts)
    lines.append(f"{valid} of {len(verdicts)} valid.")
    return lines


@passport_group.command("keys")
@click.option("--org", "org", required=True, metavar="ORG",
              help="The organisation (name or id).")
@pass_context
def keys_command(ctx: CliContext, org: str) -> None:
    """List the organisation's signing keys: the current one first, then the retired ones
    (still published, so what they signed verifies) and the withdrawn ones."""
    with ctx.session() as session:
        organisation = find_organisation(session, org)
        found = keys_of(session, organisation.id)
        if not found:
            click.echo(f"{organisation.name} has signed nothing yet: no key.")
        for key in found:
            if key.withdrawn_at is not None:
                state = f"withdrawn {key.withdrawn_at:%Y-%m-%d}"
            elif key.retired_at is not None:
                state = f"retired {key.retired_at:%Y-%m-%d}"
            else:
                state = "current"
            click.echo(f"{key.kid}  made {key.created_at:%Y-%m-%d}  {state}")


@passport_group.command("rotate-key")
@click.option("--org", "org", required=True, metavar="ORG",
              help="The organisation (name or id).")
@pass_context
def rotate_key_command(ctx: CliContext, org: str) -> None:
    """Retire the organisation's signing key and make a new one that signs from now on. The
    retired key stays published, so credentials it signed still verify, until withdrawn with
    withdraw-key."""
    with ctx.session() as session:
        organisation = find_organisation(session, org)
        new, old = rotate_key(session, None, organisation)
        retired = f"; {old.kid} is retired and still verifies what it signed" if old else ""
        click.echo(f"{organisation.name} signs with {new.kid} now{retired}.")


@passport_group.command("withdraw-key")
@click.argument("kid")
@click.option("--org", "org", required=True, metavar="ORG",
              help="The organisation (name or id).")
@click.option("--reason", required=True, help="Why (for example: the key was exposed).")
@pass_context
def withdraw_key_command(ctx: CliContext, kid: str, org: str, reason: str) -> None:
    """Withdraw a retired signing key (its kid, as `keys` lists it): it leaves the published
    keys and every credential it signed is refused from now on (revoked in the status list).
    Exits 3 for an unknown key, 6 for the current key or one withdrawn already."""
    with ctx.session() as session:
        organisation = find_organisation(session, org)
        key = withdraw_key(session, None, organisation, kid, reason)
        revoked = session.scalar(select(func.count()).select_from(IssuedCredential).where(
            IssuedCredential.kid == key.kid, IssuedCredential.revoked_at.is_not(None)))
        click.echo(f"Withdrew {key.kid}: the {revoked} credentials it signed no longer "
                   "verify.")
