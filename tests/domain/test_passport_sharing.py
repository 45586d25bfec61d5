"""Sharing a passport, accepting it at another employer, and the passport commands."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pathways import clock
from pathways.cli import cli
from pathways.errors import InvalidInput
from pathways.models import (
    AcceptedCredential,
    AuditEvent,
    IssuedCredential,
    PassportShare,
    Person,
    Role,
    TrainingRecord,
    TrainingSubject,
)
from pathways.passport.credentials import issue_passport
from pathways.passport.sharing import (
    ShareRefused,
    accept_credentials,
    create_share,
    open_share,
    shares_of,
    withdraw_share,
)
from pathways.passport.status_list import revoke_credential
from pathways.people.accounts import create_person
from pathways.training.compliance import compliance_report
from pathways.training.records import record_training
from pathways.training.requirements import add_requirement
from pathways.training.status import TrainingStatus
from seed.training import load_subjects
from tests.concurrency import race
from tests.domain.test_passport import BASE, COMPLETED, TODAY, UNTIL, record
from tests.factories import make_people
from tests.recipes import TOY_WITH_PEOPLE

NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def database_url(database_for):
    return database_for(TOY_WITH_PEOPLE)


@pytest.fixture
def world(session):
    people = make_people(session)
    load_subjects(session)
    session.flush()
    return people


@pytest.fixture
def newcomer(session, world):
    """Someone who has just joined Sunrise Care (the partner) as a care worker, where fire
    safety is required of care workers."""
    provider = world["partner_staff"].organisation
    person = create_person(session, email="newcomer@sunrise.example", name="staff",
                           organisation=provider, roles=["staff"])
    person.current_role_id = "care-worker"
    add_requirement(session, None, provider, session.get(Role, "care-worker"),
                    _subject(session, "fire-safety"))
    session.flush()
    return person


def _subject(session, subject_id):
    return session.get(TrainingSubject, subject_id)


@pytest.fixture
def receiver(session, world):
    provider = world["partner_staff"].organisation
    return create_person(session, email="lnd@sunrise.example", name="Sunrise L&D",
                         organisation=provider, roles=["lnd"])


def status_at(session, person, subject_id, day):
    report = compliance_report(session, person.organisation, day)
    (held,) = [held for held in report.people if held.email == person.email]
    return {subject.id: status for subject, status, *_ in held.subjects}[subject_id]


def test_a_share_link_opens_with_its_secret_until_it_expires(session, world):
    staff = world["staff"]
    record(session, staff)
    share, secret = create_share(session, staff, days=7, now=NOW, today=TODAY, base_url=BASE)
    assert share.token_digest != secret and secret not in json.dumps(share.credentials)
    assert len(share.credentials) == 1
    assert open_share(session, secret, now=NOW) is share
    assert open_share(session, secret, now=NOW + timedelta(days=7)) is share
    assert open_share(session, secret, now=NOW + timedelta(days=7, seconds=1)) is None
    assert open_share(session, secret[:-1], now=NOW) is None
    assert open_share(session, "x" * 10_000, now=NOW) is None
    assert shares_of(session, staff, now=NOW) == [share]
    withdraw_share(session, staff, share, now=NOW)
    assert open_share(session, secret, now=NOW) is None
    assert shares_of(session, staff, now=NOW) == []
    with pytest.raises(ShareRefused):
        withdraw_share(session, staff, share, now=NOW)


def test_a_share_needs_current_training_and_a_length_offered(session, world):
    staff = world["staff"]
    with pytest.raises(ShareRefused, match="no current training"):
        create_share(session, staff, now=NOW, today=TODAY, base_url=BASE)
    record(session, staff)
    with pytest.raises(InvalidInput):
        create_share(session, staff, days=365, now=NOW, today=TODAY, base_url=BASE)
    assert session.scalars(select(PassportShare)).all() == []


def test_accepted_credentials_meet_the_partners_requirement(
        session, world, newcomer, receiver):
    record(session, world["staff"], evidence="FS-1")
    assert status_at(session, newcomer, "fire-safety", TODAY) is TrainingStatus.MISSING
    tokens = issue_passport(session, world["staff"], today=TODAY, base_url=BASE)
    outcome = accept_credentials(session, receiver, newcomer, tokens, today=TODAY,
                                 base_url=BASE)
    assert [checked.subject for checked in outcome.accepted] == ["Fire safety"]
    assert status_at(session, newcomer, "fire-safety", TODAY) is TrainingStatus.UP_TO_DATE
    assert status_at(session, newcomer, "fire-safety", UNTIL) is TrainingStatus.EXPIRING_SOON
    assert status_at(session, newcomer, "fire-safety",
                     UNTIL + timedelta(days=1)) is TrainingStatus.EXPIRED
    accepted = session.scalars(select(AcceptedCredential)).one()
    assert (accepted.record.source, accepted.record.completed_on) == ("passport", COMPLETED)
    assert accepted.record.organisation_id == newcomer.organisation_id
    again = accept_credentials(session, receiver, newcomer, tokens, today=TODAY, base_url=BASE)
    assert (again.accepted, len(again.already)) == ([], 1)
    # the credential travels on in the newcomer's own passport, signed by its issuer
    assert issue_passport(session, newcomer, today=TODAY, base_url=BASE) == tokens


def test_refused_credentials_are_not_accepted(session, world, newcomer, receiver):
    record(session, world["staff"])
    tokens = issue_passport(session, world["staff"], today=TODAY, base_url=BASE)
    revoke_credential(session, None, session.scalars(select(IssuedCredential)).one())
    outcome = accept_credentials(session, receiver, newcomer, [*tokens, "a.b.c"],
                                 today=TODAY, base_url=BASE)
    assert outcome.accepted == []
    assert [reason.split(":")[0] for _checked, reason in outcome.refused] == ["Refused"] * 2
    assert status_at(session, newcomer, "fire-safety", TODAY) is TrainingStatus.MISSING


def test_an_organisation_outside_the_partnership_cannot_accept(session, world):
    record(session, world["staff"])
    tokens = issue_passport(session, world["staff"], today=TODAY, base_url=BASE)
    outcome = accept_credentials(session, None, world["outsider"], tokens, today=TODAY,
                                 base_url=BASE)
    ((_checked, reason),) = outcome.refused
    assert reason == "Refused: Testshire Council is not a partner of Far Away Care"


# The commands ------------------------------------------------------------------------------


@pytest.fixture
def run(session, database_url, world):
    """Record current fire safety training for staff, commit, and run commands."""
    today = clock.today()
    record_training(session, None, world["staff"], _subject(session, "fire-safety"),
                    today - timedelta(days=30), today=today, evidence="FS-9")
    session.commit()
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False,
                             env={"DATABASE_URL": database_url, "PATHWAYS_ENV": "development"})
    return run


def test_issue_then_verify_at_a_partner_exits_0(run, tmp_path):
    out = tmp_path / "passport.json"
    issued = run("passport", "issue", "staff@example.org", "--out", str(out))
    assert issued.exit_code == 0, issued.output
    assert json.loads(out.read_text())["format"] == "training-passport"
    checked = run("passport", "verify", str(out), "--org", "Sunrise Care")
    assert checked.exit_code == 0, checked.output
    assert "1. Fire safety (staff): Valid: Fire safety, completed on" in checked.output
    assert "1 of 1 valid." in checked.output
    as_json = json.loads(run("passport", "verify", str(out), "--json").output)
    assert (as_json["valid"], as_json["refused"]) == (1, 0)
    assert as_json["credentials"][0]["verdict"] == "valid"


def test_verify_exits_1_when_any_credential_is_refused(run, tmp_path):
    out = tmp_path / "passport.json"
    run("passport", "issue", "staff@example.org", "--out", str(out))
    elsewhere = run("passport", "verify", str(out), "--org", "Far Away Care", "--json")
    assert elsewhere.exit_code == 1
    assert json.loads(elsewhere.output)["credentials"][0]["verdict"] == "unknown_issuer"
    later = run("passport", "verify", str(out), "--as-of",
                (clock.today() + timedelta(days=400)).isoformat())
    assert later.exit_code == 1 and "Refused: it expired on" in later.output
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"{\x00not json")
    refused = run("passport", "verify", str(garbage))
    assert refused.exit_code == 1 and "not valid JSON" in refused.output
    assert run("passport", "verify", str(tmp_path / "missing.json")).exit_code == 1
    assert run("passport", "issue", "ghost@example.org").exit_code == 3
    assert run("passport", "verify", str(out), "--org", "Nowhere").exit_code == 3


def test_a_day_that_is_not_a_date_is_refused(run, tmp_path):
    out = tmp_path / "passport.json"
    run("passport", "issue", "staff@example.org", "--out", str(out))
    refused = run("passport", "verify", str(out), "--as-of", "soon")
    assert refused.exit_code == 1 and "--as-of" in refused.output


def test_revoking_an_accepted_credential_stops_it_counting(
        session, world, newcomer, receiver):
    record(session, world["staff"])
    tokens = issue_passport(session, world["staff"], today=TODAY, base_url=BASE)
    accept_credentials(session, receiver, newcomer, tokens, today=TODAY, base_url=BASE)
    assert status_at(session, newcomer, "fire-safety", TODAY) is TrainingStatus.UP_TO_DATE
    revoke_credential(session, world["lnd"], session.scalars(select(IssuedCredential)).one())
    assert status_at(session, newcomer, "fire-safety", TODAY) is TrainingStatus.MISSING
    assert session.scalars(select(AcceptedCredential)).all() == []
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "passport_acceptance_withdrawn")).one()
    assert event.organisation_id == newcomer.organisation_id
    assert issue_passport(session, newcomer, today=TODAY, base_url=BASE) == []


def test_two_accepting_at_once_make_one_record(
        session, world, newcomer, receiver, database_url):
    record(session, world["staff"])
    tokens = issue_passport(session, world["staff"], today=TODAY, base_url=BASE)
    ids = newcomer.id, receiver.id
    session.commit()

    def accept(session):
        person, actor = session.get(Person, ids[0]), session.get(Person, ids[1])
        person.organisation  # noqa: B018  (loaded before the race)
        return lambda: accept_credentials(session, actor, person, tokens, today=TODAY,
                                          base_url=BASE)

    assert race(database_url, [accept, accept, accept]) == ["done"] * 3
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(AcceptedCredential)) == 1
    assert session.scalar(select(func.count()).select_from(TrainingRecord).where(
        TrainingRecord.person_id == ids[0])) == 1
