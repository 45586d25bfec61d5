"""Benchmark of the supply forecast: 10 years over every role of the seed map.

Target (issue 16): a 10-year forecast over the full role graph for a region-sized
partnership (250,000 people) in <= 1 s once the rates are estimated. The stock (250,000
people spread over the seed's roles), the rates (each role-to-role move of the map at 5% a
year, leaving 20%, 3,000 recruits a year into each entry role) and a pipeline of 5,000
apprentices a year are made up; the forecast's work does not depend on the data behind
them, only on the number of roles and moves. Baseline in the same run: one year of
``forecast`` (a single step), so the ratio shows the cost grows with the years only.

Not yet measured here: estimating the rates on PostgreSQL from 250,000 people's histories
(``estimation.count_history``, one GROUP BY).

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


if __name__ == "__main__":
    main()
