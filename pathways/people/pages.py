"""What the account pages list: the people in an actor's reach, the audit log they may read,
and the equality and age report of the people in their reach.

The lists are asked a page at a time: :class:`Page` holds the rows of the page asked for
(moved into range), and how many pages there are. Each row comes with what its page shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from ..models import AuditEvent, Organisation, Person
from ..paging import Key, KeysetPage, keyset_page
from ..policy import audit_filter, reach_filter
from ..suppression import Shown, suppress
from .access import organisations_in_reach
from .profiles import (
    AGE_GROUPS,
    EQUALITY_QUESTIONS,
    NOT_ANSWERED,
    PREFER_NOT_TO_SAY,
    equality_report,
)


@dataclass(frozen=True)
class Page:
    """One page of a long list: its rows, its number (from 1), how many pages and rows."""

    rows: list[Any]
    number: int
    pages: int
    total: int


#: The order of the people lists: by name (``ix_people_organisation_id_name`` and
#: ``ix_people_name`` hold it).
PEOPLE_ORDER = (Key(Person.name), Key(Person.id))


def people_in_reach(session: Session, actor: Person, search: str = "", *,
                    after: str | None = None, before: str | None = None, number: int = 1,
                    per_page: int = 50) -> KeysetPage:
    """Return a page of the people in the actor's reach by name, those matching ``search``.

    ``search`` is part of a name (any case) or email address. Each person comes with their
    access roles, team and organisation. The page continues ``after`` or ``before`` a
    cursor of the pages either side (``paging.keyset_page``).

    Examples
    --------
    >>> found = people_in_reach(session, lnd, search="ann")
    >>> [person.name for person in found.rows], found.total, found.after
    (['Ann Lee'], 1, None)
    """
    query = select(Person).where(reach_filter(actor, Person.organisation_id))
    if search:
        folded = search.lower()
        query = query.where(or_(func.lower(Person.name).contains(folded, autoescape=True),
                                Person.email.contains(folded, autoescape=True)))
    return keyset_page(session, query.options(
        selectinload(Person.access), selectinload(Person.team),
        selectinload(Person.organisation)), PEOPLE_ORDER, after=after, before=before,
        number=number, per_page=per_page)


def reaches_several_organisations(session: Session, actor: Person) -> bool:
    """Whether the actor's reach holds more than one organisation (reading two at most)."""
    return len(session.scalars(select(Organisation.id).where(
        reach_filter(actor, Organisation.id)).limit(2)).all()) > 1


#: At most this many organisations are offered in an import form's select box; the others
#: are found by searching.
ORGANISATIONS_OFFERED = 20


def organisations_offered(session: Session, actor: Person, search: str = "",
                          chosen: int | None = None, limit: int = ORGANISATIONS_OFFERED
                          ) -> tuple[list[Organisation], bool]:
    """Return the first organisations in the actor's reach by name, those whose name holds
    ``search`` (any case), with ``chosen`` (an id sent by a form) added when in reach; and
    whether there are more than those offered.

    An import form offers these, never every organisation of a partnership.

    Examples
    --------
    >>> found, more = organisations_offered(session, lnd)
    >>> [organisation.name for organisation in found], more
    (['Northshire Council'], False)
    """
    query = select(Organisation).where(reach_filter(actor, Organisation.id))
    folded = search.strip().lower()
    if folded:
        query = query.where(func.lower(Organisation.name).contains(folded, autoescape=True))
    found = list(session.scalars(query.order_by(Organisation.name, Organisation.id)
                                 .limit(limit + 1)))
    more, found = len(found) > limit, found[:limit]
    if chosen is not None and 0 < chosen < 2 ** 31 and all(o.id != chosen for o in found):
        found += list(session.scalars(select(Organisation).where(
            Organisation.id == chosen, reach_filter(actor, Organisation.id))))
    return found, more


def audit_kinds(session: Session, actor: Person) -> list[str]:
    """Return the kinds of thing (``entity_type``) of the audit events the actor may read.

    The kinds the log holds are read by skipping through the index on ``entity_type`` (one
    probe per kind: a recursive query), and each kept when an event of it is in the actor's
    reach (one probe each of ``ix_audit_events_entity_type_organisation_id``), so the cost
    follows the number of kinds, not of events.
    """
    later = aliased(AuditEvent)
    kinds = select(func.min(AuditEvent.entity_type).label("kind")).cte("kinds",
                                                                        recursive=True)
    kinds = kinds.union_all(
        select(select(func.min(later.entity_type)).where(later.entity_type > kinds.c.kind)
               .scalar_subquery()).where(kinds.c.kind.is_not(None)))
    # One readable event of the kind, as a scalar subquery with a LIMIT: PostgreSQL turns an
    # EXISTS into a semi-join, which read every event of the region (325 ms at 312,000).
    readable = (select(AuditEvent.id).where(AuditEvent.entity_type == kinds.c.kind,
                                            audit_filter(actor))
                .limit(1).scalar_subquery())
    return list(session.scalars(select(kinds.c.kind).where(kinds.c.kind.is_not(None),
                                                           readable.is_not(None))
                                .order_by(kinds.c.kind)))


#: The audit log's order: newest first (``ix_audit_events_organisation_id_at`` and
#: ``ix_audit_events_entity_type_at`` hold it).
AUDIT_ORDER = (Key(AuditEvent.at, descending=True), Key(AuditEvent.id, descending=True))


#: At most this many people are looked up by the audit log's person filter.
PEOPLE_NAMED = 50


@dataclass(frozen=True)
class Named:
    """The people a person filter names: their ids (by name), and whether there are more
    than were looked up."""

    ids: list[int]
    more: bool = False


def people_named(session: Session, actor: Person, words: str, limit: int = PEOPLE_NAMED
                 ) -> Named:
    """Return the people in the actor's reach whose name or email begins with ``words``.

    Any case; by name, at most ``limit`` (``more`` says there were others). Each is a range
    of an index: ``ix_people_name_folded`` on ``lower(name)`` and the email's unique index
    (emails are stored in lower case), never a scan of everyone's names.

    Examples
    --------
    >>> people_named(session, lnd, "ANN")  # Ann Lee
    Named(ids=[2], more=False)
    >>> people_named(session, lnd, "lee")  # Lee Dale, lee@northshire.example; not Ann Lee
    Named(ids=[1], more=False)
    """
    folded = (words or "").strip().lower()
    if not folded or "\x00" in folded:
        return Named([])
    name = func.lower(Person.name)
    found = list(session.scalars(
        select(Person.id).where(reach_filter(actor, Person.organisation_id),
                                or_(_begins(name, folded), _begins(Person.email, folded)))
        .order_by(name, Person.id).limit(limit + 1)))
    return Named(found[:limit], len(found) > limit)


def _begins(column: Any, prefix: str) -> ColumnElement[bool]:
    """Return "``column`` begins with ``prefix``" as a range an index answers (every text
    from the prefix up to the next one), checked by ``LIKE`` as well, so the answer is right
    under any collation."""
    last = ord(prefix[-1]) + 1
    last = 0xE000 if 0xD800 <= last < 0xE000 else last  # no surrogate: the codecs refuse it
    upper = prefix[:-1] + chr(last) if last <= 0x10FFFF else None
    bounds = [column >= prefix] + ([column < upper] if upper is not None else [])
    return and_(*bounds, column.startswith(prefix, autoescape=True))


def audit_events(session: Session, actor: Person, entity_type: str = "", *,
                 person: Sequence[int] | None = None, since: date | None = None,
                 until: date | None = None, after: str | None = None,
                 before: str | None = None, number: int = 1, per_page: int = 50
                 ) -> KeysetPage:
    """Return a page of the audit events the actor may read, newest first, each with its actor.

    The actor reads the events concerning the organisations in their reach, and those
    about the shared map (``policy.audit_filter``); ``entity_type`` keeps one kind of thing,
    ``person`` (ids, from :func:`people_named`; None for no filter) the events by or about
    those people, ``since`` and ``until`` the events of those days (UTC, both included).
    Every filter is a condition of the one query, each on an index (the person's by
    ``ix_audit_events_actor_id_at`` and ``ix_audit_events_entity_type_entity_id``: no text
    search over the events). The page continues ``after`` or ``before`` a cursor of the
    pages either side (``paging.keyset_page``), so a page deep in a long log costs the same
    as the first, and the events are counted only up to a limit.
    """
    query = select(AuditEvent).where(audit_filter(actor))
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    if person is not None:
        ids = sorted(set(person))
        query = query.where(or_(
            AuditEvent.actor_id.in_(ids),
            and_(AuditEvent.entity_type == "person",
                 AuditEvent.entity_id.in_([str(person_id) for person_id in ids]))))
    if since is not None:
        query = query.where(AuditEvent.at >= datetime.combine(since, time.min, tzinfo=UTC))
    if until is not None:
        query = query.where(AuditEvent.at < datetime.combine(until + timedelta(days=1),
                                                             time.min, tzinfo=UTC))
    return keyset_page(session, query.options(selectinload(AuditEvent.actor)), AUDIT_ORDER,
                       after=after, before=before, number=number, per_page=per_page)


#: The equality report's title of each question.
REPORT_TITLES = {"sex": "Sex", "ethnic_group": "Ethnic group", "disability": "Disability"}


@dataclass(frozen=True)
class EqualityTable:
    """One question of the equality and age report: its title, and each answer's label with
    its count as shown (below 5 suppressed)."""

    key: str
    title: str
    rows: list[tuple[str, str, Shown]]


@dataclass(frozen=True)
class EqualityPage:
    """The equality and age report of the active people in the actor's reach."""

    organisations: list[str]
    people: Shown
    tables: list[EqualityTable]


def equality_page(session: Session, actor: Person) -> EqualityPage:
    """Return the equality and age report of the active people in the actor's reach.

    Age in the groups the report uses (``profiles.AGE_GROUPS``: under 25, 25 to 54, 55 or
    over, from the age bands people give), then sex, ethnic group and disability, each
    answer counted and suppressed below 5 (``profiles.equality_report``); the headcount too.
    """
    organisations = organisations_in_reach(session, actor)
    ids = [organisation.id for organisation in organisations]
    report = equality_report(session, ids)
    others = [(PREFER_NOT_TO_SAY[0], PREFER_NOT_TO_SAY[1]), (NOT_ANSWERED, "Not answered")]
    tables = [EqualityTable("age_group", "Age", [
        (value, label, report["age_group"][value])
        for value, label in [*((key, label) for key, (label, _) in AGE_GROUPS.items()),
                             *others]])]
    for field, (question, options) in EQUALITY_QUESTIONS.items():
        if field != "age_band":
            tables.append(EqualityTable(field, REPORT_TITLES.get(field, question), [
                (value, label, report[field][value])
                for value, label in [*options, others[1]]]))
    headcount = session.scalar(select(func.count()).select_from(Person).where(
        Person.organisation_id.in_(ids), Person.active.is_(True))) or 0
    return EqualityPage([organisation.name for organisation in organisations],
                        suppress(headcount), tables)


def _page(session: Session, query: Select, page: int, per_page: int) -> Page:
    """Return the page ``page`` of the ordered ``query`` (moved into range)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    total = total or 0
    pages = max(1, math.ceil(total / per_page))
    number = min(max(page, 1), pages)
    rows = list(session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(rows, number, pages, total)
