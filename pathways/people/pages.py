"""What the account pages list: the people in an actor's reach, and the audit log they may read.

Both are asked a page at a time: :class:`Page` holds the rows of the page asked for (moved
into range), and how many pages there are. Each row comes with what its page shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..models import AuditEvent, Person
from ..policy import audit_filter, reach_filter


@dataclass(frozen=True)
class Page:
    """One page of a long list: its rows, its number (from 1), how many pages and rows."""

    rows: list[Any]
    number: int
    pages: int
    total: int


def people_in_reach(session: Session, actor: Person, search: str = "", page: int = 1,
                    per_page: int = 50) -> Page:
    """Return a page of the people in the actor's reach by name, those matching ``search``.

    ``search`` is part of a name (any case) or email address. Each person comes with their
    access roles, team and organisation.

    Examples
    --------
    >>> found = people_in_reach(session, lnd, search="ann")
    >>> [person.name for person in found.rows], found.total, found.pages
    (['Ann Lee'], 1, 1)
    """
    query = select(Person).where(reach_filter(actor, Person.organisation_id))
    if search:
        folded = search.lower()
        query = query.where(or_(func.lower(Person.name).contains(folded, autoescape=True),
                                Person.email.contains(folded, autoescape=True)))
    return _page(session, query.options(
        selectinload(Person.access), selectinload(Person.team),
        selectinload(Person.organisation)).order_by(Person.name, Person.id), page, per_page)


def audit_kinds(session: Session, actor: Person) -> list[str]:
    """Return the kinds of thing (``entity_type``) of the audit events the actor may read."""
    return list(session.scalars(select(AuditEvent.entity_type)
                                .where(audit_filter(actor)).distinct()
                                .order_by(AuditEvent.entity_type)))


def audit_events(session: Session, actor: Person, entity_type: str = "", page: int = 1,
                 per_page: int = 50) -> Page:
    """Return a page of the audit events the actor may read, newest first, each with its actor.

    The actor reads the events concerning the organisations in their reach, and those
    about the shared map (``policy.audit_filter``); ``entity_type`` keeps one kind of thing.
    """
    query = select(AuditEvent).where(audit_filter(actor))
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    return _page(session, query.options(selectinload(AuditEvent.actor))
                 .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), page, per_page)


def _page(session: Session, query: Select, page: int, per_page: int) -> Page:
    """Return the page ``page`` of the ordered ``query`` (moved into range)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    total = total or 0
    pages = max(1, math.ceil(total / per_page))
    number = min(max(page, 1), pages)
    rows = list(session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(rows, number, pages, total)
