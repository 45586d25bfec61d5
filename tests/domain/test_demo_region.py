"""The generated region (``generate-demo``): counts, determinism, integrity, refusals."""

from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pathways.cli import cli
from pathways.db import make_engine, make_session_factory
from pathways.demo_region import RegionSize, generate_region
from pathways.errors import InvalidInput
from pathways.models import (
    Apprenticeship,
    ChampionPairing,
    ChampionProfile,
    Cohort,
    MentoringSession,
    Organisation,
    Person,
    PersonRole,
)
from pathways.models.base import Base
from tests.recipes import MIGRATED, SEED_PATHWAY

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)
SIZE = RegionSize(organisations=4, staff=60, apprentices=9, sessions=23)
GENERATED = ("partnerships", "organisations", "teams", "people", "person_roles",
             "held_qualifications", "champion_profiles", "programmes", "cohorts",
             "apprenticeships", "apprenticeship_status_changes", "champion_pairings",
             "mentoring_sessions")


def generate(url, size=SIZE, seed=7):
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            return generate_region(connection, size, seed=seed, today=TODAY, now=NOW)
    finally:
        engine.dispose()


def dump(url) -> dict[str, list[tuple]]:
    """Every generated table's rows, in primary-key order."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {name: [tuple(row) for row in connection.execute(
                select(Base.metadata.tables[name]).order_by(
                    *Base.metadata.tables[name].primary_key.columns))]
                    for name in GENERATED}
    finally:
        engine.dispose()


@pytest.fixture
def database_url(database_for):
    return database_for(SEED_PATHWAY)


def test_it_writes_the_sizes_asked_for(database_url):
    made = generate(database_url)
    rows = dump(database_url)
    assert {name: len(found) for name, found in rows.items()} == made.rows
    assert made.rows["organisations"] == 4
    assert made.rows["people"] == 60
    assert made.rows["apprenticeships"] == made.rows["apprenticeship_status_changes"] == 9
    assert made.rows["mentoring_sessions"] == 23
    assert made.rows["champion_pairings"] == 5  # five sessions to a pairing, rounded up


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(database_url, database_for):
    generate(database_url)
    again = database_for(SEED_PATHWAY)
    generate(again)
    assert dump(again) == dump(database_url)
    other = database_for(SEED_PATHWAY)
    generate(other, seed=8)
    assert dump(other)["people"] != dump(database_url)["people"]


def test_references_hold_together(database_url):
    generate(database_url)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        for apprenticeship in session.scalars(select(Apprenticeship)):
            cohort = session.get(Cohort, apprenticeship.cohort_id)
            assert apprenticeship.person.organisation_id == cohort.organisation_id
            assert cohort.programme.leads_to_role_id == apprenticeship.guaranteed_role_id
            assert apprenticeship.otj_required_hours > 0
            assert [c.to_status for c in apprenticeship.status_changes] == ["active"]
        for pairing in session.scalars(select(ChampionPairing)):
            assert pairing.champion.has_role("champion")
            assert pairing.person_id != pairing.champion_id
            assert session.get(ChampionProfile, pairing.champion_id) is not None
        for mentoring in session.scalars(select(MentoringSession)):
            assert mentoring.recorded_by_id == mentoring.pairing.champion_id
            assert mentoring.held_on < TODAY
        for organisation in session.scalars(select(Organisation)):
            roles = session.scalars(select(PersonRole.role).join(Person).where(
                Person.organisation_id == organisation.id)).all()
            assert {"lnd", "manager", "champion", "staff"} <= set(roles)
        profile = session.scalars(select(ChampionProfile)).first()
        assert isinstance(profile.specialisms, list) and isinstance(profile.roles_held, list)
        admin = session.scalar(select(PersonRole).where(PersonRole.role == "admin"))
        assert admin.scope == "partnership"
    engine.dispose()


def test_ids_follow_what_is_stored_and_new_rows_still_get_ids(database_url):
    generate(database_url, RegionSize(2, 10, 1, 3), seed=1)
    generate(database_url, RegionSize(2, 10, 1, 3), seed=2)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count(Organisation.id))) == 4
        session.add(Organisation(name="Made by hand"))
        session.flush()  # the sequence is past the generated ids on PostgreSQL
        session.rollback()
    engine.dispose()


@pytest.mark.parametrize(("size", "field"), [
    (RegionSize(5, 9, 0, 0), "staff"),
    (RegionSize(2, 10, 7, 0), "apprentices"),
    (RegionSize(0, 10, 0, 0), "organisations"),
])
def test_sizes_that_cannot_make_a_region_are_refused(database_url, size, field):
    with pytest.raises(InvalidInput) as refused:
        generate(database_url, size)
    assert field in [problem.where for problem in refused.value.problems]


@pytest.fixture
def run():
    runner = CliRunner()

    def run(url, *args):
        return runner.invoke(cli, ["generate-demo", *args], catch_exceptions=False,
                             env={"DATABASE_URL": url, "PATHWAYS_ENV": "development"})
    return run


def test_the_command_generates_and_refuses_the_same_seed_twice(database_url, run):
    sizes = ["--organisations", "3", "--staff", "20", "--apprentices", "4", "--sessions", "6"]
    result = run(database_url, *sizes, "--seed", "5")
    assert result.exit_code == 0, result.output
    assert "Generated the partnership 'Demo region (seed 5)'" in result.output
    assert "20 people" in result.output
    again = run(database_url, *sizes, "--seed", "5")
    assert again.exit_code == 1
    assert "seed: the region of this seed is already here" in again.output
    assert dump(database_url)["people"].__len__() == 20  # nothing more was written


def test_the_command_needs_the_pathway(database_for, run):
    result = run(database_for(MIGRATED), "--organisations", "1", "--staff", "2",
                 "--apprentices", "0", "--sessions", "0")
    assert result.exit_code == 1
    assert "pathway: no roles or qualifications are stored" in result.output
