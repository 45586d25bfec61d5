"""The staff import: people from an HR export (CSV or XLSX), all-or-nothing, row-numbered.

The file's first row names the columns (any case, spaces or underscores); ``email`` and
``name`` are required, the others optional::

    email,name,staff_id,team,current_role,role_start_date,qualifications,target_role,roles
    ann@example.org,Ann Lee,E101,Home care,Care worker,2023-04-01,care-certificate,,staff

Roles and qualifications are ids or titles in any case; ``qualifications`` and ``roles``
(access roles: staff, manager, champion, lnd, admin, map_editor) hold several values
separated by ``;``.
Dates are YYYY-MM-DD or DD/MM/YYYY; a role start date must fall between 1 January 1900
(:data:`EARLIEST_START`) and a year after the day of the import (:data:`LATEST_START_MONTHS`):
anything else is a typing mistake. Rows are numbered as a spreadsheet shows them (the header
is row 1).

Every row is read and checked before anything is written; any problem and nothing is
written, and :class:`~pathways.errors.InvalidInput` lists every problem as
``row N: column: reason``. A file has no row limit: it is streamed and checked row by row,
then matched and written set-based in SQL (:mod:`pathways.people.staff_bulk`). Matching:

- a row updates the person with that email address, or else the person with that staff id
  in the organisation; other rows create people (with no password: they set one by
  resetting it);
- an email address that is someone's in another organisation is refused as one that
  "cannot be used", never saying whose or where (moving organisation is a separate action);
- a row whose email and staff id belong to two different people, or two rows that update
  one person, are refused;
- matched by staff id with another email address, the row changes the person's email only
  when they have no sign-in account (no password and no access role beyond staff:
  :func:`~pathways.people.accounts.has_sign_in_account`), with the old and new addresses in
  the audit; anyone with an account is refused, whoever imports: their email is how they
  sign in and reset their password, and only an administrator changes it
  (:func:`~pathways.people.accounts.change_email`).

An import only adds: an empty cell leaves the stored value as it is, held qualifications and
access roles are added and never removed; only an administrator or the command line grants
the lnd, admin and map_editor roles.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from datetime import date
from typing import IO

import networkx as nx
from sqlalchemy.orm import Session

from .. import audit, clock
from ..csv_input import (
    MAX_BYTES,
    parse_date,
    parse_email,
    read_upload,
    row_problems,
)
from ..dates import add_months, format_day
from ..errors import InvalidInput, Problem, UnknownNode
from ..lookup import resolve_node
from ..models import Organisation, Person
from ..snapshot import build_graph
from ..spreadsheets import iter_table
from . import staff_bulk
from .accounts import check_roles
from .staff_bulk import PRIVILEGED_ROLES, StaffRow

__all__ = ["COLUMNS", "PRIVILEGED_ROLES", "StaffImportResult", "StaffRow", "import_staff",
           "import_staff_upload", "parse_staff_row"]

COLUMNS = ("email", "name", "staff_id", "team", "current_role", "role_start_date",
           "qualifications", "target_role", "roles")
REQUIRED_COLUMNS = ("email", "name")
LIMITS = {"name": 200, "staff_id": 50, "team": 200}
SUMMARY = "The staff were not imported"
#: The earliest role start date an import accepts.
EARLIEST_START = date(1900, 1, 1)
#: How far after the day of the import a role start date may be (someone about to start).
LATEST_START_MONTHS = 12
#: The template's example row, in the order of ``COLUMNS`` (``pathways.spreadsheets``).
TEMPLATE_ROW = ("ann.lee@example.org", "Ann Lee", "E101", "Home care", "Care worker",
                date(2023, 4, 1), "Care Certificate", "senior-care-worker", "staff")


@dataclass
class StaffImportResult:
    """How many people an import created, updated and left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """The number of people in the file."""
        return self.created + self.updated + self.unchanged


def import_staff(session: Session, path_or_text: str | os.PathLike | bytes,
                 organisation: Organisation, actor: Person | None = None,
                 G: nx.DiGraph | None = None, today: date | None = None) -> StaffImportResult:
    """Create or update the organisation's people from an HR export (see the module docstring).

    Parameters
    ----------
    path_or_text : str, PathLike or bytes
        A path to the CSV or XLSX file (a ``Path``, or a string naming an existing file),
        or its contents (CSV text, or the file's bytes: ``spreadsheets.read_table``).
    organisation : Organisation
        Where the people work; people of other organisations are refused.
    actor : Person or None
        Who imports (None for the command line). The caller checks
        ``policy.can_import_staff``; only administrators and the command line may grant
        the lnd, admin and map_editor roles.
    G : networkx.DiGraph, optional
        The graph snapshot that roles and qualifications are resolved in (default: built
        from ``session``).
    today : date, optional
        The day of the import, for the latest role start date accepted (default: today).

    Returns
    -------
    StaffImportResult
        Counts of people created, updated and unchanged (flushed; the caller commits).

    Raises
    ------
    InvalidInput
        Listing every problem, as ``row N: column: reason``; nothing is written.

    Examples
    --------
    >>> import_staff(session, "email,name\\nsam@example.org,Sam Poole\\n", council)
    StaffImportResult(created=1, updated=0, unchanged=0)
    """
    G = G if G is not None else build_graph(session)
    today = today or clock.today()
    read: list[Problem] = []
    checked: list[Problem] = []
    session.flush()  # the people as the session holds them are what the rows match
    connection = session.connection()
    staff_bulk.create_tables(connection)
    try:
        staff_bulk.stage(connection, (
            row for number, raw in iter_table(path_or_text, COLUMNS, REQUIRED_COLUMNS, read,
                                              SUMMARY, "people")
            if (row := parse_staff_row(G, number, raw, checked, today)) is not None))
        problems = read + checked + staff_bulk.repeated_rows(connection)
        problems += staff_bulk.match_people(connection, organisation.id,
                                            actor is None or actor.has_role("admin"))
        if problems:
            raise InvalidInput(problems, SUMMARY)
        written = staff_bulk.write(connection, organisation.id, actor.id if actor else None,
                                   clock.today(), clock.now())
    finally:
        staff_bulk.drop_tables(connection)
    session.expire_all()  # the rows changed under the session's objects
    result = StaffImportResult(written.created, written.updated, written.unchanged)
    audit.record(session, actor, "import", "organisation", organisation.id,
                 f"staff import: {result.created} created, {result.updated} updated, "
                 f"{result.unchanged} unchanged",
                 {"created": result.created, "updated": result.updated,
                  "unchanged": result.unchanged}, concerns=organisation)
    session.flush()
    return result


def import_staff_upload(session: Session, upload: IO[bytes], organisation: Organisation,
                        actor: Person | None = None,
                        G: nx.DiGraph | None = None) -> StaffImportResult:
    """Import staff from an uploaded file object (read in full, at most ``MAX_BYTES``)."""
    return import_staff(session, read_upload(upload, SUMMARY, MAX_BYTES), organisation,
                        actor, G)


def parse_staff_row(G: nx.DiGraph, number: int, raw: dict[str, str],
                    problems: list[Problem], today: date | None = None) -> StaffRow | None:
    """Check one row's values; return it, or None with its problems collected.

    ``today`` is the day of the import (default: today), for the latest role start date.
    """
    found: list[Problem] = []
    problem = row_problems(number, found)
    email = parse_email(raw.get("email"), problem)
    if not raw.get("name"):
        problem("name", "enter the person's name")
    for column, limit in LIMITS.items():
        if len(raw.get(column, "")) > limit:
            problem(column, f"must be at most {limit} characters")
    row = StaffRow(number=number, email=email, name=raw.get("name", ""),
                   staff_id=raw.get("staff_id") or None, team=raw.get("team") or None)
    row.current_role = _node(G, raw.get("current_role"), "role", "current_role", problem)
    row.target_role = _node(G, raw.get("target_role"), "role", "target_role", problem)
    for name in _split(raw.get("qualifications")):
        held = _node(G, name, "qualification", "qualifications", problem)
        if held and held not in row.qualifications:
            row.qualifications.append(held)
    row.role_start_date = parse_date(raw.get("role_start_date"), "role_start_date", problem)
    if row.role_start_date is not None:
        _check_start(row.role_start_date, today or clock.today(), problem)
    row.roles = list(dict.fromkeys(role.lower() for role in _split(raw.get("roles"))))
    for message in check_roles(row.roles):
        problem("roles", message.replace("Unknown role", "unknown access role"))
    problems.extend(found)
    return None if found else row


@functools.lru_cache(maxsize=8)
def _latest_start(today: date) -> date:
    """The latest role start date an import on ``today`` takes (worked out once a day)."""
    return add_months(today, LATEST_START_MONTHS)


def _check_start(started: date, today: date, problem) -> None:
    """Report a role start date before 1900 or more than a year after the import."""
    latest = _latest_start(today)
    if started < EARLIEST_START:
        problem("role_start_date", f"{started.isoformat()} is before "
                f"{format_day(EARLIEST_START)}: check the year")
    elif started > latest:
        problem("role_start_date", f"{started.isoformat()} is more than a year from now "
                f"(the latest is {format_day(latest)}): check the year")


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _node(G: nx.DiGraph, name: str | None, kind: str, column: str, problem) -> str | None:
    """Resolve a role or qualification by id or title, reporting a miss or the wrong kind."""
    if not name:
        return None
    try:
        node = resolve_node(G, name)
    except UnknownNode as unknown:
        titles = G.graph.get("title_index", {})
        close = [t for t in unknown.suggestions
                 if G.nodes.get(titles.get(t.casefold()), {}).get("kind") == kind]
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        problem(column, f"no {kind} called {name!r}{hint}")
        return None
    found = G.nodes[node]["kind"]
    if found != kind:
        problem(column, f"{G.nodes[node]['title']!r} is a {found}, not a {kind}")
        return None
    return node
