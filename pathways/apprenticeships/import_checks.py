"""The apprenticeship import's checks across rows, against lookups loaded in bulk.

:mod:`~pathways.apprenticeships.importer` reads and checks each row on its own; here the
rows are matched to what the database holds, a few queries for the whole file whatever its
length: the people by email (5,000 addresses a query), the organisation's cohorts with
their programmes, its programmes by standard code, the enrolments of the cohorts named, and
its posts (the posts named locked, then their state read again). Each stage adds its
problems as ``row N: column: reason``, in the order the row-by-row import reported them.

The caller locks the organisation first (``db.lock_for_update``), so two imports into one
organisation take turns and the second sees what the first wrote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import networkx as nx
from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from .. import bulk
from ..errors import Problem
from ..models import (
    Apprenticeship,
    Cohort,
    Organisation,
    Person,
    Post,
    Programme,
    Qualification,
    Role,
)
from .import_rows import ApprenticeshipRow, PostFacts

#: What to do about a person the file names who is not staff yet, in words that fit the web
#: page and the command line alike (never a command to run: the reader may be on the web).
STAFF_IMPORT_HINT = "import them as staff first, then import this file again"


@dataclass(frozen=True, slots=True)
class ProgrammeFacts:
    """What the import needs of a programme and its qualification."""

    id: int
    name: str
    qualification_id: str
    qualification_title: str
    standard_code: str
    otj_min_hours: int | None


@dataclass(slots=True)
class CohortTarget:
    """A cohort rows go into: one that exists (``id``), or a new one the file names."""

    name: str
    programme: ProgrammeFacts
    start_date: date
    planned_end_date: date
    id: int | None = None
    new: bool = False


def check_rows(session: Session, organisation: Organisation, rows: list[ApprenticeshipRow],
               G: nx.DiGraph | None, problems: list[Problem]) -> dict[str, CohortTarget]:
    """Match every row to its person, cohort and post; return the cohorts by folded name.

    Problems are added to ``problems``; the rows get their ``person_id`` and ``post`` when
    they match (a row that does not is reported and never written).
    """
    _match_people(session, organisation, rows, problems)
    targets = _match_cohorts(session, organisation, rows, problems)
    _refuse_enrolled(session, rows, targets, problems)
    _match_posts(session, organisation, rows, targets, G, problems)
    return targets


def _chunks(values: Sequence, size: int = bulk.BATCH) -> Iterator[Sequence]:
    for first in range(0, len(values), max(size, 1)):
        yield values[first:first + size]


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _among(session: Session, column, values: Sequence[str]):
    """``column IN values``: on PostgreSQL as ``= ANY(array)``, one parameter however many
    values (a long ``IN`` list costs the driver more to send than the query takes)."""
    if _postgresql(session):
        return column == any_(bindparam("among", list(values), type_=ARRAY(String)))
    return column.in_(values)


def _match_people(session: Session, organisation: Organisation,
                  rows: list[ApprenticeshipRow], problems: list[Problem]) -> None:
    """Find each row's person: they must already work for the organisation."""
    emails = list(dict.fromkeys(row.email for row in rows))
    people: dict[str, tuple[int, int | None]] = {}
    for chunk in _chunks(emails, len(emails) if _postgresql(session) else bulk.BATCH):
        people.update((email, (person_id, organisation_id))
                      for email, person_id, organisation_id in session.execute(
                          select(Person.email, Person.id, Person.organisation_id)
                          .where(_among(session, Person.email, chunk))))
    for row in rows:
        found = people.get(row.email)
        where = f"row {row.number}: email"
        if found is None:
            problems.append(Problem(where, f"nobody with the email address {row.email} works "
                                           f"for {organisation.name}: {STAFF_IMPORT_HINT}"))
        elif found[1] != organisation.id:
            problems.append(Problem(where, f"{row.email} works for another organisation, not "
                                           f"{organisation.name}"))
        else:
            row.person_id = found[0]


def _programme_columns():
    return (Programme.id, Programme.name, Qualification.id, Qualification.title,
            Qualification.standard_code, Qualification.otj_min_hours)


def _programme(values) -> ProgrammeFacts:
    programme_id, name, qualification_id, title, code, minimum = values
    return ProgrammeFacts(programme_id, name, qualification_id, title, (code or "").upper(),
                          minimum)


def _match_cohorts(session: Session, organisation: Organisation,
                   rows: list[ApprenticeshipRow], problems: list[Problem]
                   ) -> dict[str, CohortTarget]:
    """Match rows to existing cohorts, and plan the new ones (on the standard's programme)."""
    existing: dict[str, CohortTarget] = {}
    for cohort_id, name, start, end, *facts in session.execute(
            select(Cohort.id, Cohort.name, Cohort.start_date, Cohort.planned_end_date,
                   *_programme_columns())
            .join(Programme, Programme.id == Cohort.programme_id)
            .join(Qualification, Qualification.id == Programme.qualification_id)
            .where(Cohort.organisation_id == organisation.id)):
        existing[name.casefold()] = CohortTarget(name, _programme(facts), start, end,
                                                 id=cohort_id)
    by_code: dict[str, list[ProgrammeFacts]] = defaultdict(list)
    for values in session.execute(
            select(*_programme_columns())
            .join(Qualification, Qualification.id == Programme.qualification_id)
            .where(Programme.organisation_id == organisation.id).order_by(Programme.name)):
        programme = _programme(values)
        by_code[programme.standard_code].append(programme)
    new_rows: dict[str, list[ApprenticeshipRow]] = defaultdict(list)
    targets: dict[str, CohortTarget] = {}
    for row in rows:
        cohort = existing.get(row.cohort_key)
        if cohort is None:
            new_rows[row.cohort_key].append(row)
            continue
        code = cohort.programme.standard_code
        if code != row.standard_code:
            problems.append(Problem(f"row {row.number}: standard_code", f"{cohort.name} is a "
                                    f"cohort of {cohort.programme.name} ({code}), not of "
                                    f"{row.standard_code}"))
        else:
            row.matched_cohort = True
            targets[row.cohort_key] = cohort
    for key, members in new_rows.items():
        plan = _plan_cohort(organisation, members, by_code, problems)
        if plan is not None:
            targets[key] = plan
    return targets


def _plan_cohort(organisation: Organisation, rows: list[ApprenticeshipRow],
                 by_code: dict[str, list[ProgrammeFacts]], problems: list[Problem]
                 ) -> CohortTarget | None:
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
        row.matched_cohort = True
    return CohortTarget(first.cohort_name, programmes[0], min(row.start_date for row in rows),
                        max(row.planned_end_date for row in rows), new=True)


def _refuse_enrolled(session: Session, rows: list[ApprenticeshipRow],
                     targets: dict[str, CohortTarget], problems: list[Problem]) -> None:
    """Refuse a person twice in a cohort: already enrolled, or twice in the file."""
    cohort_ids = sorted({target.id for target in targets.values() if target.id is not None})
    enrolled: set[tuple[int, int]] = set()
    for chunk in _chunks(cohort_ids):
        enrolled.update((cohort_id, person_id) for cohort_id, person_id in session.execute(
            select(Apprenticeship.cohort_id, Apprenticeship.person_id)
            .where(Apprenticeship.cohort_id.in_(chunk))))
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        where = f"row {row.number}: email"
        seen = first.setdefault((row.cohort_key, row.email), row.number)
        target = targets.get(row.cohort_key) if row.matched_cohort else None
        if seen != row.number:
            problems.append(Problem(where, f"{row.email} is also in {row.cohort_name} in row "
                                           f"{seen}"))
        elif target is not None and target.id is not None and row.person_id is not None \
                and (target.id, row.person_id) in enrolled:
            problems.append(Problem(where, f"{row.email} is already enrolled in "
                                           f"{target.name}; change it on their "
                                           "apprenticeship page (an import only adds)"))


def _organisation_posts(session: Session, organisation: Organisation,
                        rows: list[ApprenticeshipRow]) -> dict[str, PostFacts]:
    """The organisation's posts by folded reference; the ones the rows name locked and read
    again (``FOR NO KEY UPDATE`` on PostgreSQL, as ``setup.enrol`` locks a post)."""
    posts = {reference.casefold(): PostFacts(post_id, reference, state, role_id, title)
             for post_id, reference, state, role_id, title in session.execute(
                 select(Post.id, Post.reference, Post.state, Post.role_id, Role.title)
                 .join(Role, Role.id == Post.role_id)
                 .where(Post.organisation_id == organisation.id))}
    named = sorted({posts[key].id for row in rows if row.post_reference
                    and (key := row.post_reference.casefold()) in posts})
    states: dict[int, str] = {}
    for chunk in _chunks(named):
        states.update(session.execute(select(Post.id, Post.state).where(Post.id.in_(chunk))
                                      .order_by(Post.id).with_for_update(key_share=True)).all())
    return {key: PostFacts(post.id, post.reference, states.get(post.id, post.state),
                           post.role_id, post.role_title) for key, post in posts.items()}


def _match_posts(session: Session, organisation: Organisation, rows: list[ApprenticeshipRow],
                 targets: dict[str, CohortTarget], G: nx.DiGraph | None,
                 problems: list[Problem]) -> None:
    """Find each guaranteed post: the organisation's, vacant, used once, fit for the programme."""
    if not any(row.post_reference for row in rows):
        return
    posts = _organisation_posts(session, organisation, rows)
    first: dict[str, int] = {}
    for row in rows:
        if not row.post_reference:
            continue
        where = f"row {row.number}: guaranteed_post"
        post = posts.get(row.post_reference.casefold())
        seen = first.setdefault(row.post_reference.casefold(), row.number)
        target = targets.get(row.cohort_key) if row.matched_cohort else None
        programme = target.programme if target is not None else None
        if post is None:
            problems.append(Problem(where, f"{organisation.name} has no post "
                                           f"{row.post_reference!r}: add it to the posts first"))
        elif seen != row.number:
            problems.append(Problem(where, f"post {post.reference} is also in row {seen}"))
        elif post.state != "vacant":
            problems.append(Problem(where, f"post {post.reference} is {post.state}, not "
                                           "vacant"))
        elif programme is not None and G is not None \
                and not G.has_edge(programme.qualification_id, post.role_id):
            problems.append(Problem(where, f"the career pathway has no move from "
                                           f"{programme.qualification_title} to "
                                           f"{post.role_title}, so post {post.reference} cannot "
                                           "be the guaranteed job"))
        else:
            row.post = post
