"""Which subjects a role needs at an organisation (ASC-WDS's mandatory training).

A requirement is a (organisation, role, subject) triple, unique; a person's requirements are
those of their current role at their organisation, so they follow the person when the role
changes.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload

from .. import audit, clock
from ..errors import Refused
from ..models import Organisation, Person, Role, TrainingRequirement, TrainingSubject


class RequirementRefused(Refused):
    """A requirement cannot be set that way; nothing was written."""


def add_requirement(session: Session, actor: Person | None, organisation: Organisation,
                    role: Role, subject: TrainingSubject) -> TrainingRequirement:
    """Require ``subject`` of everyone in ``role`` at ``organisation`` (the one stored, if any).

    Two people adding the same requirement at once make one row: an insert that does
    nothing on the unique constraint, so the second gets the first's. Flushes.

    Raises
    ------
    RequirementRefused
        A subject of another partnership's catalogue.
    """
    if subject.partnership_id not in (None, organisation.partnership_id):
        raise RequirementRefused(f"{subject.title} is not a subject of {organisation.name}")
    row = {"organisation_id": organisation.id, "role_id": role.id, "subject_id": subject.id,
           "created_at": clock.now()}
    insert: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        insert = postgresql.insert(TrainingRequirement).values(row).on_conflict_do_nothing()
    else:
        insert = sqlite.insert(TrainingRequirement).values(row).on_conflict_do_nothing()
    made = session.execute(insert.returning(TrainingRequirement.id)).first()
    requirement = _stored(session, organisation.id, role.id, subject.id)
    if requirement is None:
        raise RequirementRefused("The requirement was removed meanwhile: try again")
    if made is None:  # stored already (before, or by someone else at the same moment)
        return requirement
    audit.record(session, actor, "training_requirement", "organisation", organisation.id,
                 f"{subject.title} required of {role.title}",
                 {"role": role.id, "subject": subject.id}, concerns=organisation)
    session.flush()
    return requirement


def remove_requirement(session: Session, actor: Person | None,
                       requirement: TrainingRequirement) -> None:
    """Stop requiring a subject of a role at an organisation (flushes)."""
    audit.record(session, actor, "training_requirement_removed", "organisation",
                 requirement.organisation_id,
                 f"{requirement.subject.title} no longer required of {requirement.role_id}",
                 {"role": requirement.role_id, "subject": requirement.subject_id},
                 concerns=requirement.organisation)
    session.delete(requirement)
    session.flush()


def requirements_at(session: Session, organisation_id: int) -> list[TrainingRequirement]:
    """Return an organisation's requirements, by role then subject, each with its subject
    (loaded in the same query: the page shows every requirement's title)."""
    return list(session.scalars(
        select(TrainingRequirement).where(TrainingRequirement.organisation_id == organisation_id)
        .options(joinedload(TrainingRequirement.subject))
        .order_by(TrainingRequirement.role_id, TrainingRequirement.subject_id)))


def required_subjects(session: Session, person: Person) -> list[TrainingSubject]:
    """Return the subjects a person's current role needs at their organisation, by title."""
    if person.current_role_id is None:
        return []
    return list(session.scalars(
        select(TrainingSubject).join(TrainingRequirement,
                                     TrainingRequirement.subject_id == TrainingSubject.id)
        .where(TrainingRequirement.organisation_id == person.organisation_id,
               TrainingRequirement.role_id == person.current_role_id)
        .order_by(TrainingSubject.title)))


def _stored(session: Session, organisation_id: int, role_id: str, subject_id: str
            ) -> TrainingRequirement | None:
    return session.scalars(select(TrainingRequirement).where(
        TrainingRequirement.organisation_id == organisation_id,
        TrainingRequirement.role_id == role_id,
        TrainingRequirement.subject_id == subject_id)).one_or_none()
