"""The people commands (create-org, create-user, import-staff) through click's runner."""

import pytest
from click.testing import CliRunner

from pathways.cli import cli
from pathways.db import make_engine, make_session_factory
from pathways.interchange.writers import write_graph
from pathways.people.accounts import find_person, verify_password
from tests.factories import GOOD_PASSWORD, toy_document

STAFF = ("email,name,staff_id,team,current_role,qualifications,roles\n"
         "ann@example.org,Ann Lee,E1,Home care,care worker,care-cert,staff\n"
         "bob@example.org,Bob Hale,E2,Reablement,senior-care-worker,,staff;champion\n")


@pytest.fixture
def run(database_url):
    """Run a ``pathways`` command against the test database; returns the click result."""
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False,
                             env={"DATABASE_URL": database_url, "PATHWAYS_ENV": "development"})
    return run


@pytest.fixture
def db(run, tmp_path):
    """A database holding the toy pathway and one organisation, made through the CLI."""
    assert run("init-db").exit_code == 0
    assert run("import-graph", str(write_graph(toy_document(), tmp_path / "toy.json"))
               ).exit_code == 0
    result = run("create-org", "Testshire Council", "--partnership", "Testshire")
    assert result.exit_code == 0, result.output
    assert "Created the organisation Testshire Council" in result.output
    assert "in the partnership Testshire" in result.output
    return run


@pytest.fixture
def person(database_url):
    """Look a person up by email in the test database."""
    engine = make_engine(database_url)
    sessions = []

    def person(email):
        sessions.append(make_session_factory(engine)())
        return find_person(sessions[-1], email)
    yield person
    for session in sessions:
        session.close()
    engine.dispose()


def test_create_org_refuses_a_name_already_taken(db):
    result = db("create-org", "testshire council")
    assert result.exit_code == 1
    assert "name: An organisation called 'testshire council' already exists" in result.output


def test_create_user_reads_the_password_from_stdin(db, person):
    result = db("create-user", "Ann.Lee@Example.org", "--org", "Testshire Council", "--role",
                "staff", "--role", "champion", "--team", "Home care", "--password-stdin",
                input=GOOD_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created an account for ann.lee@example.org at Testshire Council (staff, champion)" \
        in result.output
    ann = person("ann.lee@example.org")
    assert ann.name == "Ann Lee" and ann.team.name == "Home care"
    assert verify_password(ann, GOOD_PASSWORD)


def test_create_user_without_a_password_must_reset_it(db, person):
    result = db("create-user", "lnd@example.org", "--org", "1", "--role", "lnd", "--name",
                "Lee Dee", "--scope", "partnership")
    assert result.exit_code == 0, result.output
    assert "no password yet" in result.output
    lnd = person("lnd@example.org")
    assert lnd.password_hash is None and lnd.scope_of("lnd") == "partnership"


def test_create_user_refuses_a_weak_password(db, person):
    result = db("create-user", "ann@example.org", "--org", "Testshire Council", "--role",
                "staff", "--password-stdin", input="password1234\n")
    assert result.exit_code == 1
    assert "password: Choose a less common password" in result.output
    assert person("ann@example.org") is None


def test_create_user_refuses_an_empty_password_and_unknown_roles(db):
    empty = db("create-user", "ann@example.org", "--org", "Testshire Council", "--role",
               "staff", "--password-stdin", input="\n")
    assert empty.exit_code == 1 and "password: Standard input held no password" in empty.output
    boss = db("create-user", "ann@example.org", "--org", "Testshire Council", "--role", "boss")
    assert boss.exit_code == 1 and "role: Unknown role 'boss'" in boss.output


def test_create_user_in_an_unknown_organisation_exits_3(db):
    result = db("create-user", "ann@example.org", "--org", "Nowhere Care", "--role", "staff")
    assert result.exit_code == 3
    assert "No organisation called 'Nowhere Care'" in result.output


def test_import_staff_creates_then_updates(db, person, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(STAFF, encoding="utf-8")
    first = db("import-staff", str(path), "--org", "Testshire Council")
    assert first.exit_code == 0, first.output
    assert "into Testshire Council: 2 created, 0 updated, 0 unchanged." in first.output
    assert person("bob@example.org").role_names == ["staff", "champion"]
    path.write_text(STAFF.replace("Home care", "Day centre"), encoding="utf-8")
    again = db("import-staff", str(path), "--org", "Testshire Council")
    assert "0 created, 1 updated, 1 unchanged." in again.output


def test_import_staff_lists_every_bad_row_and_writes_nothing(db, person, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(STAFF.replace("ann@example.org", "ann").replace("Reablement,senior",
                                                                      "Reablement,senor"),
                    encoding="utf-8")
    result = db("import-staff", str(path), "--org", "Testshire Council")
    assert result.exit_code == 1
    assert "row 2: email: 'ann' is not an email address" in result.output
    assert "row 3: current_role: no role called 'senor-care-worker'" in result.output
    assert person("bob@example.org") is None


def test_import_staff_of_a_missing_file_or_organisation(db, tmp_path):
    missing = db("import-staff", str(tmp_path / "nope.csv"), "--org", "Testshire Council")
    assert missing.exit_code == 1 and "no such file" in missing.output
    path = tmp_path / "staff.csv"
    path.write_text(STAFF, encoding="utf-8")
    nowhere = db("import-staff", str(path), "--org", "Nowhere Care")
    assert nowhere.exit_code == 3


def test_forget_sent_forms_forgets_only_those_over_a_week_old(db, database_url):
    from datetime import timedelta

    from sqlalchemy import select

    from pathways import clock, submissions
    from pathways.models import SentForm

    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        submissions.claim(session, "old", now=clock.now() - timedelta(days=8))
        submissions.claim(session, "recent", now=clock.now() - timedelta(days=6))
        session.commit()
    result = db("forget-sent-forms")
    assert result.exit_code == 0 and "Forgot 1 form(s) sent over 7 days ago." in result.output
    with make_session_factory(engine)() as session:
        assert list(session.scalars(select(SentForm.token))) == ["recent"]
    engine.dispose()
