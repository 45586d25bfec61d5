"""Verifying credentials: one verdict per credential, in plain words.

What someone pastes or uploads is read by ``read_passport``: a passport file (``{"format":
"training-passport", "credentials": [...]}``), a list of credentials, one credential as a JSON
string, or compact VC-JWTs one after another. Each credential is then checked, in the order of
Open Badges 3.0's verification algorithm, and refused at the first thing wrong:

1. **malformed**: not a compact JWS (three base64url parts), a header that is not JSON, not
   signed with EdDSA, or a payload that is not an Open Badges credential;
2. **unknown issuer**: no organisation of this service holds the key that signed it, the
   issuer it names is not that organisation, or (with a receiving organisation) the issuer is
   not a partner of it;
3. **tampered**: any byte changed since it was signed (the Ed25519 signature does not match,
   checked with PyJWT; a part not in canonical base64url counts as changed); **key
   withdrawn**: the issuer withdrew the (retired) key that signed it;
4. **revoked**: the issuer's revocation list has its entry set, or the issuer holds no record
   of it;
5. **not yet valid** before ``validFrom``, **expired** after ``validUntil`` (valid on that day).

Time is an input: ``today`` is the day the dates are checked against.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jwt.api_jws import PyJWS
from jwt.exceptions import InvalidSignatureError, PyJWTError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..dates import format_day
from ..errors import InvalidInput, Problem
from ..models import IssuedCredential, Organisation, PassportKey
from ..vocabulary import LabelledEnum
from .credentials import CONTEXTS, CREDENTIAL_TYPES, status_list_url
from .keys import issuer_url, key_by_kid, public_key

#: The most a pasted or uploaded passport may hold (characters), and credentials in it.
MAX_INPUT = 1_000_000
MAX_CREDENTIALS = 200
#: The longest single credential read (characters).
MAX_CREDENTIAL = 50_000
SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


class Verdict(LabelledEnum):
    """What verification says of one credential."""

    VALID = "valid", "Valid", "green"
    TAMPERED = "tampered", "Tampered with", "red"
    UNKNOWN_ISSUER = "unknown_issuer", "Unknown issuer", "red"
    EXPIRED = "expired", "Expired", "red"
    NOT_YET_VALID = "not_yet_valid", "Not yet valid", "orange"
    REVOKED = "revoked", "Revoked", "red"
    MALFORMED = "malformed", "Not a credential", "grey"
    KEY_WITHDRAWN = "key_withdrawn", "Key withdrawn", "red"


@dataclass(frozen=True)
class Checked:
    """One credential's verdict with its reason in words, and what it says where it is read."""

    verdict: Verdict
    reason: str
    token: str | None = None
    credential_id: str = ""
    subject_id: str = ""
    subject: str = ""
    holder: str = ""
    issuer: str = ""
    issuer_id: int | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    evidence: str = ""
    tags: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """Whether the credential passed every check."""
        return self.verdict is Verdict.VALID

    def as_json(self) -> dict[str, Any]:
        """Return the verdict as the command line and the API print it."""
        return {"verdict": self.verdict.value, "valid": self.valid, "reason": self.reason,
                "credential": self.credential_id or None, "subject": self.subject or None,
                "subject_id": self.subject_id or None, "holder": self.holder or None,
                "issuer": self.issuer or None,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_until": self.valid_until.isoformat() if self.valid_until else None}


class Unreadable(ValueError):
    """A credential is not one this service can read (the message says why)."""


def read_passport(text: str | bytes) -> list[Any]:
    """Return the credentials in what was pasted or uploaded (each checked later, one by one).

    Raises
    ------
    InvalidInput
        Nothing to read, more than ``MAX_INPUT`` characters or ``MAX_CREDENTIALS``
        credentials, JSON that does not parse, or JSON that holds no credentials.

    Examples
    --------
    >>> read_passport('{"format": "training-passport", "credentials": ["a.b.c"]}')
    ['a.b.c']
    >>> read_passport("a.b.c\\n d.e.f")
    ['a.b.c', 'd.e.f']
    """
    if isinstance(text, bytes):
        if len(text) > MAX_INPUT:
            raise _too_big()
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput([Problem("", "The file is not text (UTF-8)")],
                               "The passport could not be read") from None
    if len(text) > MAX_INPUT:
        raise _too_big()
    stripped = text.strip()
    if not stripped:
        raise InvalidInput([Problem("", "Paste or upload at least one credential")],
                           "The passport could not be read")
    items: list[Any]
    if stripped[0] in "{[\"":
        try:
            found = json.loads(stripped)
        except (ValueError, RecursionError) as error:
            where = (f"line {error.lineno}, column {error.colno}"
                     if isinstance(error, json.JSONDecodeError) else "")
            raise InvalidInput([Problem(where, "This is not valid JSON")],
                               "The passport could not be read") from None
        items = _credentials_in(found)
    else:
        items = stripped.split()
    if not items:
        raise InvalidInput([Problem("", "It holds no credentials")],
                           "The passport could not be read")
    if len(items) > MAX_CREDENTIALS:
        raise InvalidInput([Problem("", f"At most {MAX_CREDENTIALS} credentials can be checked "
                                        "at once")], "The passport could not be read")
    return items


def _too_big() -> InvalidInput:
    return InvalidInput([Problem("", f"It is larger than {MAX_INPUT:,} characters")],
                        "The passport could not be read")


def _credentials_in(found: Any) -> list[Any]:
    if isinstance(found, str):
        return [found]
    if isinstance(found, list):
        return found
    if isinstance(found, dict):
        if isinstance(found.get("credentials"), list):
            return list(found["credentials"])
        return [found]  # a credential pasted as JSON: refused, unsigned, with its own verdict
    raise InvalidInput([Problem("", "It holds no credentials")], "The passport could not be read")


def _decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _canonical(segment: str) -> bool:
    """Whether a base64url part is written the one way its bytes encode."""
    try:
        return base64.urlsafe_b64encode(_decode(segment)).rstrip(b"=").decode() == segment
    except ValueError:
        return False


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        found = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        raise Unreadable(f"its {what} is not JSON") from None
    if not isinstance(found, dict):
        raise Unreadable(f"its {what} is not a JSON object")
    return found


def _day(value: Any, name: str) -> date:
    if not isinstance(value, str):
        raise Unreadable(f"{name} is missing or not a date")
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise Unreadable(f"{name} is not a date and time ({value[:40]!r})") from None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def verify_credential(session: Session, item: Any, *, today: date,
                      receiving: Organisation | None = None,
                      base_url: str | None = None) -> Checked:
    """Check one credential and return its verdict with the reason in words.

    Parameters
    ----------
    item
        A compact VC-JWT (anything else is malformed).
    today
        The day its dates are checked against.
    receiving
        The organisation that would rely on it: its issuer must then be in the same
        partnership (or be that organisation). None: any organisation of this service.
    base_url
        The service's address, which names issuers (``SERVICE_URL`` by default).

    Returns
    -------
    Checked
        The verdict, its reason, and what the credential says (where it could be read).
    """
    if not isinstance(item, str):
        return Checked(Verdict.MALFORMED, "Refused: this is not a signed credential (a VC-JWT "
                                          "of three parts separated by dots)")
    token = item.strip()
    try:
        return _verify(session, token, today=today, receiving=receiving, base_url=base_url)
    except Unreadable as unreadable:
        return Checked(Verdict.MALFORMED, f"Refused: not a credential this service can read: "
                                          f"{unreadable}", token=token[:MAX_CREDENTIAL])


def _verify(session: Session, token: str, *, today: date, receiving: Organisation | None,
            base_url: str | None) -> Checked:
    if len(token) > MAX_CREDENTIAL:
        raise Unreadable(f"it is longer than {MAX_CREDENTIAL:,} characters")
    parts = token.split(".")
    if len(parts) != 3 or not all(SEGMENT.fullmatch(part) for part in parts):
        raise Unreadable("a signed credential has three base64url parts separated by dots")
    try:
        header = _json_object(_decode(parts[0]), "header")
    except ValueError as error:
        raise Unreadable(str(error) if isinstance(error, Unreadable)
                         else "its header is not base64url") from None
    if header.get("alg") != "EdDSA":
        raise Unreadable(f"it is signed with {str(header.get('alg'))[:20]!r}, not EdDSA")
    kid = header.get("kid")
    key = key_by_kid(session, kid) if isinstance(kid, str) and len(kid) <= 64 else None
    if key is None:
        return Checked(Verdict.UNKNOWN_ISSUER, "Refused: it was signed with a key that no "
                                               "organisation of this service holds",
                       token=token)
    if not (_canonical(parts[1]) and _canonical(parts[2])):
        return _tampered(token)
    try:
        PyJWS().decode_complete(token, key=public_key(key), algorithms=["EdDSA"])
    except InvalidSignatureError:
        return _tampered(token)
    except PyJWTError:
        raise Unreadable("its signature cannot be read") from None
    if key.withdrawn_at is not None:
        because = f" ({key.withdrawal_reason})" if key.withdrawal_reason else ""
        issuer = key.organisation
        return Checked(Verdict.KEY_WITHDRAWN,
                       f"Refused: it was signed with a key {issuer.name} withdrew on "
                       f"{format_day(key.withdrawn_at.date())}{because}; ask {issuer.name} "
                       "for the credential again", token=token, issuer=issuer.name,
                       issuer_id=issuer.id)
    return _check_signed(session, token, key, _json_object(_decode(parts[1]), "payload"),
                         today=today, receiving=receiving, base_url=base_url)


def _tampered(token: str) -> Checked:
    return Checked(Verdict.TAMPERED, "Refused: it has been changed since it was signed (the "
                                     "signature does not match its contents)", token=token)


def _check_signed(session: Session, token: str, key: PassportKey, payload: dict[str, Any], *,
                  today: date, receiving: Organisation | None, base_url: str | None) -> Checked:
    if not set(CONTEXTS[:1]) <= set(_strings(payload.get("@context"))):
        raise Unreadable("it is not a W3C Verifiable Credential 2.0 (@context)")
    if not set(CREDENTIAL_TYPES) <= set(_strings(payload.get("type"))):
        raise Unreadable("it is not an Open Badges credential (type)")
    issuer_claim = payload.get("issuer")
    subject_claim = payload.get("credentialSubject")
    status_claim = payload.get("credentialStatus")
    if not isinstance(issuer_claim, dict) or not isinstance(issuer_claim.get("id"), str):
        raise Unreadable("it names no issuer")
    if not isinstance(subject_claim, dict) or not isinstance(subject_claim.get("achievement"),
                                                             dict):
        raise Unreadable("it holds no achievement")
    achievement = subject_claim["achievement"]
    credential_id = payload.get("id")
    if not isinstance(credential_id, str) or not isinstance(achievement.get("name"), str):
        raise Unreadable("it has no id, or its achievement has no name")
    valid_from = _day(payload.get("validFrom"), "validFrom")
    valid_until = (_day(payload["validUntil"], "validUntil")
                   if payload.get("validUntil") is not None else None)
    evidence = payload.get("evidence")
    first = evidence[0] if isinstance(evidence, list) and evidence else {}
    issuer = key.organisation
    said = dict(token=token, credential_id=credential_id[:64],
                subject_id=str(achievement.get("humanCode", ""))[:80],
                subject=achievement["name"][:200],
                holder=str(subject_claim.get("name", ""))[:200], issuer=issuer.name,
                issuer_id=issuer.id, valid_from=valid_from, valid_until=valid_until,
                evidence=" · ".join(str(first.get(field, ""))[:200] for field in
                                    ("name", "description") if isinstance(first, dict)
                                    and first.get(field)),
                tags=tuple(tag[:40] for tag in _strings(achievement.get("tag"))))
    if issuer_claim["id"] != issuer_url(issuer, base_url) or payload.get(
            "iss", issuer_claim["id"]) != issuer_claim["id"]:
        return Checked(Verdict.UNKNOWN_ISSUER, "Refused: the issuer it names is not the "
                                               "organisation whose key signed it", **said)
    if receiving is not None and issuer.id != receiving.id and (
            receiving.partnership_id is None
            or issuer.partnership_id != receiving.partnership_id):
        return Checked(Verdict.UNKNOWN_ISSUER, f"Refused: {issuer.name} is not a partner of "
                                               f"{receiving.name}", **said)
    revoked = _revocation(session, issuer, credential_id, status_claim, base_url)
    if revoked:
        return Checked(Verdict.REVOKED, revoked, **said)
    if valid_from > today:
        return Checked(Verdict.NOT_YET_VALID,
                       f"Refused: it is not valid until {format_day(valid_from)}", **said)
    if valid_until is not None and valid_until < today:
        return Checked(Verdict.EXPIRED, f"Refused: it expired on {format_day(valid_until)}",
                       **said)
    until = (f"valid until {format_day(valid_until)}" if valid_until
             else "it does not expire")
    return Checked(Verdict.VALID, f"Valid: {said['subject']}, completed on "
                                  f"{format_day(valid_from)}, issued by {issuer.name}; {until}",
                   **said)


def _revocation(session: Session, issuer: Organisation, credential_id: str, status: Any,
                base_url: str | None) -> str | None:
    """Return why the credential counts as revoked, or None when its entry is clear."""
    if not isinstance(status, dict) or status.get("statusPurpose") != "revocation":
        raise Unreadable("it has no revocation status (credentialStatus)")
    index = status.get("statusListIndex")
    if not isinstance(index, str) or not index.isdigit() or len(index) > 9:
        raise Unreadable("its status list index is not a whole number")
    if status.get("statusListCredential") != status_list_url(issuer, base_url):
        raise Unreadable("its status list is not its issuer's")
    issued = session.scalars(select(IssuedCredential).where(
        IssuedCredential.organisation_id == issuer.id,
        IssuedCredential.status_index == int(index))).one_or_none()
    if issued is None or issued.credential_id != credential_id:
        return f"Refused: {issuer.name} holds no record of this credential"
    if issued.revoked_at is not None:
        because = f" ({issued.revocation_reason})" if issued.revocation_reason else ""
        return (f"Refused: {issuer.name} revoked it on "
                f"{format_day(issued.revoked_at.date())}{because}")
    return None


def verdicts_json(verdicts: list[Checked], today: date,
                  receiving: Organisation | None) -> dict[str, Any]:
    """Return verdicts as ``pathways passport verify --json`` and the API answer them.

    Examples
    --------
    >>> verdicts_json([], date(2026, 12, 1), None)["checked_on"]
    '2026-12-01'
    """
    return {"checked_on": today.isoformat(),
            "organisation": receiving.name if receiving is not None else None,
            "valid": sum(checked.valid for checked in verdicts),
            "refused": sum(not checked.valid for checked in verdicts),
            "credentials": [checked.as_json() for checked in verdicts]}


def verify_passport(session: Session, text: str | bytes, *, today: date,
                    receiving: Organisation | None = None,
                    base_url: str | None = None) -> list[Checked]:
    """Return one verdict per credential in a pasted or uploaded passport.

    Raises
    ------
    InvalidInput
        What was given cannot be read as a passport at all (see ``read_passport``).
    """
    return [verify_credential(session, item, today=today, receiving=receiving,
                              base_url=base_url) for item in read_passport(text)]
