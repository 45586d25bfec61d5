"""What the champions, development, story and team pages show, each read in one call.

The views ask these instead of building queries; each loads the rows its page walks
through, so a page's loops never load one row at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import networkx as nx
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from ..apprenticeships.pages import teams_of
from ..apprenticeships.progress import ApprenticeProgress, Thresholds, progress_rows
from ..apprenticeships.rules import FINISHED
from ..errors import InvalidInput
from ..models import (
    Apprenticeship,
    CareerStory,
    ChampionPairing,
    ChampionProfile,
    DevelopmentConversation,
    MentoringSession,
    Person,
    ShadowingPlace,
    ShadowingRequest,
    Team,
)
from ..paging import Key, KeysetPage, keyset_page
from ..policy import team_filter
from ..vocabulary import LabelledEnum
from . import shadowing
from .matching import ChampionMatch, match_champions

#: Statuses of pairings that are over.
PAST = ("declined", "expired", "withdrawn", "ended")

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
    #: The page of the open places shown (``places`` are its rows), for its page links.
    found: KeysetPage | None = None


#: The open places' order: soonest first.
SOONEST_FIRST = (Key(ShadowingPlace.starts_on), Key(ShadowingPlace.id))


def shadowing_page(session: Session, person: Person, today: date, *,
                   after: str | None = None, before: str | None = None, number: int = 1,
                   per_page: int = 50) -> ShadowingPage:
    """Return the shadowing places and requests ``person`` sees on ``today``.

    The same number of queries whatever the number of places and requests: a page of the
    open places in reach, soonest first, by keyset (continuing ``after`` or ``before`` a
    cursor), with their hosts and how many hold each (``shadowing.open_places_query``); the
    places the person hosts with the same count; their requests with places and hosts; and
    the teams named.

    Examples
    --------
    >>> page = shadowing_page(session, me, date(2026, 3, 2))
    >>> page.places, page.mine, page.hosted
    ([], [], [])
    """
    left: dict[int, int] = {}
    places = []
    found = keyset_page(session, shadowing.open_places_query(person, today).order_by(None),
                        SOONEST_FIRST, after=after, before=before, number=number,
                        per_page=per_page)
    for place, taken in found.rows:
        places.append(place)
        left[place.id] = place.capacity - taken
    hosted = []
    for place, taken in session.execute(
            select(ShadowingPlace, shadowing.taken_column())
            .where(ShadowingPlace.host_id == person.id)
            .order_by(ShadowingPlace.starts_on.desc(), ShadowingPlace.id.desc())):
        hosted.append(place)
        left[place.id] = place.capacity - taken
    team_ids = {place.team_id for place in places if place.team_id is not None}
    team_names = {team.id: team.name for team in session.scalars(
        select(Team).where(Team.id.in_(team_ids)))} if team_ids else {}
    return ShadowingPage(
        places=places, mine=shadowing_requests_of(session, person), hosted=hosted, left=left,
        team_names=team_names, teams=teams_of(session, person.organisation_id), found=found)


@dataclass(frozen=True)
class PlaceToRequest:
    """What the page asking for a place shows besides the place: places left, its team."""

    left: int
    team: str | None


def place_to_request(session: Session, place: ShadowingPlace) -> PlaceToRequest:
    """Return the places still free of ``place`` and its team's name."""
    team = session.get(Team, place.team_id) if place.team_id else None
    return PlaceToRequest(place.capacity - shadowing.places_taken(session, place),
                          team.name if team else None)


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


def pairings_with_names(session: Session, person: Person, *, as_champion: bool = False
                        ) -> list[ChampionPairing]:
    """Return the person's pairings (``as_champion``: their caseload), newest first.

    Each comes with the champion and the person supported, whose names the pages show.

    Examples
    --------
    >>> pairings_with_names(session, me)
    []
    """
    column = ChampionPairing.champion_id if as_champion else ChampionPairing.person_id
    return list(session.scalars(
        select(ChampionPairing).where(column == person.id)
        .options(selectinload(ChampionPairing.champion), selectinload(ChampionPairing.person))
        .order_by(ChampionPairing.id.desc())))


@dataclass(frozen=True)
class ChampionsPage:
    """What ``/champions`` shows a person.

    ``matches`` are the champions they may ask, best first, with ``profiles`` by champion
    id; ``no_target`` says why there are none when the person has no target role to match
    on; ``requested``, ``active`` and ``past`` are their pairings, newest first.
    """

    matches: list[ChampionMatch]
    no_target: InvalidInput | None
    profiles: dict[int, ChampionProfile | None]
    requested: list[ChampionPairing]
    active: list[ChampionPairing]
    past: list[ChampionPairing]


def champions_page(session: Session, G: nx.DiGraph, person: Person) -> ChampionsPage:
    """Return the champions ``person`` may ask, and their own pairings.

    Examples
    --------
    >>> page = champions_page(session, G, me)
    >>> page.matches, page.requested, page.active, page.past
    ([], [], [], [])
    """
    try:
        matches = match_champions(session, G, person)
        no_target = None
    except InvalidInput as invalid:
        matches, no_target = [], invalid
    ids = [match.champion.id for match in matches]
    found = {profile.person_id: profile for profile in session.scalars(
        select(ChampionProfile).where(ChampionProfile.person_id.in_(ids)))} if ids else {}
    mine = pairings_with_names(session, person)
    return ChampionsPage(
        matches=matches, no_target=no_target,
        profiles={champion_id: found.get(champion_id) for champion_id in ids},
        requested=[p for p in mine if p.status == "requested"],
        active=[p for p in mine if p.status == "active"],
        past=[p for p in mine if p.status in PAST])


def waiting_requests(session: Session, champion: Person) -> list[ChampionPairing]:
    """Return the requests waiting for the champion's answer, the soonest deadline first
    (those without one last), each with the champion and the person asking."""
    return list(session.scalars(
        select(ChampionPairing).where(ChampionPairing.champion_id == champion.id,
                                      ChampionPairing.status == "requested")
        .options(selectinload(ChampionPairing.champion), selectinload(ChampionPairing.person))
        .order_by(ChampionPairing.respond_by.is_(None), ChampionPairing.respond_by,
                  ChampionPairing.id)))


def sessions_of(session: Session, pairing: ChampionPairing) -> list[MentoringSession]:
    """Return a pairing's sessions, the latest first, each with its agreed actions."""
    return list(session.scalars(
        select(MentoringSession).where(MentoringSession.pairing_id == pairing.id)
        .options(selectinload(MentoringSession.actions))
        .order_by(MentoringSession.held_on.desc(), MentoringSession.id.desc())))


@dataclass(frozen=True)
class PlaceOffered:
    """An open shadowing place as a role's page lists it: who offers it, and places left."""

    place: ShadowingPlace
    organisation: str
    team: str | None
    left: int


def places_to_shadow(session: Session, role_id: str, viewer: Person, today: date
                     ) -> list[PlaceOffered]:
    """Return the open places to shadow a role that ``viewer`` could ask for, soonest first.

    Examples
    --------
    >>> places_to_shadow(session, "care-worker", me, date(2026, 3, 2))
    []
    """
    found = session.execute(shadowing.open_places_query(viewer, today, role_id)).all()
    team_ids = {place.team_id for place, _taken in found if place.team_id}
    teams = {team.id: team.name for team in session.scalars(
        select(Team).where(Team.id.in_(team_ids)))} if team_ids else {}
    return [PlaceOffered(place=place, organisation=place.host.organisation.name,
                         team=teams.get(place.team_id) if place.team_id else None,
                         left=place.capacity - taken)
            for place, taken in found]


# A manager's team ---------------------------------------------------------------------------

#: Days before a My Conversation's review date from which it shows as due.
REVIEW_DUE_WITHIN_DAYS = 28
#: People on one page of the team page.
TEAM_PAGE_SIZE = 25


class ReviewState(LabelledEnum):
    """Where a person's My Conversation stands on a day, from its review date."""

    OVERDUE = "overdue", "Review overdue", "red"
    DUE = "due", "Review due soon", "orange"
    BOOKED = "booked", "Review booked", "green"
    NONE = "none", "No conversation yet", "grey"

    @classmethod
    def on(cls, review_on: date | None, today: date) -> ReviewState:
        """Return the state of a conversation reviewed on ``review_on``, seen on ``today``.

        Examples
        --------
        >>> [ReviewState.on(day, date(2026, 3, 2)).value for day in (
        ...     date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 30), date(2026, 4, 1), None)]
        ['overdue', 'due', 'due', 'booked', 'none']
        """
        if review_on is None:
            return cls.NONE
        if review_on < today:
            return cls.OVERDUE
        if review_on <= today + timedelta(days=REVIEW_DUE_WITHIN_DAYS):
            return cls.DUE
        return cls.BOOKED


@dataclass(frozen=True)
class TeamMember:
    """One person of a manager's team as the team page shows them.

    ``review_on`` is their latest My Conversation's review date (None without one) and
    ``review`` its state; ``waiting`` their shadowing requests waiting for the manager,
    soonest first; ``apprenticeships`` the standing of those not finished, with the hours
    waiting for approval beside the approved ones.
    """

    person: Person
    review_on: date | None
    review: ReviewState
    waiting: list[ShadowingRequest]
    apprenticeships: list[ApprenticeProgress]


@dataclass(frozen=True)
class TeamPage:
    """A page of the manager's team by name, and what needs them across the whole team.

    ``overdue`` and ``due`` count My Conversation reviews overdue and due soon,
    ``without`` people with no conversation yet, ``waiting`` shadowing requests waiting
    for the manager's decision.
    """

    members: list[TeamMember]
    number: int
    after: str | None
    before: str | None
    total: int
    overdue: int
    due: int
    without: int
    waiting: int


#: The team page's order: by name (``ix_people_team_id_name`` holds it within a team).
TEAM_ORDER = (Key(Person.name), Key(Person.id))


def team_page(session: Session, manager: Person, today: date, *, after: str | None = None,
              before: str | None = None, number: int = 1, per_page: int = TEAM_PAGE_SIZE,
              thresholds: Thresholds | None = None) -> TeamPage:
    """Return a page of the people ``manager`` manages (``policy.team_filter``), by name.

    The same number of queries whatever the team's size: the count and what needs the
    manager across the team, the page's people with their latest review dates, their
    waiting shadowing requests with places, and their apprenticeships' standing on
    ``today`` (``progress.progress_rows``). Only active people, never the manager. The page
    continues ``after`` or ``before`` a cursor of the pages either side
    (``paging.keyset_page``).

    Examples
    --------
    >>> found = team_page(session, me, date(2026, 3, 2))
    >>> found.members, found.total, found.after
    ([], 0, None)
    """
    latest_review = (select(DevelopmentConversation.review_on)
                     .where(DevelopmentConversation.person_id == Person.id)
                     .order_by(DevelopmentConversation.held_on.desc(),
                               DevelopmentConversation.id.desc())
                     .limit(1).correlate(Person).scalar_subquery())
    team = (team_filter(manager), Person.id != manager.id, Person.active.is_(True))
    reviews = select(Person.id.label("person_id"), latest_review.label("review_on")) \
        .where(*team).subquery()
    soon = today + timedelta(days=REVIEW_DUE_WITHIN_DAYS)
    total, overdue, due, without = session.execute(select(
        func.count(), func.count(case((reviews.c.review_on < today, 1))),
        func.count(case((reviews.c.review_on.between(today, soon), 1))),
        func.count(case((reviews.c.review_on.is_(None), 1)))).select_from(reviews)).one()
    waiting_total = session.scalar(
        select(func.count(ShadowingRequest.id)).join(ShadowingRequest.person)
        .where(*team, ShadowingRequest.status == "requested")) or 0
    listed = keyset_page(session, select(Person, latest_review).where(*team), TEAM_ORDER,
                         after=after, before=before, number=number, per_page=per_page,
                         counted=(total, False))
    rows = listed.rows
    ids = [person.id for person, _review in rows]
    waiting: dict[int, list[ShadowingRequest]] = {person_id: [] for person_id in ids}
    standing: dict[str, list[ApprenticeProgress]] = {person.email: [] for person, _ in rows}
    if ids:
        for found in session.scalars(
                select(ShadowingRequest).where(ShadowingRequest.person_id.in_(ids),
                                               ShadowingRequest.status == "requested")
                .options(selectinload(ShadowingRequest.place))
                .order_by(ShadowingRequest.preferred_from, ShadowingRequest.id)):
            waiting[found.person_id].append(found)
        for row in progress_rows(session, Apprenticeship.person_id.in_(ids), today,
                                 thresholds or Thresholds()):
            if row.status not in FINISHED:
                standing[row.email].append(row)
    return TeamPage(
        [TeamMember(person, review_on, ReviewState.on(review_on, today), waiting[person.id],
                    sorted(standing[person.email], key=lambda row: row.start_date))
         for person, review_on in rows],
        listed.number, listed.after, listed.before, total, overdue, due, without, waiting_total)
