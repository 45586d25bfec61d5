"""Counting the role history, the people and the pipeline in SQL, for the forecast and board.

Every figure is one aggregate query, whatever the number of people: the role history's
counts over a window (:func:`count_history`, one ``GROUP BY``), the people in each role,
the posts, and the apprentices expected to qualify. The pure twin of :func:`count_history`
is ``forecast.count_spells``; a test checks they agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Date, and_, case, extract, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from ..models import (
    Apprenticeship,
    Cohort,
    Organisation,
    Person,
    Post,
    Programme,
    RoleSpell,
)
from .forecast import DEFAULT_COMPLETION_RATE, Completion, Counts

#: Statuses of apprentices still on their way to qualifying.
IN_TRAINING = ("active", "break_in_learning", "gateway", "epa", "failed")
#: Statuses of apprentices who finished: qualified (or completed), or not.
QUALIFIED, NOT_QUALIFIED = ("completed", "qualified"), ("withdrawn",)
#: Finished apprenticeships needed before the history's completion rate is used.
FEWEST_FINISHED = 5


def days_between(session: Session, later: ColumnElement, earlier: ColumnElement
                 ) -> ColumnElement:
    """Return the days from ``earlier`` to ``later`` (two dates) in the session's SQL."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


def count_history(session: Session, organisation_ids: Sequence[int], start: date, end: date
                  ) -> Counts:
    """Count the role history of some organisations over ``[start, end)``: one query.

    Parameters
    ----------
    organisation_ids : sequence of int
        The organisations (a partnership's, for its forecast): moves between them are moves,
        not leavers and joiners.
    start, end : date
        The window.

    Returns
    -------
    Counts
        Person-years per role, moves between roles begun in the window, leavers out of the
        organisations (any destination but another of them: "partnership") and joiners new
        to them (a starter not from a partner employer), as ``forecast.count_spells``.
    """
    start_at, end_at = literal(start, Date), literal(end, Date)
    ended = func.coalesce(RoleSpell.ended_on, end_at)
    first = case((RoleSpell.started_on > start_at, RoleSpell.started_on), else_=start_at)
    last = case((ended < end_at, ended), else_=end_at)
    began = and_(RoleSpell.started_on >= start_at, RoleSpell.started_on < end_at)
    moved = func.sum(case((and_(began, RoleSpell.from_role_id.is_not(None)), 1), else_=0))
    joined = func.sum(case((and_(began, RoleSpell.from_role_id.is_(None),
                                 RoleSpell.move == "joined",
                                 func.coalesce(RoleSpell.previous_sector, "") != "partnership"),
                            1), else_=0))
    left = func.sum(case((and_(RoleSpell.destination.is_not(None),
                               RoleSpell.destination != "partnership",
                               RoleSpell.ended_on > start_at, RoleSpell.ended_on <= end_at),
                          1), else_=0))
    rows = session.execute(
        select(RoleSpell.role_id, RoleSpell.from_role_id,
               func.sum(days_between(session, last, first)), moved, joined,
               left)
        .where(RoleSpell.organisation_id.in_(list(organisation_ids)),
               RoleSpell.started_on < end_at,
               or_(RoleSpell.ended_on.is_(None), RoleSpell.ended_on > start_at))
        .group_by(RoleSpell.role_id, RoleSpell.from_role_id)).all()
    person_days: dict[str, float] = defaultdict(float)
    moves: dict[tuple[str, str], float] = {}
    leavers: dict[str, float] = defaultdict(float)
    joiners: dict[str, float] = defaultdict(float)
    for role, from_role, days, move_count, join_count, leave_count in rows:
        person_days[role] += float(days or 0)
        if from_role is not None and move_count:
            moves[(from_role, role)] = moves.get((from_role, role), 0) + move_count
        if join_count:
            joiners[role] += join_count
        if leave_count:
            leavers[role] += leave_count
    return Counts({role: days / 365.25 for role, days in person_days.items()}, moves,
                  dict(leavers), dict(joiners), (end - start).days / 365.25)


def people_in_roles(session: Session, organisation_ids: Sequence[int]) -> dict[str, int]:
    """Return the active people in each role now (filled posts), from their profiles."""
    return {role: count for role, count in session.execute(
        select(Person.current_role_id, func.count(Person.id))
        .where(Person.organisation_id.in_(list(organisation_ids)), Person.active.is_(True),
               Person.current_role_id.is_not(None))
        .group_by(Person.current_role_id)).all() if role is not None}


def posts_by_role(session: Session, organisation_ids: Sequence[int]
                  ) -> dict[str, tuple[int, int]]:
    """Return each role's (vacant posts, posts covered by agency staff).

    A post not filled is a vacancy (reserved or offered for an apprentice included: nobody
    is in it yet).
    """
    rows = session.execute(
        select(Post.role_id,
               func.sum(case((Post.state != "filled", 1), else_=0)),
               func.sum(case((Post.agency_cover.is_(True), 1), else_=0)))
        .where(Post.organisation_id.in_(list(organisation_ids)))
        .group_by(Post.role_id)).all()
    return {role: (int(vacant or 0), int(agency or 0)) for role, vacant, agency in rows}


def pipeline(session: Session, organisation_ids: Sequence[int]
             ) -> list[Completion]:
    """Return the apprentices in training by (role from, role into, year they should end).

    The role into is the guaranteed role, or the programme's; the role from is the
    apprentice's current role. Counts are whole people (the forecast applies a completion
    rate).
    """
    into = func.coalesce(Apprenticeship.guaranteed_role_id, Programme.leads_to_role_id)
    year = extract("year", Apprenticeship.planned_end_date)
    rows = session.execute(
        select(Person.current_role_id, into, year, func.count(Apprenticeship.id))
        .join(Cohort, Cohort.id == Apprenticeship.cohort_id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .join(Person, Person.id == Apprenticeship.person_id)
        .where(Cohort.organisation_id.in_(list(organisation_ids)),
               Apprenticeship.status.in_(IN_TRAINING))
        .group_by(Person.current_role_id, into, year)).all()
    return [Completion(int(row_year), to_role, int(count), from_role)
            for from_role, to_role, row_year, count in rows]


def completion_rate(session: Session, organisation_ids: Sequence[int]) -> float:
    """Return the share of finished apprentices who qualified (the default with too few)."""
    qualified, finished = session.execute(
        select(func.sum(case((Apprenticeship.status.in_(QUALIFIED), 1), else_=0)),
               func.count(Apprenticeship.id))
        .join(Cohort, Cohort.id == Apprenticeship.cohort_id)
        .where(Cohort.organisation_id.in_(list(organisation_ids)),
               Apprenticeship.status.in_(QUALIFIED + NOT_QUALIFIED))).one()
    if not finished or finished < FEWEST_FINISHED:
        return DEFAULT_COMPLETION_RATE
    return float(qualified or 0) / finished


def organisations_of(session: Session, partnership_id: int) -> list[int]:
    """Return the ids of a partnership's organisations."""
    return list(session.scalars(select(Organisation.id).where(
        Organisation.partnership_id == partnership_id).order_by(Organisation.id)))
