"""The apprenticeship import's writes: every table in batches, ``COPY`` on PostgreSQL.

Once every row has passed its checks (:mod:`~pathways.apprenticeships.import_checks`),
what the services ``setup.create_cohort``, ``setup.enrol`` and ``records.record_review``
would write row by row is written table by table through :func:`pathways.bulk.write_rows`:
the new cohorts, the apprenticeships (their funding year and off-the-job hours required
worked out as ``enrol`` does), each one's first status, the hours logged before the import
(spread by ``rules.spread_otj_hours``), the last reviews, the reserved posts (one
``UPDATE``, each post still vacant or the import is refused) and the audit events, one for
each thing a service would have recorded. Ids of the cohorts and apprenticeships are taken
first (PostgreSQL's sequence; on SQLite the next free ids, under the write lock the import
took), so the rows that point at them go in the same batches.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, text, update
from sqlalchemy.exc import IntegrityError

from .. import bulk
from ..errors import InvalidInput, Problem
from ..models import (
    Apprenticeship,
    AuditEvent,
    Cohort,
    OtjEntry,
    Post,
    ProgressReview,
    StatusChange,
)
from .import_checks import CohortTarget
from .import_rows import ApprenticeshipRow
from .records import REVIEW_EVERY_DAYS
from .rules import funding_rule_year, required_otj_hours, spread_otj_hours

REASON = "Imported"
OTJ_NOTE = "Hours logged before import"
REVIEW_NOTE = "Imported"


@dataclass
class ApprenticeshipImportResult:
    """What an import created (what its writes return)."""

    apprenticeships: int = 0
    cohorts: int = 0
    posts_reserved: int = 0
    reviews: int = 0
    otj_hours: Decimal = Decimal(0)


@dataclass(frozen=True)
class Context:
    """Who imports into which organisation, and when."""

    organisation_id: int
    actor_id: int | None
    today: date
    now: datetime


def write(connection: Connection, rows: list[ApprenticeshipRow],
          targets: dict[str, CohortTarget], context: Context,
          summary: str) -> ApprenticeshipImportResult:
    """Write the checked rows and their cohorts; return what was created.

    Raises
    ------
    InvalidInput
        When a post a row reserves was taken since it was checked (named by row).
    IntegrityError
        When the database refuses a row someone else saved at the same moment (an enrolment
        of the same person in the same cohort from its page): the same error whether the
        rows went through ``COPY`` (the driver's own error) or ``INSERT``, so the caller
        answers "someone else saved this at the same moment".
    """
    try:
        return _write(connection, rows, targets, context, summary)
    except connection.dialect.dbapi.IntegrityError as error:  # type: ignore[union-attr]
        raise IntegrityError("COPY", None, error) from error


def _write(connection: Connection, rows: list[ApprenticeshipRow],
           targets: dict[str, CohortTarget], context: Context,
           summary: str) -> ApprenticeshipImportResult:
    written = ApprenticeshipImportResult()
    new = [target for target in targets.values() if target.new]
    for target, cohort_id in zip(new, take_ids(connection, Cohort.__table__, len(new)),
                                 strict=True):
        target.id = cohort_id
    written.cohorts = bulk.write_rows(connection, Cohort.__table__, (
        {"id": target.id, "organisation_id": context.organisation_id,
         "programme_id": target.programme.id, "name": target.name,
         "start_date": target.start_date, "planned_end_date": target.planned_end_date}
        for target in new))
    ids = take_ids(connection, Apprenticeship.__table__, len(rows))
    written.apprenticeships = bulk.write_rows(
        connection, Apprenticeship.__table__, _apprenticeships(rows, ids, targets, context))
    bulk.write_rows(connection, StatusChange.__table__, (
        {"apprenticeship_id": apprenticeship_id, "from_status": None,
         "to_status": row.status, "effective_on": row.start_date, "reason": REASON,
         "actor_id": context.actor_id, "recorded_at": context.now}
        for row, apprenticeship_id in zip(rows, ids, strict=True)))
    bulk.write_rows(connection, OtjEntry.__table__, _otj_entries(rows, ids, context))
    written.otj_hours = sum((row.otj_hours for row in rows), Decimal(0))
    written.reviews = bulk.write_rows(connection, ProgressReview.__table__, (
        {"apprenticeship_id": apprenticeship_id, "held_on": row.last_review,
         "next_review_on": row.last_review + timedelta(days=REVIEW_EVERY_DAYS),
         "notes": REVIEW_NOTE, "slippage": "", "recorded_by_id": context.actor_id}
        for row, apprenticeship_id in zip(rows, ids, strict=True)
        if row.last_review is not None))
    written.posts_reserved = _reserve_posts(connection, rows, ids, summary)
    bulk.write_rows(connection, AuditEvent.__table__, _events(rows, ids, targets, new,
                                                              context))
    return written


def take_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """Take ``count`` new ids of ``table``'s rows.

    PostgreSQL draws them from the table's sequence (safe beside other writers); SQLite
    counts on from the largest id, which no one else can take meanwhile: the import holds
    SQLite's one write lock (it locked the organisation first).
    """
    if not count:
        return []
    if connection.dialect.name == "postgresql":
        return list(connection.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                 "FROM generate_series(1, :count)"), {"table": table.name, "count": count}))
    first = bulk.next_id(connection, table)
    return list(range(first, first + count))


def _apprenticeships(rows: list[ApprenticeshipRow], ids: list[int],
                     targets: dict[str, CohortTarget], context: Context
                     ) -> Iterator[dict[str, Any]]:
    """The apprenticeships' rows, worked out as ``setup.enrol`` does."""
    for row, apprenticeship_id in zip(rows, ids, strict=True):
        target = targets[row.cohort_key]
        apprentice = bool(target.programme.standard_code)
        yield {"id": apprenticeship_id, "cohort_id": targets[row.cohort_key].id,
               "person_id": row.person_id, "start_date": row.start_date,
               "planned_end_date": row.planned_end_date, "weekly_hours": row.weekly_hours,
               "funding_year": funding_rule_year(row.start_date) if apprentice else "",
               "otj_required_hours": _required(row, target) if apprentice else 0,
               "status": row.status, "guaranteed_role_id": row.post.role_id if row.post else None,
               "created_at": context.now}


def _otj_entries(rows: list[ApprenticeshipRow], ids: list[int], context: Context
                 ) -> Iterator[dict[str, Any]]:
    """The hours logged before the import, as approved entries kept to the limits."""
    for row, apprenticeship_id in zip(rows, ids, strict=True):
        if not row.otj_hours:
            continue
        for worked_on, hours in spread_otj_hours(row.otj_hours, row.start_date,
                                                 min(context.today, row.planned_end_date),
                                                 row.weekly_hours):
            yield {"apprenticeship_id": apprenticeship_id, "worked_on": worked_on,
                   "hours": hours, "activity": "other", "note": OTJ_NOTE, "state": "approved",
                   "query_note": "", "recorded_by_id": context.actor_id,
                   "reviewed_by_id": context.actor_id}


def _reserve_posts(connection: Connection, rows: list[ApprenticeshipRow], ids: list[int],
                   summary: str) -> int:
    """Reserve each row's post for its apprenticeship, if the post is still vacant.

    The posts were locked while they were checked, so none should have moved; if one did,
    the import is refused naming the row, rather than taking a post someone else holds.
    """
    held = [{"post_id": row.post.id, "apprenticeship_id": apprenticeship_id,
             "number": row.number}
            for row, apprenticeship_id in zip(rows, ids, strict=True) if row.post is not None]
    if not held:
        return 0
    posts = Post.__table__
    reserved = 0
    for first in range(0, len(held), bulk.BATCH):
        chunk = held[first:first + bulk.BATCH]
        moved = _not_vacant(connection, [row["post_id"] for row in chunk])
        if moved:
            raise InvalidInput([Problem(f"row {row['number']}: guaranteed_post", "the post was "
                                        "taken while the file was imported: import it again")
                                for row in chunk if row["post_id"] in moved], summary)
        connection.execute(
            update(posts).where(posts.c.id == bindparam("post_id"))
            .values(state="reserved", apprenticeship_id=bindparam("for_apprenticeship")),
            [{"post_id": row["post_id"], "for_apprenticeship": row["apprenticeship_id"]}
             for row in chunk])
        reserved += len(chunk)
    return reserved


def _not_vacant(connection: Connection, post_ids: list[int]) -> set[int]:
    posts = Post.__table__
    return set(connection.scalars(select(posts.c.id).where(
        posts.c.id.in_(post_ids), posts.c.state != "vacant")))


def _events(rows: list[ApprenticeshipRow], ids: list[int], targets: dict[str, CohortTarget],
            new: list[CohortTarget], context: Context) -> Iterable[dict[str, Any]]:
    """The audit events the services would have recorded, in the order they would have."""
    def event(action: str, entity_type: str, entity_id: int, summary: str,
              details: dict | None = None) -> dict[str, Any]:
        return {"at": context.now, "actor_id": context.actor_id,
                "organisation_id": context.organisation_id, "action": action,
                "entity_type": entity_type, "entity_id": str(entity_id), "summary": summary,
                "details": details}

    for target in new:
        yield event("create", "cohort", target.id or 0, target.name)
    for row, apprenticeship_id in zip(rows, ids, strict=True):
        target = targets[row.cohort_key]
        if row.post is not None:
            yield event("post_reserved", "post", row.post.id,
                        f"{row.post.reference}: vacant to reserved")
        apprentice = bool(target.programme.standard_code)
        yield event("enrol", "apprenticeship", apprenticeship_id,
                    f"{row.email} in {target.name}",
                    {"otj_required_hours": _required(row, target) if apprentice else 0,
                     "funding_year": funding_rule_year(row.start_date) if apprentice else ""})
        if row.last_review is not None:
            yield event("review", "apprenticeship", apprenticeship_id,
                        f"Progress review on {row.last_review.isoformat()}")


def _required(row: ApprenticeshipRow, target: CohortTarget) -> int:
    """The off-the-job hours the row's apprenticeship requires (as ``setup.enrol`` works out)."""
    return _required_hours(row.start_date, row.planned_end_date, row.weekly_hours,
                           target.programme.otj_min_hours)


@functools.lru_cache(maxsize=4096)
def _required_hours(start: date, end: date, weekly_hours: Decimal, minimum: int | None) -> int:
    """Worked out once for each dates, hours and minimum: rows of a cohort share them."""
    return required_otj_hours(start, end, float(weekly_hours), minimum).hours
