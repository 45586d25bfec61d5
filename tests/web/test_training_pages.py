"""The training matrix and a person's own training page: who may open them and what they show."""

import pytest

from pathways import clock
from pathways.models import Person, Role, TrainingRecord, TrainingSubject
from pathways.training.latest import refill_latest
from pathways.training.requirements import add_requirement
from seed.training import load_subjects
from webapp.extensions import db

TODAY = clock.today()


@pytest.fixture
def trained(app, people):
    """Care workers in Home care must do fire safety; staff did it, colleague did not."""
    with app.app_context():
        load_subjects(db.session)
        staff = db.session.get(Person, people["staff"])
        for key in ("staff", "colleague", "other_team"):
            db.session.get(Person, people[key]).current_role_id = "care-worker"
        add_requirement(db.session, None, staff.organisation, db.session.get(Role, "care-worker"),
                        db.session.get(TrainingSubject, "fire-safety"))
        db.session.add(TrainingRecord(person_id=staff.id, subject_id="fire-safety",
                                      completed_on=TODAY))
        db.session.add(TrainingRecord(person_id=people["other_team"], subject_id="fire-safety",
                                      completed_on=TODAY))
        refill_latest(db.session)  # as every writer of records keeps it
        db.session.commit()
    return people


@pytest.mark.parametrize(("who", "status"), [
    ("lnd", 200), ("admin", 200), ("manager", 200), ("staff", 403), ("champion", 403)])
def test_who_may_open_the_matrix(client, enter, trained, who, status):
    enter(who)
    assert client.get("/training").status_code == status


def test_the_matrix_shows_statuses_most_urgent_first(client, enter, trained):
    enter("lnd")
    page = client.get("/training").text
    assert page.index(f'data-person="{trained["colleague"]}"') < page.index(
        f'data-person="{trained["other_team"]}"')
    assert 'data-status="missing"' in page and 'data-status="up_to_date"' in page
    assert "Fire safety" in page


def test_a_manager_sees_their_team_only(client, enter, trained):
    enter("manager")
    page = client.get("/training").text
    assert f'data-person="{trained["colleague"]}"' in page
    assert f'data-person="{trained["other_team"]}"' not in page


def test_filters_and_hostile_parameters_never_fail(client, enter, trained):
    enter("lnd")
    missing = client.get("/training?status=missing").text
    assert f'data-person="{trained["colleague"]}"' in missing
    assert f'data-person="{trained["other_team"]}"' not in missing
    for query in ("team=99999999999999999999", "role=%00", "status=nope", "page=-5",
                  "page=9223372036854775808", "within=7"):
        assert client.get(f"/training?{query}").status_code == 200


def test_my_training_shows_what_my_role_requires(client, enter, trained):
    enter("colleague")
    page = client.get("/training/mine").text
    assert 'data-subject="fire-safety"' in page and 'data-status="missing"' in page
    enter("staff")
    assert "Fire safety" in client.get("/training/mine").text
