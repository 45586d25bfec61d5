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

:func:`mentoring_report` works out the counts; what a page or a download shows is
:meth:`MentoringReport.shown`, with every count about people below 5 suppressed
(``pathways.suppression``, the rule of the equality report too).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ..dates import month_starts
from ..models import (
    Apprenticeship,
    ChampionPairing,
    MentoringAction,
    MentoringSession,
    Organisation,
    Person,
    ShadowingRequest,
)
from ..suppression import SUPPRESSED, Shown, is_shown, suppress, suppress_group

#: Pairing statuses of a request the champion accepted.
ACCEPTED = ("active", "ended")


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
class ShownProgression:
    """A group's progression as a report shows it: counts below 5 suppressed."""

    people: Shown
    moved_role: Shown
    started_apprenticeship: Shown
    progressed: Shown
    #: Progressed as a share of the group: None for an empty group, suppressed with either.
    share_progressed: float | str | None


@dataclass(frozen=True)
class ShownReport:
    """The mentoring report as a page or a download shows it: every count about people
    below 5 suppressed, and the median wait when fewer than 5 pairings make it."""

    since: date
    until: date
    #: Every month of the period ("YYYY-MM"), with or without sessions.
    sessions_by_month: dict[str, Shown]
    active_pairings: Shown
    #: Pairings accepted in the period that have had a first session.
    first_sessions: Shown
    median_days_to_first_session: float | str | None
    actions_agreed: Shown
    actions_done: Shown
    shadowing_by_status: dict[str, Shown]
    mentees: ShownProgression
    others: ShownProgression


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

    def shown(self) -> ShownReport:
        """Return the report as it may be shown: suppressed (see ``pathways.suppression``).

        Each count below 5 is "fewer than 5" (sessions in a month, pairings, actions,
        shadowing requests in a state, people in a group and how many progressed); the
        mentees' and the others' headcounts are suppressed together (they add up to the
        organisation's), and so are moves and starts (they add up to those progressed). A
        median or share is shown only when the counts it comes from are.

        Examples
        --------
        >>> small = MentoringReport(date(2026, 1, 1), date(2026, 2, 28), {"2026-01": 7},
        ...                         active_pairings=4, days_to_first_session=[3, 9])
        >>> shown = small.shown()
        >>> shown.sessions_by_month, shown.active_pairings, shown.median_days_to_first_session
        ({'2026-01': 7, '2026-02': 'fewer than 5'}, 'fewer than 5', 'fewer than 5')
        """
        waits = len(self.days_to_first_session)
        people = suppress_group({"mentees": self.mentees.people, "others": self.others.people})
        return ShownReport(
            self.since, self.until,
            {month.strftime("%Y-%m"): suppress(self.sessions_by_month.get(
                month.strftime("%Y-%m"), 0)) for month in month_starts(self.since, self.until)},
            suppress(self.active_pairings), suppress(waits),
            self.median_days_to_first_session if waits >= 5 else SUPPRESSED,
            suppress(self.actions_agreed), suppress(self.actions_done),
            {state: suppress(count) for state, count in self.shadowing_by_status.items()},
            _shown(self.mentees, people["mentees"]), _shown(self.others, people["others"]))

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
    """Work out the report for the organisation's people over ``since`` to ``until``.

    Counted in SQL, in a fixed number of statements whatever the organisation's size:
    sessions per day of the period (put into months here), active pairings, the first
    session of each pairing accepted in the period, actions agreed and done, shadowing
    requests by status, and the two groups' progression, each one aggregate query.
    """
    start, end = _moment(since), _moment(until + timedelta(days=1))
    theirs = (select(ChampionPairing.id)
              .join(Person, Person.id == ChampionPairing.person_id)
              .where(Person.organisation_id == organisation.id))
    accepted = and_(ChampionPairing.responded_at.is_not(None),
                    ChampionPairing.status.in_(ACCEPTED))
    by_day = session.execute(
        select(MentoringSession.held_on, func.count(MentoringSession.id))
        .where(MentoringSession.pairing_id.in_(theirs),
               MentoringSession.held_on.between(since, until))
        .group_by(MentoringSession.held_on)).all()
    by_month: Counter[str] = Counter()
    for day, count in by_day:
        by_month[day.strftime("%Y-%m")] += count
    active = session.scalar(select(func.count(ChampionPairing.id)).where(
        ChampionPairing.id.in_(theirs), ChampionPairing.status == "active")) or 0
    first = (select(func.min(MentoringSession.held_on))
             .where(MentoringSession.pairing_id == ChampionPairing.id)
             .correlate(ChampionPairing).scalar_subquery())
    waits = []
    for responded_at, first_on in session.execute(select(ChampionPairing.responded_at, first)
                                                  .where(ChampionPairing.id.in_(theirs),
                                                         accepted,
                                                         ChampionPairing.responded_at >= start,
                                                         ChampionPairing.responded_at < end,
                                                         first.is_not(None))):
        if responded_at is not None and since <= responded_at.date() <= until:
            waits.append((first_on - responded_at.date()).days)
    waits.sort()
    agreed, done = session.execute(
        select(func.count(MentoringAction.id),
               func.count(case((MentoringAction.done_on <= until, 1))))
        .join(MentoringSession, MentoringSession.id == MentoringAction.session_id)
        .where(MentoringSession.pairing_id.in_(theirs),
               MentoringSession.held_on.between(since, until))).one()
    shadowing = dict(session.execute(
        select(ShadowingRequest.status, func.count(ShadowingRequest.id))
        .join(Person, Person.id == ShadowingRequest.person_id)
        .where(Person.organisation_id == organisation.id,
               ShadowingRequest.requested_at >= start, ShadowingRequest.requested_at < end)
        .group_by(ShadowingRequest.status)).all())
    mentee = select(ChampionPairing.id).where(
        ChampionPairing.person_id == Person.id, accepted,
        ChampionPairing.responded_at < end).correlate(Person).exists()
    moved = and_(Person.role_start_date.is_not(None),
                 Person.role_start_date.between(since, until))
    started = select(Apprenticeship.id).where(
        Apprenticeship.person_id == Person.id,
        Apprenticeship.start_date.between(since, until)).correlate(Person).exists()
    is_mentee = case((mentee, 1), else_=0)
    groups = {bool(group): Progression(people or 0, moved_role or 0, began or 0)
              for group, people, moved_role, began in session.execute(
                  select(is_mentee, func.count(Person.id), func.count(case((moved, 1))),
                         func.count(case((and_(started, ~moved), 1))))
                  .where(Person.organisation_id == organisation.id)
                  .group_by(is_mentee)).all()}
    return MentoringReport(
        since, until, dict(sorted(by_month.items())), active, waits, agreed or 0, done or 0,
        dict(sorted(shadowing.items())), groups.get(True, Progression(0, 0, 0)),
        groups.get(False, Progression(0, 0, 0)))


def _moment(day: date) -> datetime:
    """Return the first moment of a day, in UTC."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def _shown(group: Progression, people: Shown) -> ShownProgression:
    """Return a group's progression as shown (``people``: its headcount, suppressed)."""
    parts = suppress_group({"moved": group.moved_role,
                            "started": group.started_apprenticeship})
    progressed = suppress(group.progressed)
    if not is_shown(progressed):
        parts = {part: SUPPRESSED for part in parts}
    share: float | str | None = group.share(group.progressed) if group.people else None
    if not (is_shown(people) and is_shown(progressed)) and share is not None:
        share = SUPPRESSED
    return ShownProgression(people, parts["moved"], parts["started"], progressed, share)
