"""The development conversation ("My Conversation") between a person and their manager.

Each conversation records aspirations, the target role and the chosen route as they stood
that day (a snapshot: the profile may change later), agreed development actions and the
date to review it; the latest shows on the person's profile. The person's manager (same
team), L&D and admins record it; the person reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, clock
from ..errors import InvalidInput, Problem
from ..models import DEVELOPMENT_ACTIONS, DevelopmentAction, DevelopmentConversation, Person

#: The longest time before a conversation is reviewed, in days (about a year).
MAX_REVIEW_DAYS = 366


@dataclass(frozen=True)
class PlannedAction:
    """A development action to agree: its kind, what exactly, and by when."""

    kind: str
    description: str = ""
    due_on: date | None = None


def record_conversation(session: Session, person: Person, *, held_on: date, review_on: date,
                        aspirations: str = "", actions: Sequence[PlannedAction] = (),
                        actor: Person | None = None,
                        today: date | None = None) -> DevelopmentConversation:
    """Record a development conversation, taking the person's target and route as they are.

    Raises
    ------
    InvalidInput
        Naming each field that is wrong (``actions[N].field`` for an action).
    """
    today = today or clock.today()
    problems = []
    if held_on > today:
        problems.append(Problem("held_on", "cannot be in the future"))
    if not held_on < review_on or (review_on - held_on).days > MAX_REVIEW_DAYS:
        problems.append(Problem("review_on", "must be after the conversation and within a "
                                "year of it"))
    for number, action in enumerate(actions, start=1):
        if action.kind not in DEVELOPMENT_ACTIONS:
            problems.append(Problem(f"actions[{number}].kind",
                                    f"choose one of {', '.join(DEVELOPMENT_ACTIONS)}"))
        if action.due_on is not None and action.due_on < held_on:
            problems.append(Problem(f"actions[{number}].due_on",
                                    "must be on or after the conversation"))
    if problems:
        raise InvalidInput(problems, "The conversation was not saved")
    conversation = DevelopmentConversation(
        person=person, manager_id=actor.id if actor else None, held_on=held_on,
        review_on=review_on, aspirations=(aspirations or "").strip(),
        target_role_id=person.target_role_id,
        chosen_route=list(person.chosen_route) if person.chosen_route else None,
        actions=[DevelopmentAction(kind=a.kind, description=(a.description or "").strip(),
                                   due_on=a.due_on) for a in actions])
    session.add(conversation)
    session.flush()
    audit.record(session, actor, "conversation", "person", person.id,
                 f"Development conversation on {held_on.isoformat()}", concerns=person)
    return conversation


def latest_conversation(session: Session, person: Person) -> DevelopmentConversation | None:
    """Return the person's most recent conversation, or None."""
    return session.scalars(select(DevelopmentConversation).where(
        DevelopmentConversation.person_id == person.id)
        .order_by(DevelopmentConversation.held_on.desc(),
                  DevelopmentConversation.id.desc())).first()
