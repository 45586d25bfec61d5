"""The staff import as it was before issue 14: row by row through the ORM (the baseline).

Kept only for ``bench_scale.py``, which times it on a sample against the set-based import
(``pathways.people.staff_import``). The code is the import of commit b58def8, with its
imports made absolute; it is not used by the application.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from typing import IO

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import audit, clock
from pathways.csv_input import (
    MAX_BYTES,
    parse_date,
    parse_email,
    read_upload,
    row_problems,
)
from pathways.dates import add_months, format_day
from pathways.errors import InvalidInput, Problem, UnknownNode
from pathways.lookup import resolve_node
from pathways.models import HeldQualification, Organisation, Person, PersonRole
from pathways.people.accounts import (
    EMAIL_CANNOT_BE_USED,
    check_roles,
    create_person,
    has_sign_in_account,
    team_named,
)
from pathways.snapshot import build_graph
from pathways.spreadsheets import read_table

COLUMNS = ("email", "name", "staff_id", "team", "current_role", "role_start_date",
           "qualifications", "target_role", "roles")
REQUIRED_COLUMNS = ("email", "name")
#: Access roles only an administrator (or the command line) may hand out.
PRIVILEGED_ROLES = ("lnd", "admin", "map_editor")
MAX_ROWS = 5000
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


@dataclass
class StaffRow:
    """One checked row of the file; ``person`` is the existing person it updates, if any."""

    number: int
    email: str
    name: str
    staff_id: str | None = None
    team: str | None = None
    current_role: str | None = None
    role_start_date: date | None = None
    qualifications: list[str] = field(default_factory=list)
    target_role: str | None = None
    roles: list[str] = field(default_factory=list)
    person: Person | None = None


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
    problems: list[Problem] = []
    rows = [parsed for number, raw in read_table(path_or_text, COLUMNS, REQUIRED_COLUMNS,
                                                  problems, SUMMARY, MAX_ROWS, "people")
            if (parsed := parse_staff_row(G, number, raw, problems, today)) is not None]
    _refuse_duplicates(rows, problems)
    _match_people(session, organisation, rows, actor, problems)
    if problems:
        raise InvalidInput(problems, SUMMARY)
    return _write(session, organisation, rows, actor)


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


def _check_start(started: date, today: date, problem) -> None:
    """Report a role start date before 1900 or more than a year after the import."""
    latest = add_months(today, LATEST_START_MONTHS)
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


def _refuse_duplicates(rows: list[StaffRow], problems: list[Problem]) -> None:
    """Report a second row with the same email address or staff id."""
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        for column, value in (("email", row.email), ("staff_id", row.staff_id)):
            if not value:
                continue
            seen = first.setdefault((column, value.casefold()), row.number)
            if seen != row.number:
                problems.append(Problem(f"row {row.number}: {column}",
                                        f"{value!r} is also in row {seen}"))


def _match_people(session: Session, organisation: Organisation, rows: list[StaffRow],
                  actor: Person | None, problems: list[Problem]) -> None:
    """Find the person each row updates, refusing other organisations' people and conflicts."""
    by_email = {person.email: person for person in _load(session, Person.email,
                                                         [row.email for row in rows])}
    by_staff_id = {person.staff_id: person for person in _load(
        session, Person.staff_id, [row.staff_id for row in rows if row.staff_id],
        Person.organisation_id == organisation.id)}
    matched: dict[int, int] = {}
    for row in rows:
        where = f"row {row.number}"
        person = by_email.get(row.email)
        if person is not None and person.organisation_id != organisation.id:
            # Whose it is and where they work are not the importer's to learn.
            problems.append(Problem(f"{where}: email",
                                    EMAIL_CANNOT_BE_USED.format(email=row.email)))
            continue
        namesake = by_staff_id.get(row.staff_id) if row.staff_id else None
        if person is not None and namesake is not None and namesake is not person:
            problems.append(Problem(f"{where}: staff_id", f"{row.staff_id!r} is the staff id of "
                                    f"{namesake.email}, not of {row.email}"))
            continue
        person = person or namesake
        if person is None:
            continue
        if person.id in matched:
            problems.append(Problem(where, f"updates the same person as row {matched[person.id]}"))
            continue
        matched[person.id] = row.number
        row.person = person
        if person.email != row.email and has_sign_in_account(person):
            problems.append(Problem(f"{where}: email", (
                f"staff id {row.staff_id!r} is {person.email}, who has a sign-in account: an "
                "import never changes the email address someone signs in with (an "
                "administrator changes it on their account page)")))
    if actor is None or actor.has_role("admin"):
        return
    for row in rows:
        held = set(row.person.role_names) if row.person else set()
        for role in PRIVILEGED_ROLES:
            if role in row.roles and role not in held:
                problems.append(Problem(f"row {row.number}: roles", "only an administrator can "
                                        f"grant the {role!r} access role"))


def _load(session: Session, column, values: list[str], *criteria) -> list[Person]:
    """Return the people whose ``column`` is one of ``values`` (in batches)."""
    values = list(dict.fromkeys(values))
    found: list[Person] = []
    for start in range(0, len(values), 500):
        found += session.scalars(select(Person).where(
            column.in_(values[start:start + 500]), *criteria)).all()
    return found


def _write(session: Session, organisation: Organisation, rows: list[StaffRow],
           actor: Person | None) -> StaffImportResult:
    """Create or update every checked row's person, with audit events."""
    result = StaffImportResult()
    for row in rows:
        if row.person is None:
            _create(session, organisation, row, actor)
            result.created += 1
        elif _update(session, organisation, row, row.person, actor):
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    audit.record(session, actor, "import", "organisation", organisation.id,
                 f"staff import: {result.created} created, {result.updated} updated, "
                 f"{result.unchanged} unchanged",
                 {"created": result.created, "updated": result.updated,
                  "unchanged": result.unchanged}, concerns=organisation)
    return result


def _create(session: Session, organisation: Organisation, row: StaffRow,
            actor: Person | None) -> Person:
    person = create_person(session, email=row.email, name=row.name, organisation=organisation,
                           roles=row.roles or ["staff"],
                           team=team_named(session, organisation, row.team), actor=actor)
    person.staff_id = row.staff_id
    person.current_role_id = row.current_role
    person.role_start_date = row.role_start_date
    person.target_role_id = row.target_role
    person.qualifications = [HeldQualification(qualification_id=q, evidence="Staff import")
                             for q in row.qualifications]
    return person


def _update(session: Session, organisation: Organisation, row: StaffRow, person: Person,
            actor: Person | None) -> bool:
    """Apply a row to its existing (matched) person; return whether anything changed."""
    changed: list[str] = []
    old_email = person.email
    wanted = {"email": row.email, "name": row.name, "staff_id": row.staff_id,
              "current_role_id": row.current_role, "role_start_date": row.role_start_date,
              "target_role_id": row.target_role}
    for attribute, value in wanted.items():
        if value is not None and getattr(person, attribute) != value:
            setattr(person, attribute, value)
            changed.append(attribute)
    if row.team and (person.team is None or person.team.name != row.team):
        person.team = team_named(session, organisation, row.team)
        changed.append("team")
    held = {q.qualification_id for q in person.qualifications}
    added = [q for q in row.qualifications if q not in held]
    for qualification_id in added:  # one removed earlier is restored, with its evidence
        person.hold_qualification(qualification_id, evidence="Staff import")
    granted = [role for role in row.roles if not person.has_role(role)]
    person.access += [PersonRole(role=role, scope="organisation") for role in granted]
    changed += (["qualifications"] if added else []) + (["roles"] if granted else [])
    if not changed:
        return False
    details: dict = {"fields": changed, **({"roles_added": granted} if granted else {})}
    if "email" in changed:  # someone with no sign-in account yet (see _match_people)
        details.update(old_email=old_email, new_email=person.email)
    audit.record(session, actor, "update", "person", person.id,
                 f"updated by staff import: {', '.join(changed)}", details, concerns=person)
    return True

