"""Each organisation's Ed25519 signing keys, their rotation, and the public keys as a JWKS.

A key is made the first time an organisation signs (two requests at once make one: an insert
that does nothing on the unique current key). The private key is kept as PKCS#8 encrypted
with the service's secret (``pathways.config.passport_key_secret``) and is only ever loaded
here to sign; the public key is published as a JSON Web Key Set, its ``kid`` the RFC 7638
thumbprint, so a verifier finds the key from a signature's header.

**Rotation** (``rotate_key``) retires the current key and makes the next in one transaction:
the retiring ``UPDATE ... WHERE retired_at IS NULL`` takes the current key's row lock, so two
rotating at once make one new key, and issuing waits for it. A retired key's private half is
erased (it never signs again) but its public half stays in the JWKS, so what it signed still
verifies. Only an explicit ``status_list.withdraw_key`` takes a retired key out: its
credentials are then refused ("the key that signed it was withdrawn") and revoked in the
status list.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import audit, clock, config
from ..errors import Refused
from ..models import Organisation, PassportKey, Person


class KeyRefused(Refused):
    """A key cannot be rotated or withdrawn as asked; nothing was written."""


def b64url(data: bytes) -> str:
    """Return ``data`` as base64url without padding (JOSE's encoding).

    Examples
    --------
    >>> b64url(b"\\xfb\\xff")
    '-_8'
    """
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def issuer_url(organisation: Organisation | int, base_url: str | None = None) -> str:
    """Return the URL that names an organisation as an issuer of credentials.

    Examples
    --------
    >>> issuer_url(7, "https://pathways.example")
    'https://pathways.example/organisations/7'
    """
    number = organisation if isinstance(organisation, int) else organisation.id
    return f"{(base_url or config.service_url()).rstrip('/')}/organisations/{number}"


def thumbprint(x: str) -> str:
    """Return the RFC 7638 thumbprint of an Ed25519 public key given as its base64url ``x``.

    Examples
    --------
    >>> len(thumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"))
    43
    """
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"),
                           sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def signing_key(session: Session, organisation: Organisation) -> PassportKey:
    """Return the organisation's current signing key, making it on first need (flushes).

    Two callers at once get the same key: the insert does nothing when the organisation has
    a current key already, and both then read the stored row.
    """
    stored = key_of(session, organisation.id)
    if stored is not None:
        return stored
    return _make_key(session, organisation.id, next_status_index=0)


def _make_key(session: Session, organisation_id: int, *, next_status_index: int) -> PassportKey:
    """Insert a new current key unless the organisation has one; return the current key."""
    private = Ed25519PrivateKey.generate()
    x = b64url(private.public_key().public_bytes(serialization.Encoding.Raw,
                                                 serialization.PublicFormat.Raw))
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(config.passport_key_secret().encode("utf-8")))
    row = {"organisation_id": organisation_id, "kid": thumbprint(x), "public_x": x,
           "private_pem": pem.decode("ascii"), "next_status_index": next_status_index,
           "created_at": clock.now(), "withdrawal_reason": ""}
    insert: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        insert = postgresql.insert(PassportKey).values(row).on_conflict_do_nothing()
    else:
        insert = sqlite.insert(PassportKey).values(row).on_conflict_do_nothing()
    session.execute(insert)
    made = key_of(session, organisation_id)
    assert made is not None  # inserted now, or by whoever won  # nosec B101
    return made


def rotate_key(session: Session, actor: Person | None, organisation: Organisation, *,
               seen_kid: str | None = None,
               now: datetime | None = None) -> tuple[PassportKey, PassportKey | None]:
    """Retire the organisation's current signing key and make the next; flushes, audits.

    Credentials are signed with the new key (its ``kid``) from now on; the retired key's
    public half stays published so those it signed still verify, and its private half is
    erased. The revocation list's counter moves on to the new key. Before the organisation
    first signs, this makes its first key.

    The key retired is the one the caller saw (``seen_kid``, else the current key read
    now), by one conditional update that also takes its row lock: of two rotating at once,
    the second finds it retired already and is refused, so one new key is made.

    Returns
    -------
    tuple
        The new current key, and the key retired (None when there was none).

    Raises
    ------
    KeyRefused
        The key seen is no longer the current one (someone rotated it meanwhile).

    Examples
    --------
    >>> from pathways.models import Organisation
    >>> council = Organisation(name="Rotashire")
    >>> session.add(council)
    >>> first = signing_key(session, council)
    >>> new, old = rotate_key(session, None, council)
    >>> old.kid == first.kid, new.kid != first.kid, old.private_pem
    (True, True, '')
    """
    moment = now or clock.now()
    if seen_kid is None:
        current = key_of(session, organisation.id)
        if current is None:
            return signing_key(session, organisation), None
        seen_kid = current.kid
    retired = session.execute(
        update(PassportKey)
        .where(PassportKey.organisation_id == organisation.id, PassportKey.kid == seen_kid,
               PassportKey.retired_at.is_(None))
        .values(retired_at=moment, private_pem="")
        .returning(PassportKey.id, PassportKey.next_status_index)
        .execution_options(synchronize_session=False)).first()
    if retired is None:
        raise KeyRefused(f"{organisation.name}'s key was rotated meanwhile: it signs with "
                         "a new key already")
    made = _make_key(session, organisation.id, next_status_index=retired.next_status_index)
    old = session.get(PassportKey, retired.id)
    assert old is not None  # nosec B101 - just retired
    session.refresh(old)
    audit.record(session, actor, "passport_key_rotated", "organisation", organisation.id,
                 f"Passport signing key rotated: {old.kid} retired, {made.kid} signs now",
                 {"retired": old.kid, "current": made.kid}, concerns=organisation)
    session.flush()
    return made, old


def keys_of(session: Session, organisation_id: int) -> list[PassportKey]:
    """Return an organisation's keys, the current one first, then the newest retired."""
    return list(session.scalars(
        select(PassportKey).where(PassportKey.organisation_id == organisation_id)
        .order_by(PassportKey.retired_at.is_not(None), PassportKey.id.desc())))


def key_of(session: Session, organisation_id: int) -> PassportKey | None:
    """Return an organisation's current signing key, or None before it first signs."""
    return session.scalars(select(PassportKey)
                           .where(PassportKey.organisation_id == organisation_id,
                                  PassportKey.retired_at.is_(None))).one_or_none()


def key_by_kid(session: Session, kid: str) -> PassportKey | None:
    """Return the key a signature's ``kid`` names (current, retired or withdrawn), or None
    when no key has it."""
    return session.scalars(select(PassportKey).where(PassportKey.kid == kid)).one_or_none()


def private_key(key: PassportKey) -> Ed25519PrivateKey:
    """Return the private half of a signing key, decrypted with the service's secret."""
    loaded = serialization.load_pem_private_key(
        key.private_pem.encode("ascii"), config.passport_key_secret().encode("utf-8"))
    if not isinstance(loaded, Ed25519PrivateKey):  # pragma: no cover - only Ed25519 is stored
        raise TypeError("A passport key must be Ed25519")
    return loaded


def public_key(key: PassportKey) -> Ed25519PublicKey:
    """Return the public half of a signing key."""
    raw = base64.urlsafe_b64decode(key.public_x + "=" * (-len(key.public_x) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)


def public_jwk(key: PassportKey) -> dict[str, str]:
    """Return a signing key's public half as a JSON Web Key (RFC 8037)."""
    return {"kty": "OKP", "crv": "Ed25519", "x": key.public_x, "kid": key.kid,
            "alg": "EdDSA", "use": "sig"}


def jwks(session: Session, organisation: Organisation) -> dict[str, Any]:
    """Return the organisation's public keys as a JWKS (``{"keys": []}`` before it signs).

    The current key comes first, then the retired ones still standing (newest first); a
    withdrawn key is left out. The set is what ``/organisations/<id>/jwks.json`` serves, to
    anyone: it holds no secret.
    """
    return {"keys": [public_jwk(key) for key in keys_of(session, organisation.id)
                     if key.withdrawn_at is None]}


def take_status_index(session: Session, organisation_id: int) -> int:
    """Take the next free entry of the organisation's revocation list (one conditional update).

    Two credentials issued at once get different entries: the current key's counter moves
    in one statement that returns the value it wrote. A rotation committed meanwhile (the
    statement then finds no current key) is met by asking again, which sees the new key.
    """
    for _attempt in range(3):
        taken = session.execute(
            update(PassportKey)
            .where(PassportKey.organisation_id == organisation_id,
                   PassportKey.retired_at.is_(None))
            .values(next_status_index=PassportKey.next_status_index + 1)
            .returning(PassportKey.next_status_index)
            .execution_options(synchronize_session=False)).scalar_one_or_none()
        if taken is not None:
            return int(taken) - 1
    raise Refused("The organisation's passport key is changing: try again")  # pragma: no cover
