"""Benchmark of the supply forecast: 10 years over every role of the seed map.

Target (issue 16): a 10-year forecast over the full role graph for a region-sized
partnership (250,000 people) in <= 1 s once the rates are estimated. The stock (250,000
people spread over the seed's roles), the rates (each role-to-role move of the map at 5% a
year, leaving 20%, 3,000 recruits a year into each entry role) and a pipeline of 5,000
apprentices a year are made up; the forecast's work does not depend on the data behind
them, only on the number of roles and moves. Baseline in the same run: one year of
``forecast`` (a single step), so the ratio shows the cost grows with the years only.

Estimating the rates (``estimation.count_history``, one GROUP BY) is measured on a fresh
PostgreSQL schema holding the seed map, 5,000 organisations of one partnership and 250,000
people with a history simulated from known rates over ten years (``simulate``), bulk
inserted; target <= 10 s. Baseline in the same run: ``SELECT count(*)`` of the same spells.
On the same data, the nightly partnership summary (``summary.refresh_workforce_summary``:
every count of the partnership's board and forecast) and what the partnership's pages do
with it (read the row, a calendar year's report and a 10-year forecast from it).

Run: ``.venv/bin/python tests/benchmarks/bench_workforce.py`` (also part of ``make bench``).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pathways.workforce.forecast import Completion, Rates, Scenario, forecast
from tests.benchmarks.timing import p50, row, sample

PATHWAY = Path(__file__).resolve().parents[2] / "seed" / "pathway"


def inputs() -> tuple[Rates, dict[str, float], list[Completion]]:
    """Rates, stock and pipeline over the seed's roles."""
    with open(PATHWAY / "nodes.csv", encoding="utf-8") as handle:
        roles = [node["id"] for node in csv.DictReader(handle) if node["kind"] == "role"]
    with open(PATHWAY / "edges.csv", encoding="utf-8") as handle:
        moves = [(edge["source"], edge["target"]) for edge in csv.DictReader(handle)
                 if edge["source"] in roles and edge["target"] in roles]
    transitions: dict[str, dict[str, float]] = {}
    for source, target in moves:
        transitions.setdefault(source, {})[target] = 0.05
    entry = [role for role in roles if not any(target == role for _, target in moves)]
    rates = Rates(transitions, dict.fromkeys(roles, 0.2), dict.fromkeys(entry, 3000.0),
                  dict.fromkeys(roles, 1000.0))
    stock = {role: 250_000 / len(roles) for role in roles}
    completions = [Completion(2026 + year, roles[(year * 7) % len(roles)], 5000,
                              roles[(year * 3) % len(roles)]) for year in range(1, 11)]
    return rates, stock, completions


def estimation_on_postgres() -> None:
    """Bulk insert a region's histories on PostgreSQL and time ``count_history``."""
    import random
    import time
    from datetime import date

    from sqlalchemy import func, insert, select, text

    import seed
    from pathways.db import make_session_factory, upgrade_schema
    from pathways.models import Organisation, Partnership, Person, RoleSpell
    from pathways.workforce.estimation import count_history
    from pathways.workforce.simulate import TrueRates, simulate_history
    from tests.benchmarks.bench_cohorts import CHUNK, NOW, postgres_engine

    true = TrueRates({"care-worker": {"senior-care-worker": 0.08, "support-worker": 0.03},
                      "senior-care-worker": {"care-worker": 0.02}},
                     {"care-worker": 0.25, "senior-care-worker": 0.15, "support-worker": 0.2},
                     {"care-worker": 12_000.0})
    spells = simulate_history(true, {"care-worker": 150_000, "senior-care-worker": 40_000,
                                     "support-worker": 20_000}, date(2016, 1, 1), 10,
                              random.Random(16))
    with postgres_engine() as engine:
        if engine is None:
            return
        upgrade_schema(engine)
        with make_session_factory(engine)() as session:
            seed.load_pathway(session)
            session.commit()
        people = 250_000
        with engine.begin() as connection:
            connection.execute(insert(Partnership.__table__), [{"id": 1, "name": "Region"}])
            connection.execute(insert(Organisation.__table__), [
                {"id": number, "name": f"Employer {number}", "partnership_id": 1}
                for number in range(1, 5001)])
            rows = [{"id": number, "email": f"p{number}@bench.example", "name": f"P {number}",
                     "organisation_id": number % 5000 + 1, "active": True,
                     "session_generation": 0, "created_at": NOW}
                    for number in range(1, people + 1)]
            for first in range(0, len(rows), CHUNK):
                connection.execute(insert(Person.__table__), rows[first:first + CHUNK])
            rows = [{"person_id": number % people + 1,
                     "organisation_id": (number % people + 1) % 5000 + 1,
                     "role_id": spell.role, "started_on": spell.started_on,
                     "ended_on": spell.ended_on, "from_role_id": spell.from_role,
                     "move": "joined" if spell.from_role is None else "promotion",
                     "destination": "out_of_sector" if spell.left else None,
                     "recorded_at": NOW} for number, spell in enumerate(spells)]
            for first in range(0, len(rows), CHUNK):
                connection.execute(insert(RoleSpell.__table__), rows[first:first + CHUNK])
            connection.execute(text("ANALYZE"))
        with make_session_factory(engine)() as session:
            ids = list(range(1, 5001))

            def estimate() -> None:
                count_history(session, ids, date(2022, 1, 1), date(2025, 1, 1))

            def floor() -> None:
                session.scalar(select(func.count(RoleSpell.id)).where(
                    RoleSpell.organisation_id.in_(ids)))
            started = time.perf_counter()
            estimate()
            first = (time.perf_counter() - started) * 1000
            base = sample(floor, 5, warmup=1)
            timings = sample(estimate, 5, warmup=0)
        print(f"Estimating the rates on PostgreSQL: {people:,} people, {len(spells):,} spells, "
              f"5,000 organisations (first run {first:.0f} ms)")
        print(row("count(*) of the spells (baseline)", base))
        print(row("count_history (one GROUP BY)", timings, "target <= 10000 ms"))
        print(f"count_history / count(*): {p50(timings) / p50(base):.1f}x by the median")
        partnership_summary(engine)


def partnership_summary(engine) -> None:
    """Time the nightly partnership summary over the region's history and reading it back
    into the board and forecast the partnership's pages show."""
    from datetime import date

    from pathways.db import make_session_factory
    from pathways.workforce.planning import forecast_from
    from pathways.workforce.report import report_from, window
    from pathways.workforce.summary import (
        forecast_counts,
        read_summary,
        refresh_workforce_summary,
        report_counts,
    )

    day = date(2025, 1, 1)
    with make_session_factory(engine)() as session:
        def refresh() -> None:
            refresh_workforce_summary(session, 1, day)
            session.commit()

        def read() -> None:
            stored = read_summary(session, 1)
            assert stored is not None
            report_from(report_counts(stored, 2023), "Region", *window(day, 2023), {})
            forecast_from(session, forecast_counts(stored), "Region", 10, day.year)
        nightly = sample(refresh, 3, warmup=0)
        pages = sample(read, 10, warmup=1)
    print(row("workforce-summary, nightly (every count of the partnership)", nightly))
    print(row("the partnership's board and forecast from it (one row read)", pages))


def main() -> None:
    rates, stock, completions = inputs()
    scenario = Scenario("more recruits", extra_recruits={next(iter(rates.joiners)): 500.0})
    one = sample(lambda: forecast(rates, stock, {}, 2026, 1, completions, scenario), 30)
    ten = sample(lambda: forecast(rates, stock, {}, 2026, 10, completions, scenario), 30)
    print(f"Supply forecast: {len(rates.roles)} roles, "
          f"{sum(len(t) for t in rates.transitions.values())} moves, 250,000 people")
    print(row("one year (baseline)", one))
    print(row("ten years", ten, "target <= 1000 ms"))
    print(f"ten years / one year: {p50(ten) / p50(one):.1f}x by the median")
    estimation_on_postgres()


if __name__ == "__main__":
    main()
