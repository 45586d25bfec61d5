"""The training passport: keys, issuing, verifying and revoking (pathways.passport)."""

import base64
import json
from datetime import date, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.api_jws import PyJWS
from sqlalchemy import func, select

from pathways.errors import InvalidInput
from pathways.models import IssuedCredential, Organisation, PassportKey, TrainingSubject
from pathways.passport.credentials import issue_passport
from pathways.passport.keys import jwks, signing_key, thumbprint
from pathways.passport.status_list import (
    RevocationRefused,
    decode_list,
    is_set,
    revoke_credential,
    status_list_document,
)
from pathways.passport.verification import (
    MAX_INPUT,
    Verdict,
    read_passport,
    verify_credential,
    verify_passport,
)
from pathways.training.records import record_training
from seed.training import load_subjects
from tests.concurrency import race
from tests.factories import make_people
from tests.recipes import TOY_WITH_PEOPLE

BASE = "https://pathways.test"
COMPLETED = date(2026, 3, 2)
#: Fire safety is refreshed every 12 months: valid until 2 March 2027.
UNTIL = date(2027, 3, 2)
TODAY = date(2026, 6, 15)


@pytest.fixture
def database_url(database_for):
    return database_for(TOY_WITH_PEOPLE)


@pytest.fixture
def world(session):
    people = make_people(session)
    load_subjects(session)
    session.flush()
    return people


def record(session, person, subject_id="fire-safety", completed=COMPLETED, **details):
    subject = session.get(TrainingSubject, subject_id)
    return record_training(session, None, person, subject, completed, today=TODAY, **details)


@pytest.fixture
def token(session, world):
    record(session, world["staff"], provider="Blaze Training", evidence="FS-1234")
    (issued,) = issue_passport(session, world["staff"], today=TODAY, base_url=BASE)
    return issued


def partner(world):
    return world["partner_staff"].organisation


def verify(session, token, day=TODAY, receiving=None):
    return verify_credential(session, token, today=day, receiving=receiving, base_url=BASE)


def payload_of(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_a_record_issued_then_verified_by_a_partner_is_valid(session, world, token):
    checked = verify(session, token, receiving=partner(world))
    assert checked.verdict is Verdict.VALID, checked.reason
    assert (checked.subject, checked.subject_id, checked.holder) == ("Fire safety",
                                                                     "fire-safety", "staff")
    assert (checked.valid_from, checked.valid_until) == (COMPLETED, UNTIL)
    assert checked.issuer == "Testshire Council"
    assert checked.reason == ("Valid: Fire safety, completed on 2 March 2026, issued by "
                              "Testshire Council; valid until 2 March 2027")
    assert "FS-1234" in checked.evidence and "Blaze Training" in checked.evidence


def test_the_credential_is_an_open_badge_signed_as_a_vc_jwt(session, world, token):
    header = PyJWS().get_unverified_header(token)
    assert (header["alg"], header["typ"], header["cty"]) == ("EdDSA", "vc+jwt", "vc")
    document = payload_of(token)
    assert document["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    council = world["staff"].organisation
    assert document["issuer"]["id"] == document["iss"] == f"{BASE}/organisations/{council.id}"
    assert (document["validFrom"], document["validUntil"]) == ("2026-03-02T00:00:00Z",
                                                               "2027-03-02T23:59:59Z")
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["name"] == "Fire safety" and achievement["criteria"]["narrative"]
    status = document["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusListCredential"] == f"{BASE}/organisations/{council.id}/passport/status"
    assert "staff@example.org" not in json.dumps(document)  # only a salted hash of the email


def test_the_public_key_is_published_and_the_private_key_kept_encrypted(session, world, token):
    council = world["staff"].organisation
    (jwk,) = jwks(session, council)["keys"]
    assert jwk["kid"] == PyJWS().get_unverified_header(token)["kid"] == thumbprint(jwk["x"])
    assert set(jwk) == {"kty", "crv", "x", "kid", "alg", "use"}
    key = session.scalars(select(PassportKey)).one()
    assert "ENCRYPTED PRIVATE KEY" in key.private_pem
    with pytest.raises(TypeError):  # no password: it cannot be read
        serialization.load_pem_private_key(key.private_pem.encode(), None)
    assert jwks(session, partner(world)) == {"keys": []}


def test_an_organisation_has_one_key_however_many_ask(session, world, database_url):
    council_id = world["staff"].organisation_id
    session.commit()

    def make(session):
        council = session.get(Organisation, council_id)
        return lambda: signing_key(session, council)

    assert race(database_url, [make, make, make]) == ["done"] * 3
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(PassportKey)) == 1


def test_issuing_again_gives_the_same_credential_and_each_gets_its_own_entry(session, world):
    staff = world["staff"]
    record(session, staff)
    record(session, staff, "safeguarding-adults")
    first = issue_passport(session, staff, today=TODAY, base_url=BASE)
    assert issue_passport(session, staff, today=TODAY, base_url=BASE) == first
    entries = [payload_of(token)["credentialStatus"]["statusListIndex"] for token in first]
    assert sorted(entries) == ["0", "1"]


def test_expired_and_future_records_are_not_issued(session, world):
    staff = world["staff"]
    record(session, staff, completed=date(2025, 6, 13))  # expired on 13 June 2026
    assert issue_passport(session, staff, today=TODAY, base_url=BASE) == []
    record(session, staff, completed=TODAY)
    assert issue_passport(session, staff, today=TODAY - timedelta(days=1), base_url=BASE) == []


def test_any_changed_character_is_refused(session, world, token):
    header_end, payload_end = token.index("."), token.rindex(".")
    ends = {header_end - 1, payload_end - 1, len(token) - 1}  # their last characters too
    for at in sorted(set(range(0, len(token), 11)) | ends - {header_end, payload_end}):
        changed = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1:]
        checked = verify(session, changed)
        assert not checked.valid, at
        if at > header_end:  # the payload or the signature: the signature no longer matches
            assert checked.verdict is Verdict.TAMPERED, at
    header, _, signature = token.split(".")
    document = payload_of(token)
    document["validUntil"] = "2099-12-31T23:59:59Z"
    forged = base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()
    checked = verify(session, f"{header}.{forged}.{signature}")
    assert checked.verdict is Verdict.TAMPERED
    assert checked.reason.startswith("Refused: it has been changed since it was signed")


def test_an_issuer_outside_the_partnership_or_unknown_is_refused(session, world, token):
    outsider = world["outsider"].organisation
    checked = verify(session, token, receiving=outsider)
    assert checked.verdict is Verdict.UNKNOWN_ISSUER
    assert checked.reason == "Refused: Testshire Council is not a partner of Far Away Care"
    stranger = Ed25519PrivateKey.generate()
    foreign = PyJWS().encode(json.dumps(payload_of(token)).encode(), stranger,
                             algorithm="EdDSA", headers={"kid": "someone-else"})
    assert verify(session, foreign).verdict is Verdict.UNKNOWN_ISSUER


def test_a_credential_naming_another_issuer_than_its_signer_is_refused(session, world, token):
    from pathways.passport.credentials import sign

    document = payload_of(token)
    document["issuer"]["id"] = f"{BASE}/organisations/{partner(world).id}"
    document.pop("iss")
    resigned = sign(session, world["staff"].organisation, document)
    assert verify(session, resigned).verdict is Verdict.UNKNOWN_ISSUER


def test_dates_are_checked_against_the_day_given(session, world, token):
    assert verify(session, token, day=UNTIL).valid  # valid on its last day
    expired = verify(session, token, day=UNTIL + timedelta(days=1))
    assert (expired.verdict, expired.reason) == (Verdict.EXPIRED,
                                                 "Refused: it expired on 2 March 2027")
    early = verify(session, token, day=COMPLETED - timedelta(days=1))
    assert (early.verdict, early.reason) == (Verdict.NOT_YET_VALID,
                                             "Refused: it is not valid until 2 March 2026")


def test_a_revoked_credential_is_refused_and_its_bit_set(session, world, token):
    issued = session.scalars(select(IssuedCredential)).one()
    revoke_credential(session, world["lnd"], issued, "Certificate withdrawn by the provider")
    checked = verify(session, token)
    assert checked.verdict is Verdict.REVOKED
    assert "revoked it on" in checked.reason and "Certificate withdrawn" in checked.reason
    with pytest.raises(RevocationRefused):
        revoke_credential(session, world["lnd"], issued)
    listed = status_list_document(session, world["staff"].organisation, base_url=BASE)
    bits = decode_list(listed["credentialSubject"]["encodedList"])
    assert len(bits) == 16_384
    assert is_set(bits, issued.status_index) and not is_set(bits, issued.status_index + 1)


def test_malformed_credentials_each_get_a_reason(session, world, token):
    for item in ("a.b.c", "not a credential", 42, {"@context": [], "type": []},
                 token + "." + token, "e30.e30.e30", "!!.??.**"):
        checked = verify(session, item)
        assert checked.verdict is Verdict.MALFORMED, item
        assert checked.reason.startswith("Refused: ")


@pytest.mark.parametrize("text", ["", "   ", "{not json", "[" * 100_000, "[]",
                                  '{"credentials": []}',
                                  "x" * (MAX_INPUT + 1), b"\xff\xfe\x00garbage",
                                  json.dumps(["a.b.c"] * 201)])
def test_unreadable_passports_are_refused_whole(text):
    with pytest.raises(InvalidInput):
        read_passport(text)


def test_a_passport_file_gives_one_verdict_per_credential(session, world, token):
    text = json.dumps({"format": "training-passport", "version": 1,
                       "credentials": [token, "a.b.c"]})
    verdicts = verify_passport(session, text, today=TODAY, base_url=BASE)
    assert [checked.verdict for checked in verdicts] == [Verdict.VALID, Verdict.MALFORMED]
