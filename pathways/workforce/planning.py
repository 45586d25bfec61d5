"""A partnership's forecast from its records: rates, stock, demand, pipeline and scenarios.

``partnership_forecast`` counts the last ``HISTORY_YEARS`` of role history (one query),
estimates the rates, takes the people in each role now as the stock, the posts (filled and
vacant) as the base demand grown with the 65+ population, and the apprentices in training
as the pipeline, then forecasts the current pipeline and each scenario. Scenarios come from
a JSON file (:func:`read_scenarios`), or the board's form.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..dates import add_months
from ..errors import InvalidInput, NotFound, Problem
from ..models import Node, Partnership, Role
from . import estimation
from .forecast import (
    Completion,
    Counts,
    ExtraApprentices,
    Forecast,
    Rates,
    Scenario,
    estimate_rates,
    forecast,
)
from .projection import DEFAULT_POPULATION, demand_by_role, read_population

#: The years of history the rates are estimated from.
HISTORY_YEARS = 3
MAX_YEARS = 30
SUMMARY = "The scenario was not read"


@dataclass(frozen=True)
class PartnershipForecast:
    """A partnership's estimated rates and its forecasts, the current pipeline first."""

    partnership: str
    rates: Rates
    completion_rate: float
    forecasts: list[Forecast]
    titles: dict[str, str]

    def to_json(self) -> dict:
        """Return the rates, and supply, demand and gap per role and year, per scenario."""
        return {"partnership": self.partnership,
                "completion_rate": round(self.completion_rate, 4),
                "rates": self.rates.to_json(),
                "titles": self.titles,
                "scenarios": [result.to_json(self.shown_roles) for result in self.forecasts]}

    @property
    def shown_roles(self) -> list[str]:
        """The roles with people, posts or a pipeline (not every role of the map)."""
        base = self.forecasts[0]
        return [role for role in sorted(base.supply) if any(base.supply[role])
                or any(base.demand.get(role, []))]


def find_partnership(session: Session, name_or_id: str) -> Partnership:
    """Return the partnership with this name (any case) or id.

    Raises
    ------
    NotFound
    """
    text = (name_or_id or "").strip()
    for found in session.scalars(select(Partnership)):
        if found.name.casefold() == text.casefold() or str(found.id) == text:
            return found
    raise NotFound(f"No partnership called {text!r}")


def _number(value: object, where: str, problems: list[Problem], *, low: float, high: float,
            whole: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(
            value) or not low <= value <= high or (whole and value != int(value)):
        kind = "a whole number" if whole else "a number"
        problems.append(Problem(where, f"must be {kind} from {low:g} to {high:g}"))
        return low
    return float(value)


def _role(session: Session, value: object, where: str, problems: list[Problem]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    node = session.get(Node, text) if text else None
    if node is None and text:
        node = session.scalars(select(Node).where(Node.title.ilike(text))).first()
    if not isinstance(node, Role):
        problems.append(Problem(where, f"{value!r} is not a role of the career pathway"))
        return ""
    return node.id


def parse_scenario(session: Session, data: object, where: str, problems: list[Problem]
                   ) -> Scenario:
    """Check one scenario as JSON (an object); report each bad value at ``where``.

    Fields: ``name``; ``extra_apprentices`` (a list of ``{"role", "per_year", "years",
    "from_role"}``); ``turnover_factor`` (a number for every role, or an object of role to
    number: 0.9 is turnover 10% lower); ``extra_recruits`` (an object of role to recruits a
    year); ``completion_rate`` (0 to 1).
    """
    if not isinstance(data, dict):
        problems.append(Problem(where, "a scenario is an object with a name"))
        return Scenario()
    known = {"name", "extra_apprentices", "turnover_factor", "extra_recruits",
             "completion_rate"}
    for key in sorted(set(data) - known):
        problems.append(Problem(f"{where}.{key}",
                                f"is not a field; use {', '.join(sorted(known))}"))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        problems.append(Problem(f"{where}.name", "give the scenario a name (at most 200 "
                                                 "characters)"))
        name = "Scenario"
    extras = []
    listed = data.get("extra_apprentices", [])
    if not isinstance(listed, list):
        problems.append(Problem(f"{where}.extra_apprentices", "must be a list"))
        listed = []
    for number, extra in enumerate(listed[:50]):
        at = f"{where}.extra_apprentices[{number}]"
        if not isinstance(extra, dict):
            problems.append(Problem(at, "must be an object with role and per_year"))
            continue
        role = _role(session, extra.get("role"), f"{at}.role", problems)
        per_year = _number(extra.get("per_year"), f"{at}.per_year", problems, low=0,
                           high=10000)
        years = _number(extra.get("years", 3), f"{at}.years", problems, low=1, high=10,
                        whole=True)
        from_role = (_role(session, extra["from_role"], f"{at}.from_role", problems)
                     if extra.get("from_role") is not None else None)
        extras.append(ExtraApprentices(role, per_year, int(years), from_role or None))
    factor_data = data.get("turnover_factor", {})
    factors: dict[str, float] = {}
    if isinstance(factor_data, (int, float)) and not isinstance(factor_data, bool):
        factors["*"] = _number(factor_data, f"{where}.turnover_factor", problems, low=0,
                               high=5)
    elif isinstance(factor_data, dict):
        for role_name, value in list(factor_data.items())[:200]:
            role = "*" if role_name == "*" else _role(
                session, role_name, f"{where}.turnover_factor", problems)
            factors[role] = _number(value, f"{where}.turnover_factor.{role_name}", problems,
                                    low=0, high=5)
    else:
        problems.append(Problem(f"{where}.turnover_factor", "must be a number or an object"))
    recruits: dict[str, float] = {}
    recruit_data = data.get("extra_recruits", {})
    if not isinstance(recruit_data, dict):
        problems.append(Problem(f"{where}.extra_recruits", "must be an object of role to "
                                                           "recruits a year"))
        recruit_data = {}
    for role_name, value in list(recruit_data.items())[:200]:
        role = _role(session, role_name, f"{where}.extra_recruits", problems)
        recruits[role] = _number(value, f"{where}.extra_recruits.{role_name}", problems,
                                 low=0, high=100000)
    rate = data.get("completion_rate")
    completion = (_number(rate, f"{where}.completion_rate", problems, low=0, high=1)
                  if rate is not None else None)
    return Scenario(name.strip(), tuple(extras), factors, recruits, completion)


def read_scenarios(session: Session, text: str) -> list[Scenario]:
    """Read scenarios from JSON: one scenario object, or a list of them (at most 10).

    Raises
    ------
    InvalidInput
        Malformed JSON (with line and column), or every bad field named by its place.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput([Problem(f"line {error.lineno}, column {error.colno}",
                                    error.msg)], SUMMARY) from error
    listed = data if isinstance(data, list) else [data]
    problems: list[Problem] = []
    if not 1 <= len(listed) <= 10:
        problems.append(Problem("file", "give from 1 to 10 scenarios"))
    scenarios = [parse_scenario(session, item, f"scenario {number}", problems)
                 for number, item in enumerate(listed[:10], start=1)]
    if problems:
        raise InvalidInput(problems, SUMMARY)
    return scenarios


def partnership_forecast(session: Session, partnership: Partnership, years: int, today: date,
                         scenarios: Sequence[Scenario] = (), *,
                         population_path: Path | str = DEFAULT_POPULATION
                         ) -> PartnershipForecast:
    """Forecast a partnership's supply and demand per role, ``years`` on from this year.

    Parameters
    ----------
    partnership : Partnership
    years : int
        How many years to project (1 to ``MAX_YEARS``).
    today : date
        The base: rates from the ``HISTORY_YEARS`` to it, the stock of people now, and
        ``today.year`` as the base year.
    scenarios : list of Scenario
        Forecast besides the current pipeline, each side by side with it.
    population_path : path
        The population table (rows of the partnership's name, else England's).

    Returns
    -------
    PartnershipForecast

    Raises
    ------
    InvalidInput
        Years out of range, or an unreadable population table.
    """
    return workforce_forecast(session, estimation.organisations_of(session, partnership.id),
                              partnership.name, years, today, scenarios,
                              population_path=population_path)


def workforce_forecast(session: Session, organisation_ids: Sequence[int], area: str,
                       years: int, today: date, scenarios: Sequence[Scenario] = (), *,
                       population_path: Path | str = DEFAULT_POPULATION
                       ) -> PartnershipForecast:
    """Forecast some organisations' supply and demand per role (one, or a partnership's).

    As :func:`partnership_forecast`, over ``organisation_ids``; ``area`` names them and picks
    the population table's rows (its own, else England's).
    """
    return forecast_from(session, count_forecast(session, organisation_ids, today), area,
                         years, today.year, scenarios, population_path=population_path)


@dataclass(frozen=True)
class ForecastCounts:
    """What a forecast is worked out from: the role history's counts over the
    ``HISTORY_YEARS`` to its day, the people in each role (the stock), each role's (vacant,
    agency-covered) posts, the apprentices in training and the completion rate."""

    history: Counts
    stock: dict[str, int]
    posts: dict[str, tuple[int, int]]
    completions: list[Completion]
    completion_rate: float


def count_forecast(session: Session, organisation_ids: Sequence[int], today: date
                   ) -> ForecastCounts:
    """Count what the forecast of some organisations needs (five aggregate queries)."""
    return ForecastCounts(
        estimation.count_history(session, organisation_ids,
                                 add_months(today, -12 * HISTORY_YEARS), today),
        estimation.people_in_roles(session, organisation_ids),
        estimation.posts_by_role(session, organisation_ids),
        estimation.pipeline(session, organisation_ids),
        estimation.completion_rate(session, organisation_ids))


def forecast_from(session: Session, counts: ForecastCounts, area: str, years: int,
                  base_year: int, scenarios: Sequence[Scenario] = (), *,
                  population_path: Path | str = DEFAULT_POPULATION) -> PartnershipForecast:
    """Forecast from the counts: the current pipeline and each scenario, ``years`` on from
    ``base_year`` (the roles' titles: one query).

    Raises
    ------
    InvalidInput
        Years out of range, or an unreadable population table.
    """
    if not 1 <= years <= MAX_YEARS:
        raise InvalidInput([Problem("years", f"must be from 1 to {MAX_YEARS}")],
                           "The forecast was not made")
    population = read_population(population_path, area)
    rates = estimate_rates(counts.history)
    stock, posts = counts.stock, counts.posts
    base = {role: stock.get(role, 0) + posts.get(role, (0, 0))[0]
            for role in set(stock) | set(posts)}
    needed = demand_by_role(base, population, base_year, years)
    rate = counts.completion_rate
    results = []
    for scenario in [Scenario(), *scenarios]:
        if scenario.completion_rate is None:
            scenario = replace(scenario, completion_rate=rate)
        results.append(forecast(rates, stock, needed, base_year, years, counts.completions,
                                scenario))
    roles = set(results[0].supply)
    titles = dict(session.execute(select(Node.id, Node.title).where(Node.id.in_(roles)))
                  .all()) if roles else {}
    return PartnershipForecast(area, rates, rate, results, titles)
