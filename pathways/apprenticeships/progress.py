"""Who is on track: an apprenticeship's or a whole cohort's status as of a date.

The same function answers the cohort page, ``GET /api/v1/cohorts/<id>/summary`` and
``pathways cohort-report``, so the three never disagree. Logged hours, and so "behind" and
the RAG, are approved hours only; submitted hours not yet approved are given beside them
as pending (``records.COUNTED_STATES`` and ``records.PENDING_STATES``). A cohort's summary
takes a fixed number of queries whatever its size (apprentices, logged and pending hours,
last reviews, status history, placements without an educator), and the rules themselves
are ``rules.status_as_of``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from .. import clock
from ..dates import add_months
from ..models import (
    Apprenticeship,
    Cohort,
    OtjEntry,
    Person,
    Placement,
    Post,
    ProgressReview,
    StatusChange,
)
from ..vocabulary import LabelledEnum
from .programmes import is_apprenticeship
from .records import COUNTED_STATES, PENDING_STATES
from .rules import STATUSES, status_as_of


class Rag(LabelledEnum):
    """RAG colours, most urgent first; amber shows as an orange tag, grey is nothing to track."""

    RED = "red", "Red", "red"
    AMBER = "amber", "Amber", "orange"
    GREEN = "green", "Green", "green"
    GREY = "grey", "Grey", "grey"


#: The RAG colours' values, most urgent first.
RAG_ORDER = tuple(rag.value for rag in Rag)
#: The status shown for an apprenticeship on a day before its start (never stored).
NOT_STARTED = "not_started"
#: Every status in words, with the one shown before the start.
STATUS_WORDS = {**STATUSES, NOT_STARTED: "not started yet"}


@dataclass(frozen=True)
class Thresholds:
    """When off-the-job hours are behind and a review is overdue (configurable)."""

    behind_share: float = 0.9
    behind_after_days: int = 28
    review_every_days: int = 84

    @classmethod
    def from_mapping(cls, settings) -> Thresholds:
        """Read ``OTJ_BEHIND_SHARE``, ``OTJ_BEHIND_AFTER_DAYS`` and ``REVIEW_EVERY_DAYS``.

        ``settings`` is ``os.environ`` (the command line) or ``app.config`` (the web app);
        missing keys keep the defaults.

        Raises
        ------
        ValueError
            When a value is not a number in range (0 < share <= 1, days >= 1).
        """
        defaults = cls()
        share = float(settings.get("OTJ_BEHIND_SHARE") or defaults.behind_share)
        after = int(settings.get("OTJ_BEHIND_AFTER_DAYS") or defaults.behind_after_days)
        every = int(settings.get("REVIEW_EVERY_DAYS") or defaults.review_every_days)
        if not 0 < share <= 1 or after < 0 or every < 1:
            raise ValueError("OTJ_BEHIND_SHARE must be in (0, 1], OTJ_BEHIND_AFTER_DAYS >= 0 "
                             "and REVIEW_EVERY_DAYS >= 1")
        return cls(share, after, every)


@dataclass(frozen=True)
class ApprenticeProgress:
    """One apprentice's standing on the summary's date."""

    apprenticeship_id: int
    email: str
    name: str
    status: str
    rag: str
    start_date: date
    planned_end_date: date
    otj_logged: float
    otj_expected: float
    otj_required: int
    otj_behind: bool
    last_review: date | None
    days_since_review: int
    review_overdue: bool
    past_end: bool
    post: str | None
    guaranteed_role_id: str | None
    placements_without_educator: int
    #: Hours submitted by the date and not yet approved: shown, never counted.
    otj_pending: float = 0.0

    @property
    def missing_educator(self) -> bool:
        """Whether a current or future placement has no practice educator."""
        return self.placements_without_educator > 0

    def to_json(self) -> dict:
        """The API's shape of one apprentice."""
        return {"email": self.email, "name": self.name, "status": self.status,
                "rag": self.rag, "otj_logged": self.otj_logged,
                "otj_pending": self.otj_pending,
                "otj_expected": self.otj_expected, "otj_required": self.otj_required,
                "otj_behind": self.otj_behind, "review_overdue": self.review_overdue,
                "last_review": self.last_review.isoformat() if self.last_review else None,
                "past_end": self.past_end, "post": self.post,
                "guaranteed_role": self.guaranteed_role_id,
                "missing_educator": self.missing_educator,
                "planned_end_date": self.planned_end_date.isoformat()}


@dataclass(frozen=True)
class CohortSummary:
    """A cohort on a date: counts by RAG and status, and every apprentice, urgent first."""

    cohort_id: int
    cohort_name: str
    as_of: date
    apprentices: list[ApprenticeProgress] = field(default_factory=list)
    #: Whether the cohort's programme is an apprenticeship standard (else no OTJ hours apply).
    apprenticeship: bool = True

    @property
    def counts(self) -> dict[str, int]:
        """How many apprentices are red, amber, green and grey."""
        counts = dict.fromkeys(RAG_ORDER, 0)
        for row in self.apprentices:
            counts[row.rag] += 1
        return counts

    @property
    def status_counts(self) -> dict[str, int]:
        """How many apprentices are in each status (only statuses held by someone)."""
        counts: dict[str, int] = defaultdict(int)
        for row in self.apprentices:
            counts[row.status] += 1
        return dict(counts)

    def to_json(self) -> dict:
        """The shape of ``GET /api/v1/cohorts/<id>/summary``."""
        return {"cohort": {"id": self.cohort_id, "name": self.cohort_name,
                           "apprenticeship": self.apprenticeship},
                "as_of": self.as_of.isoformat(), "counts": self.counts,
                "statuses": self.status_counts,
                "apprentices": [row.to_json() for row in self.apprentices]}


def urgency(row: ApprenticeProgress) -> tuple:
    """Sort key: overdue reviews and missing educators first, then by RAG, then by name."""
    return (not row.review_overdue, not row.missing_educator, RAG_ORDER.index(row.rag),
            row.name.casefold(), row.apprenticeship_id)


def cohort_summary(session: Session, cohort: Cohort, as_of: date | None = None,
                   thresholds: Thresholds = Thresholds()) -> CohortSummary:
    """Return the cohort's summary on ``as_of`` (default today), urgent apprentices first.

    Only hours logged and reviews held on or before ``as_of`` count, and of the hours only
    approved ones (submitted ones are ``otj_pending``, queried ones nothing); each
    apprentice's status is the one their history gives on that date.
    """
    as_of = as_of or clock.today()
    rows = progress_rows(session, Apprenticeship.cohort_id == cohort.id, as_of, thresholds)
    return CohortSummary(cohort.id, cohort.name, as_of, sorted(rows, key=urgency),
                         is_apprenticeship(cohort.programme))


def apprenticeship_progress(session: Session, apprenticeship: Apprenticeship,
                            as_of: date | None = None,
                            thresholds: Thresholds = Thresholds()) -> ApprenticeProgress:
    """Return one apprenticeship's standing on ``as_of`` (default today)."""
    as_of = as_of or clock.today()
    return progress_rows(session, Apprenticeship.id == apprenticeship.id, as_of,
                         thresholds)[0]


def progress_rows(session: Session, which, as_of: date,
                  thresholds: Thresholds) -> list[ApprenticeProgress]:
    """Work out the standing of the apprenticeships ``which`` selects, in five queries."""
    people = session.execute(
        select(Apprenticeship.id, Person.email, Person.name, Apprenticeship.status,
               Apprenticeship.start_date, Apprenticeship.planned_end_date,
               Apprenticeship.otj_required_hours, Apprenticeship.guaranteed_role_id,
               Post.reference)
        .join(Person, Person.id == Apprenticeship.person_id)
        .outerjoin(Post, Post.apprenticeship_id == Apprenticeship.id)
        .where(which)).all()
    ids = select(Apprenticeship.id).where(which).scalar_subquery()
    logged: dict[int, tuple] = {
        apprenticeship_id: (approved, pending)
        for apprenticeship_id, approved, pending in session.execute(
            select(OtjEntry.apprenticeship_id,
                   func.sum(case((OtjEntry.state.in_(COUNTED_STATES), OtjEntry.hours),
                                 else_=0)),
                   func.sum(case((OtjEntry.state.in_(PENDING_STATES), OtjEntry.hours),
                                 else_=0)))
            .where(OtjEntry.apprenticeship_id.in_(ids), OtjEntry.worked_on <= as_of,
                   OtjEntry.state.in_(COUNTED_STATES + PENDING_STATES))
            .group_by(OtjEntry.apprenticeship_id))}
    reviewed = dict(session.execute(
        select(ProgressReview.apprenticeship_id, func.max(ProgressReview.held_on))
        .where(ProgressReview.apprenticeship_id.in_(ids), ProgressReview.held_on <= as_of)
        .group_by(ProgressReview.apprenticeship_id)).all())
    statuses: dict[int, str] = {}
    for apprenticeship_id, status in session.execute(
            select(StatusChange.apprenticeship_id, StatusChange.to_status)
            .where(StatusChange.apprenticeship_id.in_(ids), StatusChange.effective_on <= as_of)
            .order_by(StatusChange.effective_on, StatusChange.id)):
        statuses[apprenticeship_id] = status
    unallocated = dict(session.execute(
        select(Placement.apprenticeship_id, func.count(Placement.id))
        .where(Placement.apprenticeship_id.in_(ids), Placement.educator_id.is_(None),
               Placement.end_date >= as_of)
        .group_by(Placement.apprenticeship_id)).all())
    rows = []
    for (apprenticeship_id, email, name, current, start, planned_end, required, role_id,
         post) in people:
        status = (NOT_STARTED if as_of < start else
                  statuses.get(apprenticeship_id, current))
        last_review = reviewed.get(apprenticeship_id)
        approved, pending = logged.get(apprenticeship_id, (0, 0))
        hours = round(float(approved or 0), 2)
        standing = status_as_of(status, start, planned_end, required, hours, last_review,
                                as_of=as_of, behind_share=thresholds.behind_share,
                                behind_after_days=thresholds.behind_after_days,
                                review_every_days=thresholds.review_every_days)
        rows.append(ApprenticeProgress(
            apprenticeship_id, email, name, status, standing.rag, start, planned_end, hours,
            standing.expected_otj_to_date, required, standing.otj_behind, last_review,
            standing.days_since_review, standing.review_overdue, standing.past_end, post,
            role_id, unallocated.get(apprenticeship_id, 0), round(float(pending or 0), 2)))
    return rows


@dataclass(frozen=True)
class MonthPoint:
    """One month of a cohort chart."""

    month: date
    first: float
    second: float


def month_ends(start: date, end: date) -> list[date]:
    """Return the last day of each month from ``start``'s month to ``end``'s (end capped)."""
    points, first = [], start.replace(day=1)
    while first <= end:
        following = add_months(first, 1)
        points.append(min(following - timedelta(days=1), end))
        first = following
    return points


def otj_over_time(session: Session, cohort: Cohort, as_of: date | None = None
                  ) -> list[MonthPoint]:
    """Cohort hours logged against expected, cumulative at each month end up to ``as_of``.

    ``first`` is hours logged (approved only), ``second`` hours expected by then,
    summed over apprentices who have not withdrawn. Both are summed in SQL: the hours by
    day, the required hours by pair of start and planned end dates (expected hours are
    in proportion to the required), so the work in Python grows with the months and the
    distinct dates, not with the apprentices.
    """
    as_of = as_of or clock.today()
    which = and_(Apprenticeship.cohort_id == cohort.id, Apprenticeship.status != "withdrawn")
    apprenticeships = session.execute(
        select(Apprenticeship.start_date, Apprenticeship.planned_end_date,
               func.sum(Apprenticeship.otj_required_hours).label("otj_required_hours"))
        .where(which)
        .group_by(Apprenticeship.start_date, Apprenticeship.planned_end_date)).all()
    if not apprenticeships:
        return []
    daily = session.execute(
        select(OtjEntry.worked_on, func.sum(OtjEntry.hours))
        .where(OtjEntry.apprenticeship_id.in_(select(Apprenticeship.id).where(which)),
               OtjEntry.worked_on <= as_of, OtjEntry.state.in_(COUNTED_STATES))
        .group_by(OtjEntry.worked_on).order_by(OtjEntry.worked_on)).all()
    start = min(row.start_date for row in apprenticeships)
    points, total, index = [], 0.0, 0
    for month_end in month_ends(start, as_of):
        while index < len(daily) and daily[index][0] <= month_end:
            total += float(daily[index][1])
            index += 1
        expected = sum(
            row.otj_required_hours * min(1.0, max(0, (month_end - row.start_date).days)
                                         / max(1, (row.planned_end_date - row.start_date).days))
            for row in apprenticeships)
        points.append(MonthPoint(month_end, round(total, 1), round(expected, 1)))
    return points


def qualifiers_by_month(session: Session, cohort: Cohort) -> list[MonthPoint]:
    """Apprentices expected to qualify each month (by planned end) against posts held.

    ``first`` is how many are still expected to qualify that month (not withdrawn, and not
    qualified already: they are no longer expected), ``second`` how many of them hold a
    reserved, offered or filled post.
    """
    held = Post.state.in_(("reserved", "offered", "filled"))
    rows = session.execute(
        select(Apprenticeship.planned_end_date, func.count(Apprenticeship.id),
               func.sum(case((held, 1), else_=0)))
        .outerjoin(Post, Post.apprenticeship_id == Apprenticeship.id)
        .where(Apprenticeship.cohort_id == cohort.id,
               Apprenticeship.status.not_in(("withdrawn", "qualified")))
        .group_by(Apprenticeship.planned_end_date)).all()
    months: dict[date, list[float]] = defaultdict(lambda: [0, 0])
    for planned_end, expected, holding in rows:  # counted by day in SQL, folded by month
        month = planned_end.replace(day=1)
        months[month][0] += expected
        months[month][1] += holding or 0
    return [MonthPoint(month, *months[month]) for month in sorted(months)]


def as_dicts(points: list[MonthPoint]) -> list[dict]:
    """Chart points as plain dictionaries (for JSON and templates)."""
    return [asdict(point) for point in points]
