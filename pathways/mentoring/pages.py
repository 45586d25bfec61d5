"""What the champions, development and story pages show, each read in one call.

The views ask these instead of building queries; each loads the rows its page walks
through, so a page's loops never load one row at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..apprenticeships.pages import teams_of
from ..models import (
    CareerStory,
    DevelopmentConversation,
    Person,
    ShadowingPlace,
    ShadowingRequest,
    Team,
)
from . import shadowing

#: A shadowing request with its place, the place's host and the host's organisation.
_WITH_PLACE = selectinload(ShadowingRequest.place).selectinload(ShadowingPlace.host) \
    .selectinload(Person.organisation)


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


def conversations_of(session: Session, person: Person) -> list[DevelopmentConversation]:
    """Return the person's development conversations, newest first, with managers and actions.

    Examples
    --------
    >>> conversations_of(session, me)
    []
    """
    return list(session.scalars(
        select(DevelopmentConversation).where(DevelopmentConversation.person_id == person.id)
        .options(selectinload(DevelopmentConversation.manager),
                 selectinload(DevelopmentConversation.actions))
        .order_by(DevelopmentConversation.held_on.desc(), DevelopmentConversation.id.desc())))


def shadowing_requests_of(session: Session, person: Person) -> list[ShadowingRequest]:
    """Return the person's shadowing requests, newest first, each with its place and host."""
    return list(session.scalars(
        select(ShadowingRequest).where(ShadowingRequest.person_id == person.id)
        .options(_WITH_PLACE)
        .order_by(ShadowingRequest.requested_at.desc(), ShadowingRequest.id.desc())))


@dataclass(frozen=True)
class ShadowingPage:
    """What ``/shadowing`` shows one person on a day.

    ``places`` are the open places they could request, soonest first; ``mine`` their
    requests, newest first; ``hosted`` the places they offer; ``left`` the places still free
    of each of those by id; ``team_names`` the names of the open places' teams; ``teams``
    those of their organisation, to offer a place for.
    """

    places: list[ShadowingPlace]
    mine: list[ShadowingRequest]
    hosted: list[ShadowingPlace]
    left: dict[int, int]
    team_names: dict[int, str]
    teams: list[Team]


def shadowing_page(session: Session, person: Person, today: date) -> ShadowingPage:
    """Return the shadowing places and requests ``person`` sees on ``today``.

    Examples
    --------
    >>> page = shadowing_page(session, me, date(2026, 3, 2))
    >>> page.places, page.mine, page.hosted
    ([], [], [])
    """
    role_ids = session.scalars(select(ShadowingPlace.role_id).distinct().where(
        ShadowingPlace.ends_on >= today)).all()
    places = sorted((place for role_id in role_ids
                     for place in shadowing.open_places(session, role_id, person, today)),
                    key=lambda place: (place.starts_on, place.id))
    hosted = list(session.scalars(select(ShadowingPlace).where(
        ShadowingPlace.host_id == person.id).order_by(ShadowingPlace.starts_on.desc())))
    team_ids = {place.team_id for place in places if place.team_id is not None}
    team_names = {team.id: team.name for team in session.scalars(
        select(Team).where(Team.id.in_(team_ids)))} if team_ids else {}
    return ShadowingPage(
        places=places, mine=shadowing_requests_of(session, person), hosted=hosted,
        left={place.id: place.capacity - shadowing.places_taken(session, place)
              for place in places + hosted},
        team_names=team_names, teams=teams_of(session, person.organisation_id))


def team_shadowing_requests(session: Session, manager: Person) -> list[ShadowingRequest]:
    """Return the shadowing requests of the manager's team (not their own), newest first."""
    if manager.team_id is None:
        return []
    return list(session.scalars(
        select(ShadowingRequest).join(ShadowingRequest.person).where(
            Person.team_id == manager.team_id, Person.organisation_id == manager.organisation_id,
            Person.id != manager.id)
        .options(selectinload(ShadowingRequest.person), _WITH_PLACE)
        .order_by(ShadowingRequest.requested_at.desc(), ShadowingRequest.id.desc())))
