"""The matrix's export and chart, recording training from the web and setting what each role
requires: who may do each, what they make, and what hostile input gets."""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from pathways import clock
from pathways.models import (
    AuditEvent,
    Person,
    Role,
    TrainingRecord,
    TrainingRequirement,
    TrainingSubject,
)
from pathways.training.latest import refill_latest
from pathways.training.requirements import add_requirement
from seed.training import load_subjects
from webapp.extensions import db

TODAY = clock.today()


@pytest.fixture
def trained(app, people):
    """Care workers must do fire safety; staff did it today, colleague never did."""
    with app.app_context():
        load_subjects(db.session)
        staff = db.session.get(Person, people["staff"])
        for key in ("staff", "colleague", "other_team"):
            db.session.get(Person, people[key]).current_role_id = "care-worker"
        add_requirement(db.session, None, staff.organisation, db.session.get(Role, "care-worker"),
                        db.session.get(TrainingSubject, "fire-safety"))
        db.session.add(TrainingRecord(person_id=staff.id, subject_id="fire-safety",
                                      completed_on=TODAY))
        refill_latest(db.session)  # as every writer of records keeps it
        db.session.commit()
    return people


# The export and the chart ----------------------------------------------------------------


def test_the_matrix_downloads_as_xlsx_with_a_column_per_subject(app, client, enter, trained):
    enter("lnd")
    answer = client.get("/training/matrix.xlsx")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == 'attachment; filename="training-matrix.xlsx"'
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Team", "Role", "Fire safety", "Fire safety: expires")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["colleague"][3] == "Missing" and by_name["staff"][3] == "Up to date"
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "export")) == 1


def test_the_export_keeps_the_filters_and_a_manager_gets_their_team(client, enter, trained):
    enter("manager")
    text = client.get("/training/matrix.csv?status=missing").data.decode("utf-8-sig")
    names = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert names == ["colleague"]  # other_team is not the manager's; staff is up to date
    enter("staff")
    assert client.get("/training/matrix.xlsx").status_code == 403
    enter("lnd")
    assert client.get("/training/matrix.pdf").status_code == 404
    assert client.get("/training/matrix.csv?team=%00&page=-1").status_code == 200


def test_the_chart_sits_with_its_table(client, enter, trained):
    enter("lnd")
    page = client.get("/training").text
    assert 'id="compliance-by-subject"' in page and 'role="img"' in page
    assert 'data-compliance="1"' in page
    assert page.index('id="compliance-by-subject"') < page.index('data-compliance="1"')


# Recording from the web ------------------------------------------------------------------


def record(client, person_id, **changes):
    day = TODAY - timedelta(days=3)
    data = {"subject": "fire-safety", "completed_on": [str(day.day), str(day.month),
                                                        str(day.year)],
            "provider": "Northshire Fire", "evidence": "CERT-9"}
    data.update(changes)
    return client.post(f"/training/people/{person_id}", data=data)


def test_lnd_and_the_manager_record_training_and_the_matrix_turns_green(app, client, enter,
                                                                        trained):
    enter("lnd")
    assert 'data-status="missing"' in client.get(f"/training/people/{trained['colleague']}").text
    answer = record(client, trained["colleague"])
    assert answer.status_code == 303
    page = client.get(answer.headers["Location"]).text
    assert "Training recorded for colleague" in page and 'data-status="up_to_date"' in page
    enter("manager")
    assert record(client, trained["staff"]).status_code == 303
    with app.app_context():
        rows = db.session.execute(select(TrainingRecord.person_id, TrainingRecord.recorded_by_id,
                                         TrainingRecord.evidence)
                                  .where(TrainingRecord.evidence == "CERT-9")).all()
    assert sorted(rows) == sorted([(trained["colleague"], trained["lnd"], "CERT-9"),
                                   (trained["staff"], trained["manager"], "CERT-9")])


@pytest.mark.parametrize(("who", "whom", "status"), [
    ("staff", "staff", 403), ("manager", "other_team", 403), ("colleague", "staff", 404),
    ("lnd", "partner_staff", 404), ("partnership_lnd", "partner_staff", 303)])
def test_who_may_record_whose_training(client, enter, trained, who, whom, status):
    enter(who)
    assert record(client, trained[whom]).status_code == status


@pytest.mark.parametrize(("changes", "message"), [
    ({"completed_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year + 1)]},
     "today or in the past"),
    ({"completed_on": ["31", "2", "2026"]}, "real date"),
    ({"subject": ""}, "Choose a training subject"),
    ({"subject": "made-up"}, "Not a valid choice"),
    ({"provider": "Fire\x00"}, "control character"),
    ({"evidence": "x" * 501}, "500 characters or fewer"),
])
def test_a_record_with_problems_is_refused_in_the_error_summary(app, client, enter, trained,
                                                                changes, message):
    enter("lnd")
    answer = record(client, trained["colleague"], **changes)
    assert answer.status_code == 400
    assert "There is a problem" in answer.text and message in answer.text
    with app.app_context():
        assert db.session.scalar(select(func.count(TrainingRecord.id))) == 1


# Requirements ----------------------------------------------------------------------------


def test_lnd_set_and_remove_what_a_role_requires(app, client, enter, trained):
    enter("manager")
    assert client.get("/training/requirements").status_code == 403
    enter("lnd")
    data = {"role": "care-worker", "subject": "safeguarding-adults"}
    assert client.post("/training/requirements", data=data).status_code == 303
    assert client.post("/training/requirements", data=data).status_code == 303  # the same row
    page = client.get("/training/requirements").text
    assert 'data-requirement="care-worker:safeguarding-adults"' in page
    with app.app_context():
        found = db.session.scalars(select(TrainingRequirement).where(
            TrainingRequirement.subject_id == "safeguarding-adults")).all()
        assert len(found) == 1
        requirement_id = found[0].id
    assert 'data-subject="safeguarding-adults"' in client.get("/training").text
    bad = client.post("/training/requirements", data={"role": "no-such-role",
                                                      "subject": "\x00"})
    assert bad.status_code == 400 and "There is a problem" in bad.text
    enter("partner_staff")
    assert client.post(f"/training/requirements/{requirement_id}/remove").status_code == 404
    enter("lnd")
    assert client.post(f"/training/requirements/{requirement_id}/remove").status_code == 303
    with app.app_context():
        assert db.session.get(TrainingRequirement, requirement_id) is None
