"""Benchmark of the apprenticeship import (issue 14): set-based against row by row.

On a fresh PostgreSQL schema (``TEST_DATABASE_URL``, default the local server; skipped with
a note when unreachable) holding the seed pathway, one council with 20,000 staff, a social
work degree apprenticeship programme and 2,000 vacant posts, this times importing files of
2,000 and 20,000 apprentices (every row a different person; 50 rows a new cohort; half with
off-the-job hours logged before, a third with their last review, a tenth reserving a post,
some on a break in learning) with:

- the import as it is (``pathways.apprenticeships.importer``: streamed, checked against
  lookups loaded in bulk, written table by table with ``COPY``);
- the baseline in the same run: the import as it was before issue 14, row by row through
  the services (``apprentice_import_per_row.py``, capped at 2,000 rows; the cap is lifted
  here for the 20,000-row file, which it would have refused).

Each figure is the median (p50) of rolled-back runs (``RUNS``; the per-row import of 20,000
rows ``OLD_LARGE_RUNS``, as it takes minutes), and the ratio of the medians. Then the peak of
Python's allocations (tracemalloc) while the new import reads and writes each file.

Run: ``.venv/bin/python tests/benchmarks/bench_apprentice_import.py`` (also part of
``make bench``); ``BENCH_RUNS`` and ``BENCH_OLD_LARGE_RUNS`` change the run counts.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select, text

import seed
from pathways import bulk
from pathways.apprenticeships.importer import COLUMNS, import_apprenticeships
from pathways.apprenticeships.setup import create_programme
from pathways.db import make_session_factory, upgrade_schema
from pathways.models import Organisation, Person, Post
from pathways.people.accounts import create_organisation
from pathways.snapshot import build_graph
from tests.benchmarks import apprentice_import_per_row
from tests.benchmarks.bench_cohorts import postgres_engine
from tests.benchmarks.timing import p50, p95

SIZES = tuple(int(size) for size in (os.environ.get("BENCH_SIZES") or "2000,20000").split(","))
STAFF = max(SIZES)
POSTS = STAFF // 10
RUNS = int(os.environ.get("BENCH_RUNS") or 3)
OLD_LARGE_RUNS = int(os.environ.get("BENCH_OLD_LARGE_RUNS") or 1)
TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)
STARTS = (date(2024, 9, 2), date(2025, 1, 6), date(2025, 9, 1), date(2026, 1, 5))
HOURS = ("37.5", "30", "22.5")
COUNCIL = "Import Council"


def populate(engine) -> None:
    """The seed pathway, the council, its staff, programme and vacant posts."""
    with make_session_factory(engine)() as session:
        seed.load_pathway(session)
        council = create_organisation(session, COUNCIL, "Import Partnership")
        create_programme(session, council, name="Social work degree apprenticeship",
                         qualification_id="social-work-degree-apprenticeship",
                         provider_name="University",
                         leads_to_role_id="newly-qualified-social-worker")
        session.commit()
        council_id = council.id
    with engine.begin() as connection:
        first = bulk.next_id(connection, Person.__table__)
        bulk.write_rows(connection, Person.__table__, (
            {"id": first + number, "email": f"person{number}@import.example",
             "name": f"Person {number:05d}", "organisation_id": council_id, "active": True,
             "session_generation": 0, "created_at": NOW} for number in range(STAFF)))
        bulk.advance_sequence(connection, Person.__table__)
        bulk.write_rows(connection, Post.__table__, (
            {"organisation_id": council_id, "reference": f"NQ-{number:05d}",
             "role_id": "newly-qualified-social-worker", "state": "vacant"}
            for number in range(POSTS)))
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def apprentices_file(path: Path, rows: int) -> Path:
    """Write an import of ``rows`` apprentices (see the module docstring)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number in range(rows):
            start = STARTS[number % len(STARTS)]
            writer.writerow([
                f"person{number}@import.example", f"SWDA {number // 50:04d}", "ST0510",
                start.isoformat(), (start + timedelta(days=3 * 364)).isoformat(),
                HOURS[number % len(HOURS)], str(number % 97) if number % 2 else "",
                "2026-10-01" if number % 3 == 0 else "",
                "break in learning" if number % 17 == 0 else "active",
                f"NQ-{number // 10:05d}" if number % 10 == 0 else ""])
    return path


def timed(call: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    print("\n== Apprenticeship import (issue 14), PostgreSQL: set-based vs row by row ==")
    with postgres_engine() as engine, tempfile.TemporaryDirectory() as folder:
        if engine is None:
            return
        upgrade_schema(engine)
        started = time.perf_counter()
        populate(engine)
        files = {size: apprentices_file(Path(folder) / f"apprentices-{size}.csv", size)
                 for size in SIZES}
        print(f"  {STAFF:,} staff, {POSTS:,} vacant posts and the files written in "
              f"{time.perf_counter() - started:.1f} s")
        factory = make_session_factory(engine)
        with factory() as session:
            G = build_graph(session)

        def run(path: Path, importer) -> float:
            with factory() as session:
                organisation = session.scalar(select(Organisation).where(
                    Organisation.name == COUNCIL))
                elapsed = timed(lambda: importer(session, path, organisation, G=G,
                                                 today=TODAY))
                session.rollback()
            return elapsed

        apprentice_import_per_row.MAX_ROWS = max(SIZES)  # lifted here, to compare at length
        run(files[SIZES[0]], import_apprenticeships)  # warm-up: imports, caches
        for size in SIZES:
            new = [run(files[size], import_apprenticeships) for _ in range(RUNS)]
            old_runs = OLD_LARGE_RUNS if size > SIZES[0] else RUNS
            old = [run(files[size], apprentice_import_per_row.import_apprenticeships)
                   for _ in range(old_runs)]
            print(f"  {size:>6,} rows: set-based p50 {p50(new):9.0f} ms (p95 {p95(new):.0f}; "
                  f"{p50(new) / size:.3f} ms a row), row by row p50 {p50(old):9.0f} ms "
                  f"(p95 {p95(old):.0f}; {p50(old) / size:.2f} ms a row; {len(old)} runs): "
                  f"{p50(old) / p50(new):.1f}x faster by the median")
        peaks = []
        for size in SIZES:
            tracemalloc.start()
            run(files[size], import_apprenticeships)
            peaks.append(f"{size:,} rows {tracemalloc.get_traced_memory()[1] / 1e6:.1f} MB")
            tracemalloc.stop()
        print(f"  peak Python memory of the set-based import (tracemalloc): {', '.join(peaks)}")


if __name__ == "__main__":
    main()
