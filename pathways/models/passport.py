"""The training passport: signing keys, issued credentials, share links and acceptances.

- ``PassportKey``: an organisation's Ed25519 signing keys. One is current (``retired_at`` is
  empty: a partial unique index keeps it one), made on first need; rotating retires it (its
  private half erased) and makes the next. The public halves of the current and retired keys
  are published as a JWKS, so what they signed still verifies, until a retired key is
  withdrawn. The private half is kept encrypted (PKCS#8 with a password from the service's
  secret) and never leaves the domain. The current key also counts the organisation's status
  list entries (``next_status_index``, carried to the next key), taken by one conditional
  update.
- ``IssuedCredential``: a training record issued as an Open Badges 3.0 credential (VC-JWT),
  with its place in the issuer's revocation list (``status_index``) and when it was revoked.
- ``PassportShare``: a secret link a person made to show their passport, until a time; only a
  digest of the secret is stored.
- ``AcceptedCredential``: a credential a receiving organisation's L&D verified and accepted for
  one of its people, with the training record it made (source ``passport``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .people import Organisation, Person, utcnow
from .training import TrainingRecord, TrainingSubject


class PassportKey(Base):
    """An organisation's Ed25519 key for signing credentials and its revocation list."""

    __tablename__ = "passport_keys"
    __table_args__ = (
        # One current key per organisation: two making or rotating at once make one.
        Index("uq_passport_keys_current", "organisation_id", unique=True,
              sqlite_where=text("retired_at IS NULL"),
              postgresql_where=text("retired_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: The RFC 7638 thumbprint of the public key (base64url), the ``kid`` of every signature.
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    #: The public key, base64url (the JWK's ``x``).
    public_x: Mapped[str] = mapped_column(String(64))
    #: The private key as encrypted PKCS#8 PEM (never shown, never exported; erased when the
    #: key is retired).
    private_pem: Mapped[str] = mapped_column(Text)
    #: The next free entry of the organisation's revocation list (the current key's counts).
    next_status_index: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: When a newer key took over signing (empty: the current key).
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the organisation withdrew the retired key: what it signed no longer verifies.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()


class IssuedCredential(Base):
    """A training record issued as a signed credential, revocable by its issuer."""

    __tablename__ = "passport_credentials"
    __table_args__ = (UniqueConstraint("organisation_id", "status_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The credential's ``id`` (``urn:uuid:...``).
    credential_id: Mapped[str] = mapped_column(String(64), unique=True)
    #: The issuer.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_records.id", ondelete="SET NULL"), index=True)
    subject_id: Mapped[str] = mapped_column(
        ForeignKey("training_subjects.id", ondelete="CASCADE"))
    status_index: Mapped[int] = mapped_column(Integer)
    #: The ``kid`` of the key that signed it (empty for credentials issued before rotation
    #: was built: the organisation's first key).
    kid: Mapped[str | None] = mapped_column(String(64), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    #: The signed credential (compact VC-JWT).
    token: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id",
                                                                 ondelete="SET NULL"))
    revocation_reason: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    subject: Mapped[TrainingSubject] = relationship()


class PassportShare(Base):
    """A secret link to a person's passport, valid until ``expires_at`` unless withdrawn."""

    __tablename__ = "passport_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    #: SHA-256 of the secret in the link (hex); the secret itself is never stored.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    #: The credentials shared (compact VC-JWTs), as they were when the link was made.
    credentials: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    person: Mapped[Person] = relationship()


class AcceptedCredential(Base):
    """A credential accepted by a receiving organisation for one of its people."""

    __tablename__ = "passport_acceptances"
    __table_args__ = (UniqueConstraint("credential_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[str] = mapped_column(String(64))
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("training_records.id",
                                                      ondelete="CASCADE"))
    valid_until: Mapped[date | None] = mapped_column(Date)
    #: The credential as accepted (compact VC-JWT), so it can travel on to the next employer.
    token: Mapped[str] = mapped_column(Text)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id",
                                                                  ondelete="SET NULL"))
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    record: Mapped[TrainingRecord] = relationship()


PASSPORT_MODELS = (PassportKey, IssuedCredential, PassportShare, AcceptedCredential)
