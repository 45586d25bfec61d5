"""Everything held about a person, as one JSON document they can download (UK GDPR access).

It covers the profile, qualifications, organisation history, access roles, their own
equality answers, apprenticeships (status history, off-the-job log, reviews, placements),
champion pairings (as the person supported and as a champion) with sessions and the
private notes they were party to, development conversations, shadowing and career stories,
and the audit events of things they did. Other people appear by name only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    Apprenticeship,
    AuditEvent,
    CareerStory,
    ChampionPairing,
    ChampionProfile,
    DevelopmentConversation,
    MentoringSession,
    Person,
    ShadowingRequest,
)
from .profiles import equality_answers


def _plain(value):
    """Make a value JSON-ready: dates as ISO text, decimals as numbers."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _columns(row, *skip: str) -> dict:
    """The row's column values, without ``skip`` and without password hashes."""
    hidden = {"password_hash", "session_generation", *skip}
    return {column.key: getattr(row, column.key) for column in row.__table__.columns
            if column.key not in hidden}


def _name(session: Session, person_id: int | None) -> str | None:
    person = session.get(Person, person_id) if person_id else None
    return person.name if person else None


def everything_about(session: Session, person: Person) -> dict:
    """Return every record held about ``person`` as JSON-ready data."""
    data = {
        "person": _columns(person),
        "organisation": person.organisation.name,
        "team": person.team.name if person.team else None,
        "access_roles": [{"role": g.role, "scope": g.scope} for g in person.access],
        "organisation_history": [_columns(m, "person_id") for m in person.memberships],
        "qualifications": [_columns(q, "person_id") for q in person.qualifications],
        "equality_answers": equality_answers(session, person),
        "apprenticeships": [_apprenticeship(a) for a in session.scalars(
            select(Apprenticeship).where(Apprenticeship.person_id == person.id))],
        "champion_profile": _columns(profile, "person_id") if (
            profile := session.get(ChampionProfile, person.id)) else None,
        "pairings": [_pairing(session, p, person) for p in session.scalars(
            select(ChampionPairing).where((ChampionPairing.person_id == person.id)
                                          | (ChampionPairing.champion_id == person.id)))],
        "development_conversations": [
            {**_columns(c, "person_id"), "manager": _name(session, c.manager_id),
             "actions": [_columns(a, "conversation_id") for a in c.actions]}
            for c in session.scalars(select(DevelopmentConversation).where(
                DevelopmentConversation.person_id == person.id))],
        "shadowing": [
            {**_columns(r, "person_id"), "role": r.place.role_id,
             "host": r.place.host.name, "starts_on": r.place.starts_on}
            for r in session.scalars(select(ShadowingRequest).where(
                ShadowingRequest.person_id == person.id))],
        "career_stories": [_columns(s, "person_id") for s in session.scalars(
            select(CareerStory).where(CareerStory.person_id == person.id))],
        "things_you_did": [_columns(e, "actor_id") for e in session.scalars(
            select(AuditEvent).where(AuditEvent.actor_id == person.id)
            .order_by(AuditEvent.at))],
    }
    return _plain(data)


def _apprenticeship(apprenticeship: Apprenticeship) -> dict:
    return {
        **_columns(apprenticeship, "person_id"),
        "cohort": apprenticeship.cohort.name,
        "programme": apprenticeship.cohort.programme.name,
        "status_history": [_columns(c, "apprenticeship_id", "actor_id")
                           for c in apprenticeship.status_changes],
        "off_the_job": [_columns(e, "apprenticeship_id", "recorded_by_id", "reviewed_by_id")
                        for e in apprenticeship.otj_entries],
        "reviews": [_columns(r, "apprenticeship_id", "recorded_by_id")
                    for r in apprenticeship.reviews],
        "placements": [{**_columns(p, "apprenticeship_id", "educator_id"),
                        "educator": p.educator.name if p.educator else None}
                       for p in apprenticeship.placements],
    }


def _pairing(session: Session, pairing: ChampionPairing, person: Person) -> dict:
    sessions = session.scalars(select(MentoringSession).where(
        MentoringSession.pairing_id == pairing.id).order_by(MentoringSession.held_on))
    return {
        **_columns(pairing, "champion_id", "person_id"),
        "you_are": "champion" if pairing.champion_id == person.id else "supported",
        "champion": pairing.champion.name, "person_supported": pairing.person.name,
        "sessions": [{**_columns(s, "pairing_id", "recorded_by_id", "otj_entry_id"),
                      "actions": [_columns(a, "session_id") for a in s.actions]}
                     for s in sessions],
    }
