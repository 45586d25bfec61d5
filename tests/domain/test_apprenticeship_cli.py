"""The apprenticeship commands (import-apprenticeships, cohort-report) through click's runner,
on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pathways.apprenticeships import records
from pathways.apprenticeships.posts import create_post
from pathways.apprenticeships.progress import Thresholds, cohort_summary
from pathways.apprenticeships.setup import create_cohort, create_programme, enrol
from pathways.cli import cli
from pathways.db import make_session_factory
from pathways.models import Apprenticeship, Cohort, Post
from pathways.people.accounts import find_organisation, find_person
from tests.factories import make_cohort_world
from tests.recipes import SEED_PATHWAY, holding

AS_OF = "2026-11-24"
HEADER = ("email,cohort,standard_code,start_date,planned_end_date,weekly_hours,"
          "otj_hours_logged,last_review_date,status,guaranteed_post\n")
GOOD = (HEADER
        + "staff@example.org,SWDA 2025,ST0510,2025-09-01,2028-08-31,37.5,40,2026-06-01,,SW-101\n"
        + "colleague@example.org,SWDA 2026,ST0510,2026-09-01,2029-08-31,22.5,,,,\n")


@pytest.fixture
def database_url(request, database_for):
    """A database of its own holding the seed pathway (and people), for ``make_cohort_world``."""
    return database_for(holding(request, SEED_PATHWAY))


@pytest.fixture
def world(engine):
    """The cohort world, committed; returns ids and names usable after its session closed."""
    session = make_session_factory(engine)()
    world = make_cohort_world(session)
    session.commit()
    found = {"cohort_id": world["cohort"].id, "programme_id": world["programme"].id,
             "council_id": world["staff"].organisation_id}
    session.close()
    return found


@pytest.fixture
def run(database_url, engine, monkeypatch):
    """Run a ``pathways`` command against the test database; returns the click result."""
    for name in ("OTJ_BEHIND_SHARE", "OTJ_BEHIND_AFTER_DAYS", "REVIEW_EVERY_DAYS"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(*args, env=None):
        return runner.invoke(cli, list(args), catch_exceptions=False,
                             env={"DATABASE_URL": database_url, "PATHWAYS_ENV": "development",
                                  **(env or {})})
    return run


@pytest.fixture
def session(engine):
    session = make_session_factory(engine)()
    yield session
    session.close()


def apprenticeships(session) -> int:
    session.rollback()  # see what the command committed
    return session.scalar(select(func.count()).select_from(Apprenticeship))


# import-apprenticeships -----------------------------------------------------------------


def test_import_prints_the_counts(run, world, session, tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = run("import-apprenticeships", str(path), "--org", "Testshire Council")
    assert result.exit_code == 0, result.output
    assert (f"Imported {path} into Testshire Council: 2 apprenticeships created, 1 cohorts "
            "created, 1 posts reserved, 1 reviews and 40 off-the-job hours recorded."
            ) in result.output
    assert apprenticeships(session) == 2
    assert session.scalar(select(Cohort.start_date).where(Cohort.name == "SWDA 2026")) == \
        date(2026, 9, 1)


def test_import_lists_every_problem_and_writes_nothing(run, world, session, tmp_path):
    path = tmp_path / "cohort.csv"
    path.write_text(GOOD.replace("staff@example.org", "nobody@example.org")
                    .replace("22.5", "lots"), encoding="utf-8")
    result = run("import-apprenticeships", str(path), "--org", str(world["council_id"]))
    assert result.exit_code == 1
    assert "The apprenticeships were not imported (2 problem(s))" in result.output
    assert "row 2: email: nobody with the email address nobody@example.org works for " \
           "Testshire Council: import them as staff first" in result.output
    assert "row 3: weekly_hours: 'lots' is not a number of hours" in result.output
    assert apprenticeships(session) == 0


def test_import_of_a_missing_file_or_into_an_unknown_organisation(run, world, tmp_path):
    missing = run("import-apprenticeships", str(tmp_path / "nope.csv"), "--org",
                  "Testshire Council")
    assert missing.exit_code == 1 and "no such file" in missing.output
    path = tmp_path / "cohort.csv"
    path.write_text(GOOD, encoding="utf-8")
    nowhere = run("import-apprenticeships", str(path), "--org", "Nowhere Care")
    assert nowhere.exit_code == 3 and "No organisation called 'Nowhere Care'" in nowhere.output


# cohort-report ------------------------------------------------------------------------


@pytest.fixture
def enrolled(world, session):
    """Two apprentices in SWDA 2025: one on track with post SW-101, one with no review."""
    cohort = session.get(Cohort, world["cohort_id"])
    post = session.scalar(select(Post).where(Post.reference == "SW-101"))
    on_track = enrol(session, cohort, find_person(session, "staff@example.org"),
                     start_date=date(2025, 9, 1), planned_end_date=date(2028, 8, 31),
                     weekly_hours=37.5, post=post)
    for week in range(4):  # 120 approved hours: four days of 7.5 a week for four weeks
        for day in range(4):
            entry = records.log_hours(session, on_track,
                                      worked_on=date(2026, 9, 7) + timedelta(7 * week + day),
                                      hours="7.5", activity="taught", today=date(2026, 11, 24))
            records.review_entry(session, entry, "approved")
    records.record_review(session, on_track, held_on=date(2026, 10, 1),
                          today=date(2026, 11, 24))
    enrol(session, cohort, find_person(session, "colleague@example.org"),
          start_date=date(2025, 9, 1), planned_end_date=date(2028, 8, 31), weekly_hours=20)
    session.commit()
    return world


def test_the_report_shows_counts_then_one_line_per_apprentice(run, enrolled):
    result = run("cohort-report", "swda 2025", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (f"SWDA 2025 (cohort {enrolled['cohort_id']}) as of 2026-11-24: "
                        "2 apprentice(s)")
    assert lines[1] == "red 1  amber 0  green 1  grey 0"
    assert lines[3].split() == ["email", "status", "RAG", "OTJ", "logged/expected/required",
                                "review", "overdue", "post"]
    rows = {line.split()[0]: line.split() for line in lines[4:]}
    assert rows["colleague@example.org"] == ["colleague@example.org", "active", "red",
                                             "0/76.68/187", "yes", "-"]
    assert rows["staff@example.org"] == ["staff@example.org", "active", "green",
                                         "120/76.68/187", "no", "SW-101"]


def test_the_json_is_exactly_the_summary_the_api_gives(run, enrolled, session):
    result = run("cohort-report", str(enrolled["cohort_id"]), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0, result.output
    cohort = session.get(Cohort, enrolled["cohort_id"])
    expected = cohort_summary(session, cohort, date(2026, 11, 24), Thresholds()).to_json()
    assert json.loads(result.output) == expected


def test_the_thresholds_come_from_the_environment(run, enrolled):
    strict = run("cohort-report", "SWDA 2025", "--as-of", AS_OF, "--json",
                 env={"REVIEW_EVERY_DAYS": "30"})
    rows = {row["email"]: row for row in json.loads(strict.output)["apprentices"]}
    assert rows["staff@example.org"]["review_overdue"] is True
    bad = run("cohort-report", "SWDA 2025", env={"OTJ_BEHIND_SHARE": "2"})
    assert bad.exit_code == 1 and "OTJ_BEHIND_SHARE must be in (0, 1]" in bad.output


def test_an_empty_cohort_says_so(run, world):
    result = run("cohort-report", "SWDA 2025", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert "red 0  amber 0  green 0  grey 0" in result.output
    assert "No apprentices yet." in result.output


def test_a_bad_as_of_is_refused_naming_the_option(run, world):
    result = run("cohort-report", "SWDA 2025", "--as-of", "24/11/2026")
    assert result.exit_code == 1
    assert "--as-of: '24/11/2026' is not a date: use YYYY-MM-DD" in result.output


def test_an_unknown_cohort_exits_3(run, world):
    assert run("cohort-report", "Nope").exit_code == 3
    assert "No cohort called 'Nope'" in run("cohort-report", "Nope").output
    assert run("cohort-report", "999999").exit_code == 3
    assert run("cohort-report", "SWDA 2025", "--org", "Nowhere Care").exit_code == 3


def test_a_name_used_by_two_organisations_needs_org_or_the_id(run, world, session):
    partner = find_organisation(session, "Sunrise Care")
    programme = create_programme(session, partner, name="SW", provider_name="Uni",
                                 qualification_id="social-work-degree-apprenticeship",
                                 leads_to_role_id="newly-qualified-social-worker")
    theirs = create_cohort(session, programme, name="swda 2025", start_date=date(2025, 9, 1),
                           planned_end_date=date(2028, 8, 31))
    create_post(session, partner, reference="P-1", role_id="newly-qualified-social-worker")
    session.commit()
    ambiguous = run("cohort-report", "SWDA 2025")
    assert ambiguous.exit_code == 1
    assert (f"COHORT: 'SWDA 2025' is a cohort of several organisations: Testshire Council "
            f"(id {world['cohort_id']}), Sunrise Care (id {theirs.id}); give --org or the "
            "cohort's id") in ambiguous.output
    chosen = run("cohort-report", "SWDA 2025", "--org", "Sunrise Care", "--json")
    assert json.loads(chosen.output)["cohort"] == {"id": theirs.id, "name": "swda 2025",
                                                     "apprenticeship": True}
    by_id = run("cohort-report", str(world["cohort_id"]), "--json")
    assert json.loads(by_id.output)["cohort"]["name"] == "SWDA 2025"
    wrong_org = run("cohort-report", str(world["cohort_id"]), "--org", "Sunrise Care")
    assert wrong_org.exit_code == 3
