"""Synthetic role histories from known rates: for the calibration test and the benchmark.

Each person in a role waits an exponential time for their next event, at the total of the
role's yearly rates (moves to other roles, leaving); which event happens is drawn in
proportion to the rates. Joiners arrive in their entry roles evenly through each year.
Estimating ``moves / person-years`` from such a history recovers the rates it was made from.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .forecast import Spell


@dataclass(frozen=True)
class TrueRates:
    """The yearly rates a history is generated from."""

    moves: Mapping[str, Mapping[str, float]]
    leaving: Mapping[str, float]
    joiners: Mapping[str, float]


def simulate_history(rates: TrueRates, initial: Mapping[str, int], start: date, years: int,
                     rng: random.Random) -> list[Spell]:
    """Return the spells of a workforce that starts as ``initial`` and runs ``years``.

    Time runs in whole days; every spell lasts at least one.

    Examples
    --------
    >>> rates = TrueRates({"cw": {"senior": 0.1}}, {"cw": 0.2, "senior": 0.1}, {"cw": 5})
    >>> spells = simulate_history(rates, {"cw": 3}, date(2020, 1, 1), 2, random.Random(1))
    >>> all(spell.ended_on is None or spell.ended_on > spell.started_on for spell in spells)
    True
    """
    horizon = int(years * 365.25)
    spells: list[Spell] = []
    # (role, the day it began, the role it came from, new to the workforce)
    waiting: list[tuple[str, int, str | None, bool]] = [
        (role, 0, None, False) for role, count in initial.items() for _ in range(count)]
    for role, per_year in rates.joiners.items():
        arrivals = round(per_year * years)
        waiting.extend((role, horizon * number // arrivals, None, True)
                       for number in range(arrivals))
    while waiting:
        role, began, came_from, joined = waiting.pop()
        outs = rates.moves.get(role, {})
        total = sum(outs.values()) + rates.leaving.get(role, 0.0)
        ends = horizon if total <= 0 else began + max(1, round(rng.expovariate(total) * 365.25))
        started_on = start + timedelta(days=began)
        if ends >= horizon:
            spells.append(Spell(role, started_on, None, came_from, False, joined))
            continue
        ended_on = start + timedelta(days=ends)
        pick = rng.random() * total
        for target, rate in outs.items():
            if pick < rate:
                spells.append(Spell(role, started_on, ended_on, came_from, False, joined))
                waiting.append((target, ends, role, False))
                break
            pick -= rate
        else:
            spells.append(Spell(role, started_on, ended_on, came_from, True, joined))
    return spells


def stock_on(spells: list[Spell], day: date) -> dict[str, int]:
    """Return the people in each role on ``day``.

    Examples
    --------
    >>> stock_on([Spell("cw", date(2020, 1, 1), date(2021, 1, 1))], date(2020, 6, 1))
    {'cw': 1}
    """
    stock: dict[str, int] = {}
    for spell in spells:
        if spell.started_on <= day and (spell.ended_on is None or spell.ended_on > day):
            stock[spell.role] = stock.get(spell.role, 0) + 1
    return stock
