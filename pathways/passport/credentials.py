"""Issuing a person's current training records as Open Badges 3.0 credentials (VC-JWT).

Each credential is a W3C Verifiable Credential 2.0 of type ``OpenBadgeCredential``: the issuer
is the organisation where the training was recorded (its id the organisation's URL), valid
from the day it was completed until its expiry there (``validUntil``; none when the subject
does not expire), the achievement the subject (name; its level and "Accredited" as tags;
the learning outcomes as criteria), the evidence (the certificate reference as its name, the
provider in its description) and an entry in the issuer's revocation
list (``BitstringStatusListEntry``). It is secured as a compact JWS with EdDSA (Ed25519) by
the issuer's key: the JWT's payload is the credential itself (VC-JOSE-COSE, ``typ``
``vc+jwt``), plus ``iss``, ``jti`` and ``iat``.

A credential holds only what it shows: the holder's name, a salted hash of their email (so a
receiving employer can check an address it is given), the subject and the evidence.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from jwt.api_jws import PyJWS
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock, config
from ..models import (
    AcceptedCredential,
    IssuedCredential,
    Organisation,
    PassportKey,
    Person,
    RecordSource,
    TrainingRecord,
    TrainingSubject,
)
from ..training.status import expiry_date
from ..training.subjects import intervals_for
from .keys import issuer_url, private_key, signing_key, take_status_index

#: The contexts of an Open Badges 3.0 credential on the W3C VC Data Model 2.0.
CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
#: The JOSE header's ``typ`` and ``cty`` for a VC secured as a JWT (VC-JOSE-COSE).
JWT_TYPE, JWT_CONTENT_TYPE = "vc+jwt", "vc"


def subject_url(subject_id: str, base_url: str | None = None) -> str:
    """Return the URL that names a training subject as an achievement.

    Examples
    --------
    >>> subject_url("fire-safety", "https://pathways.example")
    'https://pathways.example/training/subjects/fire-safety'
    """
    return f"{(base_url or config.service_url()).rstrip('/')}/training/subjects/{subject_id}"


def status_list_url(organisation: Organisation | int, base_url: str | None = None) -> str:
    """Return the address of an organisation's revocation list (a signed status list)."""
    return f"{issuer_url(organisation, base_url)}/passport/status"


def email_hash(email: str, salt: str) -> str:
    """Return Open Badges' salted identity hash of an email address (lower case, trimmed).

    Examples
    --------
    >>> email_hash("Jo@Example.org ", "pepper") == email_hash("jo@example.org", "pepper")
    True
    >>> email_hash("jo@example.org", "pepper").startswith("sha256$")
    True
    """
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def credential_document(*, credential_id: str, issuer: Organisation, person: Person,
                        subject: TrainingSubject, record: TrainingRecord,
                        valid_until: date | None, status_index: int, salt: str,
                        base_url: str | None = None) -> dict[str, Any]:
    """Return the credential (a JSON object) for one training record, before signing.

    Examples
    --------
    >>> from types import SimpleNamespace as Thing
    >>> issuer = Thing(id=3, name="Testshire Council")
    >>> person = Thing(name="Jo Bloggs", email="jo@example.org")
    >>> subject = Thing(id="fire-safety", title="Fire safety", level="", accredited=False,
    ...                 learning_outcomes="", who_needs_it="Everyone")
    >>> record = Thing(completed_on=date(2026, 3, 1), provider="Blaze Ltd", evidence="C-1")
    >>> document = credential_document(credential_id="urn:uuid:1", issuer=issuer,
    ...     person=person, subject=subject, record=record, valid_until=date(2027, 3, 1),
    ...     status_index=0, salt="s", base_url="https://p.example")
    >>> document["validFrom"], document["validUntil"], document["issuer"]["id"]
    ('2026-03-01T00:00:00Z', '2027-03-01T23:59:59Z', 'https://p.example/organisations/3')
    """
    outcomes = subject.learning_outcomes.strip()
    achievement: dict[str, Any] = {
        "id": subject_url(subject.id, base_url),
        "type": ["Achievement"],
        "achievementType": "Course",
        "humanCode": subject.id,
        "name": subject.title,
        "description": subject.who_needs_it.strip() or subject.title,
        "criteria": {"narrative": outcomes or f"Completed training in {subject.title}."},
    }
    tags = [tag for tag in (subject.level, "Accredited" if subject.accredited else "") if tag]
    if tags:
        achievement["tag"] = tags
    evidence: dict[str, Any] = {"type": ["Evidence"], "genre": "Certificate",
                                "name": record.evidence or "Training record",
                                "description": (f"Delivered by {record.provider}"
                                                if record.provider else "Provider not recorded")}
    document: dict[str, Any] = {
        "@context": CONTEXTS,
        "id": credential_id,
        "type": CREDENTIAL_TYPES,
        "issuer": {"id": issuer_url(issuer, base_url), "type": ["Profile"], "name": issuer.name},
        "name": subject.title,
        "validFrom": f"{record.completed_on:%Y-%m-%d}T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": person.name,
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress",
                            "hashed": True, "identityHash": email_hash(person.email, salt),
                            "salt": salt}],
            "achievement": achievement,
        },
        "evidence": [evidence],
        "credentialStatus": {
            "id": f"{status_list_url(issuer, base_url)}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list_url(issuer, base_url),
        },
    }
    if valid_until is not None:
        document["validUntil"] = f"{valid_until:%Y-%m-%d}T23:59:59Z"
    return document


def sign(session: Session, issuer: Organisation, document: dict[str, Any],
         key: PassportKey | None = None) -> str:
    """Return ``document`` signed by the issuer's current key (or ``key``) as a compact
    VC-JWT (EdDSA)."""
    key = key or signing_key(session, issuer)
    claims = {**document, "iss": document["issuer"]["id"], "jti": document["id"],
              "iat": int(clock.now().timestamp())}
    payload = json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return PyJWS().encode(payload, private_key(key), algorithm="EdDSA",
                          headers={"kid": key.kid, "typ": JWT_TYPE, "cty": JWT_CONTENT_TYPE})


def latest_records(session: Session, person: Person, today: date) -> list[TrainingRecord]:
    """Return the person's latest completion of each subject up to ``today``, by subject."""
    latest: dict[str, TrainingRecord] = {}
    for record in session.scalars(
            select(TrainingRecord).where(TrainingRecord.person_id == person.id,
                                         TrainingRecord.completed_on <= today)
            .order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc())):
        latest.setdefault(record.subject_id, record)
    return [latest[subject_id] for subject_id in sorted(latest)]


def issue_credential(session: Session, record: TrainingRecord, *, today: date,
                     base_url: str | None = None) -> IssuedCredential | None:
    """Issue one training record as a credential signed by the organisation that recorded it.

    The credential already issued for the record is given again while it is not revoked and
    its expiry still stands. Returns None when the record cannot be issued: no organisation
    recorded it, or it has expired by ``today`` at that organisation's interval.
    """
    if record.organisation_id is None:
        return None
    issuer = session.get(Organisation, record.organisation_id)
    if issuer is None:  # pragma: no cover - a foreign key keeps it
        return None
    subject = record.subject
    valid_until = expiry_date(record.completed_on,
                              intervals_for(session, issuer.id, [subject])[subject.id])
    if valid_until is not None and valid_until < today:
        return None
    issued = session.scalars(
        select(IssuedCredential).where(IssuedCredential.record_id == record.id,
                                       IssuedCredential.organisation_id == issuer.id,
                                       IssuedCredential.revoked_at.is_(None))
        .order_by(IssuedCredential.id.desc())).first()
    if issued is not None and issued.valid_until == valid_until:
        return issued
    signing_key(session, issuer)  # made on first need
    index = take_status_index(session, issuer.id)
    key = signing_key(session, issuer)  # the current key, after any rotation just committed
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    document = credential_document(credential_id=credential_id, issuer=issuer,
                                   person=record.person, subject=subject, record=record,
                                   valid_until=valid_until, status_index=index,
                                   salt=secrets.token_hex(8), base_url=base_url)
    issued = IssuedCredential(credential_id=credential_id, organisation_id=issuer.id,
                              person_id=record.person_id, record_id=record.id,
                              subject_id=subject.id, status_index=index,
                              valid_from=record.completed_on, valid_until=valid_until,
                              kid=key.kid, token=sign(session, issuer, document, key),
                              issued_at=clock.now())
    session.add(issued)
    session.flush()
    return issued


@dataclass(frozen=True)
class Held:
    """A subject's latest completion that a passport holds, and until when it is valid."""

    record: TrainingRecord
    valid_until: date | None
    #: The credential accepted from another passport that made the record, if one did.
    accepted: AcceptedCredential | None = None


def current_training(session: Session, person: Person, today: date) -> list[Held]:
    """Return what the person's passport holds on ``today``, by subject id.

    For each subject, the latest completion up to ``today`` that has not expired: a record made
    here at the interval of the organisation that recorded it (none recorded it: left out); one
    accepted from a passport until the accepted credential's ``validUntil``.
    """
    held = []
    for record in latest_records(session, person, today):
        if record.source == RecordSource.PASSPORT:
            accepted = session.scalars(select(AcceptedCredential).where(
                AcceptedCredential.record_id == record.id)).first()
            if accepted is not None and (accepted.valid_until is None
                                         or accepted.valid_until >= today):
                held.append(Held(record, accepted.valid_until, accepted))
            continue
        if record.organisation_id is None:
            continue
        valid_until = expiry_date(record.completed_on, intervals_for(
            session, record.organisation_id, [record.subject])[record.subject_id])
        if valid_until is None or valid_until >= today:
            held.append(Held(record, valid_until))
    return held


def issue_passport(session: Session, person: Person, *, today: date,
                   base_url: str | None = None) -> list[str]:
    """Return the person's current training as signed credentials (compact VC-JWTs).

    What ``current_training`` holds: a record made here is issued by the organisation that
    recorded it (``issue_credential``); one accepted from a passport travels on as the
    credential that was accepted, signed by its issuer.

    Parameters
    ----------
    person
        Whose training.
    today
        The day: later completions and expired records are left out.
    base_url
        The service's address, which names issuers and subjects (``SERVICE_URL`` by default).

    Returns
    -------
    list of str
        One compact VC-JWT per subject, by subject id.
    """
    tokens = []
    for held in current_training(session, person, today):
        if held.accepted is not None:
            tokens.append(held.accepted.token)
            continue
        issued = issue_credential(session, held.record, today=today, base_url=base_url)
        if issued is not None:
            tokens.append(issued.token)
    return tokens


#: The ``format`` of a passport file (``pathways passport issue``, the download).
PASSPORT_FORMAT = "training-passport"


def passport_file(tokens: list[str]) -> dict[str, Any]:
    """Return a passport file's contents: the credentials and nothing else about the person.

    Examples
    --------
    >>> passport_file(["a.b.c"])
    {'format': 'training-passport', 'version': 1, 'credentials': ['a.b.c']}
    """
    return {"format": PASSPORT_FORMAT, "version": 1, "credentials": list(tokens)}
