"""Running the passport: revoking from the command line, rotating and withdrawing keys."""

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from pathways import clock
from pathways.cli import cli
from pathways.models import IssuedCredential, TrainingSubject
from pathways.training.records import record_training
from seed.training import load_subjects
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
