"""Running the passport: revoking from the command line, rotating and withdrawing keys."""

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from jwt.api_jws import PyJWS
from sqlalchemy import func, select

from pathways import clock
from pathways.cli import cli
from pathways.dates import format_day
from pathways.errors import InvalidInput, NotFound
from pathways.models import (
    AcceptedCredential,
    AuditEvent,
    IssuedCredential,
    Organisation,
    PassportKey,
    TrainingRecord,
    TrainingSubject,
)
from pathways.passport.credentials import issue_credential, issue_passport
from pathways.passport.keys import jwks, key_of, rotate_key, signing_key
from pathways.passport.sharing import accept_credentials
from pathways.passport.status_list import KeyRefused, signed_status_list, withdraw_key
from pathways.passport.verification import Verdict, verify_credential
from pathways.people.accounts import create_person
from pathways.training.records import record_training
from seed.training import load_subjects
from tests.concurrency import race
from tests.domain.test_passport import BASE, COMPLETED, TODAY, partner
from tests.factories import make_people
from tests.recipes import TOY_WITH_PEOPLE


@pytest.fixture
def database_url(database_for):
    return database_for(TOY_WITH_PEOPLE)


@pytest.fixture
def world(session):
    people = make_people(session)
    load_subjects(session)
    session.flush()
    return people


def _record(session, person, subject_id, completed=COMPLETED):
    return record_training(session, None, person, session.get(TrainingSubject, subject_id),
                           completed, today=TODAY)


def _train(session, person, *subjects):
    today = clock.today()
    for subject_id in subjects:
        record_training(session, None, person, session.get(TrainingSubject, subject_id),
                        today - timedelta(days=30), today=today, evidence="E-1")


@pytest.fixture
def run(session, database_url, world):
    """Record current training for staff and partner staff, commit, and run commands."""
    _train(session, world["staff"], "fire-safety", "assisting-and-moving-people")
    _train(session, world["partner_staff"], "fire-safety")
    session.commit()
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False,
                             env={"DATABASE_URL": database_url, "PATHWAYS_ENV": "development"})
    return run


def _issue(run, tmp_path, email, name="passport.json"):
    out = tmp_path / name
    issued = run("passport", "issue", email, "--out", str(out))
    assert issued.exit_code == 0, issued.output
    return out


def _verdicts(run, path):
    answer = run("passport", "verify", str(path), "--json")
    return [item["verdict"] for item in json.loads(answer.output)["credentials"]]


# Revoking from the command line ------------------------------------------------------------


def test_revoke_by_id_then_verify_refuses_it_as_revoked(run, session, tmp_path):
    out = _issue(run, tmp_path, "staff@example.org")
    credential_id = session.scalars(select(IssuedCredential.credential_id).where(
        IssuedCredential.subject_id == "fire-safety")).one()
    revoked = run("passport", "revoke", credential_id, "--org", "Testshire Council",
                  "--reason", "Certificate was forged")
    assert revoked.exit_code == 0, revoked.output
    assert f"Revoked {credential_id}: Fire safety of staff." in revoked.output
    assert sorted(_verdicts(run, out)) == ["revoked", "valid"]
    checked = run("passport", "verify", str(out))
    assert checked.exit_code == 1 and "Certificate was forged" in checked.output
    again = run("passport", "revoke", credential_id, "--org", "Testshire Council")
    assert again.exit_code == 6 and "already been revoked" in again.output


def test_revoke_by_number_and_all_of_a_persons(run, session, tmp_path):
    out = _issue(run, tmp_path, "staff@example.org")
    first = session.scalars(select(IssuedCredential.id).order_by(IssuedCredential.id)).first()
    assert run("passport", "revoke", str(first), "--org", "Testshire Council").exit_code == 0
    everything = run("passport", "revoke", "--person", "Staff@Example.org",
                     "--org", "Testshire Council")
    assert everything.exit_code == 0, everything.output
    assert "Revoked 1 credentials Testshire Council issued to staff." in everything.output
    assert _verdicts(run, out) == ["revoked", "revoked"]
    none_left = run("passport", "revoke", "--person", "staff@example.org",
                    "--org", "Testshire Council")
    assert none_left.exit_code == 0 and "Revoked 0 credentials" in none_left.output


def test_revoke_refuses_unknown_and_other_organisations_credentials(run, session, tmp_path):
    out = _issue(run, tmp_path, "partner_staff@example.org")
    theirs = session.scalars(select(IssuedCredential.credential_id)).one()
    other = run("passport", "revoke", theirs, "--org", "Testshire Council")
    assert other.exit_code == 6
    assert "was issued by Sunrise Care, not Testshire Council" in other.output
    assert _verdicts(run, out) == ["valid"]
    unknown = run("passport", "revoke", "urn:uuid:00000000-0000-0000-0000-000000000000",
                  "--org", "Testshire Council")
    assert unknown.exit_code == 3 and "No credential has the id" in unknown.output
    assert run("passport", "revoke", "99999999999", "--org", "Testshire Council").exit_code == 3
    assert run("passport", "revoke", "--person", "ghost@example.org",
               "--org", "Testshire Council").exit_code == 3
    assert run("passport", "revoke", theirs, "--org", "Nowhere").exit_code == 3
    assert run("passport", "revoke", "--org", "Sunrise Care").exit_code == 2
    assert run("passport", "revoke", theirs, "--person", "partner_staff@example.org",
               "--org", "Sunrise Care").exit_code == 2
    bad_reason = run("passport", "revoke", theirs, "--org", "Sunrise Care", "--reason", "a\x00b")
    assert bad_reason.exit_code == 1
    assert _verdicts(run, out) == ["valid"]


# Rotating and withdrawing keys -------------------------------------------------------------


def _kid(token):
    return PyJWS().get_unverified_header(token)["kid"]


def _check(session, token):
    return verify_credential(session, token, today=TODAY, base_url=BASE)


@pytest.fixture
def council(world):
    return world["staff"].organisation


def test_after_rotation_new_credentials_use_the_new_key_and_old_ones_still_verify(
        session, world, council):
    staff = world["staff"]
    _record(session, staff, "fire-safety")
    (before,) = issue_passport(session, staff, today=TODAY, base_url=BASE)
    new, old = rotate_key(session, world["lnd"], council)
    assert old is not None and old.kid == _kid(before) and old.retired_at is not None
    assert old.private_pem == ""  # a retired key never signs again
    _record(session, staff, "safeguarding-adults")
    tokens = issue_passport(session, staff, today=TODAY, base_url=BASE)
    assert before in tokens  # the credential already issued is given again
    (after,) = [token for token in tokens if token != before]
    assert _kid(after) == new.kid != old.kid
    assert [_check(session, token).verdict for token in (before, after)] == [Verdict.VALID] * 2
    assert [key["kid"] for key in jwks(session, council)["keys"]] == [new.kid, old.kid]
    issued = session.scalars(select(IssuedCredential).order_by(IssuedCredential.id)).all()
    assert [credential.kid for credential in issued] == [old.kid, new.kid]
    assert issued[1].status_index == issued[0].status_index + 1  # the list's counter goes on
    status = verify_credential(session, signed_status_list(session, council, base_url=BASE),
                               today=TODAY, base_url=BASE)
    assert status.verdict is not Verdict.TAMPERED  # the list is signed with the new key
    assert _kid(signed_status_list(session, council, base_url=BASE)) == new.kid
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "passport_key_rotated")) == 1


def test_rotating_before_the_first_signature_makes_the_first_key(session, council):
    new, old = rotate_key(session, None, council)
    assert old is None and key_of(session, council.id).kid == new.kid


def test_a_withdrawn_key_is_unpublished_and_what_it_signed_refused(session, world, council):
    staff = world["staff"]
    _record(session, staff, "fire-safety")
    (before,) = issue_passport(session, staff, today=TODAY, base_url=BASE)
    new, old = rotate_key(session, None, council)
    with pytest.raises(KeyRefused, match="current key: rotate the key first"):
        withdraw_key(session, None, council, new.kid, "Exposed")
    with pytest.raises(NotFound):
        withdraw_key(session, None, council, "no-such-kid", "Exposed")
    with pytest.raises(NotFound):  # another organisation cannot withdraw it
        withdraw_key(session, None, partner(world), old.kid, "Exposed")
    with pytest.raises(InvalidInput, match="reason"):
        withdraw_key(session, None, council, old.kid, "  ")
    withdraw_key(session, world["lnd"], council, old.kid, "Laptop stolen")
    checked = _check(session, before)
    assert checked.verdict is Verdict.KEY_WITHDRAWN and not checked.valid
    assert checked.reason == ("Refused: it was signed with a key Testshire Council withdrew on "
                              f"{format_day(clock.today())} (Laptop stolen); ask Testshire "
                              "Council for the credential again")
    assert [key["kid"] for key in jwks(session, council)["keys"]] == [new.kid]
    revoked = session.scalars(select(IssuedCredential)).one()
    assert revoked.revoked_at is not None and "Laptop stolen" in revoked.revocation_reason
    with pytest.raises(KeyRefused, match="withdrawn already"):
        withdraw_key(session, None, council, old.kid, "Again")
    # The person's passport is issued afresh, with the current key.
    (again,) = issue_passport(session, staff, today=TODAY, base_url=BASE)
    assert _kid(again) == new.kid and _check(session, again).verdict is Verdict.VALID


def test_withdrawing_a_key_removes_what_others_accepted_from_it(session, world, council):
    staff, newcomer = world["staff"], world["partner_staff"]
    _record(session, staff, "fire-safety")
    tokens = issue_passport(session, staff, today=TODAY, base_url=BASE)
    receiver = create_person(session, email="receiver@sunrise.example", name="receiver",
                             organisation=newcomer.organisation, roles=["lnd"])
    accepted = accept_credentials(session, receiver, newcomer, tokens, today=TODAY,
                                  base_url=BASE)
    assert len(accepted.accepted) == 1
    _new, old = rotate_key(session, None, council)
    withdraw_key(session, None, council, old.kid, "Exposed")
    assert session.scalars(select(AcceptedCredential)).all() == []
    assert session.scalar(select(func.count()).select_from(TrainingRecord).where(
        TrainingRecord.person_id == newcomer.id)) == 0


def test_two_rotating_at_once_make_one_new_key(session, world, council, database_url):
    signing_key(session, council)
    council_id = council.id
    session.commit()

    def rotate(session):
        organisation = session.get(Organisation, council_id)
        seen = key_of(session, council_id).kid
        return lambda: rotate_key(session, None, organisation, seen_kid=seen)

    outcomes = race(database_url, [rotate, rotate, rotate])
    assert outcomes.count("done") == 1
    assert all(isinstance(outcome, KeyRefused) for outcome in outcomes if outcome != "done")
    assert "rotated meanwhile" in str(next(o for o in outcomes if o != "done"))
    session.expire_all()
    keys = session.scalars(select(PassportKey)).all()
    assert len(keys) == 2 and sum(key.retired_at is None for key in keys) == 1


def test_issuing_while_rotating_takes_distinct_entries(session, world, council, database_url):
    staff = world["staff"]
    for subject in ("fire-safety", "safeguarding-adults", "assisting-and-moving-people"):
        _record(session, staff, subject)
    signing_key(session, council)
    ids = [record.id for record in session.scalars(select(TrainingRecord))]
    council_id = council.id
    session.commit()

    def issue(record_id):
        def prepare(session):
            record = session.get(TrainingRecord, record_id)
            record.person, record.subject  # noqa: B018  (loaded before the race)
            return lambda: issue_credential(session, record, today=TODAY, base_url=BASE)
        return prepare

    def rotate(session):
        organisation = session.get(Organisation, council_id)
        seen = key_of(session, council_id).kid
        return lambda: rotate_key(session, None, organisation, seen_kid=seen)

    outcomes = race(database_url, [issue(ids[0]), rotate, issue(ids[1]), issue(ids[2])])
    assert outcomes == ["done"] * 4
    session.expire_all()
    issued = session.scalars(select(IssuedCredential)).all()
    assert len({credential.status_index for credential in issued}) == 3
    for credential in issued:
        assert _check(session, credential.token).verdict is Verdict.VALID


# Keys from the command line ----------------------------------------------------------------


def test_rotate_list_and_withdraw_keys_from_the_command_line(run, session, tmp_path):
    out = _issue(run, tmp_path, "staff@example.org")
    first = _kid(json.loads(out.read_text())["credentials"][0])
    rotated = run("passport", "rotate-key", "--org", "Testshire Council")
    assert rotated.exit_code == 0, rotated.output
    assert f"{first} is retired and still verifies what it signed" in rotated.output
    listed = run("passport", "keys", "--org", "Testshire Council").output.splitlines()
    assert len(listed) == 2 and listed[0].endswith("current") and first in listed[1]
    assert _verdicts(run, out) == ["valid", "valid"]
    current = listed[0].split()[0]
    refused = run("passport", "withdraw-key", current, "--org", "Testshire Council",
                  "--reason", "Exposed")
    assert refused.exit_code == 6 and "rotate the key first" in refused.output
    assert run("passport", "withdraw-key", "nope", "--org", "Testshire Council",
               "--reason", "Exposed").exit_code == 3
    assert run("passport", "withdraw-key", first, "--org", "Testshire Council").exit_code == 2
    withdrawn = run("passport", "withdraw-key", first, "--org", "Testshire Council",
                    "--reason", "Exposed")
    assert withdrawn.exit_code == 0, withdrawn.output
    assert "the 2 credentials it signed no longer verify" in withdrawn.output
    assert _verdicts(run, out) == ["key_withdrawn", "key_withdrawn"]
    checked = run("passport", "verify", str(out))
    assert checked.exit_code == 1 and "withdrew on" in checked.output
    fresh = _issue(run, tmp_path, "staff@example.org", "fresh.json")
    assert _verdicts(run, fresh) == ["valid", "valid"]
    assert "has signed nothing yet" in run("passport", "keys", "--org", "Far Away Care").output
