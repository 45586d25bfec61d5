"""The staff import's set-based half: a file's checked rows staged, matched and written in SQL.

:func:`pathways.people.staff_import.import_staff` checks each row's values as it streams the
file and hands the rows here. They go into temporary tables (``COPY`` on PostgreSQL, batches
of ``INSERT`` on SQLite: :mod:`pathways.bulk`); then a few statements, whatever the number of
rows, find repeated rows, match rows to people and refuse what the matching rules refuse, each
problem named by its row; and if nothing was refused, the people are created and updated in
batches (a few statements per 5,000 rows, not per row). The rules are the module docstring of
``staff_import``; these are only how they run at size. The temporary tables are dropped when
the import ends either way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.exc import DBAPIError

from .. import bulk
from ..errors import Problem
from ..models import (
    AuditEvent,
    HeldQualification,
    OrganisationMembership,
    Person,
    PersonRole,
    Team,
)
from .accounts import EMAIL_CANNOT_BE_USED

#: Rows staged, matched or written per batch.
BATCH = 5000
#: Access roles only an administrator (or the command line) may hand out, in report order.
PRIVILEGED_ROLES = ("lnd", "admin", "map_editor")
EVIDENCE = "Staff import"
SIGN_IN_EMAIL = ("staff id {staff_id!r} is {email}, who has a sign-in account: an import never "
                 "changes the email address someone signs in with (an administrator changes it "
                 "on their account page)")
#: The person's columns a row sets when its cell is filled, in the order the audit names them.
FIELDS = (("email", "email"), ("name", "name"), ("staff_id", "staff_id"),
          ("current_role_id", "current_role"), ("role_start_date", "role_start_date"),
          ("target_role_id", "target_role"))

staging = MetaData()
ROWS = Table(
    "staff_import_rows", staging,
    Column("number", Integer, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("name", String(200), nullable=False),
    Column("staff_id", String(50)),
    Column("team", String(200)),
    Column("current_role", String(80)),
    Column("role_start_date", Date),
    Column("target_role", String(80)),
    Column("created_roles", Text, nullable=False),  # the create event's details, as JSON
    Column("by_email", Integer),
    Column("email_organisation", Integer),
    Column("by_staff_id", Integer),
    Column("person_id", Integer),
    Column("created", Boolean, nullable=False, default=False),
    prefixes=["TEMPORARY"])
ROLES = Table("staff_import_roles", staging,
              Column("number", Integer, nullable=False, index=True),
              Column("role", String(20), nullable=False), prefixes=["TEMPORARY"])
QUALIFICATIONS = Table("staff_import_qualifications", staging,
                       Column("number", Integer, nullable=False, index=True),
                       Column("position", Integer, nullable=False),
                       Column("qualification_id", String(80), nullable=False),
                       prefixes=["TEMPORARY"])
UPDATES = Table(
    "staff_import_updates", staging,
    Column("id", Integer, primary_key=True),
    *(Column(name, String(254)) for name in ("email", "name", "staff_id", "current_role_id",
                                             "target_role_id")),
    Column("role_start_date", Date), Column("team_id", Integer), prefixes=["TEMPORARY"])
TABLES = (ROWS, ROLES, QUALIFICATIONS, UPDATES)


@dataclass
class StaffRow:
    """One checked row of the file (``staff_import.parse_staff_row``)."""

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


def create_tables(connection: Connection) -> None:
    """Create the staging tables (temporary: this connection's only)."""
    drop_tables(connection)
    staging.create_all(connection)


def drop_tables(connection: Connection) -> None:
    """Drop the staging tables; a connection whose transaction failed is left to roll back."""
    try:
        for table in reversed(TABLES):
            connection.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
    except DBAPIError:
        pass


def stage(connection: Connection, rows: Iterable[StaffRow]) -> int:
    """Write checked rows into the staging tables, a batch at a time; return how many."""
    count = 0
    batch: list[StaffRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            count += _stage_batch(connection, batch)
            batch = []
    count += _stage_batch(connection, batch)
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"ANALYZE {ROWS.name}"))
    return count


def _stage_batch(connection: Connection, batch: list[StaffRow]) -> int:
    bulk.write_rows(connection, ROWS, ({
        "number": row.number, "email": row.email, "name": row.name, "staff_id": row.staff_id,
        "team": row.team, "current_role": row.current_role,
        "role_start_date": row.role_start_date, "target_role": row.target_role,
        "created_roles": json.dumps({"roles": row.roles or ["staff"]}), "created": False}
        for row in batch))
    bulk.write_rows(connection, ROLES, ({"number": row.number, "role": role}
                                        for row in batch for role in row.roles))
    bulk.write_rows(connection, QUALIFICATIONS, (
        {"number": row.number, "position": position, "qualification_id": qualification}
        for row in batch for position, qualification in enumerate(row.qualifications)))
    return len(batch)


# Checking ------------------------------------------------------------------------------------


def repeated_rows(connection: Connection) -> list[Problem]:
    """A second row with the same email address or staff id (any case), by row."""
    found = []
    for column, key in (("email", ROWS.c.email), ("staff_id", func.lower(ROWS.c.staff_id))):
        first = func.min(ROWS.c.number).over(partition_by=key)
        ranked = select(ROWS.c.number, ROWS.c[column].label("value"),
                        first.label("first")).where(ROWS.c[column].is_not(None)).subquery()
        found += [(number, column, value, first) for number, value, first in connection.execute(
            select(ranked).where(ranked.c.number != ranked.c.first))]
    found.sort(key=lambda item: (item[0], item[1] != "email"))
    return [Problem(f"row {number}: {column}", f"{value!r} is also in row {first}")
            for number, column, value, first in found]


def match_people(connection: Connection, organisation_id: int, actor_is_admin: bool
                 ) -> list[Problem]:
    """Find the person each row updates; return what the matching rules refuse, by row.

    ``actor_is_admin`` is True for an administrator or the command line (who may grant the
    privileged access roles).
    """
    people = Person.__table__
    connection.execute(update(ROWS).values(by_email=people.c.id,
                                           email_organisation=people.c.organisation_id)
                       .where(people.c.email == ROWS.c.email))
    connection.execute(update(ROWS).values(by_staff_id=people.c.id).where(
        people.c.organisation_id == organisation_id, people.c.staff_id == ROWS.c.staff_id))
    other_organisation = and_(ROWS.c.email_organisation.is_not(None),
                              ROWS.c.email_organisation != organisation_id)
    two_people = ROWS.c.by_email != ROWS.c.by_staff_id
    connection.execute(update(ROWS).values(person_id=case(
        (other_organisation, None), (two_people, None),
        else_=func.coalesce(ROWS.c.by_email, ROWS.c.by_staff_id))))
    problems, repeated = _match_problems(connection, organisation_id)
    if not actor_is_admin:
        problems += _privileged_problems(connection, repeated)
    return problems


def _match_problems(connection: Connection, organisation_id: int
                    ) -> tuple[list[Problem], set[int]]:
    people = Person.__table__
    namesake, matched = people.alias("namesake"), people.alias("matched")
    ranked = select(ROWS, func.min(ROWS.c.number).over(partition_by=ROWS.c.person_id)
                    .label("first")).subquery()
    account = or_(matched.c.password_hash.is_not(None), exists().where(
        PersonRole.person_id == matched.c.id, PersonRole.role != "staff"))
    query = (select(ranked.c.number, ranked.c.email, ranked.c.staff_id,
                    ranked.c.email_organisation, ranked.c.by_email, ranked.c.by_staff_id,
                    ranked.c.person_id, ranked.c.first, namesake.c.email.label("namesake"),
                    matched.c.email.label("matched_email"), account.label("account"))
             .outerjoin(namesake, namesake.c.id == ranked.c.by_staff_id)
             .outerjoin(matched, matched.c.id == ranked.c.person_id)
             .where(or_(ranked.c.person_id.is_(None) & ranked.c.by_email.is_not(None),
                        ranked.c.person_id.is_not(None) & (ranked.c.first != ranked.c.number),
                        matched.c.email != ranked.c.email))
             .order_by(ranked.c.number))
    problems: list[Problem] = []
    repeated: set[int] = set()
    for row in connection.execute(query):
        where = f"row {row.number}"
        if row.email_organisation is not None and row.email_organisation != organisation_id:
            # Whose it is and where they work are not the importer's to learn.
            problems.append(Problem(f"{where}: email",
                                    EMAIL_CANNOT_BE_USED.format(email=row.email)))
        elif row.person_id is None:  # the email's and the staff id's people differ
            problems.append(Problem(f"{where}: staff_id", f"{row.staff_id!r} is the staff id "
                                    f"of {row.namesake}, not of {row.email}"))
        elif row.first != row.number:
            problems.append(Problem(where, f"updates the same person as row {row.first}"))
            repeated.add(row.number)
        elif row.matched_email != row.email and row.account:
            problems.append(Problem(f"{where}: email", SIGN_IN_EMAIL.format(
                staff_id=row.staff_id, email=row.matched_email)))
    return problems, repeated


def _privileged_problems(connection: Connection, repeated: set[int]) -> list[Problem]:
    """Rows granting lnd, admin or map_editor to someone without it, by row and role."""
    held = exists().where(PersonRole.person_id == ROWS.c.person_id,
                          PersonRole.role == ROLES.c.role)
    order = case({role: position for position, role in enumerate(PRIVILEGED_ROLES)},
                 value=ROLES.c.role)
    query = (select(ROLES.c.number, ROLES.c.role, held.label("held"))
             .join(ROWS, ROWS.c.number == ROLES.c.number)
             .where(ROLES.c.role.in_(PRIVILEGED_ROLES)).order_by(ROLES.c.number, order))
    return [Problem(f"row {number}: roles", "only an administrator can grant the "
                    f"{role!r} access role")
            for number, role, has in connection.execute(query)
            if not has or number in repeated]


# Writing -------------------------------------------------------------------------------------


@dataclass
class Written:
    """How many people were created, updated and left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


def write(connection: Connection, organisation_id: int, actor_id: int | None, today: date,
          now: datetime) -> Written:
    """Create and update the matched people (after :func:`match_people` found no problem).

    ``today`` is the day new people's membership of the organisation starts; ``now`` stamps
    the audit events.
    """
    _add_teams(connection, organisation_id)
    teams = dict(connection.execute(select(Team.name, Team.id).where(
        Team.organisation_id == organisation_id)).all())
    written = Written()
    for chunk in _matched_chunks(connection):
        _update_chunk(connection, chunk, teams, actor_id, organisation_id, now, written)
    _apply_updates(connection)
    written.created = _create_people(connection, organisation_id, actor_id, today, now)
    return written


def _add_teams(connection: Connection, organisation_id: int) -> None:
    """Create the teams the file names that the organisation does not have yet."""
    named = select(ROWS.c.team).where(ROWS.c.team.is_not(None)).distinct().subquery()
    connection.execute(insert(Team).from_select(
        ["organisation_id", "name"],
        select(literal(organisation_id), named.c.team).where(~exists().where(
            Team.organisation_id == organisation_id, Team.name == named.c.team))
        .order_by(named.c.team)))


def _matched_chunks(connection: Connection) -> Iterator[Sequence[Any]]:
    """The rows that update someone, with the person as stored, a batch at a time."""
    people = Person.__table__
    query = (select(ROWS, people.c.email.label("was_email"), people.c.name.label("was_name"),
                    people.c.staff_id.label("was_staff_id"),
                    people.c.current_role_id.label("was_current_role"),
                    people.c.role_start_date.label("was_role_start_date"),
                    people.c.target_role_id.label("was_target_role"),
                    people.c.team_id.label("was_team_id"), Team.name.label("was_team"))
             .join(people, people.c.id == ROWS.c.person_id)
             .outerjoin(Team, Team.id == people.c.team_id)
             .order_by(ROWS.c.number).limit(BATCH))
    after = 0
    while chunk := connection.execute(query.where(ROWS.c.number > after)).all():
        yield chunk
        after = chunk[-1].number


def _update_chunk(connection: Connection, chunk: Sequence[Any], teams: dict[str, int],
                  actor_id: int | None, organisation_id: int, now: datetime,
                  written: Written) -> None:
    """Work out and write what a batch of rows changes for the people they match."""
    ids = [row.person_id for row in chunk]
    held: dict[int, set[str]] = {}
    removed: dict[tuple[int, str], int] = {}
    for person_id, qualification_id, held_id, removed_on in connection.execute(
            select(HeldQualification.person_id, HeldQualification.qualification_id,
                   HeldQualification.id, HeldQualification.removed_on)
            .where(HeldQualification.person_id.in_(ids)).order_by(HeldQualification.id)):
        if removed_on is None:
            held.setdefault(person_id, set()).add(qualification_id)
        else:
            removed.setdefault((person_id, qualification_id), held_id)
    roles_held: dict[int, set[str]] = {}
    for person_id, role in connection.execute(select(PersonRole.person_id, PersonRole.role)
                                              .where(PersonRole.person_id.in_(ids))):
        roles_held.setdefault(person_id, set()).add(role)
    first, last = chunk[0].number, chunk[-1].number
    wanted_roles = _by_number(connection, select(ROLES.c.number, ROLES.c.role).where(
        ROLES.c.number.between(first, last)))
    wanted_qualifications = _by_number(connection, select(
        QUALIFICATIONS.c.number, QUALIFICATIONS.c.qualification_id).where(
        QUALIFICATIONS.c.number.between(first, last)).order_by(
        QUALIFICATIONS.c.number, QUALIFICATIONS.c.position))
    updates, restored, new_held, grants, events = [], [], [], [], []
    for row in chunk:
        person = row.person_id
        values = {"id": person, "team_id": row.was_team_id}
        changed = []
        for attribute, column in FIELDS:
            value, was = getattr(row, column), getattr(row, f"was_{column}")
            values[attribute] = was
            if value is not None and value != was:
                values[attribute] = value
                changed.append(attribute)
        if row.team and (row.was_team_id is None or row.was_team != row.team):
            values["team_id"] = teams[row.team]
            changed.append("team")
        mine = held.get(person, set())
        added = [q for q in wanted_qualifications.get(row.number, []) if q not in mine]
        for qualification_id in added:
            if (person, qualification_id) in removed:
                restored.append(removed[(person, qualification_id)])
            else:
                new_held.append({"person_id": person, "qualification_id": qualification_id,
                                 "evidence": EVIDENCE})
        granted = [role for role in wanted_roles.get(row.number, [])
                   if role not in roles_held.get(person, set())]
        grants += [{"person_id": person, "role": role, "scope": "organisation"}
                   for role in granted]
        changed += (["qualifications"] if added else []) + (["roles"] if granted else [])
        if not changed:
            written.unchanged += 1
            continue
        written.updated += 1
        if any(name not in ("qualifications", "roles") for name in changed):
            updates.append(values)
        details: dict = {"fields": changed, **({"roles_added": granted} if granted else {})}
        if "email" in changed:
            details.update(old_email=row.was_email, new_email=row.email)
        events.append({"at": now, "actor_id": actor_id, "organisation_id": organisation_id,
                       "action": "update", "entity_type": "person", "entity_id": str(person),
                       "summary": f"updated by staff import: {', '.join(changed)}",
                       "details": details})
    bulk.write_rows(connection, UPDATES, updates)
    if restored:
        table = HeldQualification.__table__
        connection.execute(update(table).where(table.c.id.in_(restored)).values(
            removed_on=None, evidence=case((table.c.evidence == "", EVIDENCE),
                                           else_=table.c.evidence)))
    bulk.write_rows(connection, HeldQualification.__table__, new_held)
    bulk.write_rows(connection, PersonRole.__table__, grants)
    bulk.write_rows(connection, AuditEvent.__table__, events)


def _by_number(connection: Connection, query) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for number, value in connection.execute(query):
        found.setdefault(number, []).append(value)
    return found


def _apply_updates(connection: Connection) -> None:
    """Set the changed people's columns from the updates table, in one statement."""
    people = Person.__table__
    connection.execute(update(people).where(people.c.id == UPDATES.c.id).values(
        {column.name: column for column in UPDATES.c if column.name != "id"}))


def _number_new_people(connection: Connection) -> int:
    """Mark the rows that create someone and give each the id they will have; return how many.

    PostgreSQL takes the ids from the people's id sequence (safe beside other writers);
    SQLite counts on from the largest id, which no one else can take meanwhile: this
    transaction already holds SQLite's one write lock (the teams were written first).
    """
    if connection.dialect.name == "postgresql":
        return connection.execute(text(
            f"UPDATE {ROWS.name} SET created = true, person_id = nextval("  # nosec B608: our table
            "pg_get_serial_sequence('people', 'id')) WHERE person_id IS NULL")).rowcount
    count = connection.execute(update(ROWS).where(ROWS.c.person_id.is_(None))
                               .values(created=True)).rowcount
    base = bulk.next_id(connection, Person.__table__) - 1
    ranked = select(ROWS.c.number, func.row_number().over(order_by=ROWS.c.number)
                    .label("position")).where(ROWS.c.created.is_(True)).subquery()
    connection.execute(update(ROWS).where(ROWS.c.number == ranked.c.number)
                       .values(person_id=base + ranked.c.position))
    return count


def _create_people(connection: Connection, organisation_id: int, actor_id: int | None,
                   today: date, now: datetime) -> int:
    """Create everyone the file names who did not match, with roles, qualifications, audit."""
    people = Person.__table__
    count = _number_new_people(connection)
    if not count:
        return 0
    new = ROWS.c.created.is_(True)
    connection.execute(insert(people).from_select(
        ["id", "email", "name", "staff_id", "organisation_id", "team_id", "active",
         "session_generation", "current_role_id", "role_start_date", "target_role_id",
         "created_at"],
        select(ROWS.c.person_id, ROWS.c.email, ROWS.c.name, ROWS.c.staff_id,
               literal(organisation_id),
               Team.id, literal(True, Boolean()), literal(0), ROWS.c.current_role,
               ROWS.c.role_start_date, ROWS.c.target_role, literal(now, people.c.created_at.type))
        .outerjoin(Team, and_(Team.organisation_id == organisation_id,
                              Team.name == ROWS.c.team))
        .where(new).order_by(ROWS.c.number)))
    connection.execute(insert(PersonRole).from_select(
        ["person_id", "role", "scope"],
        select(ROWS.c.person_id, ROLES.c.role, literal("organisation"))
        .join(ROLES, ROLES.c.number == ROWS.c.number).where(new)))
    connection.execute(insert(PersonRole).from_select(
        ["person_id", "role", "scope"],
        select(ROWS.c.person_id, literal("staff"), literal("organisation"))
        .where(new, ~exists().where(ROLES.c.number == ROWS.c.number))))
    connection.execute(insert(OrganisationMembership).from_select(
        ["person_id", "organisation_id", "started_on"],
        select(ROWS.c.person_id, literal(organisation_id), literal(today, Date()))
        .where(new).order_by(ROWS.c.number)))
    connection.execute(insert(HeldQualification).from_select(
        ["person_id", "qualification_id", "evidence"],
        select(ROWS.c.person_id, QUALIFICATIONS.c.qualification_id, literal(EVIDENCE))
        .join(QUALIFICATIONS, QUALIFICATIONS.c.number == ROWS.c.number)
        .where(new).order_by(ROWS.c.number, QUALIFICATIONS.c.position)))
    details = (cast(ROWS.c.created_roles, JSON) if connection.dialect.name == "postgresql"
               else type_coerce(ROWS.c.created_roles, JSON))
    connection.execute(insert(AuditEvent).from_select(
        ["at", "actor_id", "organisation_id", "action", "entity_type", "entity_id", "summary",
         "details"],
        select(literal(now, AuditEvent.__table__.c.at.type), literal(actor_id, Integer()),
               literal(organisation_id), literal("create"), literal("person"),
               cast(ROWS.c.person_id, String), literal("account for ") + ROWS.c.email, details)
        .where(new).order_by(ROWS.c.number)))
    return count
