"""Accounts: organisations, people, passwords, access roles and disablement.

Services take the acting person, validate, change rows and flush; the caller commits.
Passwords are hashed with Argon2id; a password needs at least 12 characters and must not
be easy to guess (zxcvbn, which knows the common-password lists, scores it 3 or more).
"""

from __future__ import annotations

from datetime import date

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit, clock
from ..errors import InvalidInput, NotFound, Problem
from ..models import (
    ACCESS_ROLES,
    SCOPES,
    Organisation,
    OrganisationMembership,
    Partnership,
    Person,
    PersonRole,
    Team,
)

MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_SCORE = 3
_hasher = PasswordHasher()


def normalise_email(email: str) -> str:
    """Return an email address trimmed and in lower case."""
    return (email or "").strip().lower()


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Return why a password is not good enough (empty when it is)."""
    from zxcvbn import zxcvbn  # loads its word lists on first use only

    if len(password or "") < MIN_PASSWORD_LENGTH:
        return [f"Password must be at least {MIN_PASSWORD_LENGTH} characters"]
    result = zxcvbn(password[:100], user_inputs=[email, name, "pathways", "care"])
    if result["score"] < MIN_PASSWORD_SCORE:
        warning = result["feedback"].get("warning") or "it is too easy to guess"
        return [f"Choose a less common password: {warning.rstrip('.').lower()}"]
    return []


def hash_password(password: str) -> str:
    """Return an Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(person: Person, password: str) -> bool:
    """Whether ``password`` is the person's password (refreshing an outdated hash)."""
    if not person.password_hash or not password:
        return False
    try:
        _hasher.verify(person.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(person.password_hash):
        person.password_hash = _hasher.hash(password)
    return True


def find_organisation(session: Session, name_or_id: str) -> Organisation:
    """Return the organisation with this name (any case) or id.

    Raises
    ------
    NotFound
    """
    text = (name_or_id or "").strip()
    found = session.scalar(select(Organisation).where(
        func.lower(Organisation.name) == text.lower()))
    if found is None and text.isdigit():
        found = session.get(Organisation, int(text))
    if found is None:
        raise NotFound(f"No organisation called {text!r}")
    return found


def find_person(session: Session, email: str) -> Person | None:
    """Return the person with this email address, or None."""
    return session.scalar(select(Person).where(Person.email == normalise_email(email)))


def create_organisation(session: Session, name: str, partnership: str | None = None,
                        actor: Person | None = None) -> Organisation:
    """Create an organisation, in a partnership (created when new) if one is named."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput([Problem("name", "Enter the organisation's name")])
    if session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower())):
        raise InvalidInput([Problem("name", f"An organisation called {name!r} already exists")])
    group = None
    if partnership:
        group = session.scalar(select(Partnership).where(Partnership.name == partnership.strip()))
        group = group or Partnership(name=partnership.strip())
    organisation = Organisation(name=name, partnership=group)
    session.add(organisation)
    session.flush()
    audit.record(session, actor, "create", "organisation", organisation.id, name,
                 concerns=organisation)
    return organisation


def team_named(session: Session, organisation: Organisation, name: str | None) -> Team | None:
    """Return the organisation's team with this name, creating it when new; None for no name."""
    name = (name or "").strip()
    if not name:
        return None
    team = session.scalar(select(Team).where(Team.organisation_id == organisation.id,
                                             Team.name == name))
    if team is None:
        team = Team(organisation=organisation, name=name)
        session.add(team)
    return team


def check_roles(roles: list[str]) -> list[str]:
    """Return the problems with a list of access role names."""
    return [f"Unknown role {role!r}: use {', '.join(ACCESS_ROLES)}" for role in roles
            if role not in ACCESS_ROLES]


def create_person(session: Session, *, email: str, name: str, organisation: Organisation,
                  roles: list[str], password: str | None = None, team: Team | None = None,
                  scope: str = "organisation", actor: Person | None = None,
                  started_on: date | None = None) -> Person:
    """Create a person with an account (a password is optional: they may reset it).

    Raises
    ------
    InvalidInput
        For a bad or taken email, unknown roles or scope, or a weak password.
    """
    email = normalise_email(email)
    problems = []
    if "@" not in email or len(email) > 254:
        problems.append(Problem("email", "Enter an email address like name@example.org"))
    elif find_person(session, email) is not None:
        problems.append(Problem("email", f"{email} already has an account"))
    if not (name or "").strip():
        problems.append(Problem("name", "Enter the person's name"))
    problems += [Problem("role", p) for p in check_roles(roles)]
    if scope not in SCOPES:
        problems.append(Problem("scope", f"Scope must be one of {', '.join(SCOPES)}"))
    if password is not None:
        problems += [Problem("password", p) for p in password_problems(password, email=email,
                                                                       name=name)]
    if problems:
        raise InvalidInput(problems, "The account was not created")
    person = Person(email=email, name=name.strip(), organisation=organisation, team=team,
                    password_hash=hash_password(password) if password else None)
    person.access = [PersonRole(role=role, scope=scope if role in ("lnd", "admin")
                                else "organisation") for role in dict.fromkeys(roles)]
    person.memberships = [OrganisationMembership(organisation=organisation,
                                                 started_on=started_on or clock.today())]
    session.add(person)
    session.flush()
    audit.record(session, actor, "create", "person", person.id, f"account for {email}",
                 {"roles": list(dict.fromkeys(roles))}, concerns=person)
    return person


def set_password(session: Session, person: Person, password: str,
                 actor: Person | None = None) -> None:
    """Set a new password and end the person's other sessions.

    Raises
    ------
    InvalidInput
        When the password is too short or too easy to guess.
    """
    problems = password_problems(password, email=person.email, name=person.name)
    if problems:
        raise InvalidInput([Problem("password", p) for p in problems], "Password not changed")
    person.password_hash = hash_password(password)
    person.session_generation += 1
    audit.record(session, actor or person, "change-password", "person", person.id,
                 concerns=person)


def end_sessions(session: Session, person: Person, action: str = "sign-out") -> None:
    """End every session of ``person`` (signing out ends them all: cookies are not stored)."""
    person.session_generation += 1
    audit.record(session, person, action, "person", person.id, concerns=person)


def disable_person(session: Session, person: Person, actor: Person | None = None) -> None:
    """Disable an account and end all of its sessions."""
    person.active = False
    person.session_generation += 1
    audit.record(session, actor, "disable", "person", person.id, person.email,
                 concerns=person)


def enable_person(session: Session, person: Person, actor: Person | None = None) -> None:
    """Enable a disabled account again."""
    person.active = True
    audit.record(session, actor, "enable", "person", person.id, person.email,
                 concerns=person)


def move_organisation(session: Session, person: Person, organisation: Organisation,
                      on: date | None = None, actor: Person | None = None) -> None:
    """Move a person to another organisation, keeping the history of where they worked."""
    on = on or clock.today()
    for spell in person.memberships:
        if spell.ended_on is None:
            spell.ended_on = on
    person.memberships.append(OrganisationMembership(organisation=organisation, started_on=on))
    previous = person.organisation_id
    person.organisation = organisation
    person.team = None
    audit.record(session, actor, "move", "person", person.id,
                 f"moved to {organisation.name}", {"from": previous, "to": organisation.id},
                 concerns=organisation)
