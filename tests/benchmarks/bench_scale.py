"""Benchmarks at region scale (issue 14): ``generate-demo`` and the staff import of 250,000 rows.

Targets (PostgreSQL, this machine): ``generate-demo`` of a North-West-sized partnership (5,000
organisations, 250,000 staff, 20,000 apprentices, 100,000 mentoring sessions) in <= 10
minutes; a staff import of 250,000 rows in one file in <= 2 minutes.

Each runs on a fresh PostgreSQL schema (``TEST_DATABASE_URL``, default the local server;
skipped with a note when unreachable) holding the seed pathway:

- ``generate_region`` at full size, once (it takes minutes; the row counts are printed);
- the staff import of a made-up HR export of 250,000 rows (teams, roles, start dates,
  qualifications, targets, a few managers) into one organisation: creating everyone (the
  median of ``RUNS`` runs, each rolled back), then, with them stored, importing the same file
  again (nothing changes) and a file with 10% of the names changed (one run each);
- the baseline in the same run: the import as it was (row by row through the ORM, capped at
  5,000 rows: ``staff_import_per_row.py``) against the set-based one on the same 1,000-row
  sample (the old import takes minutes for 5,000), each the median of ``RUNS`` rolled-back
  runs; the ratio is per row;
- memory: the peak of Python's allocations (tracemalloc) while importing 25,000 and 250,000
  rows, which stays flat when the file is streamed.

Run: ``.venv/bin/python tests/benchmarks/bench_scale.py`` (also part of ``make bench``).
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, select

import seed
from pathways import clock
from pathways.db import make_session_factory, upgrade_schema
from pathways.demo_region import RegionSize, generate_region
from pathways.models import Node, Organisation, Person
from pathways.people.accounts import create_organisation
from pathways.people.staff_import import COLUMNS, import_staff
from pathways.snapshot import build_graph
from tests.benchmarks import staff_import_per_row
from tests.benchmarks.bench_cohorts import postgres_engine
from tests.benchmarks.timing import p50

STAFF_ROWS = 250_000
SAMPLE_ROWS = 1_000
RUNS = 3
GENERATE_TARGET_S = 600
IMPORT_TARGET_S = 120
TEAMS = ("Home care", "Reablement", "Residential", "Day services", "Supported living")


def staff_file(path: Path, rows: int, roles: list[str], qualifications: list[str],
               renamed: float = 0.0) -> Path:
    """Write a made-up HR export of ``rows`` people (``renamed``: share with a new name)."""
    rng = random.Random(14)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number in range(1, rows + 1):
            name = f"Person {number}"
            if rng.random() < renamed:
                name += " Renamed"
            held = ";".join(rng.sample(qualifications, rng.randrange(0, 3)))
            writer.writerow([
                f"person{number}@hr.example", name, f"E{number:07d}", rng.choice(TEAMS),
                rng.choice(roles), f"20{rng.randrange(10, 25)}-0{rng.randrange(1, 10)}-15",
                held, rng.choice(roles) if rng.random() < 0.3 else "",
                "staff;manager" if rng.random() < 0.05 else "staff"])
    return path


def timed(call: Callable[[], object]) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def generate_full() -> None:
    """Time ``generate_region`` at full size on a fresh schema."""
    size = RegionSize()
    with postgres_engine() as engine:
        if engine is None:
            return
        upgrade_schema(engine)
        with make_session_factory(engine)() as session:
            seed.load_pathway(session)
            session.commit()
        with engine.begin() as connection:
            started = time.perf_counter()
            made = generate_region(connection, size, seed=1, today=clock.today(),
                                   now=clock.now())
            elapsed = time.perf_counter() - started
    rows = sum(made.rows.values())
    verdict = "PASS" if elapsed <= GENERATE_TARGET_S else "OVER"
    print(f"generate-demo, full size ({size.organisations:,} organisations, {size.staff:,} "
          f"staff, {size.apprentices:,} apprentices, {size.sessions:,} sessions): "
          f"{elapsed:.1f} s for {rows:,} rows ({rows / elapsed:,.0f} rows/s)  "
          f"{verdict} (target <= {GENERATE_TARGET_S} s)")


def staff_imports() -> None:
    """Time the staff import at 250,000 rows, and against the per-row import on a sample."""
    with postgres_engine() as engine, tempfile.TemporaryDirectory() as folder:
        if engine is None:
            return
        upgrade_schema(engine)
        factory = make_session_factory(engine)
        with factory() as session:
            seed.load_pathway(session)
            create_organisation(session, "Region Council", "Region")
            session.commit()
            roles = list(session.scalars(select(Node.id).where(Node.kind == "role")))
            qualifications = list(session.scalars(select(Node.id).where(
                Node.kind == "qualification")))
        started = time.perf_counter()
        full = staff_file(Path(folder) / "staff.csv", STAFF_ROWS, roles, qualifications)
        renamed = staff_file(Path(folder) / "renamed.csv", STAFF_ROWS, roles, qualifications,
                             renamed=0.1)
        sample = staff_file(Path(folder) / "sample.csv", SAMPLE_ROWS, roles, qualifications)
        small = staff_file(Path(folder) / "small.csv", STAFF_ROWS // 10, roles, qualifications)
        print(f"\nStaff import (files written in {time.perf_counter() - started:.1f} s; "
              f"{full.stat().st_size / 1e6:.1f} MB for {STAFF_ROWS:,} rows)")

        def run(path: Path, importer=import_staff, keep: bool = False) -> float:
            with factory() as session:
                organisation = session.scalar(select(Organisation).where(
                    Organisation.name == "Region Council"))
                G = build_graph(session)
                elapsed = timed(lambda: importer(session, path, organisation, G=G))
                if keep:
                    session.commit()
                else:
                    session.rollback()
            return elapsed

        old = [run(sample, staff_import_per_row.import_staff) for _ in range(RUNS)]
        new_sample = [run(sample) for _ in range(RUNS)]
        print(f"  {SAMPLE_ROWS:,}-row sample, creating everyone: per-row import "
              f"{p50(old):.2f} s ({p50(old) / SAMPLE_ROWS * 1000:.2f} ms a row), set-based "
              f"{p50(new_sample):.2f} s ({p50(new_sample) / SAMPLE_ROWS * 1000:.3f} ms a row): "
              f"{p50(old) / p50(new_sample):.0f}x faster by the median")
        creating = [run(full) for _ in range(RUNS)]
        verdict = "PASS" if p50(creating) <= IMPORT_TARGET_S else "OVER"
        print(f"  {STAFF_ROWS:,} rows, creating everyone: median {p50(creating):.1f} s "
              f"(runs {', '.join(f'{t:.1f}' for t in creating)}; "
              f"{p50(creating) / STAFF_ROWS * 1e6:.0f} us a row)  "
              f"{verdict} (target <= {IMPORT_TARGET_S} s); the per-row import would take "
              f"about {p50(old) / SAMPLE_ROWS * STAFF_ROWS / 60:.0f} min in "
              f"{STAFF_ROWS // SAMPLE_ROWS} files")
        run(full, keep=True)
        unchanged, changed = run(full), run(renamed)  # one run each: minutes apiece
        print(f"  {STAFF_ROWS:,} rows again, all stored and unchanged: {unchanged:.1f} s; "
              f"with 10% renamed: {changed:.1f} s (one run each)")
        peaks = {}
        for label, path in (("25,000", small), ("250,000", full)):
            with factory() as session:
                session.execute(select(func.count(Person.id)))
                tracemalloc.start()
                run(path)
                peaks[label] = tracemalloc.get_traced_memory()[1] / 1e6
                tracemalloc.stop()
        print("  peak Python memory while importing (tracemalloc, all stored, unchanged): "
              + ", ".join(f"{label} rows {peak:.1f} MB" for label, peak in peaks.items()))


def main(parts: list[str]) -> None:
    """Run the parts named (``generate``, ``import``), or both."""
    print("\n== Region scale (issue 14), PostgreSQL ==")
    if not parts or "generate" in parts:
        generate_full()
    if not parts or "import" in parts:
        staff_imports()


if __name__ == "__main__":
    main(sys.argv[1:])
