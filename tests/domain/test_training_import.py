"""Training records from CSV and XLSX, all or nothing, and the training commands."""

import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pathways.cli import cli
from pathways.errors import InvalidInput
from pathways.exports import export
from pathways.models import AuditEvent, Role, TrainingRecord, TrainingSubject
from pathways.training.importer import COLUMNS, TEMPLATE_ROW, import_training
from pathways.training.requirements import add_requirement
from seed.training import load_subjects
from tests.factories import make_people
from tests.recipes import TOY_WITH_PEOPLE

TODAY = date(2026, 6, 15)
GOOD = ("email,staff_id,subject,completed_on,provider,evidence\n"
        "staff@example.org,,Fire safety,2026-03-01,Northshire Fire,CERT-1\n"
        ",E7,safeguarding-adults,01/02/2026,,\n")


@pytest.fixture
def database_url(database_for):
    return database_for(TOY_WITH_PEOPLE)


@pytest.fixture
def world(session):
    people = make_people(session)
    load_subjects(session)
    people["colleague"].staff_id = "E7"
    session.flush()
    return people


def count(session):
    return session.scalar(select(func.count()).select_from(TrainingRecord))


def test_a_good_file_adds_every_record(session, world):
    council = world["staff"].organisation
    result = import_training(session, GOOD, council, world["lnd"], today=TODAY)
    assert (result.added, result.already_recorded) == (2, 0)
    records = session.scalars(select(TrainingRecord).order_by(TrainingRecord.subject_id)).all()
    assert [(r.person_id, r.subject_id, r.completed_on, r.provider, r.evidence, r.source)
            for r in records] == [
        (world["staff"].id, "fire-safety", date(2026, 3, 1), "Northshire Fire", "CERT-1",
         "imported"),
        (world["colleague"].id, "safeguarding-adults", date(2026, 2, 1), "", "", "imported")]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).one()
    assert event.details == {"added": 2, "already_recorded": 0}


def test_importing_the_same_file_again_adds_nothing(session, world):
    council = world["staff"].organisation
    import_training(session, GOOD, council, today=TODAY)
    again = import_training(session, GOOD, council, today=TODAY)
    assert (again.added, again.already_recorded) == (0, 2)
    assert count(session) == 2


def test_any_bad_row_and_nothing_is_written_every_problem_named_by_row(session, world):
    council = world["staff"].organisation
    bad = GOOD + ("nobody@example.org,,Fire safety,2026-03-01,,\n"
                  "staff@example.org,,Juggling,2026-03-01,,\n"
                  "staff@example.org,,Fire safety,2026-07-01,,\n"
                  "staff@example.org,,Fire safety,46000,,\n"
                  ",,Fire safety,2026-03-01,,\n"
                  "staff@example.org,E7,Fire safety,2026-03-01,,\n"
                  "staff@example.org,,fire-safety,2026-03-01,,\n"
                  "outsider@example.org,,Fire safety,2026-03-01,,\n"
                  "staff@example.org,,Fire safety,,,\n")
    with pytest.raises(InvalidInput) as refused:
        import_training(session, bad, council, today=TODAY)
    found = [str(problem) for problem in refused.value.problems]
    assert found[0] == "row 4: email: nobody with nobody@example.org works at this organisation"
    assert found[1] == "row 5: subject: 'Juggling' is not a subject of Testshire Council"
    assert found[2] == "row 6: completed_on: The completion date must be today or in the past"
    assert found[3].startswith("row 7: completed_on: '46000' is not a date: it looks like a "
                               "spreadsheet's day number")
    assert found[4] == "row 8: email: is empty: name the person by email or staff_id"
    assert found[5] == "row 9: staff_id: E7 is someone else's staff id than staff@example.org's"
    assert found[6] == "row 10: subject: the same record is on row 2"
    assert found[7] == ("row 11: email: nobody with outsider@example.org works at this "
                        "organisation")
    assert found[8] == "row 12: completed_on: is empty"
    assert len(found) == 9
    assert count(session) == 0


def test_a_workbook_imports_like_csv_and_the_template_imports_as_it_is(session, world):
    council = world["staff"].organisation
    world["staff"].email = "sam.poole@example.org"
    world["staff"].staff_id = "E101"
    session.flush()
    workbook = export("xlsx", list(COLUMNS), [list(TEMPLATE_ROW)], "Training")
    result = import_training(session, workbook, council, today=TODAY)
    assert result.added == 1
    assert session.scalars(select(TrainingRecord)).one().subject_id == "safeguarding-adults"


def test_a_file_must_name_its_people(session, world):
    with pytest.raises(InvalidInput, match="name the people by an email or staff_id column"):
        import_training(session, "subject,completed_on\nFire safety,2026-01-01\n",
                        world["staff"].organisation, today=TODAY)


@pytest.fixture
def run(database_url):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False,
                             env={"DATABASE_URL": database_url, "PATHWAYS_ENV": "development"})
    return run


def test_import_training_then_compliance_as_json(run, session, world, tmp_path):
    council = world["staff"].organisation
    world["staff"].current_role_id = "care-worker"
    add_requirement(session, None, council, session.get(Role, "care-worker"),
                    session.get(TrainingSubject, "fire-safety"))
    session.commit()
    path = tmp_path / "training.csv"
    path.write_text(GOOD)
    result = run("import-training", str(path), "--org", "Testshire Council")
    assert result.exit_code == 0, result.output
    assert "2 training records added, 0 already recorded" in result.output
    report = run("compliance", "--org", "Testshire Council", "--as-of", "2027-02-15", "--json")
    assert report.exit_code == 0, report.output
    found = json.loads(report.output)
    assert found["people"] == [{
        "email": "staff@example.org", "name": "staff", "team": "Home care",
        "role": "Care worker", "subjects": [{
            "subject": "fire-safety", "status": "expiring_soon",
            "completed_on": "2026-03-01", "expires_on": "2027-03-01"}]}]
    assert found["subjects"] == [{"id": "fire-safety", "title": "Fire safety", "required": 1,
                                  "compliant": 1, "percent": 100}]
    text = run("compliance", "--org", "Testshire Council", "--as-of", "2027-03-02")
    assert "  Fire safety: Expired (expires 1 March 2027)" in text.output
    assert "  Fire safety: 0 of 1 (0%)" in text.output


def test_a_bad_file_exits_1_naming_the_row(run, world, session, tmp_path):
    session.commit()
    path = tmp_path / "training.csv"
    path.write_text(GOOD + "staff@example.org,,Juggling,2026-03-01,,\n")
    result = run("import-training", str(path), "--org", "Testshire Council")
    assert result.exit_code == 1
    assert "row 4: subject: 'Juggling' is not a subject of Testshire Council" in result.output
    assert count(session) == 0


def test_an_unknown_organisation_or_day_is_refused(run, world, session):
    session.commit()
    assert run("compliance", "--org", "Nowhere").exit_code == 3
    bad_day = run("compliance", "--org", "Testshire Council", "--as-of", "soon")
    assert bad_day.exit_code == 1 and "--as-of" in bad_day.output
