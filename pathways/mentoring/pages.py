"""What the champions, development and story pages show, each read in one call.

The views ask these instead of building queries; each loads the rows its page walks
through, so a page's loops never load one row at a time.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import CareerStory, Person


def story_of(session: Session, person: Person) -> CareerStory | None:
    """Return the person's story: their latest, should there be more than one.

    Examples
    --------
    >>> story_of(session, me) is None
    True
    """
    return session.scalars(select(CareerStory).where(CareerStory.person_id == person.id)
                           .order_by(CareerStory.id.desc()).limit(1)).first()


def stories_to_moderate(session: Session) -> list[CareerStory]:
    """Return every story waiting to be published or published, first consented first.

    Each comes with its author and their organisation, for the caller to keep those in its
    reach.
    """
    return list(session.scalars(
        select(CareerStory).where(CareerStory.status.in_(("submitted", "published")))
        .options(selectinload(CareerStory.person).selectinload(Person.organisation))
        .order_by(CareerStory.consented_at, CareerStory.id)))
