"""Pairing a person with a champion: request, accept with an agreement, decline, expire, end.

A person requests a champion from their match list; the champion has ``RESPOND_DAYS`` (10)
to accept or decline. Accepting needs an agreement: goals, how often to meet, and until
when. A request not answered by its ``respond_by`` date expires (``expire_requests`` marks
them, and a late answer is refused). The person who asked may withdraw their request
while it waits, which frees the champion's place. Either side can end an active pairing.

A champion's places are limited (``ChampionProfile.capacity``): requesting and accepting
lock the champion's profile first (``db.lock_for_update``) and count their pairings only
then, so requests at the same moment take turns and never take a champion over capacity;
answering, withdrawing or ending locks the pairing, so it is answered, withdrawn (or ended)
once: a withdrawal and an answer at the same moment take turns, and the second is refused.
"""

from __future__ import annotations

from datetime import date, timedelta

import networkx as nx
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import audit, clock
from ..db import lock_for_update
from ..errors import InvalidInput, Problem, Refused
from ..models import ChampionPairing, ChampionProfile, Person
from ..models.people import utcnow
from ..notifications import notify
from .matching import could_ask

#: Days a champion has to answer a request.
RESPOND_DAYS = 10


class PairingRefused(Refused):
    """The pairing cannot move that way; says why.

    The one refusal that writes: an answer that comes too late marks the request expired
    first, and that mark is kept (the web app commits it), so the person may ask again.
    """


def request_champion(session: Session, G: nx.DiGraph, person: Person, champion: Person, *,
                     message: str = "", today: date | None = None,
                     respond_days: int = RESPOND_DAYS) -> ChampionPairing:
    """Ask a champion to support ``person``; the champion must be on their match list.

    Raises
    ------
    PairingRefused
        When the champion is not among the person's matches (full, out of reach, already
        paired or requested, or not a champion).
    """
    today = today or clock.today()
    _lock_champion(session, champion.id)  # matching counts their pairings after this
    if not could_ask(session, G, person, champion):
        raise PairingRefused(f"{champion.name} cannot take a request from you now: they may "
                             "be full, already asked, or outside your partnership.")
    pairing = ChampionPairing(champion_id=champion.id, person_id=person.id,
                              status="requested", requested_at=utcnow(),
                              respond_by=today + timedelta(days=respond_days),
                              request_message=(message or "").strip())
    session.add(pairing)
    session.flush()
    audit.record(session, person, "champion_request", "pairing", pairing.id,
                 f"{person.email} asked {champion.email}", concerns=person)
    notify(session, champion, "champion_request", pairing, link="/champions/requests",
           text=f"{person.name} asked you to be their career champion")
    return pairing


def _lock_champion(session: Session, champion_id: int) -> ChampionProfile | None:
    """Lock the champion's profile (which holds their capacity) and return it, or None."""
    profile = session.get(ChampionProfile, champion_id)
    if profile is not None:
        lock_for_update(session, profile)
    return profile


def _check_open_request(pairing: ChampionPairing, today: date) -> None:
    if pairing.status != "requested":
        raise PairingRefused(f"This request is {pairing.status}, so it cannot be answered.")
    if pairing.respond_by is not None and today > pairing.respond_by:
        pairing.status = "expired"
        raise PairingRefused(f"This request expired on {pairing.respond_by.isoformat()}; "
                             "the person can ask again.")


def accept(session: Session, pairing: ChampionPairing, *, goals: str, meeting_frequency: str,
           agreed_until: date, actor: Person | None = None,
           today: date | None = None) -> ChampionPairing:
    """Accept a request with the agreement that starts the pairing.

    Raises
    ------
    InvalidInput
        When goals or meeting frequency are empty, or the end is not after today.
    PairingRefused
        When the request is no longer open (answered or expired), or the champion already
        supports as many people as their capacity (it was lowered since the request).
    """
    today = today or clock.today()
    problems = []
    if not (goals or "").strip():
        problems.append(Problem("goals", "say what you will work on together"))
    if not (meeting_frequency or "").strip():
        problems.append(Problem("meeting_frequency", "say how often you will meet"))
    if agreed_until is None or agreed_until <= today:
        problems.append(Problem("agreed_until", "must be after today"))
    if problems:
        raise InvalidInput(problems, "The request was not accepted")
    profile = _lock_champion(session, pairing.champion_id)
    lock_for_update(session, pairing)
    _check_open_request(pairing, today)
    if profile is not None:
        active = session.scalar(select(func.count(ChampionPairing.id)).where(
            ChampionPairing.champion_id == pairing.champion_id,
            ChampionPairing.status == "active", ChampionPairing.id != pairing.id)) or 0
        if active >= profile.capacity:
            raise PairingRefused(f"You already support {active} "
                                 f"{'person' if active == 1 else 'people'}, as many as your "
                                 f"capacity of {profile.capacity}: end a pairing or raise "
                                 "your capacity first.")
    pairing.status, pairing.responded_at = "active", utcnow()
    pairing.goals, pairing.meeting_frequency = goals.strip(), meeting_frequency.strip()
    pairing.agreed_until = agreed_until
    session.flush()
    audit.record(session, actor, "champion_accept", "pairing", pairing.id, "Accepted",
                 concerns=pairing.person)
    notify(session, pairing.person, "champion_answer", pairing, link=f"/pairings/{pairing.id}",
           text=f"{pairing.champion.name} accepted your request to be your career champion")
    return pairing


def decline(session: Session, pairing: ChampionPairing, *, reason: str = "",
            actor: Person | None = None, today: date | None = None) -> ChampionPairing:
    """Decline a request (a reason is optional and shown to the person).

    Raises
    ------
    PairingRefused
        When the request is no longer open.
    """
    lock_for_update(session, pairing)
    _check_open_request(pairing, today or clock.today())
    pairing.status, pairing.responded_at = "declined", utcnow()
    pairing.decline_reason = (reason or "").strip()
    session.flush()
    audit.record(session, actor, "champion_decline", "pairing", pairing.id, "Declined",
                 concerns=pairing.person)
    notify(session, pairing.person, "champion_answer", pairing, link="/champions",
           text=f"{pairing.champion.name} declined your request to be your career champion")
    return pairing


def withdraw_request(session: Session, pairing: ChampionPairing, *,
                     actor: Person | None = None) -> ChampionPairing:
    """Withdraw a request the champion has not answered (the person who asked; the caller
    checks): the champion's place is free again, and the person may ask again later.

    Raises
    ------
    PairingRefused
        When the request was answered, expired or withdrawn already.

    Examples
    --------
    >>> asked = ChampionPairing(champion_id=lnd.id, person_id=me.id, status="requested")
    >>> session.add(asked)
    >>> withdraw_request(session, asked, actor=me).status
    'withdrawn'
    """
    _lock_champion(session, pairing.champion_id)  # the same order as asking and accepting
    lock_for_update(session, pairing)
    if pairing.status != "requested":
        raise PairingRefused(f"This request is {pairing.status}, so it cannot be withdrawn.")
    pairing.status = "withdrawn"
    session.flush()
    audit.record(session, actor, "champion_withdraw", "pairing", pairing.id,
                 "Request withdrawn", concerns=pairing.person)
    return pairing


def end_pairing(session: Session, pairing: ChampionPairing, *,
                actor: Person | None = None) -> ChampionPairing:
    """End an active pairing (either side may).

    Raises
    ------
    PairingRefused
        When the pairing is not active.
    """
    lock_for_update(session, pairing)
    if pairing.status != "active":
        raise PairingRefused(f"This pairing is {pairing.status}, not active.")
    pairing.status = "ended"
    session.flush()
    audit.record(session, actor, "champion_end", "pairing", pairing.id, "Ended",
                 concerns=pairing.person)
    return pairing


def expire_requests(session: Session, today: date | None = None) -> int:
    """Mark every request past its ``respond_by`` date as expired, tell each person who asked
    (so they can ask someone else), and return how many expired.

    One conditional ``UPDATE`` takes the requests: a request answered meanwhile is not
    expired, and a second run at the same moment finds none left to tell anyone of.
    """
    today = today or clock.today()
    expired = list(session.scalars(
        update(ChampionPairing)
        .where(ChampionPairing.status == "requested", ChampionPairing.respond_by < today)
        .values(status="expired").returning(ChampionPairing.id)
        .execution_options(synchronize_session="fetch")))
    for pairing in session.scalars(select(ChampionPairing).where(
            ChampionPairing.id.in_(expired)).order_by(ChampionPairing.id)):
        notify(session, pairing.person, "champion_answer", pairing, link="/champions",
               text=f"Your request to {pairing.champion.name} to be your career champion "
                    "expired unanswered: you can ask another champion")
    return len(expired)


def pairings_of(session: Session, person: Person, *, as_champion: bool = False
                ) -> list[ChampionPairing]:
    """Return the person's pairings (or, ``as_champion``, their caseload), newest first."""
    column = ChampionPairing.champion_id if as_champion else ChampionPairing.person_id
    return list(session.scalars(select(ChampionPairing).where(column == person.id)
                                .order_by(ChampionPairing.id.desc())))
