"""Recording movements: changes of role, starters and leavers, as role spells.

Every change closes the person's open spell and opens the next one, under a lock on the
person's row (``db.lock_for_update``), so two changes sent at the same moment take turns
and the second sees the first: a spell is never closed twice or left open twice. Leaving
is not deleting: the leaver's spell keeps the reason and destination, their account is
disabled (every session ends) and their history stays.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, clock
from ..db import lock_for_update
from ..errors import InvalidInput, Problem, Refused
from ..models import (
    DESTINATIONS,
    LEAVE_REASONS,
    MOVE_KINDS,
    PREVIOUS_SECTORS,
    MoveKind,
    Node,
    Organisation,
    Person,
    Role,
    RoleSpell,
    Transition,
)
from ..people.accounts import move_organisation

SUMMARY = "The change was not recorded"


class MovementRefused(Refused):
    """A movement cannot be recorded for this person (they have left, say)."""


def open_spell(session: Session, person: Person) -> RoleSpell | None:
    """Return the person's spell that has not ended, or None."""
    return session.scalars(select(RoleSpell).where(
        RoleSpell.person_id == person.id, RoleSpell.ended_on.is_(None))
        .order_by(RoleSpell.started_on.desc())).first()


def history_of(session: Session, person: Person) -> list[RoleSpell]:
    """Return every spell of the person, the earliest first."""
    return list(session.scalars(select(RoleSpell).where(RoleSpell.person_id == person.id)
                                .order_by(RoleSpell.started_on, RoleSpell.id)))


def kind_of_move(session: Session, from_role_id: str, to_role_id: str) -> MoveKind:
    """Say whether a move between two roles is a promotion or a sideways move.

    The map's own move between them says so when there is one; otherwise a move to a
    higher level is a promotion, anything else sideways.
    """
    mapped = session.scalars(select(Transition.kind).where(
        Transition.source_id == from_role_id, Transition.target_id == to_role_id)).first()
    if mapped in (MoveKind.PROMOTION, MoveKind.SIDEWAYS):
        return MoveKind.PROMOTION if mapped == MoveKind.PROMOTION else MoveKind.SIDEWAYS
    levels = dict(session.execute(select(Node.id, Node.level).where(
        Node.id.in_((from_role_id, to_role_id)))).all())
    if (levels.get(to_role_id) or 0) > (levels.get(from_role_id) or 0):
        return MoveKind.PROMOTION
    return MoveKind.SIDEWAYS


def _current_spell(session: Session, person: Person) -> RoleSpell | None:
    """Return the open spell, first opening one from the profile when none is recorded.

    Someone imported as staff has a current role and its start date on their profile but
    no history yet: that becomes their first spell (a starter whose previous sector is not
    known), so recording a change keeps it.
    """
    spell = open_spell(session, person)
    if spell is None and person.current_role_id and person.role_start_date and not any(
            True for _ in session.scalars(select(RoleSpell.id).where(
                RoleSpell.person_id == person.id).limit(1))):
        spell = RoleSpell(person_id=person.id, organisation_id=person.organisation_id,
                          role_id=person.current_role_id, started_on=person.role_start_date,
                          move=MoveKind.JOINED, previous_sector="not_known")
        session.add(spell)
        session.flush()
    return spell


def _role(session: Session, role_id: str, problems: list[Problem]) -> Role | None:
    node = session.get(Node, role_id) if role_id else None
    if not isinstance(node, Role) or node.retired:
        problems.append(Problem("role_id", "choose a role of the career pathway"))
        return None
    return node


def record_role_change(session: Session, person: Person, role_id: str, started_on: date | None,
                       *, employer: Organisation | None = None,
                       previous_sector: str | None = None, actor: Person | None = None,
                       today: date | None = None) -> RoleSpell:
    """Record that ``person`` started in a role: a promotion, a sideways move, a starter.

    Parameters
    ----------
    role_id : str
        The role they started in.
    started_on : date
        Their first day in it (not after ``today``, and after their current role's start).
    employer : Organisation, optional
        Another organisation of the partnership they moved to with the change (their
        spell at the old one ends as a leaver to "another employer in the partnership").
    previous_sector : str, optional
        For a starter (no role recorded yet): where they came from (``PREVIOUS_SECTORS``).

    Returns
    -------
    RoleSpell
        The new spell; the person's profile shows the role from that day.

    Raises
    ------
    InvalidInput
        A role that is not on the map, a missing or impossible date, the same role again.
    MovementRefused
        The person has left, or the employer is outside the partnership.
    """
    today = today or clock.today()
    lock_for_update(session, person)
    if not person.active:
        raise MovementRefused(f"{person.name} has left: their history is kept, and nothing "
                              "more can be recorded")
    problems: list[Problem] = []
    role = _role(session, role_id, problems)
    if started_on is None:
        problems.append(Problem("started_on", "enter the day they started in the role"))
    elif started_on > today:
        problems.append(Problem("started_on", "must be today or in the past"))
    if previous_sector and previous_sector not in PREVIOUS_SECTORS:
        problems.append(Problem("previous_sector", "choose where they came from"))
    moving = employer is not None and employer.id != person.organisation_id
    if moving and employer is not None and (
            employer.partnership_id is None
            or employer.partnership_id != person.organisation.partnership_id):
        raise MovementRefused(f"{employer.name} is not in {person.name}'s partnership")
    spell = _current_spell(session, person)
    if spell is not None and started_on is not None and started_on <= spell.started_on:
        problems.append(Problem("started_on", "must be after they started in their current "
                                f"role ({spell.started_on:%d/%m/%Y})"))
    if spell is not None and role is not None and role.id == spell.role_id and not moving:
        problems.append(Problem("role_id", f"they are already a {role.title}"))
    if problems or role is None or started_on is None:
        raise InvalidInput(problems, SUMMARY)
    organisation_id = employer.id if moving and employer is not None else person.organisation_id
    new = RoleSpell(person_id=person.id, organisation_id=organisation_id, role_id=role.id,
                    started_on=started_on)
    if spell is None:
        new.move = MoveKind.JOINED
        new.previous_sector = previous_sector or "not_known"
    else:
        spell.ended_on = started_on
        new.from_role_id = spell.role_id
        if moving:
            spell.destination = "partnership"
            new.move = MoveKind.CHANGE_OF_EMPLOYER
        else:
            new.move = kind_of_move(session, spell.role_id, role.id)
    session.add(new)
    if moving and employer is not None:
        move_organisation(session, person, employer, on=started_on, actor=actor)
    person.current_role_id = role.id
    person.role_start_date = started_on
    session.flush()
    audit.record(session, actor, "role_change", "person", person.id,
                 f"{MOVE_KINDS[new.move]}: {role.title} from {started_on:%d/%m/%Y}",
                 {"role": role.id, "move": str(new.move)}, concerns=person)
    return new


def record_leaver(session: Session, person: Person, left_on: date | None, *, reason: str,
                  destination: str, actor: Person | None = None,
                  today: date | None = None) -> RoleSpell:
    """Record that ``person`` left the organisation: their spell ends, their account closes.

    Parameters
    ----------
    left_on : date
        Their first day no longer employed (not after ``today``).
    reason, destination : str
        Why they left (``LEAVE_REASONS``) and where they went (``DESTINATIONS``).

    Returns
    -------
    RoleSpell
        The spell that ended; the person's account is disabled, their history kept.

    Raises
    ------
    InvalidInput
        A missing or impossible date, an unknown reason or destination, no role recorded.
    MovementRefused
        The person has already left.
    """
    today = today or clock.today()
    lock_for_update(session, person)
    if not person.active:
        raise MovementRefused(f"{person.name} has already left")
    problems: list[Problem] = []
    if reason not in LEAVE_REASONS:
        problems.append(Problem("reason", "choose why they left"))
    if destination not in DESTINATIONS:
        problems.append(Problem("destination", "choose where they went"))
    spell = _current_spell(session, person)
    if left_on is None:
        problems.append(Problem("left_on", "enter the day they left"))
    elif left_on > today:
        problems.append(Problem("left_on", "must be today or in the past"))
    elif spell is not None and left_on <= spell.started_on:
        problems.append(Problem("left_on", "must be after they started in their role "
                                f"({spell.started_on:%d/%m/%Y})"))
    if spell is None:
        problems.append(Problem("", f"record {person.name}'s role first: a leaver leaves a "
                                    "role"))
    if problems or spell is None or left_on is None:
        raise InvalidInput(problems, SUMMARY)
    spell.ended_on = left_on
    spell.destination = destination
    spell.leave_reason = reason
    person.active = False
    person.session_generation += 1
    session.flush()
    audit.record(session, actor, "leaver", "person", person.id,
                 f"Left on {left_on:%d/%m/%Y}: {LEAVE_REASONS[reason]}, to "
                 f"{DESTINATIONS[destination].lower()}",
                 {"reason": reason, "destination": destination}, concerns=person)
    return spell
