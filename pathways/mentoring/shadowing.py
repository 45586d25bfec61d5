"""Role shadowing: hosts publish places, staff request one, their manager approves, and
afterwards the person writes a reflection and says whether the role is still their goal.

A place is open while its end date has not passed and it has room: approved (and
completed) requests take its places. Anyone in the host's organisation may request one, and
people elsewhere in the partnership when the place is open to the partnership.

A place's capacity is a limit: requesting and deciding lock the place first
(``db.lock_for_update``) and count its taken places only then, so approvals at the same
moment take turns and never overfill it, and each request is decided once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit, clock
from ..db import lock_for_update
from ..errors import InvalidInput, Problem, Refused
from ..models import Node, Person, Role, ShadowingPlace, ShadowingRequest, Team
from ..models.people import utcnow
from ..notifications import managers_of, notify, notify_each
from ..policy import shadowing_place_in_reach

#: Request states that take up a place.
TAKING_A_PLACE = ("approved", "completed")


class ShadowingRefused(Refused):
    """The request cannot be made or moved that way; says why."""


def publish_place(session: Session, host: Person, *, role_id: str, starts_on: date,
                  ends_on: date, capacity: int = 1, team: Team | None = None,
                  description: str = "", open_to_partnership: bool = False,
                  today: date | None = None) -> ShadowingPlace:
    """Publish a shadowing place for a role, hosted by ``host`` in their organisation.

    Raises
    ------
    InvalidInput
        When the role is not a current role, the dates are wrong or the capacity is not 1-20.
    """
    today = today or clock.today()
    problems = []
    role = session.get(Node, role_id) if role_id else None
    if not isinstance(role, Role) or role.retired:
        problems.append(Problem("role_id", f"{role_id!r} is not a role on the map"))
    if ends_on < starts_on:
        problems.append(Problem("ends_on", "must be on or after the first day"))
    if ends_on < today:
        problems.append(Problem("ends_on", "has already passed"))
    if not isinstance(capacity, int) or not 1 <= capacity <= 20:
        problems.append(Problem("capacity", "must be a whole number from 1 to 20"))
    if team is not None and team.organisation_id != host.organisation_id:
        problems.append(Problem("team", "must be a team of the host's organisation"))
    if problems or not isinstance(role, Role):
        raise InvalidInput(problems, "The shadowing place was not published")
    place = ShadowingPlace(organisation_id=host.organisation_id, host=host, role_id=role.id,
                           team_id=team.id if team else None, starts_on=starts_on,
                           ends_on=ends_on, capacity=capacity,
                           description=(description or "").strip(),
                           open_to_partnership=open_to_partnership)
    session.add(place)
    session.flush()
    audit.record(session, host, "shadowing_place", "shadowing_place", place.id, role.title,
                 concerns=host)
    return place


def places_taken(session: Session, place: ShadowingPlace) -> int:
    """Return how many people hold a place (approved or completed requests)."""
    return session.scalar(select(func.count(ShadowingRequest.id)).where(
        ShadowingRequest.place_id == place.id,
        ShadowingRequest.status.in_(TAKING_A_PLACE))) or 0


def open_places(session: Session, role_id: str, viewer: Person | None = None,
                today: date | None = None) -> list[ShadowingPlace]:
    """Return the open places for a role that ``viewer`` could request (all when None)."""
    today = today or clock.today()
    places = session.scalars(select(ShadowingPlace).where(
        ShadowingPlace.role_id == role_id, ShadowingPlace.ends_on >= today)
        .order_by(ShadowingPlace.starts_on)).all()
    return [place for place in places if places_taken(session, place) < place.capacity
            and (viewer is None or shadowing_place_in_reach(viewer, place))]


def request_place(session: Session, place: ShadowingPlace, person: Person, *,
                  today: date | None = None) -> ShadowingRequest:
    """Ask for a shadowing place (the person's manager decides).

    Raises
    ------
    ShadowingRefused
        When the place is full, over, out of the person's reach, hosted by them, or
        already requested by them.
    """
    today = today or clock.today()
    lock_for_update(session, place)
    if place.host_id == person.id:
        raise ShadowingRefused("You cannot shadow a place you host.")
    if not shadowing_place_in_reach(person, place):
        raise ShadowingRefused("This place is only for people in the host's organisation.")
    if place.ends_on < today:
        raise ShadowingRefused("This place has ended.")
    if places_taken(session, place) >= place.capacity:
        raise ShadowingRefused("This place is full.")
    if session.scalar(select(ShadowingRequest.id).filter_by(place_id=place.id,
                                                           person_id=person.id)):
        raise ShadowingRefused("You have already asked for this place.")
    request = ShadowingRequest(place=place, person=person)
    session.add(request)
    session.flush()
    audit.record(session, person, "shadowing_request", "shadowing_request", request.id,
                 "Requested", concerns=person)
    notify_each(session, managers_of(session, person), "shadowing_request", request,
                link="/shadowing/approvals",
                text=f"{person.name} asks to shadow the role of {_role_title(session, place)}")
    return request


def decide(session: Session, request: ShadowingRequest, approve: bool, *,
           actor: Person, today: date | None = None) -> ShadowingRequest:
    """Approve or decline a request (the caller checks the actor is the person's manager).

    Raises
    ------
    ShadowingRefused
        When the request was already decided, or approving would overfill the place.
    """
    lock_for_update(session, request.place)
    lock_for_update(session, request)
    if request.status != "requested":
        raise ShadowingRefused(f"This request is already {request.status}.")
    if approve and places_taken(session, request.place) >= request.place.capacity:
        raise ShadowingRefused("The place filled up before this request was approved.")
    request.status = "approved" if approve else "declined"
    request.decided_by_id, request.decided_at = actor.id, utcnow()
    session.flush()
    audit.record(session, actor, "shadowing_" + request.status, "shadowing_request",
                 request.id, request.status.title(), concerns=request.person)
    notify(session, request.person, "shadowing_decision", request, link="/shadowing",
           text=f"Your request to shadow the role of {_role_title(session, request.place)} was "
                f"{request.status}")
    return request


def _role_title(session: Session, place: ShadowingPlace) -> str:
    role = session.get(Node, place.role_id)
    return role.title if role is not None else place.role_id


def reflect(session: Session, request: ShadowingRequest, *, reflection: str,
            still_my_goal: bool, today: date | None = None) -> ShadowingRequest:
    """Write the reflection after shadowing, and say whether the role is still the goal.

    Raises
    ------
    ShadowingRefused
        When the request was not approved or the shadowing has not started yet.
    InvalidInput
        When the reflection is empty.
    """
    today = today or clock.today()
    lock_for_update(session, request)
    if request.status != "approved":
        raise ShadowingRefused(f"Only approved shadowing can be reflected on; this is "
                               f"{request.status}.")
    if today < request.place.starts_on:
        raise ShadowingRefused(f"The shadowing starts on {request.place.starts_on.isoformat()}; "
                               "write the reflection afterwards.")
    if not (reflection or "").strip():
        raise InvalidInput([Problem("reflection", "say what you saw and learned")],
                           "The reflection was not saved")
    request.reflection, request.still_my_goal = reflection.strip(), bool(still_my_goal)
    request.status = "completed"
    session.flush()
    audit.record(session, request.person, "shadowing_reflection", "shadowing_request",
                 request.id, "Reflection written", concerns=request.person)
    return request
