"""The apprenticeship import as it was before issue 14: row by row through the services.

The baseline, kept only for ``bench_apprentice_import.py``, which times it against the
set-based import (``pathways.apprenticeships.importer``) in the same run. The code is the
import of commit 07c7b20 (at most 2,000 rows; each row enrolled through ``setup.enrol``, its
hours appended through the ORM and its review through ``records.record_review``), with its
imports made absolute; it is not used by the application.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import IO

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import audit, clock
from pathways.apprenticeships.records import REVIEW_EVERY_DAYS, record_review
from pathways.apprenticeships.rules import STATUSES, otj_hours_that_fit, spread_otj_hours
from pathways.apprenticeships.setup import create_cohort, enrol
from pathways.csv_input import (
    parse_date,
    parse_decimal,
    parse_email,
    read_upload,
    row_problems,
)
from pathways.errors import InvalidInput, PathwayError, Problem
from pathways.models import (
    Apprenticeship,
    Cohort,
    Organisation,
    OtjEntry,
    Person,
    Post,
    Programme,
    Qualification,
)
from pathways.spreadsheets import read_table

COLUMNS = ("email", "cohort", "standard_code", "start_date", "planned_end_date",
           "weekly_hours", "otj_hours_logged", "last_review_date", "status", "guaranteed_post")
REQUIRED_COLUMNS = ("email", "cohort", "standard_code", "start_date", "planned_end_date",
                    "weekly_hours")
MAX_ROWS = 2000
MAX_WEEKLY_HOURS = Decimal(60)
#: Dates outside these years are taken for typing mistakes.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
LIMITS = {"cohort": 200, "standard_code": 10, "guaranteed_post": 50}
SUMMARY = "The apprenticeships were not imported"
REASON = "Imported"
OTJ_NOTE = "Hours logged before import"
REVIEW_NOTE = "Imported"
#: What to do about a person the file names who is not staff yet, in words that fit the web
#: page and the command line alike (never a command to run: the reader may be on the web).
STAFF_IMPORT_HINT = "import them as staff first, then import this file again"
#: The template's example row, in the order of ``COLUMNS`` (``pathways.spreadsheets``).
TEMPLATE_ROW = ("ann.lee@example.org", "Social work 2026", "ST0510", date(2026, 9, 1),
                date(2029, 8, 31), Decimal("37.5"), 0, None, "active", "")


@dataclass
class ApprenticeshipImportResult:
    """What an import created."""

    apprenticeships: int = 0
    cohorts: int = 0
    posts_reserved: int = 0
    reviews: int = 0
    otj_hours: Decimal = Decimal(0)


@dataclass
class ApprenticeshipRow:
    """One checked row of the file, with what it was matched to."""

    number: int
    email: str
    cohort_name: str
    standard_code: str
    start_date: date
    planned_end_date: date
    weekly_hours: Decimal
    otj_hours: Decimal
    last_review: date | None
    status: str
    post_reference: str | None
    person: Person | None = None
    cohort: Cohort | None = None
    programme: Programme | None = None
    post: Post | None = None

    @property
    def cohort_key(self) -> str:
        """The cohort's name as rows are matched on it."""
        return self.cohort_name.casefold()


@dataclass
class NewCohort:
    """A cohort the file names that does not exist yet, and its first row."""

    name: str
    programme: Programme
    start_date: date
    planned_end_date: date


def import_apprenticeships(session: Session, path_or_text: str | os.PathLike | bytes,
                           organisation: Organisation, actor: Person | None = None,
                           G: nx.DiGraph | None = None, today: date | None = None
                           ) -> ApprenticeshipImportResult:
    """Enrol the organisation's people on cohorts from a spreadsheet (see the module docstring).

    Parameters
    ----------
    path_or_text : str, PathLike or bytes
        A path to the CSV or XLSX file (a ``Path``, or a string naming an existing file),
        or its contents (CSV text, or the file's bytes: ``spreadsheets.read_table``).
    organisation : Organisation
        Whose people, cohorts, programmes and posts the rows name.
    actor : Person or None
        Who imports (None for the command line); the caller checks
        ``policy.can_manage_apprenticeships``.
    G : networkx.DiGraph, optional
        The graph snapshot; when given, a guaranteed post's role must follow the
        programme's qualification in it (or the apprentice could never start in the post).
    today : date, optional
        The day of the import (default today): reviews may not be after it, and logged
        hours are dated on or before it.

    Returns
    -------
    ApprenticeshipImportResult
        What was created (flushed; the caller commits).

    Raises
    ------
    InvalidInput
        Listing every problem, as ``row N: column: reason``; nothing is written.

    Examples
    --------
    Not run as a doctest: it needs a programme for the file's standard and a file to read
    (``tests/domain/test_apprenticeship_import.py`` has both).

    >>> import_apprenticeships(session, open("cohort.csv").read(), council)  # doctest: +SKIP
    ApprenticeshipImportResult(apprenticeships=12, cohorts=1, ...)
    """
    today = today or clock.today()
    problems: list[Problem] = []
    rows = [parsed for number, raw in read_table(path_or_text, COLUMNS, REQUIRED_COLUMNS,
                                                 problems, SUMMARY, MAX_ROWS, "apprentices")
            if (parsed := parse_row(number, raw, today, problems)) is not None]
    _match_people(session, organisation, rows, problems)
    new_cohorts = _match_cohorts(session, organisation, rows, problems)
    _refuse_enrolled(session, rows, problems)
    _match_posts(session, organisation, rows, G, problems)
    if problems:
        raise InvalidInput(sorted(problems, key=_row_order), SUMMARY)
    return _write(session, organisation, rows, new_cohorts, actor, today)


def import_apprenticeships_upload(session: Session, upload: IO[bytes],
                                  organisation: Organisation, actor: Person | None = None,
                                  G: nx.DiGraph | None = None, today: date | None = None
                                  ) -> ApprenticeshipImportResult:
    """Import apprenticeships from an uploaded file object (at most ``csv_input.MAX_BYTES``)."""
    return import_apprenticeships(session, read_upload(upload, SUMMARY), organisation, actor,
                                  G, today)


def _row_order(problem: Problem) -> int:
    """Sort key: problems of the file and header first, then by row number."""
    match = re.match(r"row (\d+)", problem.where)
    return int(match.group(1)) if match else 0


def status_named(value: str) -> str | None:
    """Return the status a cell names (its name or label, any case), or None."""
    wanted = _fold(value)
    return next((status for status, label in STATUSES.items()
                 if wanted in (_fold(status), _fold(label))), None)


def _fold(text: str) -> str:
    return re.sub(r"[\s_-]+", "_", text.strip().lower())


def parse_row(number: int, raw: dict[str, str], today: date,
              problems: list[Problem]) -> ApprenticeshipRow | None:
    """Check one row's values on their own; return it, or None with its problems collected."""
    found: list[Problem] = []
    problem = row_problems(number, found)
    email = parse_email(raw.get("email"), problem, "the apprentice's")
    for column, what in (("cohort", "the cohort's name"),
                         ("standard_code", "the apprenticeship standard's code, e.g. ST0510")):
        if not raw.get(column):
            problem(column, f"enter {what}")
    for column, limit in LIMITS.items():
        if len(raw.get(column, "")) > limit:
            problem(column, f"must be at most {limit} characters")
    start, end = _dates(raw, problem)
    hours = _required(raw, "weekly_hours", "the contracted hours a week", problem,
                      lambda value: parse_decimal(value, "weekly_hours", problem,
                                                  maximum=MAX_WEEKLY_HOURS, above_minimum=True,
                                                  what="a number of hours"))
    logged = parse_decimal(raw.get("otj_hours_logged"), "otj_hours_logged", problem,
                           what="a number of hours") or Decimal(0)
    review = parse_date(raw.get("last_review_date"), "last_review_date", problem)
    status = status_named(raw.get("status") or "active")
    if status is None:
        problem("status", f"{raw.get('status')!r} is not a status: use one of "
                          f"{', '.join(STATUSES.values())}")
    if status == "withdrawn" and raw.get("guaranteed_post"):
        problem("guaranteed_post", "a withdrawn apprenticeship cannot hold a post")
    if start is not None:
        _check_history(start, end, hours, logged, review, today, problem)
    problems.extend(found)
    if found or start is None or end is None or status is None:  # each None is a problem too
        return None
    return ApprenticeshipRow(number, email, raw["cohort"], raw["standard_code"].upper(), start,
                             end, hours, logged, review, status,
                             raw.get("guaranteed_post") or None)


def _required(raw: dict[str, str], column: str, what: str, problem, parse):
    """Parse a required cell, or report it empty."""
    if not raw.get(column):
        problem(column, f"enter {what}")
        return None
    return parse(raw[column])


def _dates(raw: dict[str, str], problem) -> tuple[date | None, date | None]:
    """Read the start and planned end: both required, plausible, and the end after the start."""
    found = {}
    for column, what in (("start_date", "the start date"),
                         ("planned_end_date", "the planned end date")):
        day = _required(raw, column, what, problem,
                        lambda value, column=column: parse_date(value, column, problem))
        if day is not None and not EARLIEST <= day <= LATEST:
            problem(column, f"{day.isoformat()} is not a likely date: check the year")
            day = None
        found[column] = day
    start, end = found["start_date"], found["planned_end_date"]
    if start and end and end <= start:
        problem("planned_end_date", "must be after the start date")
    return start, end


def _check_history(start: date, end: date | None, weekly_hours: Decimal | None,
                   logged: Decimal, review: date | None, today: date, problem) -> None:
    """Check the hours logged and the last review against the start, the limits and today."""
    if review is not None:
        if review < start:
            problem("last_review_date", f"cannot be before the start on {start.isoformat()}")
        elif review > today:
            problem("last_review_date", "cannot be in the future")
    if not logged or end is None:
        return
    dated = min(today, end)
    if dated < start:
        problem("otj_hours_logged", f"no hours can be logged yet: the apprenticeship starts "
                                    f"on {start.isoformat()}")
    elif weekly_hours is not None and logged > (room := otj_hours_that_fit(start, dated,
                                                                            weekly_hours)):
        problem("otj_hours_logged", f"{logged} hours is more than fit from the start on "
                                    f"{start.isoformat()} to {dated.isoformat()} at 24 hours "
                                    f"a day and {weekly_hours} hours a week (at most {room})")


def _match_people(session: Session, organisation: Organisation, rows: list[ApprenticeshipRow],
                  problems: list[Problem]) -> None:
    """Find each row's person: they must already work for the organisation."""
    emails = list(dict.fromkeys(row.email for row in rows))
    people: dict[str, Person] = {}
    for first in range(0, len(emails), 500):
        people.update((person.email, person) for person in session.scalars(
            select(Person).where(Person.email.in_(emails[first:first + 500]))))
    for row in rows:
        person = people.get(row.email)
        where = f"row {row.number}: email"
        if person is None:
            problems.append(Problem(where, f"nobody with the email address {row.email} works "
                                           f"for {organisation.name}: {STAFF_IMPORT_HINT}"))
        elif person.organisation_id != organisation.id:
            problems.append(Problem(where, f"{row.email} works for another organisation, not "
                                           f"{organisation.name}"))
        else:
            row.person = person


def _match_cohorts(session: Session, organisation: Organisation,
                   rows: list[ApprenticeshipRow], problems: list[Problem]
                   ) -> dict[str, NewCohort]:
    """Match rows to existing cohorts, and plan the new ones (on the standard's programme)."""
    existing = {cohort.name.casefold(): cohort for cohort in session.scalars(
        select(Cohort).where(Cohort.organisation_id == organisation.id))}
    by_code: dict[str, list[Programme]] = defaultdict(list)
    for programme, code in session.execute(
            select(Programme, Qualification.standard_code)
            .join(Qualification, Qualification.id == Programme.qualification_id)
            .where(Programme.organisation_id == organisation.id).order_by(Programme.name)):
        by_code[(code or "").upper()].append(programme)
    new_rows: dict[str, list[ApprenticeshipRow]] = defaultdict(list)
    for row in rows:
        cohort = existing.get(row.cohort_key)
        if cohort is None:
            new_rows[row.cohort_key].append(row)
            continue
        code = (cohort.programme.qualification.standard_code or "").upper()
        if code != row.standard_code:
            problems.append(Problem(f"row {row.number}: standard_code", f"{cohort.name} is a "
                                    f"cohort of {cohort.programme.name} ({code}), not of "
                                    f"{row.standard_code}"))
        else:
            row.cohort, row.programme = cohort, cohort.programme
    return {key: plan for key, members in new_rows.items()
            if (plan := _plan_cohort(organisation, members, by_code, problems)) is not None}


def _plan_cohort(organisation: Organisation, rows: list[ApprenticeshipRow],
                 by_code: dict[str, list[Programme]], problems: list[Problem]
                 ) -> NewCohort | None:
    """Plan a new cohort from its rows: one standard, on the organisation's one programme."""
    first = rows[0]
    for row in rows[1:]:
        if row.standard_code != first.standard_code:
            problems.append(Problem(f"row {row.number}: standard_code", f"the new cohort "
                                    f"{first.cohort_name!r} is for {first.standard_code} in row "
                                    f"{first.number}"))
    programmes = by_code.get(first.standard_code, [])
    listed = ", ".join(str(row.number) for row in rows)
    where = f"row {first.number}: standard_code"
    if not programmes:
        problems.append(Problem(where, f"{organisation.name} has no programme for the standard "
                                f"{first.standard_code}, so the new cohort "
                                f"{first.cohort_name!r} (rows {listed}) cannot be created: set "
                                "up the programme with its training provider first"))
        return None
    if len(programmes) > 1:
        names = ", ".join(programme.name for programme in programmes)
        problems.append(Problem(where, f"{organisation.name} has {len(programmes)} programmes "
                                f"for the standard {first.standard_code} ({names}), so the new "
                                f"cohort {first.cohort_name!r} (rows {listed}) cannot be "
                                "placed: create the cohort on the right programme first"))
        return None
    for row in rows:
        row.programme = programmes[0]
    return NewCohort(first.cohort_name, programmes[0], min(row.start_date for row in rows),
                     max(row.planned_end_date for row in rows))


def _refuse_enrolled(session: Session, rows: list[ApprenticeshipRow],
                     problems: list[Problem]) -> None:
    """Refuse a person twice in a cohort: already enrolled, or twice in the file."""
    cohort_ids = {row.cohort.id for row in rows if row.cohort is not None}
    enrolled = set(session.execute(
        select(Apprenticeship.cohort_id, Apprenticeship.person_id)
        .where(Apprenticeship.cohort_id.in_(cohort_ids))).all()) if cohort_ids else set()
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        where = f"row {row.number}: email"
        seen = first.setdefault((row.cohort_key, row.email), row.number)
        if seen != row.number:
            problems.append(Problem(where, f"{row.email} is also in {row.cohort_name} in row "
                                           f"{seen}"))
        elif row.cohort is not None and row.person is not None and (
                row.cohort.id, row.person.id) in enrolled:
            problems.append(Problem(where, f"{row.email} is already enrolled in "
                                           f"{row.cohort.name}; change it on their "
                                           "apprenticeship page (an import only adds)"))


def _match_posts(session: Session, organisation: Organisation, rows: list[ApprenticeshipRow],
                 G: nx.DiGraph | None, problems: list[Problem]) -> None:
    """Find each guaranteed post: the organisation's, vacant, used once, fit for the programme."""
    posts = {post.reference.casefold(): post for post in session.scalars(
        select(Post).where(Post.organisation_id == organisation.id))}
    first: dict[str, int] = {}
    for row in rows:
        if not row.post_reference:
            continue
        where = f"row {row.number}: guaranteed_post"
        post = posts.get(row.post_reference.casefold())
        seen = first.setdefault(row.post_reference.casefold(), row.number)
        if post is None:
            problems.append(Problem(where, f"{organisation.name} has no post "
                                           f"{row.post_reference!r}: add it to the posts first"))
        elif seen != row.number:
            problems.append(Problem(where, f"post {post.reference} is also in row {seen}"))
        elif post.state != "vacant":
            problems.append(Problem(where, f"post {post.reference} is {post.state}, not "
                                           "vacant"))
        elif row.programme is not None and not _role_follows(G, row.programme, post):
            qualification = row.programme.qualification
            problems.append(Problem(where, f"the career pathway has no move from "
                                           f"{qualification.title} to {post.role.title}, so "
                                           f"post {post.reference} cannot be the guaranteed job"))
        else:
            row.post = post


def _role_follows(G: nx.DiGraph | None, programme: Programme | None, post: Post) -> bool:
    """Whether the post's role follows the programme's qualification (unknown: yes)."""
    return G is None or programme is None or G.has_edge(programme.qualification_id,
                                                        post.role_id)


def _write(session: Session, organisation: Organisation, rows: list[ApprenticeshipRow],
           new_cohorts: dict[str, NewCohort], actor: Person | None,
           today: date) -> ApprenticeshipImportResult:
    """Create the cohorts, apprenticeships, hours and reviews in one savepoint, with audit."""
    result = ApprenticeshipImportResult()
    _start_transaction(session)
    with session.begin_nested():
        cohorts = {key: create_cohort(session, plan.programme, name=plan.name,
                                      start_date=plan.start_date,
                                      planned_end_date=plan.planned_end_date, actor=actor)
                   for key, plan in new_cohorts.items()}
        result.cohorts = len(cohorts)
        for row in rows:
            try:
                _write_row(session, row, row.cohort or cohorts[row.cohort_key], actor, today,
                           result)
            except InvalidInput as refused:  # changed by someone else since the checks
                raise InvalidInput([Problem(f"row {row.number}: {p.where}", p.message)
                                    for p in refused.problems], SUMMARY) from refused
            except PathwayError as refused:
                raise InvalidInput([Problem(f"row {row.number}", str(refused))],
                                   SUMMARY) from refused
        session.flush()
        audit.record(session, actor, "import", "organisation", organisation.id,
                     f"apprenticeship import: {result.apprenticeships} apprenticeships, "
                     f"{result.cohorts} new cohorts",
                     {"apprenticeships": result.apprenticeships, "cohorts": result.cohorts,
                      "posts_reserved": result.posts_reserved, "reviews": result.reviews,
                      "otj_hours": float(result.otj_hours)}, concerns=organisation)
    return result


def _write_row(session: Session, row: ApprenticeshipRow, cohort: Cohort, actor: Person | None,
               today: date, result: ApprenticeshipImportResult) -> None:
    """Enrol one row's person, with their hours logged so far and their last review."""
    if row.person is None:  # every row was matched to its person before any is written
        raise PathwayError(f"nobody with the email address {row.email} works here")
    apprenticeship = enrol(session, cohort, row.person, start_date=row.start_date,
                           planned_end_date=row.planned_end_date,
                           weekly_hours=row.weekly_hours, post=row.post, status=row.status,
                           reason=REASON, actor=actor)
    result.apprenticeships += 1
    result.posts_reserved += row.post is not None
    if row.otj_hours:
        reviewer = actor.id if actor else None
        for worked_on, hours in spread_otj_hours(row.otj_hours, row.start_date,
                                                 min(today, row.planned_end_date),
                                                 row.weekly_hours):
            apprenticeship.otj_entries.append(OtjEntry(
                worked_on=worked_on, hours=hours, activity="other", note=OTJ_NOTE,
                state="approved", recorded_by_id=reviewer, reviewed_by_id=reviewer))
        result.otj_hours += row.otj_hours
    if row.last_review is not None:
        record_review(session, apprenticeship, held_on=row.last_review,
                      next_review_on=row.last_review + timedelta(days=REVIEW_EVERY_DAYS),
                      notes=REVIEW_NOTE, actor=actor, today=today)
        result.reviews += 1


def _start_transaction(session: Session) -> None:
    """Make sure the savepoint is inside a transaction, also on SQLite.

    Python's sqlite3 driver begins a transaction only before a write; a SAVEPOINT issued
    before any write starts the transaction itself, and releasing it would commit at once,
    out of the caller's hands. Beginning explicitly keeps the caller's commit or rollback
    in charge (PostgreSQL needs nothing). ``BEGIN IMMEDIATE`` takes SQLite's write lock at
    once (the import writes anyway), so the services' checks inside the savepoint read the
    latest rows and no other writer can slip in between a check and its write.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.dbapi_connection
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
