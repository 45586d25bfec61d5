"""Demand: posts grow with the 65+ population (Skills for Care's ratio method).

``Posts(T) = Posts(base) x Pop65(T) / Pop65(base)``; the extra posts needed by year T are
``Posts(T) - Posts(base)``. The population is an input table (``area, year,
population_65_plus``); a default for England ships in ``seed/workforce/`` with its source,
and a partnership may bring its own (rows whose ``area`` is the partnership's name).

The **requirement table** (the shape of Staffordshire's strategy: workforce requirement,
extra staff for demand, turnover replacement, total new staff) adds replacement demand:
each year's leavers, ``turnover x the posts of the year before x the share replaced``,
counted from the base year on.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidInput, Problem

#: The default population table (England), with its source in the same folder's README.
DEFAULT_POPULATION = Path(__file__).resolve().parents[2] / "seed" / "workforce" / \
    "population_65plus.csv"
DEFAULT_AREA = "England"
SUMMARY = "The population table was not read"

Population = Mapping[int, float]


def read_population(path: Path | str = DEFAULT_POPULATION, area: str | None = None
                    ) -> dict[int, float]:
    """Read a population table: the rows of ``area`` (or England's when it has none).

    Parameters
    ----------
    path : path
        A CSV file with the columns ``area, year, population_65_plus``.
    area : str, optional
        The area to use (a partnership's name); England's rows when no row names it.

    Returns
    -------
    dict
        The 65+ population by year.

    Raises
    ------
    InvalidInput
        An unreadable file, a missing column, a year or a number that is not one, no rows.

    Examples
    --------
    >>> read_population()[2035]
    13800000.0
    """
    problems: list[Problem] = []
    by_area: dict[str, dict[int, float]] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InvalidInput([Problem(str(path), f"cannot be read: {error}")], SUMMARY) from error
    for number, row in enumerate(rows, start=2):
        try:
            year = int(row["year"])
            value = float(row["population_65_plus"].replace(",", ""))
        except (KeyError, TypeError, ValueError, AttributeError):
            problems.append(Problem(f"row {number}", "needs area, a year and a population "
                                                     "(population_65_plus)"))
            continue
        if not 1900 <= year <= 2200 or not 0 < value < 1e10:
            problems.append(Problem(f"row {number}", "the year or the population is out of "
                                                     "range"))
            continue
        by_area.setdefault((row.get("area") or DEFAULT_AREA).strip(), {})[year] = value
    if problems:
        raise InvalidInput(problems, SUMMARY)
    table = by_area.get(area or DEFAULT_AREA) or by_area.get(DEFAULT_AREA)
    if not table:
        raise InvalidInput([Problem(str(path), "holds no rows for England or the area")],
                           SUMMARY)
    return table


def population_in(population: Population, year: int) -> float:
    """Return the population of a year, the nearest year's when the table does not reach.

    Examples
    --------
    >>> population_in({2025: 100.0, 2026: 110.0}, 2030)
    110.0
    """
    if year in population:
        return population[year]
    nearest = min(population, key=lambda known: (abs(known - year), known))
    return population[nearest]


def demand(base_posts: float, population: Population, base_year: int, year: int) -> float:
    """Return the posts needed in ``year``: base posts grown with the 65+ population.

    Examples
    --------
    >>> demand(1000, {2025: 10.0, 2030: 12.0}, 2025, 2030)
    1200.0
    """
    return base_posts * population_in(population, year) / population_in(population, base_year)


def demand_by_role(base_posts: Mapping[str, float], population: Population, base_year: int,
                   years: int) -> dict[str, list[float]]:
    """Return each role's posts needed in each year from the base year on (``years + 1``)."""
    return {role: [demand(posts, population, base_year, base_year + step)
                   for step in range(years + 1)] for role, posts in base_posts.items()}


@dataclass(frozen=True)
class RequirementRow:
    """One year of the requirement table (each figure a whole number of people)."""

    year: int
    workforce_requirement: int
    extra_for_demand: int
    turnover_replacement: int
    total_new_staff: int

    def to_json(self) -> dict[str, int]:
        """Return the row as JSON."""
        return dict(self.__dict__)


def requirement_table(base_posts: float, population: Population, base_year: int, years: int,
                      turnover: float, replaced_share: float = 1.0) -> list[RequirementRow]:
    """Return the workforce requirement, year by year, with the new staff it takes.

    Parameters
    ----------
    base_posts : number
        Posts (filled and vacant) in the base year.
    population : mapping
        The 65+ population by year.
    base_year, years : int
        The first year and how many years on.
    turnover : float
        The yearly turnover rate (0.3 is 30%).
    replaced_share : float
        The share of leavers who must be replaced from outside (1: all of them; a region
        might leave out those who move to another of its employers).

    Returns
    -------
    list of RequirementRow
        For the base year and each year on: the posts needed (``demand``), the extra posts
        since the base year, the leavers to replace since the base year (each year
        ``turnover x the posts needed the year before x replaced_share``, summed), and the
        total new staff (extra + replacement), rounded to whole people at the end.

    Examples
    --------
    >>> [row.total_new_staff for row in requirement_table(1000, {2025: 100, 2026: 110},
    ...                                                   2025, 1, 0.3)]
    [0, 400]
    """
    rows = []
    replacement = 0.0
    previous = float(base_posts)
    for step in range(years + 1):
        year = base_year + step
        needed = demand(base_posts, population, base_year, year)
        if step:
            replacement += turnover * previous * replaced_share
        extra = needed - base_posts
        rows.append(RequirementRow(year, round(needed), round(extra), round(replacement),
                                   round(extra + replacement)))
        previous = needed
    return rows
