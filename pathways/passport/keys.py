"""Each organisation's Ed25519 signing key, and its public keys as a JWKS.

A key is made the first time an organisation signs (two requests at once make one: an insert
that does nothing on the unique organisation). The private key is kept as PKCS#8 encrypted
with the service's secret (``pathways.config.passport_key_secret``) and is only ever loaded
here to sign; the public key is published as a JSON Web Key Set, its ``kid`` the RFC 7638
thumbprint, so a verifier finds the key from a signature's header.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import clock, config
from ..models import Organisation, PassportKey


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
    """Return the organisation's signing key, making it on first need (flushes).

    Two callers at once get the same key: the insert does nothing when the organisation has
    one already, and both then read the stored row.
    """
    stored = key_of(session, organisation.id)
    if stored is not None:
        return stored
    private = Ed25519PrivateKey.generate()
    x = b64url(private.public_key().public_bytes(serialization.Encoding.Raw,
                                                 serialization.PublicFormat.Raw))
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(config.passport_key_secret().encode("utf-8")))
    row = {"organisation_id": organisation.id, "kid": thumbprint(x), "public_x": x,
           "private_pem": pem.decode("ascii"), "next_status_index": 0,
           "created_at": clock.now()}
    insert: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        insert = postgresql.insert(PassportKey).values(row).on_conflict_do_nothing()
    else:
        insert = sqlite.insert(PassportKey).values(row).on_conflict_do_nothing()
    session.execute(insert)
    made = key_of(session, organisation.id)
    assert made is not None  # inserted now, or by whoever won  # nosec B101
    return made


def key_of(session: Session, organisation_id: int) -> PassportKey | None:
    """Return an organisation's signing key, or None before it first signs."""
    return session.scalars(select(PassportKey)
                           .where(PassportKey.organisation_id == organisation_id)).one_or_none()


def key_by_kid(session: Session, kid: str) -> PassportKey | None:
    """Return the signing key a signature's ``kid`` names, or None when no key has it."""
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

    The set is what ``/organisations/<id>/jwks.json`` serves, to anyone: it holds no secret.
    """
    key = key_of(session, organisation.id)
    return {"keys": [public_jwk(key)] if key is not None else []}


def take_status_index(session: Session, key: PassportKey) -> int:
    """Take the next free entry of the organisation's revocation list (one conditional update).

    Two credentials issued at once get different entries: the counter moves in one statement
    that returns the value it wrote.
    """
    taken = session.execute(
        update(PassportKey).where(PassportKey.id == key.id)
        .values(next_status_index=PassportKey.next_status_index + 1)
        .returning(PassportKey.next_status_index)
        .execution_options(synchronize_session=False)).scalar_one()
    return int(taken) - 1
