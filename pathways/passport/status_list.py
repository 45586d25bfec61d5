"""Revocation: the issuer's L&D revokes a credential; its status list flips the bit.

Records that organisations of the service made by accepting the credential are removed with it
(``withdraw_acceptances``), so revoked training stops counting towards their requirements.

Each organisation has one revocation list, a W3C Bitstring Status List: entry ``i`` is bit
``i`` from the left of a bitstring of at least 131,072 bits (16 KB, so one credential's entry
says little about who holds it), GZIP-compressed and base64url-encoded with the multibase
prefix ``u``. The list is served at ``/organisations/<id>/passport/status`` as a
``BitstringStatusListCredential`` signed by the organisation's key, so anyone can check it
without an account; this service's own verifier reads the same bits from the database.
"""

from __future__ import annotations

import base64
import gzip
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .. import audit, clock
from ..csv_input import text_problem, whole_number
from ..errors import InvalidInput, NotFound, Problem, Refused
from ..models import (
    AcceptedCredential,
    IssuedCredential,
    Organisation,
    PassportKey,
    Person,
    TrainingRecord,
)
from ..training.latest import records_removed
from .credentials import sign, status_list_url
from .keys import KeyRefused, issuer_url

#: The smallest list (bits): 16 KB, the W3C recommendation for group privacy.
MINIMUM_BITS = 131_072
REASON_LIMIT = 500


class RevocationRefused(Refused):
    """A credential cannot be revoked (already revoked); nothing was written."""


def bitstring(revoked: list[int], size: int = MINIMUM_BITS) -> bytes:
    """Return the bitstring with the entries in ``revoked`` set (entry 0 is the first, left bit).

    The list grows by 16 KB at a time when an entry lies beyond it.

    Examples
    --------
    >>> bits = bitstring([0, 9])
    >>> len(bits), bits[0], bits[1]
    (16384, 128, 64)
    """
    while revoked and max(revoked) >= size:
        size += MINIMUM_BITS
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode_list(bits: bytes) -> str:
    """Return a bitstring GZIP-compressed, base64url-encoded, with the multibase prefix ``u``.

    Examples
    --------
    >>> encode_list(bitstring([])) == encode_list(bitstring([]))
    True
    >>> is_set(decode_list(encode_list(bitstring([5]))), 5)
    True
    """
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(encoded: str) -> bytes:
    """Return the bitstring of an encoded list (``encode_list`` undone)."""
    body = encoded[1:] if encoded.startswith("u") else encoded
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    """Whether entry ``index`` of a bitstring is set (False past its end)."""
    return index // 8 < len(bits) and bool(bits[index // 8] & (0x80 >> (index % 8)))


def revoked_entries(session: Session, organisation_id: int) -> list[int]:
    """Return the entries of an organisation's list whose credentials are revoked."""
    return list(session.scalars(
        select(IssuedCredential.status_index)
        .where(IssuedCredential.organisation_id == organisation_id,
               IssuedCredential.revoked_at.is_not(None))
        .order_by(IssuedCredential.status_index)))


def status_list_document(session: Session, organisation: Organisation, *,
                         now: datetime | None = None,
                         base_url: str | None = None) -> dict[str, Any]:
    """Return the organisation's revocation list as a ``BitstringStatusListCredential``."""
    moment = now or clock.now()
    url = status_list_url(organisation, base_url)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": issuer_url(organisation, base_url), "type": ["Profile"],
                   "name": organisation.name},
        "validFrom": f"{moment:%Y-%m-%dT%H:%M:%SZ}",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(bitstring(revoked_entries(session, organisation.id))),
        },
    }


def signed_status_list(session: Session, organisation: Organisation, *,
                       now: datetime | None = None, base_url: str | None = None) -> str:
    """Return the organisation's revocation list signed by its key (a compact VC-JWT)."""
    return sign(session, organisation,
                status_list_document(session, organisation, now=now, base_url=base_url))


def revoke_credential(session: Session, actor: Person | None, credential: IssuedCredential,
                      reason: str = "", *, now: datetime | None = None) -> IssuedCredential:
    """Revoke an issued credential: its entry in the issuer's list is set from now on.

    Only the first of two revocations at once succeeds (a conditional update on a credential
    not yet revoked); flushes and adds an audit event.

    Raises
    ------
    InvalidInput
        A reason that cannot be kept.
    RevocationRefused
        The credential was revoked already.
    """
    problem = text_problem(reason, limit=REASON_LIMIT, multiline=True)
    if problem:
        raise InvalidInput([Problem("reason", problem)], "The credential was not revoked")
    moment = now or clock.now()
    changed = session.execute(
        update(IssuedCredential)
        .where(IssuedCredential.id == credential.id, IssuedCredential.revoked_at.is_(None))
        .values(revoked_at=moment, revoked_by_id=actor.id if actor else None,
                revocation_reason=reason.strip())
        .returning(IssuedCredential.id)
        .execution_options(synchronize_session=False)).first()
    if changed is None:
        raise RevocationRefused("This credential has already been revoked")
    session.refresh(credential)
    audit.record(session, actor, "passport_revoked", "person", credential.person_id,
                 f"{credential.subject.title} credential revoked",
                 {"credential": credential.credential_id, "status_index": credential.status_index},
                 concerns=credential.organisation)
    withdraw_acceptances(session, actor, credential)
    session.flush()
    return credential


def issued_credential(session: Session, organisation: Organisation,
                      reference: str) -> IssuedCredential:
    """Return a credential the organisation issued, named by its ``urn:uuid:`` id or number.

    Raises
    ------
    NotFound
        No credential has that id.
    Refused
        Another organisation issued it: only its issuer may revoke it.
    """
    text = (reference or "").strip()
    found = session.scalar(select(IssuedCredential)
                           .where(IssuedCredential.credential_id == text[:64]))
    if found is None and (number := whole_number(text)) is not None:
        found = session.get(IssuedCredential, number)
    if found is None:
        raise NotFound(f"No credential has the id {text[:100]!r}.")
    if found.organisation_id != organisation.id:
        raise Refused(f"The credential {found.credential_id} was issued by "
                      f"{found.organisation.name}, not {organisation.name}: only the "
                      "organisation that issued it may revoke it.")
    return found


def revoke_person_credentials(session: Session, actor: Person | None,
                              organisation: Organisation, person: Person, reason: str = "",
                              *, now: datetime | None = None) -> list[IssuedCredential]:
    """Revoke every credential the organisation issued to a person and has not revoked.

    Each goes through ``revoke_credential`` (one conditional update each), so one revoked
    meanwhile by someone else is left out, not revoked twice. Returns those revoked here.

    Raises
    ------
    InvalidInput
        A reason that cannot be kept.
    """
    found = session.scalars(
        select(IssuedCredential)
        .where(IssuedCredential.organisation_id == organisation.id,
               IssuedCredential.person_id == person.id,
               IssuedCredential.revoked_at.is_(None))
        .order_by(IssuedCredential.id)).all()
    revoked = []
    for credential in found:
        try:
            revoked.append(revoke_credential(session, actor, credential, reason, now=now))
        except RevocationRefused:
            continue  # revoked meanwhile
    return revoked


def withdraw_key(session: Session, actor: Person | None, organisation: Organisation, kid: str,
                 reason: str, *, now: datetime | None = None) -> PassportKey:
    """Withdraw a retired key: it leaves the JWKS and what it signed no longer verifies.

    Every credential it signed that is not revoked is revoked with it (so its bit is set in
    the status list for verifiers elsewhere, and the training records others made by
    accepting it are removed); the service's own verifier refuses them as signed by a
    withdrawn key. One conditional update: of two withdrawing at once, the second is told.

    Raises
    ------
    InvalidInput
        No reason, or one that cannot be kept.
    NotFound
        The organisation has no key with that ``kid``.
    KeyRefused
        The key is the current one (rotate first), or is withdrawn already.
    """
    problem = text_problem(reason, limit=REASON_LIMIT, multiline=True) or (
        "" if (reason or "").strip() else "Give the reason for withdrawing the key")
    if problem:
        raise InvalidInput([Problem("reason", problem)], "The key was not withdrawn")
    moment = now or clock.now()
    text = (kid or "").strip()[:64]
    changed = session.execute(
        update(PassportKey)
        .where(PassportKey.organisation_id == organisation.id, PassportKey.kid == text,
               PassportKey.retired_at.is_not(None), PassportKey.withdrawn_at.is_(None))
        .values(withdrawn_at=moment, withdrawal_reason=reason.strip())
        .returning(PassportKey.id)
        .execution_options(synchronize_session=False)).first()
    if changed is None:
        found = session.scalars(select(PassportKey).where(
            PassportKey.organisation_id == organisation.id, PassportKey.kid == text)).first()
        if found is None:
            raise NotFound(f"{organisation.name} has no passport key {text!r}.")
        if found.retired_at is None:
            raise KeyRefused(f"{text} is {organisation.name}'s current key: rotate the key "
                             "first, then withdraw the retired one.")
        raise KeyRefused(f"The key {text} was withdrawn already.")
    key = session.get(PassportKey, changed.id)
    assert key is not None  # nosec B101 - just updated
    session.refresh(key)
    revoked = revoke_signed_by(session, actor, key, now=moment)
    audit.record(session, actor, "passport_key_withdrawn", "organisation", organisation.id,
                 f"Passport signing key {key.kid} withdrawn: {revoked} credentials it signed "
                 "no longer verify", {"kid": key.kid, "revoked": revoked,
                                      "reason": reason.strip()}, concerns=organisation)
    session.flush()
    return key


def revoke_signed_by(session: Session, actor: Person | None, key: PassportKey, *,
                     now: datetime | None = None) -> int:
    """Revoke every credential a withdrawn key signed and not yet revoked; return how many.

    One conditional update sets them revoked (the reason names the withdrawn key), then the
    records organisations made by accepting any of them are removed.
    """
    moment = now or clock.now()
    reason = (f"the key that signed it was withdrawn: {key.withdrawal_reason}"
              if key.withdrawal_reason else "the key that signed it was withdrawn")
    revoked = session.execute(
        update(IssuedCredential)
        .where(IssuedCredential.organisation_id == key.organisation_id,
               IssuedCredential.kid == key.kid, IssuedCredential.revoked_at.is_(None))
        .values(revoked_at=moment, revoked_by_id=actor.id if actor else None,
                revocation_reason=reason[:REASON_LIMIT])
        .returning(IssuedCredential.id)
        .execution_options(synchronize_session=False)).scalars().all()
    for start in range(0, len(revoked), 1000):  # bounded lists of bound parameters
        accepted = session.scalars(
            select(IssuedCredential)
            .where(IssuedCredential.id.in_(revoked[start:start + 1000]),
                   IssuedCredential.credential_id.in_(
                       select(AcceptedCredential.credential_id)))).all()
        for credential in accepted:
            withdraw_acceptances(session, actor, credential)
    return len(revoked)


def withdraw_acceptances(session: Session, actor: Person | None,
                         credential: IssuedCredential) -> int:
    """Remove the training records made by accepting a revoked credential; return how many.

    Revoked training no longer counts anywhere in the service: each organisation that
    accepted it loses the record it made (its audit log says so), and the person's status for
    the subject there is worked out again from what is left.
    """
    accepted = session.execute(
        select(AcceptedCredential.id, AcceptedCredential.record_id,
               AcceptedCredential.person_id, AcceptedCredential.organisation_id)
        .where(AcceptedCredential.credential_id == credential.credential_id)).all()
    if not accepted:
        return 0
    session.execute(delete(AcceptedCredential).where(
        AcceptedCredential.id.in_([row.id for row in accepted])))
    session.execute(delete(TrainingRecord).where(
        TrainingRecord.id.in_([row.record_id for row in accepted])))
    records_removed(session, [(row.person_id, credential.subject_id) for row in accepted])
    for row in accepted:
        receiving = session.get(Organisation, row.organisation_id)
        audit.record(session, actor, "passport_acceptance_withdrawn", "person", row.person_id,
                     f"{credential.subject.title} accepted from a passport no longer counts: "
                     f"{credential.organisation.name} revoked it",
                     {"credential": credential.credential_id, "record": row.record_id},
                     concerns=receiving)
    return len(accepted)
