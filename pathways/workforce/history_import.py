"""The role-history import: people's past and present roles, and leavers, from a file.

Columns ``email, role, start_date, end_date, leave_reason, destination, previous_sector``
(CSV or XLSX, read by ``pathways.spreadsheets.read_table``): one row per spell of a person
in a role at the organisation. A person's rows, by start date, must not overlap; a row that
ends on the day the next one starts is a move (promotion or sideways, as
``movements.kind_of_move`` says); a row with a ``destination`` is the person leaving (its
``end_date`` is the day they left); a person's first row, or one starting after they left,
is a starter (``previous_sector``). Each person's history in the organisation is replaced
by the file's, so importing the same file twice changes nothing. All-or-nothing: every
problem is reported as ``row N: column: reason`` and nothing is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import networkx as nx
from sqlalchemy import delete
from sqlalchemy.orm import Session

from .. import audit, clock
from ..csv_input import parse_date, parse_email, row_problems
from ..errors import InvalidInput, Problem, UnknownNode
from ..lookup import resolve_node
from ..models import (
    DESTINATIONS,
    LEAVE_REASONS,
    PREVIOUS_SECTORS,
    MoveKind,
    Organisation,
    Person,
    RoleSpell,
)
from ..people.accounts import find_person
from ..spreadsheets import read_table
from .movements import kind_of_move

COLUMNS = ("email", "role", "start_date", "end_date", "leave_reason", "destination",
           "previous_sector")
REQUIRED_COLUMNS = ("email", "role", "start_date")
MAX_ROWS = 20000
SUMMARY = "The role history was not imported"
#: The template's example row, in the order of ``COLUMNS``.
TEMPLATE_ROW = ("sam.poole@example.org", "Care worker", "2021-04-06", "2023-09-01", "career",
                "nhs", "not_working")


@dataclass
class HistoryRow:
    """One checked row: a spell of a person in a role."""

    number: int
    person: Person
    role_id: str
    started_on: date
    ended_on: date | None
    leave_reason: str | None
    destination: str | None
    previous_sector: str | None


def _choice(value: str, column: str, choices: dict[str, str], problem) -> str | None:
    """Read a value of a fixed list by its code or its words, in any case; empty is None."""
    text = value.strip().casefold()
    if not text:
        return None
    for code, label in choices.items():
        if text in (code, label.casefold(), code.replace("_", " ")):
            return code
    problem(column, f"{value!r} is not one of {', '.join(choices)}")
    return None


def _check_row(session: Session, G: nx.DiGraph, organisation: Organisation, number: int,
               row: dict[str, str], problems: list[Problem], today: date,
               people: dict[str, Person | None]) -> HistoryRow | None:
    problem = row_problems(number, problems)
    email = parse_email(row.get("email"), problem)
    if email and email not in people:
        people[email] = find_person(session, email)
    person = people.get(email) if email else None
    if email and person is None:
        problem("email", f"nobody with {email} works here: import them as staff first")
    elif person is not None and person.organisation_id != organisation.id:
        problem("email", f"{email} works for another organisation")
        person = None
    role_id = None
    try:
        role_id = resolve_node(G, row.get("role", "").strip() or "?")
    except UnknownNode as unknown:
        problem("role", str(unknown))
    if role_id is not None and G.nodes[role_id]["kind"] != "role":
        problem("role", f"{row['role']!r} is a qualification, not a role")
        role_id = None
    started_on = parse_date(row.get("start_date"), "start_date", problem)
    if not row.get("start_date"):
        problem("start_date", "enter the day the person started in the role")
    ended_on = parse_date(row.get("end_date"), "end_date", problem)
    for column, day in (("start_date", started_on), ("end_date", ended_on)):
        if day is not None and (day > today or day.year < 1900):
            problem(column, "must be from 1900 to today")
    if started_on and ended_on and ended_on <= started_on:
        problem("end_date", "must be after the start date")
    reason = _choice(row.get("leave_reason", ""), "leave_reason", LEAVE_REASONS, problem)
    destination = _choice(row.get("destination", ""), "destination", DESTINATIONS, problem)
    sector = _choice(row.get("previous_sector", ""), "previous_sector", PREVIOUS_SECTORS,
                     problem)
    if (reason or destination) and not row.get("end_date"):
        problem("end_date", "a leaver's row needs the day they left")
    if reason and not destination:
        problem("destination", "say where the leaver went (not_known if nobody knows)")
    if person is None or role_id is None or started_on is None:
        return None
    return HistoryRow(number, person, role_id, started_on, ended_on, reason, destination,
                      sector)


def _link(session: Session, rows: list[HistoryRow], problems: list[Problem]
          ) -> list[RoleSpell]:
    """Turn one person's rows into spells, each move linked to the spell before."""
    rows.sort(key=lambda row: row.started_on)
    spells: list[RoleSpell] = []
    before: HistoryRow | None = None
    for row in rows:
        problem = row_problems(row.number, problems)
        spell = RoleSpell(person_id=row.person.id, organisation_id=row.person.organisation_id,
                          role_id=row.role_id, started_on=row.started_on,
                          ended_on=row.ended_on, destination=row.destination,
                          leave_reason=row.leave_reason or (
                              "other" if row.destination else None))
        if before is not None and (before.ended_on is None
                                   or before.ended_on > row.started_on):
            problem("start_date", f"overlaps row {before.number} of the same person")
        if before is not None and before.ended_on == row.started_on and (
                before.destination is None):
            spell.from_role_id = before.role_id
            spell.move = kind_of_move(session, before.role_id, row.role_id)
            if row.previous_sector:
                problem("previous_sector", "only a starter has one: this row is a move")
        else:
            if before is not None and before.destination is None:
                problem("end_date" if before.ended_on else "start_date",
                        f"row {before.number} ends without the person leaving or moving: "
                        "give it a destination, or start this row on its end date")
            spell.move = MoveKind.JOINED
            spell.previous_sector = row.previous_sector or "not_known"
        spells.append(spell)
        before = row
    if before is not None and before.ended_on is not None and before.destination is None:
        row_problems(before.number, problems)(
            "destination", "the person's last role ended: say where they went, or add the "
                           "role they moved to")
    return spells


def import_history(session: Session, source: str | os.PathLike | bytes,
                   organisation: Organisation, G: nx.DiGraph, *, actor: Person | None = None,
                   today: date | None = None) -> int:
    """Replace the role history of the people in a file; return how many spells (flushed).

    Parameters
    ----------
    source : path, text or bytes
        The CSV or XLSX file (columns ``COLUMNS``; ``email``, ``role`` and ``start_date``
        required).
    organisation : Organisation
        Where everyone in the file works.
    G : networkx.DiGraph
        The map, to read roles by id or title.

    Returns
    -------
    int
        The number of spells written. Each person's current role and start come from their
        open spell; a person whose last spell is a leaver's is disabled.

    Raises
    ------
    InvalidInput
        Listing every problem as ``row N: column: reason``; nothing is written.

    Examples
    --------
    >>> import_history(session, "email,role,start_date\\nnobody@example.org,Care worker,"
    ...                "2024-01-01\\n", council, G, today=date(2026, 1, 1))
    Traceback (most recent call last):
    ...
    pathways.errors.InvalidInput: The role history was not imported (1 problem(s)):
      - row 2: email: nobody with nobody@example.org works here: import them as staff first
    """
    today = today or clock.today()
    problems: list[Problem] = []
    table = read_table(source, COLUMNS, REQUIRED_COLUMNS, problems, SUMMARY, MAX_ROWS,
                       noun="spells")
    people: dict[str, Person | None] = {}
    by_person: dict[int, list[HistoryRow]] = {}
    for number, row in table:
        checked = _check_row(session, G, organisation, number, row, problems, today, people)
        if checked is not None:
            by_person.setdefault(checked.person.id, []).append(checked)
    spells = {person_id: _link(session, rows, problems) for person_id, rows in by_person.items()}
    if problems:
        raise InvalidInput(problems, SUMMARY)
    if not table:
        raise InvalidInput([Problem("file", "has no rows")], SUMMARY)
    session.execute(delete(RoleSpell).where(RoleSpell.organisation_id == organisation.id,
                                            RoleSpell.person_id.in_(list(spells))))
    written = 0
    for rows in by_person.values():
        person = rows[0].person
        made = spells[person.id]
        session.add_all(made)
        written += len(made)
        last = made[-1]
        if last.ended_on is None:
            person.current_role_id, person.role_start_date = last.role_id, last.started_on
            person.active = True
        elif person.active:
            person.active = False
            person.session_generation += 1
    session.flush()
    audit.record(session, actor, "import", "organisation", organisation.id,
                 f"Imported the role history of {len(spells)} people ({written} spells)",
                 {"people": len(spells), "spells": written}, concerns=organisation)
    return written

