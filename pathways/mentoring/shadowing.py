"""Role shadowing: hosts publish places, staff request one, their manager approves, and
afterwards the person writes a reflection and says whether the role is still their goal.

A request names the days the person would like, within the place's dates, and may say why;
the manager's decision may carry a note, which the person reads. The person may cancel
their request while it waits, and after it is approved until the shadowing starts (the
first preferred day, or the place's first day): a cancelled approval gives its place back.
Cancelled, they may ask for the same place again (the one request is opened again).

A place is open while its end date has not passed and it has room: approved (and
completed) requests take its places. Anyone in the host's organisation may request one, and
people elsewhere in the partnership when the place is open to the partnership.

A place's capacity is a limit: requesting and deciding lock the place first
(``db.lock_for_update``) and count its taken places only then, so approvals at the same
moment take turns and never overfill it, and each request is decided once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.orm import Session, aliased, contains_eager

from .. import audit, clock
from ..dates import format_day
from ..db import lock_for_update
from ..errors import InvalidInput, Problem, Refused
from ..models import (
    SHADOWING_STATES,
    Node,
    Organisation,
    Person,
    Role,
    ShadowingPlace,
    ShadowingRequest,
    Team,
)
from ..models.people import utcnow
from ..notifications import managers_of, notify, notify_each
from ..policy import shadowing_place_in_reach, shadowing_places_filter

#: Request states that take up a place.
TAKING_A_PLACE = ("approved", "completed")
#: Request states the person may still cancel (approved ones until the shadowing starts).
CANCELLABLE = ("requested", "approved")
#: The longest message with a request, and the longest note with a decision.
MAX_WORDS = 2000


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


def taken_column() -> ScalarSelect[int]:
    """Return, as a column of a query of places, how many people hold each (approved or
    completed requests): one indexed count per place, inside the query that lists them."""
    return (select(func.count(ShadowingRequest.id))
            .where(ShadowingRequest.place_id == ShadowingPlace.id,
                   ShadowingRequest.status.in_(TAKING_A_PLACE))
            .correlate(ShadowingPlace).scalar_subquery())


def open_places_query(viewer: Person | None, today: date,
                      role_id: str | None = None) -> Select[ShadowingPlace, int]:
    """Return the query of the open places (of ``role_id``, or every role) that ``viewer``
    could request (all when None), soonest first, each with how many hold it.

    Open means not over on ``today`` and not full. Whether the viewer could request it is
    ``policy.shadowing_places_filter`` on the host's organisation, the SQL form of
    ``policy.shadowing_place_in_reach``; each place comes with its host and the host's
    organisation, so a page listing them loads nothing more.
    """
    host, organisation = aliased(Person), aliased(Organisation)
    taken = taken_column()
    query = (select(ShadowingPlace, taken)
             .join(host, ShadowingPlace.host).join(organisation, host.organisation)
             .where(ShadowingPlace.ends_on >= today, taken < ShadowingPlace.capacity)
             .options(contains_eager(ShadowingPlace.host.of_type(host))
                      .contains_eager(host.organisation.of_type(organisation))))
    if role_id is not None:
        query = query.where(ShadowingPlace.role_id == role_id)
    if viewer is not None:
        query = query.where(shadowing_places_filter(viewer, organisation))
    return query.order_by(ShadowingPlace.starts_on, ShadowingPlace.id)


def open_places(session: Session, role_id: str, viewer: Person | None = None,
                today: date | None = None) -> list[ShadowingPlace]:
    """Return the open places for a role that ``viewer`` could request (all when None)."""
    return [place for place, _taken in session.execute(
        open_places_query(viewer, today or clock.today(), role_id))]


def request_place(session: Session, place: ShadowingPlace, person: Person, *,
                  preferred_from: date | None = None, preferred_to: date | None = None,
                  message: str = "", today: date | None = None) -> ShadowingRequest:
    """Ask for a shadowing place on the days preferred (the person's manager decides).

    The preferred days default to the place's remaining dates; they must lie within the
    place's dates, not before today, the first on or before the last. A request the person
    cancelled is opened again with the new days and message.

    Raises
    ------
    InvalidInput
        When the preferred days are outside the place's dates, in the past or the wrong
        way round, or the message is too long.
    ShadowingRefused
        When the place is full, over, out of the person's reach, hosted by them, or
        already requested by them.

    Examples
    --------
    >>> place = publish_place(session, lnd, role_id="social-worker", today=date(2030, 1, 6),
    ...                       starts_on=date(2030, 3, 2), ends_on=date(2030, 3, 6))
    >>> asked = request_place(session, place, me, preferred_from=date(2030, 3, 4),
    ...                       message="I am thinking of social work", today=date(2030, 1, 6))
    >>> asked.status, asked.preferred_to.isoformat()
    ('requested', '2030-03-06')
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
    first = preferred_from or max(place.starts_on, today)
    last = preferred_to or place.ends_on
    message = (message or "").strip()
    _check_request(place, first, last, message, today)
    earlier = session.scalar(select(ShadowingRequest).filter_by(place_id=place.id,
                                                               person_id=person.id))
    if earlier is not None and earlier.status != "withdrawn":
        raise ShadowingRefused("You have already asked for this place.")
    request = earlier or ShadowingRequest(place=place, person=person)
    request.status, request.requested_at = "requested", utcnow()
    request.preferred_from, request.preferred_to, request.message = first, last, message
    request.decided_by_id, request.decided_at, request.decision_note = None, None, ""
    request.cancelled_at = None
    session.add(request)
    session.flush()
    audit.record(session, person, "shadowing_request", "shadowing_request", request.id,
                 f"Requested {first.isoformat()} to {last.isoformat()}", concerns=person)
    notify_each(session, managers_of(session, person), "shadowing_request", request,
                link="/shadowing/approvals",
                text=f"{person.name} asks to shadow the role of {_role_title(session, place)}")
    return request


def _check_request(place: ShadowingPlace, first: date, last: date, message: str,
                   today: date) -> None:
    """Refuse preferred days outside the place's dates or past, and too long a message."""
    problems = []
    between = (f"must be between {format_day(place.starts_on)} and "
               f"{format_day(place.ends_on)}, the place's dates")
    if not place.starts_on <= first <= place.ends_on:
        problems.append(Problem("preferred_from", between))
    elif first < today:
        problems.append(Problem("preferred_from", "must be today or later"))
    if not place.starts_on <= last <= place.ends_on:
        problems.append(Problem("preferred_to", between))
    elif last < first:
        problems.append(Problem("preferred_to", "must be on or after the first day you "
                                                "would like"))
    if len(message) > MAX_WORDS:
        problems.append(Problem("message", f"must be {MAX_WORDS:,} characters or fewer"))
    if problems:
        raise InvalidInput(problems, "The place was not requested")


def _state(request: ShadowingRequest) -> str:
    """Return the request's state in words, e.g. "cancelled"."""
    return SHADOWING_STATES.get(request.status, request.status).lower()


def starts_on(request: ShadowingRequest) -> date:
    """Return the day the shadowing starts: the first preferred day, else the place's."""
    return request.preferred_from or request.place.starts_on


def cancel(session: Session, request: ShadowingRequest, *, actor: Person,
           today: date | None = None) -> ShadowingRequest:
    """Cancel a request (the requester; the caller checks): while it waits, or once approved
    until the shadowing starts, when its place is given back.

    Raises
    ------
    ShadowingRefused
        When the request was declined, cancelled or completed, or the approved shadowing
        has started.

    Examples
    --------
    >>> place = publish_place(session, lnd, role_id="social-worker", today=date(2030, 1, 6),
    ...                       starts_on=date(2030, 3, 2), ends_on=date(2030, 3, 6))
    >>> asked = request_place(session, place, me, today=date(2030, 1, 6))
    >>> cancel(session, asked, actor=me, today=date(2030, 1, 7)).status
    'withdrawn'
    """
    today = today or clock.today()
    lock_for_update(session, request.place)
    lock_for_update(session, request)
    if request.status not in CANCELLABLE:
        raise ShadowingRefused(f"This request is {_state(request)}, so it cannot be "
                               "cancelled.")
    if request.status == "approved" and starts_on(request) <= today:
        raise ShadowingRefused(f"The shadowing started on {format_day(starts_on(request))}, "
                               "so it cannot be cancelled now: tell the host instead.")
    was = request.status
    request.status, request.cancelled_at = "withdrawn", utcnow()
    session.flush()
    audit.record(session, actor, "shadowing_cancel", "shadowing_request", request.id,
                 f"Cancelled ({was})", concerns=request.person)
    return request


def decide(session: Session, request: ShadowingRequest, approve: bool, *,
           actor: Person, note: str = "", today: date | None = None) -> ShadowingRequest:
    """Approve or decline a request with an optional note the person reads (the caller
    checks the actor is the person's manager).

    Raises
    ------
    InvalidInput
        When the note is too long.
    ShadowingRefused
        When the request was already decided or cancelled, or approving would overfill
        the place.
    """
    note = (note or "").strip()
    if len(note) > MAX_WORDS:
        raise InvalidInput([Problem("note", f"must be {MAX_WORDS:,} characters or fewer")],
                           "The request was not decided")
    lock_for_update(session, request.place)
    lock_for_update(session, request)
    if request.status != "requested":
        raise ShadowingRefused(f"This request is already {_state(request)}.")
    if approve and places_taken(session, request.place) >= request.place.capacity:
        raise ShadowingRefused("The place filled up before this request was approved.")
    request.status = "approved" if approve else "declined"
    request.decided_by_id, request.decided_at = actor.id, utcnow()
    request.decision_note = note
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
    if today < starts_on(request):
        raise ShadowingRefused(f"The shadowing starts on {format_day(starts_on(request))}; "
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
