"""Everything held about a person, as one JSON document they can download (UK GDPR access).

It covers the profile, qualifications, organisation history, access roles, their own
equality answers, apprenticeships (status history, off-the-job log, reviews, placements),
champion pairings (as the person supported and as a champion) with sessions and the
private notes they were party to, development conversations about them, shadowing places
they host and their requests, career stories, their notifications (with the emails sent
about them) and email choices, and the audit events about them and those records. Other
people appear by name only.

It holds what is *about* the person, never what their role lets them see: an L&D lead's
download has their own records, not the apprentices they enrolled or the entries they
queried (what they did to other people's records is in the audit log, for administrators).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..models import (
    Apprenticeship,
    AuditEvent,
    CareerStory,
    ChampionPairing,
    ChampionProfile,
    DevelopmentConversation,
    MentoringSession,
    Notification,
    NotificationPreference,
    OutgoingEmail,
    Person,
    ShadowingPlace,
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


#: An email address inside an audit event's summary (another person's is shown as a name).
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def everything_about(session: Session, person: Person) -> dict:
    """Return every record held about ``person`` as JSON-ready data."""
    apprenticeships = list(session.scalars(
        select(Apprenticeship).where(Apprenticeship.person_id == person.id)))
    pairings = list(session.scalars(
        select(ChampionPairing).where((ChampionPairing.person_id == person.id)
                                      | (ChampionPairing.champion_id == person.id))))
    stories = list(session.scalars(select(CareerStory).where(CareerStory.person_id == person.id)))
    requests = list(session.scalars(
        select(ShadowingRequest).where(ShadowingRequest.person_id == person.id)))
    hosted = list(session.scalars(
        select(ShadowingPlace).where(ShadowingPlace.host_id == person.id)))
    data = {
        "person": _columns(person),
        "organisation": person.organisation.name,
        "team": person.team.name if person.team else None,
        "access_roles": [{"role": g.role, "scope": g.scope} for g in person.access],
        "organisation_history": [_columns(m, "person_id") for m in person.memberships],
        "qualifications": [_columns(q, "person_id") for q in person.qualification_history],
        "equality_answers": equality_answers(session, person),
        "apprenticeships": [_apprenticeship(a) for a in apprenticeships],
        "champion_profile": _columns(profile, "person_id") if (
            profile := session.get(ChampionProfile, person.id)) else None,
        "pairings": [_pairing(session, p, person) for p in pairings],
        "development_conversations": [
            {**_columns(c, "person_id"), "manager": _name(session, c.manager_id),
             "actions": [_columns(a, "conversation_id") for a in c.actions]}
            for c in session.scalars(select(DevelopmentConversation).where(
                DevelopmentConversation.person_id == person.id))],
        "shadowing": [
            {**_columns(r, "person_id"), "role": r.place.role_id,
             "host": r.place.host.name, "starts_on": r.place.starts_on}
            for r in requests],
        "shadowing_places_you_host": [_columns(p, "host_id") for p in hosted],
        "career_stories": [_columns(s, "person_id") for s in stories],
        "audit_events_about_you": _audit_events(session, person, {
            "person": [person.id], "equality": [person.id],
            "apprenticeship": [a.id for a in apprenticeships],
            "otj_entry": [e.id for a in apprenticeships for e in a.otj_entries],
            "placement": [p.id for a in apprenticeships for p in a.placements],
            "pairing": [p.id for p in pairings],
            "mentoring_action": [action.id for s in session.scalars(
                select(MentoringSession).where(MentoringSession.pairing_id.in_(
                    [p.id for p in pairings]))) for action in s.actions],
            "career_story": [s.id for s in stories],
            "shadowing_request": [r.id for r in requests],
            "shadowing_place": [p.id for p in hosted],
        }),
        "notifications": [
            {**_columns(n, "recipient_id"), "emails": [
                _columns(e, "notification_id") for e in session.scalars(
                    select(OutgoingEmail).where(OutgoingEmail.notification_id == n.id))]}
            for n in session.scalars(select(Notification).where(
                Notification.recipient_id == person.id).order_by(Notification.id))],
        "notification_email_choices": {
            choice.kind: choice.email for choice in session.scalars(select(
                NotificationPreference).where(NotificationPreference.person_id == person.id))},
    }
    return _plain(data)


def records_in(data: dict) -> int:
    """Return how many records a download holds: each item of a list, each other section
    that holds something, once.

    Examples
    --------
    >>> records_in({"person": {"id": 1}, "pairings": [{}, {}], "champion_profile": None})
    3
    """
    return sum(len(value) if isinstance(value, list) else 1
               for value in data.values() if value not in (None, [], {}))


def _audit_events(session: Session, person: Person, about: dict[str, list[int]]
                  ) -> list[dict]:
    """The audit events about ``person`` or one of their records (``about``: kind -> ids),
    oldest first, each saying who did it by name; other people's email addresses in a
    summary are replaced by their names."""
    condition = or_(*(and_(AuditEvent.entity_type == kind,
                           AuditEvent.entity_id.in_([str(i) for i in ids]))
                      for kind, ids in about.items() if ids))
    return [{**_columns(e, "actor_id", "organisation_id"),
             "summary": _names_for_emails(session, person, e.summary),
             "by": "you" if e.actor_id == person.id else (
                 _name(session, e.actor_id) or "the system")}
            for e in session.scalars(select(AuditEvent).where(condition)
                                     .order_by(AuditEvent.at, AuditEvent.id))]


def _names_for_emails(session: Session, person: Person, text: str) -> str:
    """Return ``text`` with every email address but ``person``'s replaced by a name."""
    def name(match: re.Match) -> str:
        email = match.group(0).lower()
        if email == person.email:
            return match.group(0)
        other = session.scalar(select(Person.name).where(Person.email == email))
        return other or "someone else"
    return EMAIL.sub(name, text or "")


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
