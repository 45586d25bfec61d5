"""Access roles and account status, changed by admins; and the organisations an actor reaches.

Services take the acting person, validate, change rows and flush; the caller commits.
Who may call them is decided in ``pathways.policy`` (``can_manage_accounts``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import InvalidInput, Problem
from ..models import ACCESS_ROLES, SCOPES, Organisation, Person, PersonRole
from ..policy import WIDE_ROLES, reach_filter
from .accounts import disable_person, enable_person

#: Roles whose reach can be widened to the whole partnership.
SCOPED_ROLES = WIDE_ROLES


def organisations_in_reach(session: Session, actor: Person) -> list[Organisation]:
    """Return the organisations whose people ``actor`` may reach, their own first.

    The actor's own organisation, plus every organisation of its partnership when the
    actor holds L&D or admin with partnership scope (``policy.reach_filter``, the SQL form
    of the rule ``policy.within_reach`` applies to one person).
    """
    own = actor.organisation
    others = session.scalars(select(Organisation).where(
        reach_filter(actor, Organisation.id), Organisation.id != own.id)
        .order_by(Organisation.name)).all()
    return [own, *others]


def grant_role(session: Session, person: Person, role: str, scope: str = "organisation",
               actor: Person | None = None) -> bool:
    """Grant an access role (or change the scope of one held); return whether anything changed.

    Raises
    ------
    InvalidInput
        For an unknown role or scope, or partnership scope granted by an actor who is not an
        administrator for the whole partnership themselves.
    """
    problems = []
    if role not in ACCESS_ROLES:
        problems.append(Problem("role", f"Unknown role {role!r}: use {', '.join(ACCESS_ROLES)}"))
    if scope not in SCOPES:
        problems.append(Problem("scope", f"Scope must be one of {', '.join(SCOPES)}"))
    scope = scope if role in SCOPED_ROLES else "organisation"
    if scope == "partnership" and actor is not None and actor.scope_of("admin") != "partnership":
        problems.append(Problem("scope", "Only an administrator for the whole partnership can "
                                         "grant a role across the partnership"))
    if problems:
        raise InvalidInput(problems, "The role was not granted")
    held = next((grant for grant in person.access if grant.role == role), None)
    if held is not None and held.scope == scope:
        return False
    if held is None:
        person.access.append(PersonRole(role=role, scope=scope))
    else:
        held.scope = scope
    session.flush()
    audit.record(session, actor, "grant-role", "person", person.id,
                 f"{ACCESS_ROLES[role]} ({scope}) for {person.email}",
                 {"role": role, "scope": scope}, concerns=person)
    return True


def remove_role(session: Session, person: Person, role: str,
                actor: Person | None = None) -> bool:
    """Remove an access role; return whether it was held.

    Raises
    ------
    InvalidInput
        When administrators try to remove their own admin role (nobody could give it back).
    """
    if actor is not None and actor.id == person.id and role == "admin":
        raise InvalidInput([Problem("role", "You cannot remove your own administrator role: "
                                            "ask another administrator")], "Role not removed")
    held = next((grant for grant in person.access if grant.role == role), None)
    if held is None:
        return False
    person.access.remove(held)
    session.flush()
    audit.record(session, actor, "remove-role", "person", person.id,
                 f"{ACCESS_ROLES.get(role, role)} from {person.email}", {"role": role},
                 concerns=person)
    return True


def set_account_active(session: Session, person: Person, active: bool,
                       actor: Person | None = None) -> bool:
    """Disable or enable an account; return whether its status changed.

    Raises
    ------
    InvalidInput
        When people try to disable their own account.
    """
    if not active and actor is not None and actor.id == person.id:
        raise InvalidInput([Problem("account", "You cannot disable your own account")],
                           "Account not disabled")
    if bool(person.active) == active:
        return False
    (enable_person if active else disable_person)(session, person, actor)
    session.flush()
    return True
