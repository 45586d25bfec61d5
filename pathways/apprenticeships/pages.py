"""What the apprenticeship pages show, each read in one call with what it lists loaded.

The views ask these instead of building queries: the cohorts list of an organisation, the
people who may be enrolled, its vacant posts, teams and posts, and a person's
apprenticeships. Each loads the rows its page walks through, so a page's loops never load
one row at a time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    Apprenticeship,
    Cohort,
    Node,
    Organisation,
    Person,
    Post,
    Programme,
    Team,
)
from ..paging import Key, KeysetPage, keyset_page
from .progress import Thresholds
from .standing import rag_by_cohort


@dataclass(frozen=True)
class CohortsOverview:
    """An organisation's cohorts (newest first), its programmes, and RAG counts by cohort id."""

    cohorts: list[Cohort]
    programmes: list[Programme]
    counts: dict[int, Counter]


def cohorts_overview(session: Session, organisation: Organisation, as_of: date,
                     thresholds: Thresholds) -> CohortsOverview:
    """Return the organisation's cohorts with their RAG counts on ``as_of``, and programmes.

    Examples
    --------
    >>> overview = cohorts_overview(session, council, date(2026, 3, 1), Thresholds())
    >>> overview.cohorts, overview.programmes, overview.counts
    ([], [], {})
    """
    cohorts = list(session.scalars(
        select(Cohort).where(Cohort.organisation_id == organisation.id)
        .options(selectinload(Cohort.programme))
        .order_by(Cohort.start_date.desc(), Cohort.name)))
    programmes = list(session.scalars(
        select(Programme).where(Programme.organisation_id == organisation.id)
        .options(selectinload(Programme.cohorts)).order_by(Programme.name)))
    return CohortsOverview(cohorts, programmes,
                           rag_counts(session, cohorts, as_of, thresholds))


def rag_counts(session: Session, cohorts: list[Cohort], as_of: date,
               thresholds: Thresholds) -> dict[int, Counter]:
    """Count each cohort's apprentices by RAG on ``as_of``, in one ``GROUP BY`` query
    (``standing.rag_by_cohort``): the list costs the same whatever the cohorts hold."""
    return {cohort_id: Counter(found) for cohort_id, found in rag_by_cohort(
        session, [cohort.id for cohort in cohorts], as_of, thresholds).items()}


def programmes_of(session: Session, organisation: Organisation) -> list[Programme]:
    """Return the organisation's programmes, by name, with their qualifications."""
    return list(session.scalars(select(Programme).where(
        Programme.organisation_id == organisation.id).order_by(Programme.name)
        .options(selectinload(Programme.qualification))))


#: At most this many people or posts are offered in an enrol form's select box: the others
#: are found by searching.
OFFERED = 20
#: The order people are offered in: by name (``ix_people_organisation_id_name``).
BY_NAME = (Key(Person.name), Key(Person.id))
#: The order of posts: by reference (the unique ``organisation_id, reference`` holds it).
BY_REFERENCE = (Key(Post.reference), Key(Post.id))


def enrollable_query(cohort: Cohort, search: str = "") -> Select[Person]:
    """Return the query of the active people of the cohort's organisation not already in it,
    those whose name (any case) or email holds ``search``; unordered."""
    enrolled = select(Apprenticeship.person_id).where(Apprenticeship.cohort_id == cohort.id)
    query = select(Person).where(
        Person.organisation_id == cohort.organisation_id, Person.active.is_(True),
        Person.id.not_in(enrolled))
    folded = search.strip().lower()
    if folded:
        query = query.where(or_(func.lower(Person.name).contains(folded, autoescape=True),
                                func.lower(Person.email).contains(folded, autoescape=True)))
    return query


def enrollable_people(session: Session, cohort: Cohort, search: str = "", *,
                      after: str | None = None, per_page: int = OFFERED) -> KeysetPage:
    """Return a page of the people who may be enrolled on the cohort, by name: the active
    people of its organisation not already in it, matching ``search`` (part of a name or
    email, any case), continuing ``after`` a cursor (``paging.keyset_page``).

    The enrol form offers the first page, and a search endpoint the others, so the form
    never holds every person of a large organisation.
    """
    return keyset_page(session, enrollable_query(cohort, search), BY_NAME, after=after,
                       number=2 if after else 1, per_page=per_page)


def enrollable_person(session: Session, cohort: Cohort, person_id: int) -> Person | None:
    """Return the person of that id if they may be enrolled on the cohort, else None."""
    return session.scalars(enrollable_query(cohort).where(Person.id == person_id)).first()


def vacant_posts_query(organisation: Organisation, search: str = "") -> Select[Post]:
    """Return the query of the organisation's vacant posts whose reference or role's title
    holds ``search`` (any case), each with its role; unordered."""
    query = (select(Post).where(Post.organisation_id == organisation.id,
                                Post.state == "vacant")
             .options(selectinload(Post.role)))
    folded = search.strip().lower()
    if folded:
        titled = select(Node.id).where(
            Node.kind == "role", func.lower(Node.title).contains(folded, autoescape=True))
        query = query.where(or_(func.lower(Post.reference).contains(folded, autoescape=True),
                                Post.role_id.in_(titled)))
    return query


def vacant_posts(session: Session, organisation: Organisation, search: str = "", *,
                 after: str | None = None, per_page: int = OFFERED) -> KeysetPage:
    """Return a page of the organisation's vacant posts by reference, with their roles:
    those matching ``search`` (part of the reference or the role's title, any case),
    continuing ``after`` a cursor (``paging.keyset_page``).

    The enrol form offers the first page and a search the others, so it never holds every
    post of a large organisation.
    """
    return keyset_page(session, vacant_posts_query(organisation, search), BY_REFERENCE,
                       after=after, number=2 if after else 1, per_page=per_page)


def vacant_post(session: Session, organisation: Organisation, post_id: int) -> Post | None:
    """Return the organisation's vacant post of that id, else None."""
    return session.scalars(vacant_posts_query(organisation).where(Post.id == post_id)).first()


def teams_of(session: Session, organisation_id: int) -> list[Team]:
    """Return the teams of an organisation, by name."""
    return list(session.scalars(select(Team).where(
        Team.organisation_id == organisation_id).order_by(Team.name)))


def posts_of(session: Session, organisation: Organisation, *, after: str | None = None,
             before: str | None = None, number: int = 1, per_page: int = 50) -> KeysetPage:
    """Return a page of the organisation's posts by reference, each with its role, team and
    holder, continuing ``after`` or ``before`` a cursor (``paging.keyset_page``)."""
    return keyset_page(session, select(Post).where(Post.organisation_id == organisation.id)
                       .options(selectinload(Post.role), selectinload(Post.team),
                                selectinload(Post.apprenticeship)
                                .selectinload(Apprenticeship.person),
                                selectinload(Post.apprenticeship)
                                .selectinload(Apprenticeship.cohort)),
                       BY_REFERENCE, after=after, before=before, number=number,
                       per_page=per_page)


def apprenticeships_of(session: Session, person: Person) -> list[Apprenticeship]:
    """Return the person's apprenticeships, newest first, each with its cohort's programme.

    Examples
    --------
    >>> apprenticeships_of(session, me)
    []
    """
    return list(session.scalars(
        select(Apprenticeship).where(Apprenticeship.person_id == person.id)
        .options(selectinload(Apprenticeship.cohort).selectinload(Cohort.programme))
        .order_by(Apprenticeship.start_date.desc(), Apprenticeship.id.desc())))
