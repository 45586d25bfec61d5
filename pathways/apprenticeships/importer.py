"""The apprenticeship import: apprentices from a spreadsheet (CSV or XLSX), all-or-nothing.

The file's first row names the columns, in any order (any case, spaces or underscores)::

    email,cohort,standard_code,start_date,planned_end_date,weekly_hours,guaranteed_post
    ann@example.org,SWDA 2025,ST0510,2025-09-01,2028-08-31,37.5,SW-101

``email``, ``cohort``, ``standard_code``, ``start_date``, ``planned_end_date`` and
``weekly_hours`` are required; ``otj_hours_logged``, ``last_review_date``, ``status`` and
``guaranteed_post`` may be left out or empty. Dates are YYYY-MM-DD or DD/MM/YYYY. Rows are
numbered as a spreadsheet shows them (the header is row 1).

- **email**: someone who works for the organisation (any case). People are not created
  here: import them as staff first (the staff import, on the web or the command line).
- **cohort**: the cohort's name (any case). A cohort that does not exist yet is created on
  the organisation's programme for ``standard_code`` (there must be exactly one: programmes
  are contracts with a training provider, set up first), running from the earliest start to
  the latest planned end of its rows. An existing cohort's programme must be for that
  standard code.
- **weekly_hours**: contracted hours a week, more than 0 and at most 60 (part-time hours
  change the off-the-job hours required of starts before 1 August 2025).
- **otj_hours_logged**: off-the-job hours already logged elsewhere (0 when empty). They
  become approved entries, activity "other", noted "Hours logged before import", ending on
  the earlier of today and the planned end and kept to the log's limits
  (``records``: at most 24 hours a day, and the row's ``weekly_hours`` in an ISO week):
  ``rules.spread_otj_hours`` fills the latest days first, never before the start, and more
  hours than those days can hold is a problem of the row.
- **last_review_date**: the last progress review (not before the start, not in the
  future); recorded with the note "Imported", the next due 84 days later.
- **status**: one of ``rules.STATUSES`` (the name or its label, e.g. ``break in
  learning``); ``active`` when empty. It is recorded as the status from the start, with the
  reason "Imported".
- **guaranteed_post**: the reference of a vacant post of the organisation, reserved for the
  apprenticeship; each post at most once in a file.

Every row is read and checked before anything is written; any problem and nothing is
written, and :class:`~pathways.errors.InvalidInput` lists every problem as
``row N: column: reason``. **An import only adds**: a row for someone already in that cohort
is refused ("already enrolled; change it on their page"), so importing a file again changes
nothing and says which rows are already there.

**A file has no row limit** (an upload keeps its byte limit, ``csv_input.MAX_BYTES``): it is
read a row at a time, and what is kept of a row is its checked values and the ids it matched
(:class:`~pathways.apprenticeships.import_rows.ApprenticeshipRow`). The rows are matched
against lookups loaded in bulk, a few queries for the whole file
(:mod:`~pathways.apprenticeships.import_checks`), then written set-based, table by table,
``COPY`` on PostgreSQL (:mod:`~pathways.apprenticeships.import_writes`), inside a savepoint,
so a failure part-way undoes them all. The organisation is locked first
(``db.lock_for_update``: a row lock on PostgreSQL, the write lock on SQLite), so two imports
into one organisation take turns, and the second is told what the first already enrolled;
the posts the rows name are locked before their state is read, as ``setup.enrol`` does.
"""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import Decimal
from typing import IO

import networkx as nx
from sqlalchemy.orm import Session

from .. import audit, clock
from ..csv_input import (
    parse_date,
    parse_decimal,
    parse_email,
    read_upload,
    row_problems,
)
from ..db import lock_for_update
from ..errors import InvalidInput, Problem
from ..models import Organisation, Person
from ..spreadsheets import iter_table
from . import import_writes
from .import_checks import STAFF_IMPORT_HINT, check_rows
from .import_rows import ApprenticeshipRow
from .import_writes import OTJ_NOTE, REASON, REVIEW_NOTE, ApprenticeshipImportResult
from .rules import STATUSES, otj_hours_that_fit

__all__ = ["COLUMNS", "OTJ_NOTE", "REASON", "REQUIRED_COLUMNS", "REVIEW_NOTE",
           "STAFF_IMPORT_HINT", "ApprenticeshipImportResult", "ApprenticeshipRow",
           "import_apprenticeships", "import_apprenticeships_upload", "parse_row",
           "status_named"]

COLUMNS = ("email", "cohort", "standard_code", "start_date", "planned_end_date",
           "weekly_hours", "otj_hours_logged", "last_review_date", "status", "guaranteed_post")
REQUIRED_COLUMNS = ("email", "cohort", "standard_code", "start_date", "planned_end_date",
                    "weekly_hours")
MAX_WEEKLY_HOURS = Decimal(60)
#: Dates outside these years are taken for typing mistakes.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
LIMITS = {"cohort": 200, "standard_code": 10, "guaranteed_post": 50}
SUMMARY = "The apprenticeships were not imported"
#: The template's example row, in the order of ``COLUMNS`` (``pathways.spreadsheets``).
TEMPLATE_ROW = ("ann.lee@example.org", "Social work 2026", "ST0510", date(2026, 9, 1),
                date(2029, 8, 31), Decimal("37.5"), 0, None, "active", "")


def import_apprenticeships(session: Session, path_or_text: str | os.PathLike | bytes,
                           organisation: Organisation, actor: Person | None = None,
                           G: nx.DiGraph | None = None, today: date | None = None
                           ) -> ApprenticeshipImportResult:
    """Enrol the organisation's people on cohorts from a spreadsheet (see the module docstring).

    Parameters
    ----------
    path_or_text : str, PathLike or bytes
        A path to the CSV or XLSX file (a ``Path``, or a string naming an existing file),
        or its contents (CSV text, or the file's bytes: ``spreadsheets.iter_table``). Any
        number of rows.
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
    sqlalchemy.exc.IntegrityError
        When the database refuses a row someone else saved at the same moment (an
        enrolment made on its page meanwhile); nothing is written.

    Examples
    --------
    Not run as a doctest: it needs a programme for the file's standard and a file to read
    (``tests/domain/test_apprenticeship_import.py`` has both).

    >>> import_apprenticeships(session, open("cohort.csv").read(), council)  # doctest: +SKIP
    ApprenticeshipImportResult(apprenticeships=12, cohorts=1, ...)
    """
    today = today or clock.today()
    problems: list[Problem] = []
    rows = [parsed for number, raw in iter_table(path_or_text, COLUMNS, REQUIRED_COLUMNS,
                                                 problems, SUMMARY, "apprentices")
            if (parsed := parse_row(number, raw, today, problems)) is not None]
    lock_for_update(session, organisation)  # imports into one organisation take turns
    targets = check_rows(session, organisation, rows, G, problems)
    if problems:
        raise InvalidInput(sorted(problems, key=_row_order), SUMMARY)
    context = import_writes.Context(organisation.id, actor.id if actor else None, today,
                                    clock.now())
    with session.begin_nested():  # a failure part-way undoes every table's rows
        result = import_writes.write(session.connection(), rows, targets, context, SUMMARY)
    session.expire_all()  # the rows changed under the session's objects
    audit.record(session, actor, "import", "organisation", organisation.id,
                 f"apprenticeship import: {result.apprenticeships} apprenticeships, "
                 f"{result.cohorts} new cohorts",
                 {"apprenticeships": result.apprenticeships, "cohorts": result.cohorts,
                  "posts_reserved": result.posts_reserved, "reviews": result.reviews,
                  "otj_hours": float(result.otj_hours)}, concerns=organisation)
    session.flush()
    return result


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
    elif weekly_hours is not None and logged > _surely_fits(start, dated, weekly_hours) \
            and logged > (room := otj_hours_that_fit(start, dated, weekly_hours)):
        problem("otj_hours_logged", f"{logged} hours is more than fit from the start on "
                                    f"{start.isoformat()} to {dated.isoformat()} at 24 hours "
                                    f"a day and {weekly_hours} hours a week (at most {room})")


def _surely_fits(start: date, last: date, weekly_hours: Decimal) -> Decimal:
    """Hours that certainly fit from ``start`` to ``last``: at most ``otj_hours_that_fit``.

    Every whole ISO week in the range holds the weekly hours (at most 60, under 7 x 24), and
    the range holds at least (days - 12) // 7 whole weeks (a week cut short at each end has
    at most 6 days), so most rows are settled without counting week by week.

    >>> from datetime import date
    >>> _surely_fits(date(2025, 9, 1), date(2025, 9, 28), Decimal("37.5"))
    Decimal('75.0')
    """
    weeks = max(0, ((last - start).days + 1 - 12) // 7)
    return weekly_hours * weeks

