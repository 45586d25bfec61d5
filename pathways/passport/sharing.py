"""Sharing a passport by a secret link, and a receiving organisation accepting credentials.

A person makes a **share link** for their passport: the credentials of their current training
(``issue_passport``) are kept with the link as they were, behind a secret of 256 random bits
of which only a SHA-256 digest is stored; the link works until it expires (1 to 90 days) or
the person withdraws it. Whoever opens it sees exactly those credentials, verified afresh.

A receiving organisation's L&D **accepts** verified credentials for one of its people: each is
verified again at that moment against the organisation (signature, a partner issuer, dates,
revocation), its subject must be one the organisation uses, and it becomes a training record
of the person (source ``passport``, completed on the credential's ``validFrom``, the issuer
and the credential's id as provider and evidence), so it counts towards the organisation's
requirements from then on, at its own refresh interval, like any record. The credential is
kept with the acceptance and travels on in the person's next passport. One credential is
accepted once per person (a unique constraint: two L&D accepting at once make one).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit, clock
from ..errors import InvalidInput, Problem, Refused
from ..models import AcceptedCredential, PassportShare, Person, RecordSource, TrainingSubject
from ..training.records import record_training
from .credentials import issue_passport
from .verification import Checked, Verdict, verify_credential

#: How long a share link may last, in days, and the choice offered first.
SHARE_DAYS = (7, 30, 90)
DEFAULT_SHARE_DAYS = 30
#: The longest secret read from a link (a made one is 43 characters).
SECRET_LIMIT = 100


class ShareRefused(Refused):
    """A share link cannot be made or withdrawn that way; nothing was written."""


def digest(secret: str) -> str:
    """Return the stored digest of a link's secret (SHA-256, hex).

    Examples
    --------
    >>> len(digest("abc")), digest("abc") == digest("abc")
    (64, True)
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_share(session: Session, person: Person, *, days: int = DEFAULT_SHARE_DAYS,
                 now: datetime | None = None, today: date | None = None,
                 base_url: str | None = None) -> tuple[PassportShare, str]:
    """Make a share link for the person's passport; return it and its secret (shown once).

    Raises
    ------
    InvalidInput
        A number of days not offered (``SHARE_DAYS``).
    ShareRefused
        The person has no current training to share.
    """
    if days not in SHARE_DAYS:
        raise InvalidInput([Problem("days", "Choose how long the link works: "
                                            + ", ".join(f"{d} days" for d in SHARE_DAYS))],
                           "The link was not made")
    moment = now or clock.now()
    tokens = issue_passport(session, person, today=today or clock.today(), base_url=base_url)
    if not tokens:
        raise ShareRefused("You have no current training to share: records that have expired "
                           "are left out")
    secret = secrets.token_urlsafe(32)
    share = PassportShare(person_id=person.id, token_digest=digest(secret), credentials=tokens,
                          created_at=moment, expires_at=moment + timedelta(days=days))
    session.add(share)
    session.flush()
    audit.record(session, person, "passport_shared", "person", person.id,
                 f"Passport shared ({len(tokens)} credentials) until "
                 f"{share.expires_at:%Y-%m-%d}", {"share": share.id, "days": days},
                 concerns=person)
    return share, secret


def open_share(session: Session, secret: str, *, now: datetime | None = None
               ) -> PassportShare | None:
    """Return the share a link's secret opens, or None (unknown, expired or withdrawn)."""
    if not secret or len(secret) > SECRET_LIMIT:
        return None
    share = session.scalars(select(PassportShare).where(
        PassportShare.token_digest == digest(secret))).one_or_none()
    moment = now or clock.now()
    if share is None or share.withdrawn_at is not None or _aware(share.expires_at) < moment:
        return None
    return share


def _aware(moment: datetime) -> datetime:
    """SQLite gives back times without their zone: they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def shares_of(session: Session, person: Person, *, now: datetime | None = None
              ) -> list[PassportShare]:
    """Return the person's links still working, the newest first."""
    moment = now or clock.now()
    return [share for share in session.scalars(
        select(PassportShare).where(PassportShare.person_id == person.id,
                                    PassportShare.withdrawn_at.is_(None))
        .order_by(PassportShare.created_at.desc(), PassportShare.id.desc()).limit(50))
        if _aware(share.expires_at) >= moment]


def withdraw_share(session: Session, person: Person, share: PassportShare, *,
                   now: datetime | None = None) -> None:
    """Stop a share link working (flushes)."""
    if share.withdrawn_at is not None:
        raise ShareRefused("This link was withdrawn already")
    share.withdrawn_at = now or clock.now()
    audit.record(session, person, "passport_share_withdrawn", "person", share.person_id,
                 "Passport link withdrawn", {"share": share.id}, concerns=person)
    session.flush()


@dataclass
class Acceptance:
    """What came of accepting credentials: those accepted now, before, and those refused."""

    accepted: list[Checked] = field(default_factory=list)
    already: list[Checked] = field(default_factory=list)
    refused: list[tuple[Checked, str]] = field(default_factory=list)


def accept_credentials(session: Session, actor: Person | None, person: Person,
                       tokens: list[str], *, today: date,
                       base_url: str | None = None) -> Acceptance:
    """Verify each credential again and accept the valid ones as the person's training.

    Parameters
    ----------
    actor
        The receiving organisation's L&D (None for the command line).
    person
        Who the credentials are accepted for, at the receiving organisation (theirs).
    tokens
        The credentials (compact VC-JWTs) chosen.
    today
        The day they are verified on.

    Returns
    -------
    Acceptance
        Each credential accepted now, accepted before, or refused with the reason.
    """
    outcome = Acceptance()
    receiving = person.organisation
    for token in tokens:
        checked = verify_credential(session, token, today=today, receiving=receiving,
                                    base_url=base_url)
        if checked.verdict is not Verdict.VALID or checked.valid_from is None:
            outcome.refused.append((checked, checked.reason))
            continue
        subject = session.get(TrainingSubject, checked.subject_id)
        if subject is None or subject.partnership_id not in (None, receiving.partnership_id):
            outcome.refused.append((checked, f"{checked.subject} is not a subject "
                                             f"{receiving.name} uses"))
            continue
        if session.scalars(select(AcceptedCredential.id).where(
                AcceptedCredential.credential_id == checked.credential_id,
                AcceptedCredential.person_id == person.id)).first() is not None:
            outcome.already.append(checked)
            continue
        try:
            with session.begin_nested():
                record = record_training(
                    session, actor, person, subject, checked.valid_from, today=today,
                    provider=checked.issuer, evidence=f"Passport credential "
                                                      f"{checked.credential_id}",
                    source=RecordSource.PASSPORT, audited=False)
                session.add(AcceptedCredential(
                    credential_id=checked.credential_id, issuer_id=checked.issuer_id,
                    organisation_id=receiving.id, person_id=person.id, record_id=record.id,
                    valid_until=checked.valid_until, token=checked.token or token,
                    accepted_by_id=actor.id if actor else None, accepted_at=clock.now()))
                session.flush()
        except IntegrityError:  # accepted at the same moment by someone else
            outcome.already.append(checked)
            continue
        outcome.accepted.append(checked)
    if outcome.accepted:
        audit.record(session, actor, "passport_accepted", "person", person.id,
                     f"{len(outcome.accepted)} passport credentials accepted: "
                     + ", ".join(checked.subject for checked in outcome.accepted),
                     {"credentials": [checked.credential_id for checked in outcome.accepted]},
                     concerns=person)
        session.flush()
    return outcome
