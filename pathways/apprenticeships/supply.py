"""Practice educator supply against placement demand, term by term (for L&D).

Too few practice educators caps how many social work and OT learners a council can take
(Somerset). This sets the organisation's qualified educators and their capacity against
every placement it must staff: its apprentices' and its university students' alike.

- **Supply** by family: social work educators are the organisation's active people holding
  PEPS stage 1 or 2, OT educators those holding the RCOT's APPLE accreditation
  (``placements.EDUCATOR_QUALIFICATIONS``); their **capacity** is the sum of each one's
  capacity (1 until L&D sets it), each person counted once per family.
- **Demand** per academic term (autumn 1 September to 31 December, spring 1 January to 30
  April, summer 1 May to 31 August): the placements of the family whose dates overlap the
  term, and of those how many have no educator yet.
- **Shortfall**: placements needed beyond the capacity, when there are more. Capacity is
  how many placements an educator holds *at once*, so setting it against every placement
  of a term treats them all as running together: a cautious figure, since a placement
  ending in October and one starting in November could share an educator.

Everything is counted in the database, in two queries whatever the number of people and
placements. The numbers of places (capacity, placements) are counts of places, shown as
they are; the number of educators is a count of people, so it follows the project's rule
for reports about people (``pathways.suppression``: under 5 is "fewer than 5").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, distinct, func, select, union_all
from sqlalchemy.orm import Session

from ..models import (
    Apprenticeship,
    Cohort,
    HeldQualification,
    Organisation,
    Person,
    Placement,
    PlacementStudent,
    PracticeEducator,
    Programme,
    Qualification,
)
from ..suppression import Shown, suppress
from ..vocabulary import FAMILIES
from .placements import DEFAULT_CAPACITY, EDUCATOR_QUALIFICATIONS

#: The academic terms: name, first month, last month.
TERMS = (("Autumn", 9, 12), ("Spring", 1, 4), ("Summer", 5, 8))
#: How many terms the page shows, from the current one.
TERMS_SHOWN = 6


@dataclass(frozen=True)
class Term:
    """An academic term, e.g. Autumn 2026 (1 September to 31 December 2026)."""

    name: str
    start: date
    end: date


@dataclass(frozen=True)
class TermDemand:
    """One family's placements in one term, against its capacity."""

    term: Term
    needed: int
    without_educator: int
    capacity: int

    @property
    def shortfall(self) -> int:
        """Placements beyond the capacity (0 when there is room)."""
        return max(0, self.needed - self.capacity)


@dataclass(frozen=True)
class FamilySupply:
    """A family's educators, their capacity and the demand term by term."""

    family: str
    label: str
    qualifications: tuple[str, ...]
    educators: Shown
    capacity: int
    terms: tuple[TermDemand, ...]


def term_of(day: date) -> Term:
    """Return the academic term a day falls in.

    Examples
    --------
    >>> term_of(date(2026, 11, 24))
    Term(name='Autumn 2026', start=datetime.date(2026, 9, 1), end=datetime.date(2026, 12, 31))
    >>> [term.name for term in terms_from(date(2027, 5, 1), 3)]
    ['Summer 2027', 'Autumn 2027', 'Spring 2028']
    """
    for name, first, last in TERMS:
        if first <= day.month <= last:
            end = date(day.year, last + 1, 1) if last < 12 else date(day.year + 1, 1, 1)
            return Term(f"{name} {day.year}", date(day.year, first, 1),
                        date.fromordinal(end.toordinal() - 1))
    raise AssertionError("every month is in a term")


def terms_from(day: date, count: int = TERMS_SHOWN) -> list[Term]:
    """Return ``count`` academic terms, starting with the one ``day`` falls in."""
    terms = [term_of(day)]
    while len(terms) < count:
        terms.append(term_of(date.fromordinal(terms[-1].end.toordinal() + 1)))
    return terms


def educator_supply(session: Session, organisation: Organisation, today: date,
                    count: int = TERMS_SHOWN) -> list[FamilySupply]:
    """Return each placement family's educators, capacity and demand per term (2 queries).

    Parameters
    ----------
    organisation : Organisation
        Whose educators and placements (its apprentices' and its students').
    today : date
        The first term shown is the one this day falls in.
    """
    return educator_supply_of(session, [organisation.id], today, count)


def educator_supply_of(session: Session, organisation_ids: list[int], today: date,
                       count: int = TERMS_SHOWN) -> list[FamilySupply]:
    """Return :func:`educator_supply` over some organisations together (a partnership's,
    for its workforce board): their educators and placements added up (2 queries)."""
    terms = terms_from(today, count)
    families = [family for family in EDUCATOR_QUALIFICATIONS if family]
    supply = _supply(session, organisation_ids)
    demand = _demand(session, organisation_ids, terms)
    rows = []
    for family in families:
        educators, capacity = supply.get(family, (0, 0))
        needed = demand.get(family, ())
        rows.append(FamilySupply(
            family, FAMILIES.get(family, family), EDUCATOR_QUALIFICATIONS[family],
            suppress(educators), capacity,
            tuple(TermDemand(term, int(needed[i]) if needed else 0,
                             int(needed[count + i]) if needed else 0, capacity)
                  for i, term in enumerate(terms))))
    return rows


def _family_of_qualification():
    """SQL: the placement family a held educator qualification is for."""
    return case(*((HeldQualification.qualification_id.in_(wanted), family)
                  for family, wanted in EDUCATOR_QUALIFICATIONS.items() if family),
                else_=None)


def _supply(session: Session, organisation_ids: list[int]) -> dict[str, tuple[int, int]]:
    """Family -> (educators, their capacity): one query."""
    wanted = [code for codes in EDUCATOR_QUALIFICATIONS.values() for code in codes]
    held = (select(HeldQualification.person_id.label("person_id"),
                   _family_of_qualification().label("family"))
            .where(HeldQualification.qualification_id.in_(wanted),
                   HeldQualification.removed_on.is_(None))
            .distinct().subquery())
    rows = session.execute(
        select(held.c.family, func.count(distinct(held.c.person_id)),
               func.sum(func.coalesce(PracticeEducator.capacity, DEFAULT_CAPACITY)))
        .select_from(held)
        .join(Person, Person.id == held.c.person_id)
        .outerjoin(PracticeEducator, PracticeEducator.person_id == Person.id)
        .where(Person.organisation_id.in_(organisation_ids), Person.active.is_(True))
        .group_by(held.c.family))
    return {family: (int(educators), int(capacity or 0)) for family, educators, capacity in rows}


def _demand(session: Session, organisation_ids: list[int], terms: list[Term]
            ) -> dict[str, tuple[int, ...]]:
    """Family -> placements overlapping each term, then those without an educator: one query."""
    of_apprentices = (
        select(Placement.start_date, Placement.end_date, Placement.educator_id,
               Qualification.family.label("family"))
        .join(Apprenticeship, Placement.apprenticeship_id == Apprenticeship.id)
        .join(Cohort, Apprenticeship.cohort_id == Cohort.id)
        .join(Programme, Cohort.programme_id == Programme.id)
        .join(Qualification, Programme.qualification_id == Qualification.id)
        .where(Cohort.organisation_id.in_(organisation_ids),
               Apprenticeship.status != "withdrawn"))
    of_students = (
        select(Placement.start_date, Placement.end_date, Placement.educator_id,
               Qualification.family.label("family"))
        .join(PlacementStudent, Placement.student_id == PlacementStudent.id)
        .join(Qualification, PlacementStudent.qualification_id == Qualification.id)
        .where(PlacementStudent.organisation_id.in_(organisation_ids)))
    placed = union_all(of_apprentices, of_students).subquery()

    def overlapping(term: Term, unallocated: bool = False):
        condition = and_(placed.c.start_date <= term.end, placed.c.end_date >= term.start)
        if unallocated:
            condition = and_(condition, placed.c.educator_id.is_(None))
        return func.sum(case((condition, 1), else_=0))

    rows = session.execute(
        select(placed.c.family, *(overlapping(term) for term in terms),
               *(overlapping(term, True) for term in terms))
        .group_by(placed.c.family))
    return {row[0]: tuple(int(value or 0) for value in row[1:]) for row in rows}
