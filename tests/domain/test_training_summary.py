"""The partnership's training summary worked out nightly and read a page at a time
(pathways.training.summary, ``pathways training-summary``), on both engines."""

from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pathways.cli import cli
from pathways.models import Organisation, TrainingSubject, TrainingSummaryCell
from pathways.people.accounts import create_person
from pathways.training.compliance import partnership_summary
from pathways.training.records import record_training
from pathways.training.summary import SummaryCell, refresh_summary, summary_page
from tests.concurrency import race
from tests.domain.test_training_matrix import TODAY, build, carers
from tests.factories import make_people
from tests.querycount import counting
from tests.recipes import TOY_WITH_PEOPLE

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
FEWER = "fewer than 5"


@pytest.fixture
def database_url(database_for):
    return database_for(TOY_WITH_PEOPLE)


@pytest.fixture
def world(session):
    people = make_people(session)
    people["council"] = build(session, people)
    carers(session, people["council"], [date(2026, 1, 1)] * 5)
    return people


def test_the_stored_summary_is_the_live_one(session, world):
    council = world["council"]
    run = refresh_summary(session, council.partnership_id, TODAY, NOW)
    assert (run.as_of, run.cells, run.subjects) == (TODAY, 4, 4)
    live = partnership_summary(session, council.partnership_id, TODAY)
    found = summary_page(session, council.partnership_id)
    stamped = found.refreshed_at
    assert (found.as_of, stamped.replace(tzinfo=stamped.tzinfo or UTC)) == (TODAY, NOW)
    assert [o.name for o in found.organisations.rows] == [o.name for o in live.organisations]
    assert found.cells == live.cells
    assert found.cells[(council.id, "fire-safety")] == SummaryCell(15, 8, 53)
    assert found.cells[(council.id, "medication")] == SummaryCell(FEWER, FEWER, None)
    assert found.cells[(council.id, "care-certificate")] == SummaryCell(13, FEWER, None)
    # one organisation with requirements: the partnership's totals are the council's
    assert [(total.subject.id, total.cell) for total in found.totals] == [
        (subject.id, live.cells[(council.id, subject.id)]) for subject in live.subjects]


def test_a_refresh_replaces_the_one_before_and_an_old_day_ages_the_records(session, world):
    council = world["council"]
    refresh_summary(session, council.partnership_id, TODAY, NOW)
    fire = session.get(TrainingSubject, "fire-safety")
    record_training(session, None, world["champion"], fire, TODAY, today=TODAY)
    refresh_summary(session, council.partnership_id, TODAY, NOW)
    assert session.scalar(select(func.count()).select_from(TrainingSummaryCell)) == 4
    assert summary_page(session, council.partnership_id).cells[
        (council.id, "fire-safety")] == SummaryCell(15, 9, 60)
    # a year on, everything of 12 months completed before then has expired
    refresh_summary(session, council.partnership_id, date(2027, 6, 16), NOW)
    assert summary_page(session, council.partnership_id).cells[
        (council.id, "fire-safety")] == SummaryCell(15, FEWER, None)


def test_organisations_page_by_name(session, world):
    council = world["council"]
    refresh_summary(session, council.partnership_id, TODAY, NOW)
    first = summary_page(session, council.partnership_id, per_page=1)
    assert [o.name for o in first.organisations.rows] == ["Sunrise Care"]
    assert first.cells == {}  # no requirements there
    second = summary_page(session, council.partnership_id, per_page=1,
                          after=first.organisations.after, number=2)
    assert [o.name for o in second.organisations.rows] == ["Testshire Council"]
    assert (second.organisations.number, second.organisations.after) == (2, None)
    assert len(second.cells) == 4
    assert summary_page(session, council.partnership_id, after="not a cursor",
                        per_page=1).organisations.number == 1


def test_reading_a_page_asks_the_same_queries_whatever_the_size(session, world, engine):
    council = world["council"]
    partnership_id = council.partnership_id
    refresh_summary(session, partnership_id, TODAY, NOW)
    with counting(engine) as small:
        summary_page(session, partnership_id)
    for number in range(30):
        session.add(Organisation(name=f"Employer {number:02d}",
                                 partnership_id=partnership_id))
    fire = session.get(TrainingSubject, "fire-safety")
    for number in range(20):
        person = create_person(session, email=f"more{number}@example.org",
                               name=f"More {number}", organisation=council, roles=["staff"])
        person.current_role_id = "care-worker"
        record_training(session, None, person, fire, date(2026, 2, 1), today=TODAY)
    refresh_summary(session, partnership_id, TODAY, NOW)
    with counting(engine) as large:
        found = summary_page(session, partnership_id)
    assert len(found.organisations.rows) == 25
    assert small.count == large.count <= 5, large.statements


def test_two_refreshes_at_once_leave_one_summary(session, world, database_url):
    partnership_id = world["council"].partnership_id
    session.commit()

    def refresh(session):
        return lambda: refresh_summary(session, partnership_id, TODAY, NOW)

    assert race(database_url, [refresh, refresh, refresh]) == ["done"] * 3
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(TrainingSummaryCell)) == 4


def test_the_command_refreshes_every_partnership(session, world, database_url):
    session.commit()
    runner = CliRunner()
    env = {"DATABASE_URL": database_url, "PATHWAYS_ENV": "development"}
    done = runner.invoke(cli, ["training-summary", "--as-of", "2026-06-15"], env=env)
    assert done.exit_code == 0, done.output
    assert "4 organisation and subject cell(s), 4 subject(s), as of 15 June 2026" in done.output
    refused = runner.invoke(cli, ["training-summary", "--as-of", "15/06"], env=env)
    assert refused.exit_code != 0 and "--as-of" in refused.output
