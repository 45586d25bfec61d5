"""The partnership's workforce summary: the counts of its board and forecast, worked out nightly.

A partnership's board and forecast count over every person, post, role spell and apprentice
of its organisations: at region size (5,000 organisations, 250,000 people) a dozen scans of
a quarter of a million rows, seconds a page, growing with the partnership. So, as the
training summary does (``pathways.training.summary``), the counts are **worked out nightly**
(``refresh_workforce_summary``, ``pathways workforce-summary``) into one row of
``workforce_summaries`` per partnership, and the partnership's pages read that row (one
query) and work out the figures from it: the same pure functions as the live pages of one
organisation (``report.report_from``, ``analytics.analytics_from``,
``planning.forecast_from``), so the figures are the live ones as of the summary's day (a test
checks they agree). The pages say which day that is.

What is stored is raw counts, never anything per person: people in each role, posts, the
apprentices in training by role and year, the completion rate, the age groups, the role
history's counts over the rates' window (person-years, moves, leavers, joiners), the people
in each role by whole months in it, the educators against the placements term by term, and
the starters and leavers of the board's periods: the 12 months to the day, and each role's
starters and leavers by calendar year (with their previous sector and destination), from
which any calendar year's board is added up. Suppression is applied where the figures are
shown, as everywhere (``pathways.suppression``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import extract, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import clock
from ..apprenticeships.supply import FamilySupply, Term, TermDemand
from ..models import Partnership, RoleSpell, WorkforceSummary
from .analytics import AnalyticsCounts, count_analytics
from .estimation import completion_rate, organisations_of
from .forecast import Completion, Counts
from .planning import ForecastCounts
from .report import STARTS, ReportCounts, count_report, window

#: The layout of ``figures``; a summary of another layout is worked out again, not read.
LAYOUT = 1


@dataclass(frozen=True)
class StoredSummary:
    """A partnership's summary as stored: the day it is for, when it was worked out, and
    its counts (``figures``, JSON)."""

    partnership_id: int
    as_of: date
    refreshed_at: datetime
    figures: dict[str, Any]


def _year_counts(session: Session, organisation_ids: list[int]) -> dict[str, Any]:
    """Starters and leavers of every calendar year, per role and by kind (three queries)."""
    started = extract("year", RoleSpell.started_on)
    ended = extract("year", RoleSpell.ended_on)
    sector = func.coalesce(RoleSpell.previous_sector, "partnership")
    starters: dict[str, dict[str, int]] = defaultdict(dict)
    sectors: dict[str, dict[str, int]] = defaultdict(dict)
    for role, kind, year, count in session.execute(
            select(RoleSpell.role_id, sector, started, func.count(RoleSpell.id))
            .where(RoleSpell.organisation_id.in_(organisation_ids),
                   RoleSpell.move.in_(STARTS))
            .group_by(RoleSpell.role_id, sector, started)):
        key = str(int(year))
        starters[role][key] = starters[role].get(key, 0) + int(count)
        sectors[kind][key] = sectors[kind].get(key, 0) + int(count)
    leavers: dict[str, dict[str, int]] = defaultdict(dict)
    destinations: dict[str, dict[str, int]] = defaultdict(dict)
    for role, destination, year, count in session.execute(
            select(RoleSpell.role_id, RoleSpell.destination, ended, func.count(RoleSpell.id))
            .where(RoleSpell.organisation_id.in_(organisation_ids),
                   RoleSpell.destination.is_not(None))
            .group_by(RoleSpell.role_id, RoleSpell.destination, ended)):
        key = str(int(year))
        leavers[role][key] = leavers[role].get(key, 0) + int(count)
        went = str(destination)
        destinations[went][key] = destinations[went].get(key, 0) + int(count)
    last = {role: day if isinstance(day, str) else day.isoformat()
            for role, day in session.execute(
        select(RoleSpell.role_id, func.max(func.coalesce(RoleSpell.ended_on,
                                                         RoleSpell.started_on)))
        .where(RoleSpell.organisation_id.in_(organisation_ids))
        .group_by(RoleSpell.role_id)) if day is not None}
    return {"starters": starters, "leavers": leavers, "sectors": sectors,
            "destinations": destinations, "last_day": last}


def count_summary(session: Session, organisation_ids: list[int], today: date
                  ) -> dict[str, Any]:
    """Count everything the partnership's board and forecast need on ``today``, as JSON."""
    start, end = window(today)
    report = count_report(session, organisation_ids, start, end)
    analytics = count_analytics(session, organisation_ids, today, report.filled_now)
    history = analytics.history
    return {
        "layout": LAYOUT,
        "filled": report.filled_now,
        "posts": {role: list(pair) for role, pair in report.posts.items()},
        "pipeline": [[line.year, line.to_role, line.count, line.from_role]
                     for line in report.pipeline],
        "completion_rate": completion_rate(session, organisation_ids),
        "ages": report.ages,
        "window": {"flows": {role: list(flow) for role, flow in report.flows.items()},
                   "destinations": report.destinations, "sectors": report.sectors},
        "years": _year_counts(session, organisation_ids),
        "history": {"person_years": dict(history.person_years),
                    "moves": [[source, target, count] for (source, target), count
                              in sorted(history.moves.items())],
                    "leavers": dict(history.leavers), "joiners": dict(history.joiners),
                    "years": history.years},
        "timed": {role: {str(months): people for months, people in by_months.items()}
                  for role, by_months in analytics.timed.items()},
        "educators": [{"family": family.family, "label": family.label,
                       "qualifications": list(family.qualifications),
                       "educators": family.educators, "capacity": family.capacity,
                       "terms": [[term.term.name, term.term.start.isoformat(),
                                  term.term.end.isoformat(), term.needed,
                                  term.without_educator, term.capacity]
                                 for term in family.terms]}
                      for family in analytics.educators]}


@dataclass(frozen=True)
class SummaryRun:
    """What one refresh of a partnership's workforce summary stored."""

    partnership_id: int
    as_of: date
    roles: int


def refresh_workforce_summary(session: Session, partnership_id: int, today: date,
                              now: datetime | None = None) -> SummaryRun:
    """Work out a partnership's workforce summary on ``today`` and store it, replacing the
    one before. The first statement takes the partnership's row (an upsert locks it until
    commit), so two refreshes at once queue and the row is one or the other, whole.

    Parameters
    ----------
    partnership_id
        Whose organisations.
    today
        The day the figures are for: the board's 12 months to it, the rates' window to it.
    now
        When it was worked out (default: now).

    Returns
    -------
    SummaryRun
        The day and how many roles have people in post.

    Examples
    --------
    >>> from pathways.models import Partnership
    >>> session.add(Partnership(id=4, name="Shire"))
    >>> refresh_workforce_summary(session, 4, date(2026, 6, 1))
    SummaryRun(partnership_id=4, as_of=datetime.date(2026, 6, 1), roles=0)
    """
    row = {"partnership_id": partnership_id, "as_of": today,
           "refreshed_at": now or clock.now(), "figures": {"layout": None}}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.flush()
    upsert = dialect.insert(WorkforceSummary).values(row)
    session.execute(upsert.on_conflict_do_update(  # first: takes the row until commit
        index_elements=["partnership_id"],
        set_={"as_of": upsert.excluded.as_of, "refreshed_at": upsert.excluded.refreshed_at}))
    figures = count_summary(session, organisations_of(session, partnership_id), today)
    session.execute(update(WorkforceSummary)
                    .where(WorkforceSummary.partnership_id == partnership_id)
                    .values(figures=figures).execution_options(synchronize_session=False))
    session.expire_all()
    return SummaryRun(partnership_id, today, len(figures["filled"]))


def refresh_workforce_summaries(session: Session, today: date, now: datetime | None = None
                                ) -> list[tuple[str, SummaryRun]]:
    """Refresh the workforce summary of every partnership (by name); the caller commits."""
    return [(name, refresh_workforce_summary(session, partnership_id, today, now))
            for partnership_id, name in session.execute(
                select(Partnership.id, Partnership.name).order_by(Partnership.name)).all()]


def read_summary(session: Session, partnership_id: int) -> StoredSummary | None:
    """Return a partnership's stored summary (one query), or None: never worked out, or of
    another layout."""
    row = session.execute(
        select(WorkforceSummary.as_of, WorkforceSummary.refreshed_at, WorkforceSummary.figures)
        .where(WorkforceSummary.partnership_id == partnership_id)).first()
    if row is None or not isinstance(row.figures, dict) or row.figures.get("layout") != LAYOUT:
        return None
    return StoredSummary(partnership_id, row.as_of, row.refreshed_at, row.figures)


def _pipeline(figures: dict[str, Any]) -> list[Completion]:
    return [Completion(int(year), to_role, count, from_role)
            for year, to_role, count, from_role in figures["pipeline"]]


def _posts(figures: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {role: (int(vacant), int(agency)) for role, (vacant, agency)
            in figures["posts"].items()}


def report_counts(stored: StoredSummary, year: int | None = None) -> ReportCounts:
    """Return the report's counts of the summary: the 12 months to its day, or a calendar
    year added up from the yearly starters and leavers (as the live ``count_report``)."""
    figures = stored.figures
    if year is None:
        period = figures["window"]
        flows = {role: (int(a), int(b), int(c), int(d))
                 for role, (a, b, c, d) in period["flows"].items()}
        destinations, sectors = dict(period["destinations"]), dict(period["sectors"])
    else:
        years = figures["years"]
        start = date(year, 1, 1).isoformat()

        def split(by_year: dict[str, int]) -> tuple[int, int]:
            return (by_year.get(str(year), 0),
                    sum(count for key, count in by_year.items() if int(key) > year))
        flows = {}
        for role, last in years["last_day"].items():
            if last < start:
                continue  # no spell of the role began or ended in the year or since
            began_in, began_after = split(years["starters"].get(role, {}))
            left_in, left_after = split(years["leavers"].get(role, {}))
            flows[role] = (began_in, left_in, began_after, left_after)
        destinations = {kind: by_year.get(str(year), 0)
                        for kind, by_year in years["destinations"].items()
                        if by_year.get(str(year))}
        sectors = {kind: by_year.get(str(year), 0)
                   for kind, by_year in years["sectors"].items() if by_year.get(str(year))}
    return ReportCounts(dict(figures["filled"]), _posts(figures), flows, destinations,
                        sectors, _pipeline(figures), dict(figures["ages"]))


def _history(figures: dict[str, Any]) -> Counts:
    found = figures["history"]
    return Counts(dict(found["person_years"]),
                  {(source, target): count for source, target, count in found["moves"]},
                  dict(found["leavers"]), dict(found["joiners"]), float(found["years"]))


def analytics_counts(stored: StoredSummary) -> AnalyticsCounts:
    """Return the board analytics' counts of the summary."""
    figures = stored.figures
    educators = [FamilySupply(
        item["family"], item["label"], tuple(item["qualifications"]), item["educators"],
        int(item["capacity"]),
        tuple(TermDemand(Term(name, date.fromisoformat(first), date.fromisoformat(last)),
                         int(needed), int(without), int(capacity))
              for name, first, last, needed, without, capacity in item["terms"]))
        for item in figures["educators"]]
    timed = {role: {int(months): int(people) for months, people in by_months.items()}
             for role, by_months in figures["timed"].items()}
    return AnalyticsCounts(_history(figures), timed, dict(figures["filled"]), educators)


def forecast_counts(stored: StoredSummary) -> ForecastCounts:
    """Return the forecast's counts of the summary."""
    figures = stored.figures
    return ForecastCounts(_history(figures), dict(figures["filled"]), _posts(figures),
                          _pipeline(figures), float(figures["completion_rate"]))

