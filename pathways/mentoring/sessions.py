"""Mentoring sessions, the actions agreed in them, and a champion's caseload.

A session belongs to an active pairing. Its private notes are for the pair only (see
``pathways.policy.can_read_mentoring_notes``). A session with someone on an active
apprenticeship may count as off-the-job training: it is then logged in their off-the-job
log as mentoring, for the session's length, and linked to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import audit, clock
from ..apprenticeships import records
from ..errors import InvalidInput, Problem
from ..models import (
    ACTION_OWNERS,
    SESSION_MODES,
    Apprenticeship,
    ChampionPairing,
    MentoringAction,
    MentoringSession,
    Person,
)

MAX_MINUTES = 8 * 60


@dataclass(frozen=True)
class AgreedAction:
    """An action to agree in a session: what, whose, and by when."""

    description: str
    owner: str
    due_on: date


def active_apprenticeship(session: Session, person: Person) -> Apprenticeship | None:
    """Return the person's active apprenticeship (the latest, if several), or None."""
    return session.scalars(select(Apprenticeship).where(
        Apprenticeship.person_id == person.id, Apprenticeship.status == "active")
        .order_by(Apprenticeship.start_date.desc())).first()


def record_session(session: Session, pairing: ChampionPairing, *, held_on: date,
                   duration_minutes: int, mode: str, topics: str = "",
                   private_notes: str = "", actions: Sequence[AgreedAction] = (),
                   next_session_on: date | None = None, count_as_otj: bool = False,
                   actor: Person | None = None, today: date | None = None
                   ) -> MentoringSession:
    """Record a mentoring session of an active pairing, with its agreed actions.

    Raises
    ------
    InvalidInput
        Naming each field that is wrong (``actions[N].field`` for an action); nothing is
        written. Counting as off-the-job needs an active apprenticeship.
    """
    today = today or clock.today()
    problems = []
    if pairing.status != "active":
        problems.append(Problem("pairing", f"the pairing is {pairing.status}, not active"))
    if held_on > today:
        problems.append(Problem("held_on", "cannot be in the future"))
    if not isinstance(duration_minutes, int) or not 0 < duration_minutes <= MAX_MINUTES:
        problems.append(Problem("duration_minutes", f"must be from 1 to {MAX_MINUTES} minutes"))
    if mode not in SESSION_MODES:
        problems.append(Problem("mode", f"choose one of {', '.join(SESSION_MODES)}"))
    if next_session_on is not None and next_session_on <= held_on:
        problems.append(Problem("next_session_on", "must be after the session"))
    for number, action in enumerate(actions, start=1):
        where = f"actions[{number}]"
        if not action.description.strip():
            problems.append(Problem(f"{where}.description", "say what was agreed"))
        if action.owner not in ACTION_OWNERS:
            problems.append(Problem(f"{where}.owner", "the person or the champion"))
        if action.due_on is None or action.due_on < held_on:
            problems.append(Problem(f"{where}.due_on", "must be on or after the session"))
    apprenticeship = active_apprenticeship(session, pairing.person) if count_as_otj else None
    if count_as_otj and apprenticeship is None:
        problems.append(Problem("count_as_otj", f"{pairing.person.name} has no active "
                                "apprenticeship to log off-the-job hours in"))
    if problems:
        raise InvalidInput(problems, "The session was not saved")
    record = MentoringSession(
        pairing=pairing, held_on=held_on, duration_minutes=duration_minutes, mode=mode,
        topics=(topics or "").strip(), private_notes=(private_notes or "").strip(),
        next_session_on=next_session_on, recorded_by_id=actor.id if actor else None,
        actions=[MentoringAction(description=a.description.strip(), owner=a.owner,
                                 due_on=a.due_on) for a in actions])
    session.add(record)
    if apprenticeship is not None:
        try:
            entry = records.log_hours(
                session, apprenticeship, worked_on=held_on,
                hours=round(duration_minutes / 60, 2), activity="mentoring",
                note=f"Mentoring session with {pairing.champion.name}", actor=actor,
                today=today)
        except InvalidInput as refused:  # e.g. the day or week already holds its hours
            raise InvalidInput([Problem("count_as_otj", f"cannot count as off-the-job: "
                                        f"{problem.message}") for problem in refused.problems],
                               "The session was not saved") from refused
        record.otj_entry_id = entry.id
    session.flush()
    audit.record(session, actor, "mentoring_session", "pairing", pairing.id,
                 f"Session on {held_on.isoformat()}", {"actions": len(actions)},
                 concerns=pairing.person)
    return record


def complete_action(session: Session, action: MentoringAction, on: date, *,
                    actor: Person | None = None) -> MentoringAction:
    """Mark an agreed action done on a day (not before its session)."""
    if on < action.session.held_on:
        raise InvalidInput([Problem("done_on", "cannot be before the session")],
                           "The action was not updated")
    action.done_on = on
    session.flush()
    audit.record(session, actor, "action_done", "mentoring_action", action.id, "Done",
                 concerns=action.session.pairing.person)
    return action


@dataclass(frozen=True)
class CaseloadEntry:
    """One person a champion supports, with what needs following up."""

    pairing: ChampionPairing
    last_session: date | None
    next_session: date | None
    follow_up_overdue: bool
    open_actions: list[MentoringAction]
    overdue_actions: list[MentoringAction]


def caseload(session: Session, champion: Person, today: date | None = None
             ) -> list[CaseloadEntry]:
    """Return the champion's active pairings, overdue follow-ups and actions first.

    A follow-up is overdue when the last session's next date has passed with no session
    since, or when there has been no session at all 28 days after accepting. Three
    statements whatever the caseload: the pairings with their people, and the sessions
    with their actions.
    """
    today = today or clock.today()
    pairings = list(session.scalars(select(ChampionPairing).where(
        ChampionPairing.champion_id == champion.id, ChampionPairing.status == "active")
        .options(selectinload(ChampionPairing.person))))
    held: dict[int, list[MentoringSession]] = {pairing.id: [] for pairing in pairings}
    if pairings:
        for found in session.scalars(
                select(MentoringSession).where(MentoringSession.pairing_id.in_(held))
                .options(selectinload(MentoringSession.actions))
                .order_by(MentoringSession.held_on, MentoringSession.id)):
            held[found.pairing_id].append(found)
    entries = []
    for pairing in pairings:
        mine = held[pairing.id]
        last = mine[-1] if mine else None
        if last is not None:
            overdue = last.next_session_on is not None and last.next_session_on < today
        else:
            started = pairing.responded_at.date() if pairing.responded_at else today
            overdue = (today - started).days > 28
        open_actions = [a for s in mine for a in s.actions if a.done_on is None]
        entries.append(CaseloadEntry(
            pairing, last.held_on if last else None, last.next_session_on if last else None,
            overdue, open_actions, [a for a in open_actions if a.due_on < today]))
    entries.sort(key=lambda e: (not e.follow_up_overdue, not e.overdue_actions,
                                e.pairing.person.name.casefold()))
    return entries
