"""Reports for L&D and champions: counts only, never notes.

For an organisation over a period (``since`` to ``until``, both inclusive):

- sessions per month (by the month a session was held);
- active pairings on ``until``;
- days from accepting to the first session, for pairings accepted in the period that have
  had one (median and each value);
- actions agreed in the period's sessions, and how many are done;
- shadowing requests made in the period, by outcome;
- progression: of the organisation's people, the share of mentees (anyone with a pairing
  accepted by ``until``) and of everyone else who moved role (a role start date in the
  period) or started an apprenticeship in the period.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    Apprenticeship,
    ChampionPairing,
    MentoringSession,
    Organisation,
    Person,
    ShadowingPlace,
    ShadowingRequest,
)


@dataclass(frozen=True)
class Progression:
    """How many of a group moved on in the period."""

    people: int
    moved_role: int
    started_apprenticeship: int

    @property
    def progressed(self) -> int:
        """Moved role or started an apprenticeship (counted once)."""
        return self.moved_role + self.started_apprenticeship

    def share(self, count: int) -> float | None:
        """``count`` as a share of the group (None for an empty group)."""
        return round(count / self.people, 3) if self.people else None


@dataclass(frozen=True)
class MentoringReport:
    """The organisation's mentoring and shadowing in numbers."""

    since: date
    until: date
    sessions_by_month: dict[str, int] = field(default_factory=dict)
    active_pairings: int = 0
    days_to_first_session: list[int] = field(default_factory=list)
    actions_agreed: int = 0
    actions_done: int = 0
    shadowing_by_status: dict[str, int] = field(default_factory=dict)
    mentees: Progression = Progression(0, 0, 0)
    others: Progression = Progression(0, 0, 0)

    @property
    def median_days_to_first_session(self) -> float | None:
        """The median days from accepting to the first session (None when none yet)."""
        return median(self.days_to_first_session) if self.days_to_first_session else None

    def to_json(self) -> dict:
        """The report as plain data."""
        return {
            "since": self.since.isoformat(), "until": self.until.isoformat(),
            "sessions_by_month": self.sessions_by_month,
            "active_pairings": self.active_pairings,
            "median_days_to_first_session": self.median_days_to_first_session,
            "actions_agreed": self.actions_agreed, "actions_done": self.actions_done,
            "shadowing_by_status": self.shadowing_by_status,
            "progression": {name: {"people": group.people, "moved_role": group.moved_role,
                                   "started_apprenticeship": group.started_apprenticeship}
                            for name, group in (("mentees", self.mentees),
                                                ("others", self.others))},
        }


def mentoring_report(session: Session, organisation: Organisation, since: date,
                     until: date) -> MentoringReport:
    """Work out the report for the organisation's people over ``since`` to ``until``."""
    people = list(session.scalars(select(Person).where(
        Person.organisation_id == organisation.id)))
    ids = {person.id for person in people}
    pairings = [p for p in session.scalars(select(ChampionPairing).where(
        ChampionPairing.person_id.in_(ids)))]
    sessions = list(session.scalars(select(MentoringSession).where(
        MentoringSession.pairing_id.in_([p.id for p in pairings])))) if pairings else []
    in_period = [s for s in sessions if since <= s.held_on <= until]
    by_month = Counter(s.held_on.strftime("%Y-%m") for s in in_period)
    first: dict[int, date] = {}
    for record in sorted(sessions, key=lambda s: s.held_on):
        first.setdefault(record.pairing_id, record.held_on)
    accepted = {p.id: p.responded_at.date() for p in pairings
                if p.responded_at is not None and p.status in ("active", "ended")}
    waits = sorted((first[pid] - day).days for pid, day in accepted.items()
                   if since <= day <= until and pid in first)
    actions = [a for s in in_period for a in s.actions]
    requests = session.execute(
        select(ShadowingRequest.status, ShadowingRequest.requested_at)
        .join(ShadowingPlace, ShadowingPlace.id == ShadowingRequest.place_id)
        .where(ShadowingRequest.person_id.in_(ids))).all() if ids else []
    shadowing = Counter(status for status, at in requests if since <= at.date() <= until)
    mentee_ids = {p.person_id for p in pairings if p.id in accepted and accepted[p.id] <= until}
    started = set(session.scalars(select(Apprenticeship.person_id).where(
        Apprenticeship.person_id.in_(ids), Apprenticeship.start_date >= since,
        Apprenticeship.start_date <= until))) if ids else set()
    return MentoringReport(
        since, until, dict(sorted(by_month.items())),
        sum(1 for p in pairings if p.status == "active"), waits, len(actions),
        sum(1 for a in actions if a.done_on is not None and a.done_on <= until),
        dict(sorted(shadowing.items())),
        _progression([p for p in people if p.id in mentee_ids], started, since, until),
        _progression([p for p in people if p.id not in mentee_ids], started, since, until))


def _progression(group: list[Person], started: set[int], since: date,
                 until: date) -> Progression:
    moved = {p.id for p in group
             if p.role_start_date is not None and since <= p.role_start_date <= until}
    began = {p.id for p in group if p.id in started} - moved
    return Progression(len(group), len(moved), len(began))
