"""Practice placements and the practice educators who supervise them.

Social work and occupational therapy apprentices have placements, and so do students of a
university programme placed with the organisation (``students``). Each placement needs a
practice educator: for social work, someone whose profile holds PEPS stage 1 or 2; for
occupational therapy, the RCOT's APPLE accreditation. Each educator has a capacity (how
many placements at once; 1 until L&D sets it) and an allocation that would take them over
it, counting the placements whose dates overlap, is refused. The educator is locked
before their placements are counted (``db.lock_for_update``), so allocations at the same
moment take turns and never take an educator over capacity together.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..db import lock_for_update
from ..errors import InvalidInput, Problem, Refused
from ..models import (
    Apprenticeship,
    HeldQualification,
    Person,
    Placement,
    PlacementStudent,
    PracticeEducator,
)

#: Whoever a placement is for: an apprentice, or a student of a university programme.
Learner = Apprenticeship | PlacementStudent

#: The qualifications that make someone a practice educator, by programme family.
EDUCATOR_QUALIFICATIONS: dict[str | None, tuple[str, ...]] = {
    "social_work": ("peps-stage-1", "peps-stage-2"),
    "occupational_therapy": ("rcot-apple",),
}
#: Placements an educator may hold at once when no capacity has been set.
DEFAULT_CAPACITY = 1


class EducatorRefused(Refused):
    """The person cannot supervise this placement: not qualified, or over capacity."""


def needs_placements(apprenticeship: Learner) -> bool:
    """Whether the learner's programme has practice placements (social work or OT)."""
    return family_of(apprenticeship) in EDUCATOR_QUALIFICATIONS


def family_of(learner: Learner) -> str | None:
    """Return the family of the learner's programme or course (it decides the educator)."""
    if isinstance(learner, PlacementStudent):
        return learner.qualification.family
    return learner.cohort.programme.qualification.family


def organisation_id_of(learner: Learner) -> int:
    """Return the organisation the learner is placed with."""
    if isinstance(learner, PlacementStudent):
        return learner.organisation_id
    return learner.cohort.organisation_id


def learner_of(placement: Placement) -> Learner:
    """Return the apprenticeship or the student a placement is for."""
    if placement.apprenticeship is not None:
        return placement.apprenticeship
    if placement.student is not None:
        return placement.student
    raise ValueError("a placement belongs to an apprenticeship or a student (a constraint)")


def capacity_of(session: Session, person: Person) -> int:
    """Return how many placements at once the person may supervise."""
    record = session.get(PracticeEducator, person.id)
    return record.capacity if record is not None else DEFAULT_CAPACITY


def set_capacity(session: Session, person: Person, capacity: int, *,
                 actor: Person | None = None) -> PracticeEducator:
    """Set a practice educator's capacity (0 or more; 0 takes no new placements)."""
    if not isinstance(capacity, int) or capacity < 0 or capacity > 20:
        raise InvalidInput([Problem("capacity", "must be a whole number from 0 to 20")],
                           "The capacity was not saved")
    record = session.get(PracticeEducator, person.id) or PracticeEducator(person_id=person.id)
    record.capacity = capacity
    session.add(record)
    session.flush()
    audit.record(session, actor, "educator_capacity", "person", person.id,
                 f"Practice educator capacity {capacity}", concerns=person)
    return record


def overlapping_load(session: Session, educator: Person, start: date, end: date,
                     excluding: Placement | None = None) -> int:
    """Count the educator's placements whose dates overlap ``start`` to ``end``."""
    query = select(func.count(Placement.id)).where(
        Placement.educator_id == educator.id, Placement.start_date < end,
        Placement.end_date > start)
    if excluding is not None and excluding.id is not None:
        query = query.where(Placement.id != excluding.id)
    return session.scalar(query) or 0


def eligible_educators(session: Session, apprenticeship: Learner) -> list[Person]:
    """Return people of the learner's organisation qualified to supervise them."""
    wanted = EDUCATOR_QUALIFICATIONS.get(family_of(apprenticeship), ())
    ids = select(HeldQualification.person_id).where(
        HeldQualification.qualification_id.in_(wanted), HeldQualification.removed_on.is_(None))
    query = select(Person).where(
        Person.id.in_(ids), Person.organisation_id == organisation_id_of(apprenticeship),
        Person.active.is_(True))
    if isinstance(apprenticeship, Apprenticeship):
        query = query.where(Person.id != apprenticeship.person_id)
    return list(session.scalars(query.order_by(Person.name)))


def check_educator(session: Session, apprenticeship: Learner, educator: Person,
                   start: date, end: date, placement: Placement | None = None) -> None:
    """Refuse an educator who is not qualified or has no room left from ``start`` to ``end``.

    ``placement`` is the placement being changed, left out of the educator's load.

    Raises
    ------
    EducatorRefused
        Saying which qualification is missing, or the capacity and the current load.
    """
    wanted = EDUCATOR_QUALIFICATIONS.get(family_of(apprenticeship), ())
    if isinstance(apprenticeship, Apprenticeship) and educator.id == apprenticeship.person_id:
        raise EducatorRefused("An apprentice cannot be their own practice educator.")
    if educator.organisation_id != organisation_id_of(apprenticeship):
        raise EducatorRefused(f"{educator.name} works for another organisation.")
    if not any(held.qualification_id in wanted for held in educator.qualifications):
        wanted_titles = ", ".join(wanted) or "the educator qualifications"
        raise EducatorRefused(f"{educator.name} cannot supervise this placement: their profile "
                              f"holds none of {wanted_titles}.")
    lock_for_update(session, educator)  # count only once other allocations have finished
    capacity = capacity_of(session, educator)
    load = overlapping_load(session, educator, start, end, excluding=placement)
    if load >= capacity:
        raise EducatorRefused(f"{educator.name} already supervises {load} placement(s) at "
                              f"those dates, their capacity is {capacity}.")


def add_placement(session: Session, apprenticeship: Apprenticeship, *, setting: str,
                  start_date: date, end_date: date, educator: Person | None = None,
                  actor: Person | None = None) -> Placement:
    """Add a placement, with its educator if one is named (checked as ``allocate``).

    Raises
    ------
    InvalidInput
        When the programme has no placements, the setting is empty, or the dates are wrong.
    EducatorRefused
        When the educator is not qualified or over capacity; nothing is written.
    """
    setting = (setting or "").strip()
    problems = []
    if not needs_placements(apprenticeship):
        problems.append(Problem("setting", "only social work and occupational therapy "
                                "apprenticeships have practice placements"))
    if not setting:
        problems.append(Problem("setting", "enter where the placement is"))
    if end_date <= start_date:
        problems.append(Problem("end_date", "must be after the start date"))
    if problems:
        raise InvalidInput(problems, "The placement was not saved")
    if educator is not None:
        check_educator(session, apprenticeship, educator, start_date, end_date)
    placement = Placement(setting=setting, start_date=start_date, end_date=end_date,
                          educator=educator)
    apprenticeship.placements.append(placement)
    session.flush()
    audit.record(session, actor, "placement", "apprenticeship", apprenticeship.id,
                 f"Placement at {setting}", concerns=apprenticeship.cohort.organisation)
    return placement


def allocate(session: Session, placement: Placement, educator: Person | None, *,
             actor: Person | None = None) -> Placement:
    """Allocate a practice educator to a placement (None takes the educator off it).

    Raises
    ------
    EducatorRefused
        When the educator is not qualified or already at capacity for those dates.
    """
    learner = learner_of(placement)
    if educator is not None:
        check_educator(session, learner, educator, placement.start_date,
                       placement.end_date, placement)
    placement.educator = educator
    session.flush()
    audit.record(session, actor, "allocate_educator", "placement", placement.id,
                 f"Educator: {educator.name if educator else 'none'}",
                 concerns=learner.organisation if isinstance(learner, PlacementStudent)
                 else learner.cohort.organisation)
    return placement
