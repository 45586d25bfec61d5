"""Accounts: organisations, people, passwords, sign-in emails, access roles and disablement.

Services take the acting person, validate, change rows and flush; the caller commits.
Passwords are hashed with Argon2id; a password needs at least 12 characters and must not
be easy to guess (zxcvbn, which knows the common-password lists, scores it 3 or more).
The email address a person signs in with changes only through :func:`change_email` (an
administrator's action, which ends their sessions), never through the staff import once
they have a sign-in account (:func:`has_sign_in_account`).
"""

from __future__ import annotations

import re
from datetime import date

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from .. import audit, clock
from ..csv_input import whole_number
from ..errors import InvalidInput, NotFound, Problem
from ..models import (
    ACCESS_ROLES,
    SCOPES,
    Notification,
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


#: An email address: no spaces, control characters, quotes or list separators, one @, a dot
#: in the domain.
EMAIL_ADDRESS = re.compile(r'[^@\s\x00-\x1f\x7f,;<>"\\]+@[^@\s\x00-\x1f\x7f,;<>"\\]+'
                           r'\.[^@\s\x00-\x1f\x7f,;<>"\\]+')
#: Said of an email address that belongs to someone else, wherever they work: never who.
EMAIL_CANNOT_BE_USED = "{email} cannot be used"


def normalise_email(email: str) -> str:
    """Return an email address trimmed and in lower case."""
    return (email or "").strip().lower()


def email_problem(email: str) -> str | None:
    """Return why ``email`` (normalised) is not an email address, or None when it is one."""
    if len(email) > 254 or not EMAIL_ADDRESS.fullmatch(email):
        return "Enter an email address like name@example.org"
    return None


def has_sign_in_account(person: Person) -> bool:
    """Whether ``person`` has a sign-in account: a password set, or any access role beyond
    plain staff (manager, champion, L&D, admin, map editor).

    Such a person's email address is how they sign in and reset their password, so the
    staff import never changes it; an administrator does, with :func:`change_email`. Someone
    imported with no password and only the staff role has never signed in, and an import may
    still correct their address.
    """
    return bool(person.password_hash) or any(grant.role != "staff" for grant in person.access)


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
    if found is None and (number := whole_number(text)) is not None:
        found = session.get(Organisation, number)
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
                 actor: Person | None = None, *, hashed: str | None = None) -> None:
    """Set a new password and end the person's other sessions.

    ``hashed`` is a hash of ``password`` already made with :func:`hash_password`: several
    accounts given the same password (the demo's) then cost one Argon2 hash, not one each.

    Raises
    ------
    InvalidInput
        When the password is too short or too easy to guess.
    """
    problems = password_problems(password, email=person.email, name=person.name)
    if problems:
        raise InvalidInput([Problem("password", p) for p in problems], "Password not changed")
    person.password_hash = hashed or hash_password(password)
    person.session_generation += 1
    audit.record(session, actor or person, "change-password", "person", person.id,
                 concerns=person)


def change_email(session: Session, person: Person, email: str,
                 actor: Person | None = None) -> str:
    """Change the email address ``person`` signs in with, and end every session of theirs.

    An administrator's action (the caller asks ``policy.can_change_email``). The audit event
    records the old and the new address; the caller tells the old address (the web app
    emails it), so a change the person did not expect does not go unnoticed.

    Returns
    -------
    str
        The old address.

    Raises
    ------
    InvalidInput
        When ``email`` is not an email address, is already theirs, or belongs to someone
        else (said as "cannot be used", never whose it is or where they work).
    """
    new = normalise_email(email)
    old = person.email
    problem = email_problem(new)
    if problem is None and new == old:
        problem = f"{new} is already their email address"
    if problem is None and find_person(session, new) is not None:
        problem = EMAIL_CANNOT_BE_USED.format(email=new)
    if problem:
        raise InvalidInput([Problem("email", problem)], "The email address was not changed")
    person.email = new
    person.session_generation += 1
    audit.record(session, actor, "change-email", "person", person.id,
                 f"sign-in email changed from {old} to {new}",
                 {"old_email": old, "new_email": new}, concerns=person)
    return old


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


def signed_in_person(session: Session, person_id: int, generation: int
                     ) -> tuple[Person, int] | None:
    """Return the person a session names, with how many of their notifications are unread,
    in one query by primary key; None when the account is gone, disabled or the session's
    generation is no longer theirs (ended by a password change or disabling).

    The person comes with their organisation and access roles, which every signed-in page
    asks the policy about, so a signed-in request costs this one query for who it is.

    Examples
    --------
    >>> found, unread = signed_in_person(session, me.id, me.session_generation)
    >>> found.name, unread, signed_in_person(session, me.id, me.session_generation + 1)
    ('Ann Lee', 0, None)
    """
    unread = (select(func.count(Notification.id))
              .where(Notification.recipient_id == Person.id, Notification.read_at.is_(None))
              .correlate(Person).scalar_subquery())
    found = session.execute(
        select(Person, unread).where(Person.id == person_id)
        .options(joinedload(Person.organisation), joinedload(Person.access))
    ).unique().one_or_none()
    if found is None:
        return None
    person, count = found
    if not person.active or person.session_generation != generation:
        return None
    return person, count or 0
