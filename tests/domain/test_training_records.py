"""Recording training and requiring it of roles (pathways.training.records, .requirements)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from pathways.errors import InvalidInput
from pathways.models import (
    AuditEvent,
    Organisation,
    Partnership,
    Role,
    TrainingRequirement,
    TrainingSubject,
)
from pathways.training.records import RecordRefused, record_training, records_of
from pathways.training.requirements import (
    RequirementRefused,
    add_requirement,
    remove_requirement,
    required_subjects,
)
from seed.training import load_subjects
from tests.concurrency import done, race
from tests.factories import make_people
from tests.recipes import TOY_WITH_PEOPLE

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


def subject(session, subject_id):
    return session.get(TrainingSubject, subject_id)


def test_a_record_keeps_who_when_and_the_evidence(session, world):
    staff, lnd = world["staff"], world["lnd"]
    record = record_training(session, lnd, staff, subject(session, "fire-safety"),
                             date(2026, 6, 1), today=TODAY, provider=" Northshire Fire ",
                             evidence="CERT-1")
    assert (record.provider, record.evidence, record.source) == ("Northshire Fire", "CERT-1",
                                                                 "recorded")
    assert record.organisation_id == staff.organisation_id
    assert record.recorded_by_id == lnd.id
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "training_record"))
    assert event.one().organisation_id == staff.organisation_id


def test_a_completion_in_the_future_or_before_1950_is_refused(session, world):
    fire = subject(session, "fire-safety")
    for day in (date(2026, 6, 16), date(1949, 12, 31)):
        with pytest.raises(InvalidInput) as refused:
            record_training(session, None, world["staff"], fire, day, today=TODAY)
        assert refused.value.problems[0].where == "completed_on"
    with pytest.raises(InvalidInput, match="control character"):
        record_training(session, None, world["staff"], fire, TODAY, today=TODAY,
                        provider="a\x00b")
    assert records_of(session, world["staff"]) == []


def test_another_partnerships_subject_is_refused(session, world):
    elsewhere = Partnership(name="Othershire")
    session.add(elsewhere)
    session.flush()
    session.add(TrainingSubject(id="theirs", title="Their own subject",
                                partnership_id=elsewhere.id))
    session.flush()
    with pytest.raises(RecordRefused):
        record_training(session, None, world["staff"], subject(session, "theirs"), TODAY,
                        today=TODAY)
    with pytest.raises(RequirementRefused):
        add_requirement(session, None, world["staff"].organisation,
                        session.get(Role, "care-worker"), subject(session, "theirs"))


def test_records_come_latest_first(session, world):
    fire = subject(session, "fire-safety")
    older = record_training(session, None, world["staff"], fire, date(2025, 1, 1), today=TODAY)
    newer = record_training(session, None, world["staff"], fire, date(2026, 1, 1), today=TODAY)
    assert records_of(session, world["staff"]) == [newer, older]


def test_requirements_follow_the_current_role(session, world):
    staff = world["staff"]
    council = staff.organisation
    add_requirement(session, None, council, session.get(Role, "care-worker"),
                    subject(session, "fire-safety"))
    add_requirement(session, None, council, session.get(Role, "senior-care-worker"),
                    subject(session, "medication"))
    staff.current_role_id = "care-worker"
    assert [s.id for s in required_subjects(session, staff)] == ["fire-safety"]
    staff.current_role_id = "senior-care-worker"
    assert [s.id for s in required_subjects(session, staff)] == ["medication"]
    staff.current_role_id = None
    assert required_subjects(session, staff) == []


def test_adding_a_requirement_twice_keeps_one_and_removing_it_works(session, world):
    council = world["staff"].organisation
    role, fire = session.get(Role, "care-worker"), subject(session, "fire-safety")
    first = add_requirement(session, None, council, role, fire)
    assert add_requirement(session, None, council, role, fire) is first
    remove_requirement(session, None, first)
    assert session.scalar(select(func.count()).select_from(TrainingRequirement)) == 0


def test_two_people_adding_one_requirement_at_once_make_one_row(database_url, session, world):
    council_id = world["staff"].organisation_id
    session.commit()

    def prepare(other):
        council = other.get(Organisation, council_id)
        role, fire = other.get(Role, "care-worker"), other.get(TrainingSubject, "fire-safety")
        return lambda: add_requirement(other, None, council, role, fire)

    assert done(race(database_url, [prepare, prepare])) == 2
    assert session.scalar(select(func.count()).select_from(TrainingRequirement)) == 1
