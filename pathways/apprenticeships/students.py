"""Placements of university students: social work and OT students placed with the organisation.

Somerset, and councils like it, take students of university programmes (a social work or
occupational therapy degree) on practice placement; each needs a practice educator, exactly
as an apprentice does, so they count in the same supply and demand
(``educator_supply``). A student is recorded as a :class:`~pathways.models.PlacementStudent`:
a name, a university and a course, no account and no other data (see the model). L&D add a
student with their first placement in one step and may add further placements; the educator
is checked as for an apprentice (``placements.check_educator``: qualified for the course's
family, in the organisation, within capacity, under a row lock).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import audit
from ..csv_input import text_problem
from ..errors import InvalidInput, Problem
from ..models import (
    HeldQualification,
    Node,
    Organisation,
    Person,
    Placement,
    PlacementStudent,
    Qualification,
)
from .placements import EDUCATOR_QUALIFICATIONS, check_educator

SUMMARY = "The student placement was not saved"
LIMIT = 200


def course_choices(session: Session) -> list[Qualification]:
    """Return the qualifications whose students have practice placements (by title)."""
    return list(session.scalars(select(Qualification).where(
        Qualification.family.in_([family for family in EDUCATOR_QUALIFICATIONS if family]),
        Qualification.retired.is_(False)).order_by(Qualification.title)))


def add_student_placement(session: Session, organisation: Organisation, *, name: str,
                          university: str, qualification_id: str, setting: str,
                          start_date: date, end_date: date, educator: Person | None = None,
                          actor: Person | None = None) -> Placement:
    """Record a university student and their placement with the organisation (flushed).

    Parameters
    ----------
    name, university : str
        Who the student is and where they study (at most 200 characters each).
    qualification_id : str
        Their course: a qualification of the map in a family with placements (social work
        or occupational therapy), e.g. ``social-work-degree-university``.
    educator : Person, optional
        The practice educator, checked as ``placements.check_educator`` does.

    Raises
    ------
    InvalidInput
        Naming each field that is wrong; nothing is written.
    placements.EducatorRefused
        When the educator is not qualified or over capacity.
    """
    name, university, setting = ((value or "").strip() for value in (name, university, setting))
    problems = []
    for field, value, what in (("name", name, "the student's name"),
                               ("university", university, "their university"),
                               ("setting", setting, "where the placement is")):
        reason = text_problem(value, limit=LIMIT)
        if not value:
            problems.append(Problem(field, f"enter {what}"))
        elif reason:
            problems.append(Problem(field, reason))
    node = session.get(Node, qualification_id) if qualification_id else None
    if not isinstance(node, Qualification) or node.retired:
        problems.append(Problem("qualification_id", "choose the student's course"))
    elif node.family not in EDUCATOR_QUALIFICATIONS:
        problems.append(Problem("qualification_id", f"{node.title} has no practice "
                                "placements: choose a social work or occupational therapy "
                                "course"))
    if end_date <= start_date:
        problems.append(Problem("end_date", "must be after the start date"))
    if problems:
        raise InvalidInput(problems, SUMMARY)
    student = PlacementStudent(organisation_id=organisation.id, name=name,
                               university=university, qualification=node)
    if educator is not None:  # before anything is added: a refusal leaves nothing behind
        check_educator(session, student, educator, start_date, end_date)
    session.add(student)
    placement = Placement(setting=setting, start_date=start_date, end_date=end_date,
                          educator=educator)
    student.placements.append(placement)
    session.flush()
    audit.record(session, actor, "placement", "placement_student", student.id,
                 f"Student placement at {setting}", concerns=organisation)
    return placement


#: The most student placements a page lists (the latest first).
SHOWN = 200


def student_placements(session: Session, organisation: Organisation) -> list[Placement]:
    """Return the organisation's latest ``SHOWN`` student placements (four queries)."""
    return list(session.scalars(
        select(Placement).join(PlacementStudent, Placement.student_id == PlacementStudent.id)
        .where(PlacementStudent.organisation_id == organisation.id)
        .options(selectinload(Placement.student).selectinload(PlacementStudent.qualification),
                 selectinload(Placement.educator))
        .order_by(Placement.start_date.desc(), Placement.id.desc()).limit(SHOWN)))


def educators_of(session: Session, organisation: Organisation) -> list[Person]:
    """Return the organisation's active people holding any practice educator qualification."""
    wanted = [code for codes in EDUCATOR_QUALIFICATIONS.values() for code in codes]
    return list(session.scalars(
        select(Person).where(Person.organisation_id == organisation.id,
                             Person.active.is_(True),
                             Person.id.in_(select(HeldQualification.person_id).where(
                                 HeldQualification.qualification_id.in_(wanted),
                                 HeldQualification.removed_on.is_(None))))
        .order_by(Person.name)))
