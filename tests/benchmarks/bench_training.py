"""Benchmark of the training matrix at region scale, on PostgreSQL.

Targets (issue 15): for a region of 5,000 organisations, 250,000 people and 25 subjects, an
organisation's matrix renders in <= 500 ms and the partnership summary in <= 1 s.

The data is bulk loaded (``COPY``) into a fresh PostgreSQL schema, dropped afterwards: the
seed map, the 26 seeded subjects, one partnership of 5,000 organisations with 5 teams each,
250,000 people (50 an organisation, in three care roles), 25 subjects required of each role
at every organisation (375,000 requirements) and a record of each subject for about 85% of
people and subjects (about 5.3 million records, completed over the last four years, so every
status occurs), then ``ANALYZE``.

Measured, each against a baseline in the same run and database:

- the matrix page ``GET /training`` rendered whole (Flask test client, signed in as the
  organisation's L&D: the queries, the statuses, the page of 25 people x 25 subjects, the
  compliance tables and charts, the expiry list), and the domain call alone
  (``training_matrix``); baseline: one ``count(*)`` of the organisation's records;
- the partnership summary page ``GET /training/partnership`` rendered whole (signed in as
  an L&D of partnership scope: the totals per subject with their chart, a page of 25
  organisations x 25 subjects) and the domain call alone (``summary_page``: it reads the
  summary stored by the nightly ``refresh_summary``); baseline: the ``count(*)`` above;
- the nightly ``refresh_summary`` (every organisation x subject, each at its own
  intervals, from ``training_latest``) and the live ``partnership_summary`` (the same
  counts, suppressed, returned rather than stored); baseline: one ``GROUP BY`` count of
  every record of the partnership by organisation and subject (the least a summary read
  from the records must read).

``training_latest`` is filled after the ``COPY`` of the records by ``refill_latest``, as the
import does (timed and printed).

PostgreSQL comes from ``TEST_DATABASE_URL`` (default the local server); unreachable, the
benchmark says so and stops. Run: ``.venv/bin/python tests/benchmarks/bench_training.py``
(also part of ``make bench``). ``BENCH_TRAINING_ORGANISATIONS=500`` runs a smaller region
(50 people an organisation, as ever).
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, select, text

import seed
from pathways.db import make_session_factory, upgrade_schema
from pathways.models import (
    Organisation,
    Person,
    TrainingRecord,
    TrainingSubject,
    TrainingSummaryCell,
)
from pathways.training.compliance import partnership_summary
from pathways.training.latest import refill_latest
from pathways.training.matrix import training_matrix
from pathways.training.summary import refresh_summary, summary_page
from seed.training import load_subjects
from tests.benchmarks.bench_cohorts import NOW, postgres_engine
from tests.benchmarks.timing import p50, p95, row, sample

ORGANISATIONS = int(os.environ.get("BENCH_TRAINING_ORGANISATIONS") or 5000)
PEOPLE = 50 * ORGANISATIONS
TEAMS_EACH = 5
SUBJECTS = 25
ROLES = ("care-worker", "senior-care-worker", "support-worker")
TODAY = date(2026, 11, 24)
MATRIX_TARGET_MS, SUMMARY_TARGET_MS = 500, 1000
REPEAT = 15
#: How long the partnership summary is timed for, at most (seconds).
SUMMARY_BUDGET_S = 30


def _copy(connection, table: str, columns: tuple[str, ...], rows) -> int:
    """COPY ``rows`` (tuples) into ``table``; return how many."""
    raw = connection.connection.driver_connection
    count = 0
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for values in rows:
            copy.write_row(values)
            count += 1
    return count


def populate(engine) -> dict[str, int]:
    """Load the region; return the row counts."""
    upgrade_schema(engine)
    with make_session_factory(engine)() as session:
        seed.load_pathway(session)
        load_subjects(session)
        session.commit()
        subjects = list(session.scalars(select(TrainingSubject.id)
                                        .where(TrainingSubject.refresh_months.is_not(None))
                                        .order_by(TrainingSubject.id)))
        subjects += list(session.scalars(select(TrainingSubject.id)
                                         .where(TrainingSubject.refresh_months.is_(None))
                                         .order_by(TrainingSubject.id)))
    subjects = subjects[:SUBJECTS]
    rng = random.Random(15)
    counts = {}
    per_organisation = PEOPLE // ORGANISATIONS
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO partnerships (id, name) VALUES (1, 'Region')"))
        counts["organisations"] = _copy(connection, "organisations",
                                        ("id", "name", "partnership_id"),
                                        ((n, f"Employer {n}", 1)
                                         for n in range(1, ORGANISATIONS + 1)))
        counts["teams"] = _copy(connection, "teams", ("id", "organisation_id", "name"), (
            ((o - 1) * TEAMS_EACH + k, o, f"Team {k}") for o in range(1, ORGANISATIONS + 1)
            for k in range(1, TEAMS_EACH + 1)))
        counts["people"] = _copy(
            connection, "people", ("id", "email", "name", "organisation_id", "team_id",
                                   "active", "session_generation", "current_role_id",
                                   "created_at"),
            ((n, f"p{n}@bench.example", f"Person {n:06d}", (n - 1) // per_organisation + 1,
              ((n - 1) // per_organisation) * TEAMS_EACH + n % TEAMS_EACH + 1, True, 0,
              ROLES[n % len(ROLES)], NOW) for n in range(1, PEOPLE + 1)))
        counts["lnd"] = _copy(connection, "person_roles", ("person_id", "role", "scope"),
                              [(1, "lnd", "organisation"), (2, "lnd", "organisation"),
                               (3, "lnd", "partnership")])
        counts["requirements"] = _copy(
            connection, "training_requirements",
            ("organisation_id", "role_id", "subject_id", "created_at"),
            ((o, role, subject, NOW) for o in range(1, ORGANISATIONS + 1) for role in ROLES
             for subject in subjects))
        counts["records"] = _copy(
            connection, "training_records",
            ("person_id", "subject_id", "completed_on", "provider", "evidence",
             "organisation_id", "source", "recorded_at"),
            ((n, subject, TODAY - timedelta(days=rng.randrange(1, 4 * 365)), "", "",
              (n - 1) // per_organisation + 1, "imported", NOW)
             for n in range(1, PEOPLE + 1) for subject in subjects if rng.random() < 0.85))
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    started = time.perf_counter()
    with make_session_factory(engine)() as session:
        refill_latest(session)
        session.commit()
    print(f"training_latest filled from the records in {time.perf_counter() - started:.0f} s",
          flush=True)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("ANALYZE training_latest"))
    return counts


def measure(engine) -> None:
    """Time the matrix page, the domain call, the summary and their baselines; print each."""
    from tests.web.sessions import start_session
    from webapp import create_app

    url = engine.url.render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None,
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    start_session(app, client, 1)  # L&D of Employer 1

    def page() -> None:
        answer = client.get("/training")
        assert answer.status_code == 200, answer.status_code

    page_ms = sample(page, REPEAT)
    shown = client.get("/training").text.count("data-person=")
    with make_session_factory(engine)() as session:
        organisation = session.get(Organisation, 1)
        people = Person.organisation_id == organisation.id

        def matrix() -> None:
            training_matrix(session, organisation, people, TODAY)

        def floor() -> None:
            session.scalar(select(func.count(TrainingRecord.id)).join(
                Person, Person.id == TrainingRecord.person_id).where(people))

        found = training_matrix(session, organisation, people, TODAY)
        matrix_ms, floor_ms = sample(matrix, REPEAT), sample(floor, REPEAT)
        print(f"An organisation's matrix: {found.total} people x {len(found.subjects)} "
              f"subjects ({shown} people a page)")
        print(row("GET /training, rendered whole", page_ms,
                  f"target <= {MATRIX_TARGET_MS} ms: "
                  f"{'PASS' if p95(page_ms) <= MATRIX_TARGET_MS else 'OVER'}"))
        print(row("  training_matrix (the domain call)", matrix_ms))
        print(row("  count(*) of its records (baseline)", floor_ms))
        print(f"  page / baseline {p50(page_ms) / p50(floor_ms):.1f}x, "
              f"domain / baseline {p50(matrix_ms) / p50(floor_ms):.1f}x by the median",
              flush=True)

        def summary_floor() -> None:
            session.execute(select(Person.organisation_id, TrainingRecord.subject_id,
                                   func.count()).join(Person, Person.id
                                                      == TrainingRecord.person_id)
                            .group_by(Person.organisation_id,
                                      TrainingRecord.subject_id)).all()

        base = sample(summary_floor, 3, warmup=1)
        # The nightly refresh and the live summary, each as often as fits in SUMMARY_BUDGET_S.
        refreshes = _budgeted(lambda: (refresh_summary(session, 1, TODAY), session.commit()))
        cells = session.scalar(select(func.count()).select_from(TrainingSummaryCell))
        lives = _budgeted(lambda: partnership_summary(session, 1, TODAY))

        def summary_domain() -> None:
            summary_page(session, 1)

        summary_ms = sample(summary_domain, REPEAT)
    start_session(app, client, 3)  # L&D of partnership scope

    def summary_page_whole() -> None:
        answer = client.get("/training/partnership")
        assert answer.status_code == 200, answer.status_code

    summary_page_ms = sample(summary_page_whole, REPEAT)
    shown = client.get("/training/partnership").text
    print(f"The partnership summary: {cells or 0:,} organisation x subject cells "
          f"({shown.count('data-organisation=')} organisations a page)")
    print(row("GET /training/partnership, rendered whole", summary_page_ms,
              f"target <= {SUMMARY_TARGET_MS} ms: "
              f"{'PASS' if p95(summary_page_ms) <= SUMMARY_TARGET_MS else 'OVER'}"))
    print(row("  summary_page (the domain call: the stored summary)", summary_ms))
    print(row("  count(*) of an organisation's records (baseline)", floor_ms))
    print(f"  page / baseline {p50(summary_page_ms) / p50(floor_ms):.1f}x, "
          f"domain / baseline {p50(summary_ms) / p50(floor_ms):.1f}x by the median")
    print(row(f"refresh_summary, nightly ({len(refreshes)} run(s))", refreshes))
    print(row(f"partnership_summary, live ({len(lives)} run(s))", lives))
    print(row("  GROUP BY organisation, subject of every record (baseline)", base))
    print(f"  refresh / baseline {p50(refreshes) / p50(base):.1f}x, "
          f"live / baseline {p50(lives) / p50(base):.1f}x by the median")


def _budgeted(call) -> list[float]:
    """Time ``call`` as often as fits in ``SUMMARY_BUDGET_S`` (once at least, 5 at most)."""
    timings: list[float] = []
    while not timings or (sum(timings) < SUMMARY_BUDGET_S * 1000 and len(timings) < 5):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    print(f"\n== Training matrix at region scale ({ORGANISATIONS:,} organisations, "
          f"{PEOPLE:,} people, {SUBJECTS} subjects; PostgreSQL) ==", flush=True)
    with postgres_engine() as engine:
        if engine is None:
            return
        started = time.perf_counter()
        counts = populate(engine)
        print(f"Built in {time.perf_counter() - started:.0f} s: "
              + ", ".join(f"{count:,} {name}" for name, count in counts.items()), flush=True)
        measure(engine)


if __name__ == "__main__":
    main()
