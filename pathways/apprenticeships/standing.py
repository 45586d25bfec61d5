"""A cohort's dashboard worked out in SQL: counts by RAG and status, and a page of apprentices.

``progress.progress_rows`` applies the rules (``rules.status_as_of``) in Python to every
apprentice, which the downloads, the API and the command line need (they list everyone).
The dashboard shows only counts and one page, so it must not cost more as the cohort grows:
here the same rules are one SQL expression per apprentice (``standing``), and one statement
returns both the counts (``GROUP BY`` RAG and status) and the page, ordered and filtered by
what the rules give, continued by keyset (``paging.encode_cursor``). The standing is a
common table expression the statement reads twice, which both engines work out once.

Only the page's rows come back to Python, and are turned into
:class:`~pathways.apprenticeships.progress.ApprenticeProgress` by the Python rules, so what a
row shows is exactly what the downloads say; tests check the SQL's RAG, flags and order agree
with the Python rules on a varied cohort, on both engines.

Names are ordered by ``lower(name)`` under the database's collation (the same as Python's
``casefold`` for ASCII names), and "furthest behind on off-the-job hours" by hundredths of an
hour, logged less expected, rounded half away from zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    Integer,
    Numeric,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.selectable import CTE

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
from ..paging import Key, KeysetPage, NotACursor, decode_cursor, encode_cursor
from .progress import (
    NOT_STARTED,
    RAG_ORDER,
    STATUS_WORDS,
    ApprenticeProgress,
    Thresholds,
)
from .records import COUNTED_STATES, PENDING_STATES
from .rules import FINISHED, status_as_of

#: The dashboard's orders of apprentices (``urgency`` is the summary's own).
ORDERS = ("urgency", "name", "rag", "otj")
#: The thresholds when none are configured.
DEFAULTS = Thresholds()


def days_between(session: Session, later: ColumnElement, earlier: ColumnElement
                 ) -> ColumnElement:
    """Return the whole days from ``earlier`` to ``later`` (two dates) as an integer."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier


def _flag(condition: ColumnElement) -> ColumnElement:
    """1 when ``condition`` holds, else 0 (an integer both engines compare and order)."""
    return case((condition, 1), else_=0)


def standing(session: Session, cohort_ids: int | list[int], as_of: date,
             thresholds: Thresholds) -> CTE:
    """Return the cohorts' apprentices on ``as_of`` with the rules applied, as a CTE.

    ``cohort_ids`` is one cohort's id or a list of them. Its columns: the apprenticeship's
    ``id`` and ``cohort_id``, ``name``, ``email``, ``status`` (on that day:
    the history's, or ``not_started`` before the start), ``start_date``,
    ``planned_end_date``, ``required``, ``role_id``, ``post``, ``logged`` and ``pending``
    hours (rounded to hundredths), ``last_review``, ``unallocated`` placements, and what the
    rules make of them: ``expected`` hours, ``behind``, ``overdue`` and ``past_end`` (1 or
    0), ``rag`` and its place in ``RAG_ORDER`` (``rag_rank``), with the order keys
    ``name_key`` and ``gap`` (logged less expected, in hundredths of an hour).
    """
    day = literal(as_of, Date)
    which = (Apprenticeship.cohort_id.in_(cohort_ids) if isinstance(cohort_ids, list)
             else Apprenticeship.cohort_id == cohort_ids)
    ids = select(Apprenticeship.id).where(which)
    hours = (select(OtjEntry.apprenticeship_id.label("apprenticeship_id"),
                    func.sum(case((OtjEntry.state.in_(COUNTED_STATES), OtjEntry.hours),
                                  else_=0)).label("approved"),
                    func.sum(case((OtjEntry.state.in_(PENDING_STATES), OtjEntry.hours),
                                  else_=0)).label("pending"))
             .where(OtjEntry.apprenticeship_id.in_(ids), OtjEntry.worked_on <= day,
                    OtjEntry.state.in_(COUNTED_STATES + PENDING_STATES))
             .group_by(OtjEntry.apprenticeship_id).subquery("hours"))
    reviews = (select(ProgressReview.apprenticeship_id.label("apprenticeship_id"),
                      func.max(ProgressReview.held_on).label("held_on"))
               .where(ProgressReview.apprenticeship_id.in_(ids), ProgressReview.held_on <= day)
               .group_by(ProgressReview.apprenticeship_id).subquery("reviews"))
    unallocated = (select(Placement.apprenticeship_id.label("apprenticeship_id"),
                          func.count(Placement.id).label("placements"))
                   .where(Placement.apprenticeship_id.in_(ids),
                          Placement.educator_id.is_(None), Placement.end_date >= day)
                   .group_by(Placement.apprenticeship_id).subquery("unallocated"))
    latest = (select(StatusChange.to_status)
              .where(StatusChange.apprenticeship_id == Apprenticeship.id,
                     StatusChange.effective_on <= day)
              .order_by(StatusChange.effective_on.desc(), StatusChange.id.desc())
              .limit(1).correlate(Apprenticeship).scalar_subquery())
    status = case((day < Apprenticeship.start_date, literal(NOT_STARTED, String)),
                  else_=func.coalesce(latest, Apprenticeship.status))
    postgres = session.get_bind().dialect.name == "postgresql"

    def rounded(total: ColumnElement) -> ColumnElement:
        """Hours to hundredths, as ``round(float(total), 2)`` (PostgreSQL rounds numerics)."""
        summed = func.coalesce(total, 0)
        return cast(func.round(cast(summed, Numeric) if postgres else summed, 2), Float)

    base = (select(Apprenticeship.id.label("id"),
                   Apprenticeship.cohort_id.label("cohort_id"), Person.name.label("name"),
                   Person.email.label("email"), status.label("status"),
                   Apprenticeship.start_date.label("start_date"),
                   Apprenticeship.planned_end_date.label("planned_end_date"),
                   Apprenticeship.otj_required_hours.label("required"),
                   Apprenticeship.guaranteed_role_id.label("role_id"),
                   Post.reference.label("post"),
                   rounded(hours.c.approved).label("logged"),
                   rounded(hours.c.pending).label("pending"),
                   reviews.c.held_on.label("last_review"),
                   func.coalesce(unallocated.c.placements, 0).label("unallocated"))
            .join(Person, Person.id == Apprenticeship.person_id)
            .outerjoin(Post, Post.apprenticeship_id == Apprenticeship.id)
            .outerjoin(hours, hours.c.apprenticeship_id == Apprenticeship.id)
            .outerjoin(reviews, reviews.c.apprenticeship_id == Apprenticeship.id)
            .outerjoin(unallocated, unallocated.c.apprenticeship_id == Apprenticeship.id)
            .where(which).cte("base").prefix_with("MATERIALIZED"))
    # The rules of ``rules.status_as_of``, in the same order of float operations.
    days = days_between(session, day, base.c.start_date)
    elapsed = case((days < 0, 0), else_=days)
    span = days_between(session, base.c.planned_end_date, base.c.start_date)
    planned = case((span < 1, 1), else_=span)
    share = cast(elapsed, Float) / cast(planned, Float)
    expected = cast(base.c.required, Float) * case((share < 1.0, share), else_=1.0)
    behind = and_(elapsed >= thresholds.behind_after_days,
                  base.c.logged < literal(thresholds.behind_share, Float) * expected
                  - literal(1e-9, Float))
    since = days_between(session, day, func.coalesce(base.c.last_review, base.c.start_date))
    overdue = and_(base.c.status == "active", since > thresholds.review_every_days)
    finished = base.c.status.in_(sorted(FINISHED))
    past_end = and_(day > base.c.planned_end_date, ~finished)
    rag = case((finished | (day < base.c.start_date), "grey"),
               (past_end | and_(behind, overdue), "red"),
               (behind | overdue, "amber"), else_="green")
    rank = case(*((rag == value, index) for index, value in enumerate(RAG_ORDER)), else_=0)
    gap = cast(func.round((base.c.logged - expected) * 100.0), Integer)
    return select(base, expected.label("expected"), _flag(behind).label("behind"),
                  _flag(overdue).label("overdue"), _flag(past_end).label("past_end"),
                  rag.label("rag"), rank.label("rag_rank"),
                  func.lower(base.c.name, type_=String).label("name_key"), gap.label("gap")
                  ).cte("standing").prefix_with("MATERIALIZED")


def order_keys(table: CTE, order: str) -> list[Key]:
    """Return the keys (all ascending, unique with the id) of one of the ``ORDERS``.

    ``urgency`` puts overdue reviews first, then missing practice educators, then by RAG
    and name, as ``progress.urgency`` does.
    """
    c = table.c
    keys: dict[str, list[ColumnElement]] = {
        "urgency": [1 - c.overdue, _flag(c.unallocated == 0), c.rag_rank, c.name_key],
        "name": [c.name_key], "rag": [c.rag_rank, c.name_key], "otj": [c.gap, c.name_key]}
    chosen = keys[order if order in ORDERS else "urgency"]
    return [Key(column) for column in (*chosen, c.id)]


@dataclass(frozen=True)
class Dashboard:
    """A cohort's counts on a day and one page of its apprentices (filtered, in order).

    ``counts`` by RAG (every colour, most urgent first), ``status_counts`` by status (only
    those someone holds), and ``page`` a :class:`~pathways.paging.KeysetPage` of
    :class:`~pathways.apprenticeships.progress.ApprenticeProgress`, whose ``total`` is how
    many apprentices the filter keeps.
    """

    as_of: date
    counts: dict[str, int]
    status_counts: dict[str, int]
    page: KeysetPage


def cohort_dashboard(session: Session, cohort: Cohort, as_of: date,
                     thresholds: Thresholds = DEFAULTS, *, rag: str = "",
                     status: str = "", order: str = "urgency", after: str | None = None,
                     before: str | None = None, number: int = 1,
                     per_page: int = 50) -> Dashboard:
    """Return the cohort's counts on ``as_of`` and one page of its apprentices, in one query.

    Parameters
    ----------
    cohort : Cohort
        The cohort (the caller has checked it may be seen).
    as_of : date
        The day: only what happened by then counts, as in ``progress.cohort_summary``.
    rag, status : str, optional
        Keep only apprentices of this RAG (``Rag``) or status on that day (``STATUS_WORDS``);
        empty for all. The counts are always the whole cohort's.
    order : str
        One of ``ORDERS``; anything else is ``urgency``.
    after, before : str, optional
        A cursor of a page before or after (``KeysetPage.after`` and ``before``); one that
        is not a cursor of this order, or past the end, gives the first page.

    Returns
    -------
    Dashboard
        The counts, and the page's rows with the same figures as the summary's.

    Examples
    --------
    >>> from pathways.apprenticeships.setup import create_cohort, create_programme
    >>> from pathways.people.accounts import create_organisation
    >>> council = create_organisation(session, "Council")
    >>> programme = create_programme(
    ...     session, council, name="SWDA", qualification_id="social-work-degree-apprenticeship",
    ...     provider_name="Uni", leads_to_role_id="newly-qualified-social-worker", G=G)
    >>> cohort = create_cohort(session, programme, name="2025", start_date=date(2025, 9, 1),
    ...                        planned_end_date=date(2028, 8, 31))
    >>> found = cohort_dashboard(session, cohort, date(2026, 1, 31))
    >>> found.counts, found.status_counts, found.page.rows, found.page.total
    ({'red': 0, 'amber': 0, 'green': 0, 'grey': 0}, {}, [], 0)
    """
    table = standing(session, cohort.id, as_of, thresholds)
    keys = order_keys(table, order)
    backwards = before is not None and after is None
    try:
        cursor = decode_cursor(before if backwards else after, keys) if (after or before) \
            else None
    except NotACursor:
        cursor = None
    if cursor is None:
        backwards, number = False, 1
    kept = [table.c.rag == rag] if rag else []
    kept += [table.c.status == status] if status else []
    if cursor is not None:
        row, values = tuple_(*(key.column for key in keys)), tuple_(*(
            literal(value, key.column.type) for key, value in zip(keys, cursor, strict=True)))
        kept.append(row < values if backwards else row > values)
    columns = [table.c.id, table.c.name, table.c.email, table.c.status, table.c.rag,
               table.c.start_date, table.c.planned_end_date, table.c.required,
               table.c.logged, table.c.pending, table.c.last_review, table.c.post,
               table.c.role_id, table.c.unallocated]
    ordering = [key.column.desc() if backwards else key.column.asc() for key in keys]
    page = (select(literal(1).label("part"), func.row_number().over(order_by=ordering)
                   .label("n"), *columns, *(key.column.label(f"k{i}")
                                            for i, key in enumerate(keys)))
            .where(*kept).order_by(*ordering).limit(per_page + 1).subquery("page"))
    blank = [null().label(column.name) for column in columns[1:]]
    counts = (select(literal(0).label("part"), func.count().label("n"),
                     literal(None, Integer).label("id"), *blank[:2],
                     table.c.status, table.c.rag, *blank[4:],
                     *(null().label(f"k{i}") for i in range(len(keys))))
              .group_by(table.c.status, table.c.rag))
    result: list[Any] = list(session.execute(union_all(select(page), counts)).all())
    by_rag, by_status, total = dict.fromkeys(RAG_ORDER, 0), dict[str, int](), 0
    for found in result:
        if found.part == 0:
            by_rag[found.rag] = by_rag.get(found.rag, 0) + found.n
            by_status[found.status] = by_status.get(found.status, 0) + found.n
            total += found.n if rag in ("", found.rag) and status in ("", found.status) else 0
    fetched: list = sorted((found for found in result if found.part == 1),
                           key=lambda r: r.n)
    further = len(fetched) > per_page
    fetched = fetched[:per_page]
    if backwards:
        fetched.reverse()
    if not fetched and cursor is not None:  # a cursor past the end: start again
        return cohort_dashboard(session, cohort, as_of, thresholds, rag=rag, status=status,
                                order=order, per_page=per_page)
    has_previous, has_next = (further, True) if backwards else (cursor is not None, further)
    first_key = tuple(getattr(fetched[0], f"k{i}") for i in range(len(keys))) if fetched \
        else ()
    last_key = tuple(getattr(fetched[-1], f"k{i}") for i in range(len(keys))) if fetched \
        else ()
    rows = [progress_of(found, as_of, thresholds) for found in fetched]
    by_status = {name: by_status[name] for name in STATUS_WORDS if name in by_status}
    return Dashboard(as_of, by_rag, by_status, KeysetPage(
        rows, max(2, number) if has_previous and fetched else 1,
        encode_cursor(last_key) if has_next and fetched else None,
        encode_cursor(first_key) if has_previous and fetched else None, total))


def progress_of(found, as_of: date, thresholds: Thresholds) -> ApprenticeProgress:
    """Return one standing row as the summary's row, the rules applied in Python."""
    rules = status_as_of(found.status, found.start_date, found.planned_end_date,
                         found.required, found.logged, found.last_review, as_of=as_of,
                         behind_share=thresholds.behind_share,
                         behind_after_days=thresholds.behind_after_days,
                         review_every_days=thresholds.review_every_days)
    return ApprenticeProgress(
        found.id, found.email, found.name, found.status, rules.rag, found.start_date,
        found.planned_end_date, found.logged, rules.expected_otj_to_date, found.required,
        rules.otj_behind, found.last_review, rules.days_since_review, rules.review_overdue,
        rules.past_end, found.post, found.role_id, found.unallocated, found.pending)


def missing_educators(session: Session, cohort: Cohort, as_of: date, *, limit: int = 50
                      ) -> tuple[list[tuple[int, str, int]], int]:
    """Return the cohort's apprentices with a current or future placement without an
    educator on ``as_of``, by name, at most ``limit`` of them, and how many there are.

    Each is ``(apprenticeship id, name, placements without an educator)``.
    """
    grouped = (select(Placement.apprenticeship_id.label("id"),
                      func.count(Placement.id).label("placements"))
               .join(Apprenticeship, Apprenticeship.id == Placement.apprenticeship_id)
               .where(Apprenticeship.cohort_id == cohort.id, Placement.educator_id.is_(None),
                      Placement.end_date >= as_of)
               .group_by(Placement.apprenticeship_id).subquery())
    rows = session.execute(
        select(grouped.c.id, Person.name, grouped.c.placements,
               func.count().over().label("total"))
        .join(Apprenticeship, Apprenticeship.id == grouped.c.id)
        .join(Person, Person.id == Apprenticeship.person_id)
        .order_by(func.lower(Person.name), grouped.c.id).limit(limit)).all()
    return [(row.id, row.name, row.placements) for row in rows], rows[0].total if rows else 0


def rag_by_cohort(session: Session, cohort_ids: list[int], as_of: date,
                  thresholds: Thresholds = DEFAULTS) -> dict[int, dict[str, int]]:
    """Count each cohort's apprentices by RAG on ``as_of``: one ``GROUP BY`` in SQL.

    Every cohort asked about is in the answer, with a count for each RAG that someone has.
    """
    counts: dict[int, dict[str, int]] = {cohort_id: {} for cohort_id in cohort_ids}
    if not cohort_ids:
        return counts
    table = standing(session, list(cohort_ids), as_of, thresholds)
    for cohort_id, rag, number in session.execute(
            select(table.c.cohort_id, table.c.rag, func.count())
            .group_by(table.c.cohort_id, table.c.rag)):
        counts[cohort_id][rag] = number
    return counts
