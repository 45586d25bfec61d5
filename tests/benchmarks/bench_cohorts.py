"""Benchmark of the cohort summary: 5,000 apprentices with 50 off-the-job entries each.

Target (issue: apprenticeship cohorts): ``cohort_summary`` for a cohort of 5,000 apprentices
with 50 log entries each in <= 300 ms on SQLite and on PostgreSQL, with a bounded number of
queries. Measured against baselines in the same run and database: the floor (one
``SELECT apprenticeship_id, SUM(hours) ... GROUP BY`` over the same cohort, which any summary
needs at least) and the naive ORM walk (each apprentice's lazy ``otj_entries``, ``reviews``,
``status_changes``, ``placements``, ``person`` and ``post``, run once since it is slow).

The data is bulk inserted with SQLAlchemy Core into a fresh SQLite file and a fresh
PostgreSQL schema (dropped afterwards): the seed pathway, 5,000 apprentices in the measured
cohort (250,000 entries, about 22,500 reviews, status history with breaks and withdrawals,
placements, reserved posts) and a second cohort of 1,000 apprentices (50,000 entries) so the
queries must pick the cohort out. PostgreSQL comes from ``TEST_DATABASE_URL`` (default the
local server); when it is unreachable its rows are skipped with a note.

Run: ``.venv/bin/python tests/benchmarks/bench_cohorts.py`` (also part of ``make bench``).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import itertools

from sqlalchemy import create_engine, event, func, insert, select, text
from sqlalchemy.engine import Engine, make_url

import seed
from pathways.apprenticeships.lifecycle import status_on
from pathways.apprenticeships.progress import cohort_summary
from pathways.apprenticeships.records import COUNTED_STATES
from pathways.apprenticeships.rules import funding_rule_year, status_as_of
from pathways.apprenticeships.setup import create_cohort, create_programme
from pathways.apprenticeships.standing import cohort_dashboard
from pathways.db import make_engine, make_session_factory, normalise_url, upgrade_schema
from pathways.models import (
    Apprenticeship,
    Cohort,
    OtjEntry,
    Person,
    Placement,
    Post,
    ProgressReview,
    StatusChange,
)
from pathways.people.accounts import create_organisation
from tests.benchmarks.timing import p50, p95, sample

APPRENTICES = 5000
ENTRIES_EACH = 50
OTHER_APPRENTICES = 1000
AS_OF = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)
COHORT_START, COHORT_END = date(2025, 9, 1), date(2028, 8, 31)
TARGET_MS = 300
REPEAT = 30
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ACTIVITIES = ("taught", "shadowing", "mentoring", "practice_placement", "self_study", "other")
CHUNK = 10_000


# Building the data ------------------------------------------------------------------------


def populate(engine: Engine) -> tuple[int, dict[str, int]]:
    """Fill an empty, migrated database; return the measured cohort's id and row counts."""
    rng = random.Random(2025)
    with make_session_factory(engine)() as session:
        seed.load_pathway(session)
        council = create_organisation(session, "Benchmark Council", "Benchmark Partnership")
        programme = create_programme(
            session, council, name="Social work degree apprenticeship",
            qualification_id="social-work-degree-apprenticeship", provider_name="University",
            leads_to_role_id="newly-qualified-social-worker")
        cohorts = [create_cohort(session, programme, name=name, start_date=COHORT_START,
                                 planned_end_date=COHORT_END)
                   for name in ("Measured cohort", "Another cohort")]
        session.commit()
        council_id, cohort_ids = council.id, [c.id for c in cohorts]
    tables = {model: [] for model in (Person, Apprenticeship, StatusChange, OtjEntry,
                                      ProgressReview, Placement, Post)}
    educator_id = 1
    tables[Person].append(_person(educator_id, council_id))
    next_id = 2
    for cohort_id, size in zip(cohort_ids, (APPRENTICES, OTHER_APPRENTICES)):
        for _ in range(size):
            _apprentice(rng, tables, next_id, cohort_id, council_id, educator_id)
            next_id += 1
    with engine.begin() as connection:
        for model, rows in tables.items():
            for first in range(0, len(rows), CHUNK):
                connection.execute(insert(model.__table__), rows[first:first + CHUNK])
        if engine.dialect.name == "postgresql":
            for model in (Person, Apprenticeship):
                table = model.__tablename__
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
    with engine.begin() as connection:  # statistics, as autovacuum (PostgreSQL) would gather
        connection.execute(text("ANALYZE"))
    return cohort_ids[0], {model.__tablename__: len(rows) for model, rows in tables.items()}


def _person(person_id: int, organisation_id: int) -> dict:
    return {"id": person_id, "email": f"person{person_id}@bench.example",
            "name": f"Person {person_id:05d}", "organisation_id": organisation_id,
            "active": True, "session_generation": 0, "created_at": NOW}


def _apprentice(rng: random.Random, tables: dict, ident: int, cohort_id: int,
                council_id: int, educator_id: int) -> None:
    """Add one apprentice's rows: person, apprenticeship, history, log, reviews, more."""
    tables[Person].append(_person(ident, council_id))
    start = COHORT_START + timedelta(days=rng.randrange(0, 60))
    history = [(None, "active", start, "Enrolled")]
    roll = rng.random()
    if roll < 0.02:
        history.append(("active", "withdrawn", start + timedelta(days=rng.randrange(60, 400)),
                        "Left"))
    elif roll < 0.06:
        paused = start + timedelta(days=rng.randrange(60, 350))
        history.append(("active", "break_in_learning", paused, "Sickness"))
        if roll < 0.04:
            history.append(("break_in_learning", "active", paused + timedelta(days=60),
                            "Back"))
    tables[Apprenticeship].append({
        "id": ident, "cohort_id": cohort_id, "person_id": ident, "start_date": start,
        "planned_end_date": COHORT_END, "weekly_hours": Decimal("37.00"),
        "funding_year": funding_rule_year(start), "otj_required_hours": 187,
        "status": history[-1][1], "created_at": NOW})
    for before, after, on, reason in history:
        tables[StatusChange].append({"apprenticeship_id": ident, "from_status": before,
                                     "to_status": after, "effective_on": on, "reason": reason,
                                     "recorded_at": NOW})
    span = (AS_OF - start).days
    low, high = (2, 4) if rng.random() < 0.1 else (6, 16)  # one in ten logs short entries
    for day in sorted(rng.randrange(0, span + 1) for _ in range(ENTRIES_EACH)):
        state = rng.choices(("approved", "submitted", "queried"), (85, 12, 3))[0]
        tables[OtjEntry].append({
            "apprenticeship_id": ident, "worked_on": start + timedelta(days=day),
            "hours": Decimal(rng.randrange(low, high)) / 2, "activity": rng.choice(ACTIVITIES),
            "note": "", "state": state, "query_note": "Which module?" if state == "queried"
            else ""})
    held = start + timedelta(days=rng.randrange(60, 84))
    stop = AS_OF - timedelta(days=rng.randrange(0, 120) if rng.random() < 0.1 else 0)
    while held <= stop:
        tables[ProgressReview].append({
            "apprenticeship_id": ident, "held_on": held, "apprentice_present": True,
            "employer_present": True, "provider_present": True, "notes": "", "slippage": "",
            "next_review_on": held + timedelta(days=84)})
        held += timedelta(days=rng.randrange(70, 85))
    if rng.random() < 0.4:
        tables[Placement].append({
            "apprenticeship_id": ident, "setting": "Locality team",
            "start_date": AS_OF - timedelta(days=30), "end_date": AS_OF + timedelta(days=70),
            "educator_id": None if rng.random() < 0.05 else educator_id})
    if rng.random() < 0.6 and history[-1][1] != "withdrawn":
        tables[Post].append({"organisation_id": council_id, "reference": f"SW-{ident:05d}",
                             "role_id": "newly-qualified-social-worker", "state": "reserved",
                             "apprenticeship_id": ident})


@contextmanager
def postgres_engine():
    """An engine on a fresh PostgreSQL schema, dropped afterwards; None when unreachable."""
    base = normalise_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        admin.dispose()
        print(f"\nPostgreSQL skipped ({make_url(base).render_as_string()} unreachable: "
              f"{type(error).__name__})")
        yield None
        return
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# Measuring --------------------------------------------------------------------------------


class StatementLog:
    """The SQL statements an engine runs while recording (``before_cursor_execute``).

    Each is kept with the moment it started and the moment its cursor returned; SQLite does
    most of a query's work while its rows are fetched, after the cursor returns, so a
    statement's cost is best read as the time until the next one starts.
    """

    def __init__(self, engine: Engine):
        self.statements: list[list] = []
        self.active = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self.statements.append([" ".join(statement.split()), parameters,
                                    time.perf_counter(), None])

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.active and self.statements:
            self.statements[-1][3] = time.perf_counter()

    @contextmanager
    def recording(self):
        self.statements, self.active = [], True
        try:
            yield self.statements
        finally:
            self.active = False


def breakdown(statements: list[list], ended: float) -> list[tuple[str, float]]:
    """Milliseconds of each statement (to the next one's start, rows fetched) and the rest.

    The last statement runs to its cursor's return; what follows it is Python's share.
    """
    rows = []
    for (statement, _, started, _), following in itertools.pairwise(statements):
        rows.append((statement, (following[2] - started) * 1000))
    statement, _, started, returned = statements[-1]
    rows.append((statement, (returned - started) * 1000))
    rows.append(("Python: the rules for each apprentice, the rows, sorting",
                 (ended - returned) * 1000))
    return rows


def explain(session, statement: str, parameters) -> list[str]:
    """The plan of one recorded statement (PostgreSQL: with actual times)."""
    if session.bind.dialect.name == "postgresql":
        prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
    else:
        prefix = "EXPLAIN QUERY PLAN "
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(prefix + statement, parameters)
        return [" | ".join(str(v) for v in row[-1:]) for row in cursor.fetchall()]
    finally:
        cursor.close()


def floor_query(session, cohort_id: int):
    """The least any summary must do: one SUM(hours) GROUP BY over the cohort's entries."""
    return session.execute(
        select(OtjEntry.apprenticeship_id, func.sum(OtjEntry.hours))
        .join(Apprenticeship, Apprenticeship.id == OtjEntry.apprenticeship_id)
        .where(Apprenticeship.cohort_id == cohort_id)
        .group_by(OtjEntry.apprenticeship_id)).all()


def naive_summary(session, cohort_id: int, as_of: date) -> dict[int, tuple]:
    """The same figures as ``cohort_summary``, walking the ORM's lazy relationships."""
    cohort = session.get(Cohort, cohort_id)
    found = {}
    for apprenticeship in cohort.apprenticeships:
        hours = round(sum(float(e.hours) for e in apprenticeship.otj_entries
                          if e.worked_on <= as_of and e.state in COUNTED_STATES), 2)
        last_review = max((r.held_on for r in apprenticeship.reviews if r.held_on <= as_of),
                          default=None)
        status = status_on(apprenticeship, as_of)
        unallocated = sum(1 for p in apprenticeship.placements
                          if p.educator_id is None and p.end_date >= as_of)
        standing = status_as_of(status, apprenticeship.start_date,
                                apprenticeship.planned_end_date,
                                apprenticeship.otj_required_hours, hours, last_review,
                                as_of=as_of)
        post = apprenticeship.post
        found[apprenticeship.id] = (apprenticeship.person.email, status, standing.rag, hours,
                                    last_review, post.reference if post else None, unallocated)
    return found


def measure(engine: Engine, label: str) -> dict:
    """Build the data in ``engine``'s database, then time the summary and its baselines."""
    started = time.perf_counter()
    cohort_id, counts = populate(engine)
    build_s = time.perf_counter() - started
    log = StatementLog(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        cohort = session.get(Cohort, cohort_id)
        with log.recording() as statements:
            summary = cohort_summary(session, cohort, AS_OF)
        summary_statements = list(statements)
        summary_ms = sample(lambda: cohort_summary(session, cohort, AS_OF), REPEAT, warmup=1)
        with log.recording() as statements:
            cohort_summary(session, cohort, AS_OF)
            parts = breakdown(statements, time.perf_counter())
        with log.recording() as statements:
            dashboard = cohort_dashboard(session, cohort, AS_OF)
        dashboard_queries = len(statements)
        dashboard_ms = sample(lambda: cohort_dashboard(session, cohort, AS_OF), REPEAT,
                              warmup=1)
        deep = cohort_dashboard(session, cohort, AS_OF, order="name")
        for _ in range(20):  # page 21 by name
            deep = cohort_dashboard(session, cohort, AS_OF, order="name",
                                    after=deep.page.after, number=deep.page.number + 1)
        deep_ms = sample(lambda: cohort_dashboard(session, cohort, AS_OF, order="name",
                                                  after=deep.page.after), REPEAT, warmup=1)
        heaviest = next(row for row in summary_statements if "FROM otj_entries" in row[0])
        plan = explain(session, *heaviest[:2])
        with log.recording() as statements:
            floor_rows = floor_query(session, cohort_id)
        floor_queries = len(statements)
        floor_ms = sample(lambda: floor_query(session, cohort_id), REPEAT, warmup=1)
    with factory() as session, log.recording() as statements:
        started = time.perf_counter()
        naive = naive_summary(session, cohort_id, AS_OF)
        naive_ms = (time.perf_counter() - started) * 1000
        naive_queries = len(statements)
    ours = {row.apprenticeship_id: (row.email, row.status, row.rag, row.otj_logged,
                                    row.last_review, row.post, row.placements_without_educator)
            for row in summary.apprentices}
    return {"label": label, "build_s": build_s, "counts": counts,
            "apprentices": len(summary.apprentices), "floor_rows": len(floor_rows),
            "rag": summary.counts, "agree": ours == naive,
            "dashboard_agrees": (dashboard.counts, dashboard.status_counts,
                                 dashboard.page.rows) == (summary.counts, summary.status_counts,
                                                          summary.apprentices[:50]),
            "dashboard_ms": dashboard_ms, "dashboard_queries": dashboard_queries,
            "deep_ms": deep_ms,
            "summary_ms": summary_ms, "summary_queries": len(summary_statements),
            "breakdown": parts, "plan": plan, "floor_ms": floor_ms,
            "floor_queries": floor_queries,
            "naive_ms": naive_ms, "naive_queries": naive_queries}


# Reporting --------------------------------------------------------------------------------


def report(result: dict) -> None:
    summary, floor = result["summary_ms"], result["floor_ms"]
    verdict = "PASS" if p95(summary) <= TARGET_MS else f"OVER the {TARGET_MS} ms target"
    counts = result["counts"]
    print(f"\n-- {result['label']}: built in {result['build_s']:.1f} s "
          f"({counts['people']:,} people, {counts['apprenticeships']:,} apprenticeships, "
          f"{counts['otj_entries']:,} entries, {counts['progress_reviews']:,} reviews, "
          f"{counts['apprenticeship_status_changes']:,} status changes) --")
    print(f"{'':44} {'queries':>8} {'p50 ms':>10} {'p95 ms':>10}  ratio")
    print(f"{'cohort_summary, 5,000 apprentices':44} {result['summary_queries']:>8} "
          f"{p50(summary):>10.1f} {p95(summary):>10.1f}  {verdict} (p95 <= {TARGET_MS} ms)")
    dashboard = result["dashboard_ms"]
    print(f"{'dashboard: counts and page 1, in SQL':44} {result['dashboard_queries']:>8} "
          f"{p50(dashboard):>10.1f} {p95(dashboard):>10.1f}  "
          f"{p50(dashboard) / p50(summary):.2f}x the summary, "
          f"{p50(dashboard) / p50(floor):.1f}x the floor (medians); same counts and first "
          f"page as the summary: {'yes' if result['dashboard_agrees'] else 'NO'}")
    print(f"{'  the same, page 21 by name (keyset)':44} {result['dashboard_queries']:>8} "
          f"{p50(result['deep_ms']):>10.1f} {p95(result['deep_ms']):>10.1f}")
    print(f"{'  floor: one SUM(hours) GROUP BY':44} {result['floor_queries']:>8} "
          f"{p50(floor):>10.1f} {p95(floor):>10.1f}  summary is "
          f"{p50(summary) / p50(floor):.1f}x the floor (median)")
    print(f"{'  naive ORM walk, lazy loads (once)':44} {result['naive_queries']:>8,} "
          f"{result['naive_ms']:>10.1f} {'':>10}  {result['naive_ms'] / p50(summary):.0f}x "
          f"slower than the summary")
    print(f"  apprentices {result['apprentices']:,} (floor rows {result['floor_rows']:,}); "
          f"RAG {result['rag']}; same figures as the naive walk: "
          f"{'yes' if result['agree'] else 'NO'}")
    print("  where one warm run's time goes (ms; a query until the next starts, rows fetched):")
    for statement, elapsed in result["breakdown"]:
        print(f"    {elapsed:8.1f}  {statement[:100]}")
    print("  plan of the off-the-job SUM, the heaviest query:")
    for line in result["plan"]:
        print(f"    {line[:120]}")


def main() -> list[dict]:
    print(f"\n== Cohort summary ({APPRENTICES:,} apprentices x {ENTRIES_EACH} off-the-job "
          f"entries, as of {AS_OF.isoformat()}; target <= {TARGET_MS} ms on each engine) ==")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        upgrade_schema(engine)
        results.append(measure(engine, "SQLite"))
        engine.dispose()
    report(results[-1])
    with postgres_engine() as engine:
        if engine is not None:
            upgrade_schema(engine)
            results.append(measure(engine, f"PostgreSQL {engine.dialect.server_version_info[0]}"
                           if engine.dialect.server_version_info else "PostgreSQL"))
            report(results[-1])
    return results


if __name__ == "__main__":
    main()
