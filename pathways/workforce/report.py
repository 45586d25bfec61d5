"""The workforce report of an organisation or a partnership: what the board shows.

Over 12 months (the 12 months to a day, or a calendar year): filled posts (people in post),
vacancies and the vacancy rate, starters, leavers and the turnover rate (Skills for Care's
definitions, ``measures``), leavers by destination, starters by previous sector, the age
profile, agency use, and apprentices in training by the role they qualify into and the year
they should. Filled posts at the start of the window are worked back from those at its end
and the movements between (``filled_start = filled_end - starters + leavers``), so people
imported without a history still count. Every count about people below 5 is suppressed
(``pathways.suppression``); posts are not people and are shown as they are; a rate is shown
only when the counts behind it are. A fixed number of aggregate queries, whatever the size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ..dates import add_months
from ..models import DESTINATIONS, PREVIOUS_SECTORS, EqualityRecord, Node, Person, RoleSpell
from ..people.profiles import AGE_GROUPS, NOT_ANSWERED, PREFER_NOT_TO_SAY
from ..suppression import Shown, is_shown, suppress, suppress_group
from . import estimation
from .forecast import Completion
from .measures import starters_rate, turnover_rate, vacancy_rate

#: Movements that bring someone into an organisation (a starter of that employer).
STARTS = ("joined", "change_of_employer")
#: The age profile's counts: the groups, then those who would not say and who did not answer
#: (suppressed together, as the equality report's ``age_group``).
AGE_KEYS = (*AGE_GROUPS, PREFER_NOT_TO_SAY[0], NOT_ANSWERED)


@dataclass(frozen=True)
class RoleLine:
    """One role's figures in the report (people suppressed below 5; posts as they are)."""

    role_id: str
    title: str
    filled: Shown
    vacancies: int
    agency: int
    starters: Shown
    leavers: Shown
    vacancy_rate: float | None
    turnover_rate: float | None


@dataclass(frozen=True)
class PipelineLine:
    """Apprentices in training who should qualify into a role in a year."""

    role_id: str
    title: str
    year: int
    apprentices: Shown


@dataclass(frozen=True)
class WorkforceReport:
    """The figures of the board, suppressed as a report about people must be."""

    scope: str
    start: date
    end: date
    filled: Shown
    vacancies: int
    agency: int
    starters: Shown
    leavers: Shown
    vacancy_rate: float | None
    turnover_rate: float | None
    starters_rate: float | None
    roles: list[RoleLine] = field(default_factory=list)
    destinations: dict[str, Shown] = field(default_factory=dict)
    previous_sectors: dict[str, Shown] = field(default_factory=dict)
    age_profile: dict[str, Shown] = field(default_factory=dict)
    pipeline: list[PipelineLine] = field(default_factory=list)

    def to_json(self) -> dict:
        """Return the report as JSON (suppressed counts are the words "fewer than 5")."""
        def rate(value: float | None) -> float | None:
            return None if value is None else round(value, 4)
        return {
            "scope": self.scope, "from": self.start.isoformat(),
            "to": (self.end - timedelta(days=1)).isoformat(),
            "filled_posts": self.filled, "vacancies": self.vacancies,
            "vacancy_rate": rate(self.vacancy_rate), "agency_posts": self.agency,
            "starters": self.starters, "starters_rate": rate(self.starters_rate),
            "leavers": self.leavers, "turnover_rate": rate(self.turnover_rate),
            "leavers_by_destination": self.destinations,
            "starters_by_previous_sector": self.previous_sectors,
            "age_profile": self.age_profile,
            "roles": [{"role": line.role_id, "title": line.title, "filled_posts": line.filled,
                       "vacancies": line.vacancies, "agency_posts": line.agency,
                       "starters": line.starters, "leavers": line.leavers,
                       "vacancy_rate": rate(line.vacancy_rate),
                       "turnover_rate": rate(line.turnover_rate)} for line in self.roles],
            "apprentices_in_training": [{"role": line.role_id, "title": line.title,
                                         "year": line.year, "apprentices": line.apprentices}
                                        for line in self.pipeline]}


def window(today: date, year: int | None = None) -> tuple[date, date]:
    """Return the report's 12 months ``[start, end)``: calendar ``year``, or to ``today``.

    Examples
    --------
    >>> [f"{day}" for day in window(date(2026, 12, 1))]
    ['2025-12-02', '2026-12-02']
    >>> [f"{day}" for day in window(date(2026, 12, 1), 2025)]
    ['2025-01-01', '2026-01-01']
    """
    if year is not None:
        return date(year, 1, 1), date(year + 1, 1, 1)
    end = today + timedelta(days=1)
    return add_months(end, -12), end


def _flows(session: Session, organisation_ids: Sequence[int], start: date, end: date):
    """Starters and leavers per role in the window, and since its end (one query)."""
    began_in = and_(RoleSpell.started_on >= start, RoleSpell.started_on < end,
                    RoleSpell.move.in_(STARTS))
    began_after = and_(RoleSpell.started_on >= end, RoleSpell.move.in_(STARTS))
    left_in = and_(RoleSpell.destination.is_not(None), RoleSpell.ended_on >= start,
                   RoleSpell.ended_on < end)
    left_after = and_(RoleSpell.destination.is_not(None), RoleSpell.ended_on >= end)

    def total(condition):
        return func.sum(case((condition, 1), else_=0))
    return session.execute(
        select(RoleSpell.role_id, total(began_in), total(left_in), total(began_after),
               total(left_after))
        .where(RoleSpell.organisation_id.in_(list(organisation_ids)),
               (RoleSpell.started_on >= start) | (RoleSpell.ended_on >= start))
        .group_by(RoleSpell.role_id)).all()


def _kinds(session: Session, organisation_ids: Sequence[int], start: date, end: date
           ) -> tuple[dict[str, int], dict[str, int]]:
    """Leavers by destination and starters by previous sector, in the window (one query).

    A starter from another employer of the partnership counts under "partnership".
    """
    left_in = case((and_(RoleSpell.destination.is_not(None), RoleSpell.ended_on >= start,
                         RoleSpell.ended_on < end), RoleSpell.destination), else_=None)
    began_in = case((and_(RoleSpell.started_on >= start, RoleSpell.started_on < end,
                          RoleSpell.move.in_(STARTS)),
                     func.coalesce(RoleSpell.previous_sector, "partnership")), else_=None)
    rows = session.execute(
        select(left_in, began_in, func.count(RoleSpell.id))
        .where(RoleSpell.organisation_id.in_(list(organisation_ids)),
               (RoleSpell.started_on >= start) | (RoleSpell.ended_on >= start))
        .group_by(left_in, began_in)).all()
    destinations: dict[str, int] = defaultdict(int)
    sectors: dict[str, int] = defaultdict(int)
    for destination, sector, count in rows:
        if destination is not None:
            destinations[destination] += count
        if sector is not None:
            sectors[sector] += count
    return destinations, sectors


@dataclass(frozen=True)
class ReportCounts:
    """What the report is worked out from, raw (before suppression): the counts in SQL.

    ``filled_now`` people in each role now; ``posts`` each role's (vacant, agency-covered);
    ``flows`` each role's (starters in the window, leavers in it, starters since its end,
    leavers since); ``destinations`` and ``sectors`` the window's leavers and starters by
    kind; ``pipeline`` the apprentices in training; ``ages`` the people in post by
    ``age_counts``' groups.
    """

    filled_now: dict[str, int]
    posts: dict[str, tuple[int, int]]
    flows: dict[str, tuple[int, int, int, int]]
    destinations: dict[str, int]
    sectors: dict[str, int]
    pipeline: list[Completion]
    ages: dict[str, int]


def age_counts(session: Session, organisation_ids: Sequence[int]) -> dict[str, int]:
    """Count the active people of some organisations by age group (one ``GROUP BY``).

    The keys are ``AGE_GROUPS``', "prefer-not-to-say" and "not-answered", as in
    ``people.profiles.equality_report``'s ``age_group`` (a test checks they agree), raw.
    """
    rows = session.execute(
        select(EqualityRecord.age_band, func.count(Person.id))
        .outerjoin(EqualityRecord, EqualityRecord.person_id == Person.id)
        .where(Person.organisation_id.in_(list(organisation_ids)), Person.active.is_(True))
        .group_by(EqualityRecord.age_band)).all()
    group_of = {band: group for group, (_, bands) in AGE_GROUPS.items() for band in bands}
    counts: dict[str, int] = defaultdict(int)
    for band, people in rows:
        counts[group_of.get(band or "", band or NOT_ANSWERED)] += int(people)
    return {key: counts.get(key, 0) for key in AGE_KEYS}


def count_report(session: Session, organisation_ids: Sequence[int], start: date, end: date
                 ) -> ReportCounts:
    """Count what the report of some organisations over ``[start, end)`` needs (seven
    aggregate queries, whatever the number of people)."""
    flows = {role: (int(began or 0), int(left or 0), int(began_after or 0),
                    int(left_after or 0))
             for role, began, left, began_after, left_after
             in _flows(session, organisation_ids, start, end)}
    destinations, sectors = _kinds(session, organisation_ids, start, end)
    return ReportCounts(
        estimation.people_in_roles(session, organisation_ids),
        estimation.posts_by_role(session, organisation_ids),
        flows, dict(destinations), dict(sectors),
        estimation.pipeline(session, organisation_ids), age_counts(session, organisation_ids))


def role_titles(session: Session, roles: set[str]) -> dict[str, str]:
    """Return the titles of some roles of the map (one query; none without roles)."""
    return dict(session.execute(select(Node.id, Node.title).where(Node.id.in_(roles)))
                .all()) if roles else {}


def workforce_report(session: Session, organisation_ids: Sequence[int], scope: str,
                     today: date, year: int | None = None) -> WorkforceReport:
    """Return the workforce report of some organisations over 12 months.

    Parameters
    ----------
    organisation_ids : sequence of int
        One organisation, or a partnership's.
    scope : str
        Its name, for the report's title.
    today : date
        The day the report is for: the 12 months to it, unless ``year`` is given.
    year : int, optional
        A calendar year instead.

    Returns
    -------
    WorkforceReport
        Suppressed below 5 wherever it counts people.
    """
    start, end = window(today, year)
    counts = count_report(session, organisation_ids, start, end)
    return report_from(counts, scope, start, end, role_titles(session, report_roles(counts)))


def report_roles(counts: ReportCounts) -> set[str]:
    """Return the roles a report of these counts names (its lines and its pipeline)."""
    return (set(counts.filled_now) | set(counts.posts) | set(counts.flows)
            | {line.to_role for line in counts.pipeline})


def report_from(counts: ReportCounts, scope: str, start: date, end: date,
                titles: dict[str, str]) -> WorkforceReport:
    """Return the report of some counts (pure): the figures per role and in all, with
    every count of people suppressed below 5 and a rate only where its counts are shown.

    Examples
    --------
    >>> counts = ReportCounts({"cw": 12}, {"cw": (2, 0)}, {"cw": (5, 6, 0, 0)}, {}, {}, [],
    ...                       {})
    >>> found = report_from(counts, "Home", date(2026, 1, 1), date(2027, 1, 1), {})
    >>> found.filled, found.leavers, found.turnover_rate
    (12, 6, 0.48)
    """
    filled_now, posts, flows = counts.filled_now, counts.posts, counts.flows
    training = _pipeline_by_role(counts.pipeline)
    roles = sorted(set(filled_now) | set(posts) | set(flows))
    lines = []
    totals = [0, 0, 0, 0, 0, 0]  # filled at end, start; starters; leavers; vacant; agency
    for role in roles:
        began_in, left_in, began_after, left_after = flows.get(role, (0, 0, 0, 0))
        filled_end = filled_now.get(role, 0) - began_after + left_after
        filled_start = filled_end - began_in + left_in
        vacant, agency = posts.get(role, (0, 0))
        for position, value in enumerate((filled_end, filled_start, began_in, left_in,
                                          vacant, agency)):
            totals[position] += value
        shown_filled = suppress(max(filled_end, 0))
        lines.append(RoleLine(
            role, titles.get(role, role), shown_filled, vacant, agency, suppress(began_in),
            suppress(left_in),
            vacancy_rate(vacant, filled_end) if is_shown(shown_filled) else None,
            turnover_rate(left_in, filled_start, filled_end)
            if is_shown(shown_filled) and is_shown(suppress(left_in)) else None))
    filled_end, filled_start, starters, leavers, vacant, agency = totals
    shown = {name: suppress(value) for name, value in
             (("filled", filled_end), ("starters", starters), ("leavers", leavers))}
    age = suppress_group({key: counts.ages.get(key, 0) for key in AGE_KEYS})
    return WorkforceReport(
        scope, start, end, shown["filled"], vacant, agency, shown["starters"],
        shown["leavers"],
        vacancy_rate(vacant, filled_end) if is_shown(shown["filled"]) else None,
        turnover_rate(leavers, filled_start, filled_end)
        if is_shown(shown["filled"]) and is_shown(shown["leavers"]) else None,
        starters_rate(starters, filled_start, filled_end)
        if is_shown(shown["filled"]) and is_shown(shown["starters"]) else None,
        lines,
        suppress_group({key: counts.destinations.get(key, 0) for key in DESTINATIONS}),
        suppress_group({key: counts.sectors.get(key, 0) for key in (*PREVIOUS_SECTORS,
                                                                     "partnership")}),
        {key: age.get(key, 0) for key in AGE_GROUPS},
        [PipelineLine(line.to_role, titles.get(line.to_role, line.to_role), line.year,
                      suppress(int(line.count)))
         for line in training])


def _pipeline_by_role(lines: list[Completion]) -> list[Completion]:
    """Add up the apprentices in training by the role they qualify into and the year."""
    merged: dict[tuple[str, int], float] = defaultdict(float)
    for line in lines:
        merged[(line.to_role, line.year)] += line.count
    return [Completion(year, role, count) for (role, year), count in sorted(merged.items())]
