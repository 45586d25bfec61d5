"""The supply forecast on the career graph: a Markov manpower model, year by year.

Roles are the states. From the role history, for each role ``i`` over a window of years:

- ``p_ij = moves i -> j / person-years in i`` (a yearly transition rate),
- ``w_i = leavers of i out of the partnership / person-years in i`` (wastage),
- ``p_ii = 1 - sum_j p_ij - w_i`` (staying; never below 0),
- joiners by entry role: people new to the partnership starting in ``j``, per year.

Then ``n(t+1) = n(t) P + recruits + completions``: each role's headcount moves along ``P``,
recruits join their entry roles, and apprentices complete into their target roles after
their programme (``completion_rate`` of them; each leaves the role they trained from).
Demand comes from ``projection``; the **gap** of a role in a year is demand minus supply,
and it **closes** in the first year supply reaches demand. A **scenario** changes the inputs:
more apprentices a year into a role, turnover scaled down, more recruits into an entry role.
Everything here is pure: counts in, numbers out (``estimation`` counts in SQL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

#: The completion rate used when the history gives none (the share of apprentices who
#: qualify; the national achievement rate of apprenticeships is about 55-60%, care
#: apprenticeships with a guaranteed job do better).
DEFAULT_COMPLETION_RATE = 0.8


@dataclass(frozen=True)
class Counts:
    """What the role history shows over a window: the inputs of the rates.

    ``person_years[i]``: time spent in role ``i`` within the window, in years;
    ``moves[(i, j)]``: moves from ``i`` to ``j`` that began in it; ``leavers[i]``: people
    who left the partnership from ``i``; ``joiners[j]``: people new to the partnership who
    started in ``j``; ``years``: the window's length in years.
    """

    person_years: Mapping[str, float]
    moves: Mapping[tuple[str, str], float]
    leavers: Mapping[str, float]
    joiners: Mapping[str, float]
    years: float


@dataclass(frozen=True)
class Rates:
    """Yearly rates per role, estimated from ``Counts``."""

    transitions: dict[str, dict[str, float]]
    leaving: dict[str, float]
    joiners: dict[str, float]
    person_years: dict[str, float]

    @property
    def roles(self) -> list[str]:
        """Every role the rates name, sorted."""
        named = set(self.leaving) | set(self.joiners) | set(self.person_years)
        for source, targets in self.transitions.items():
            named.add(source)
            named.update(targets)
        return sorted(named)

    def staying(self, role: str, turnover_factor: float = 1.0) -> float:
        """Return ``p_ii``: the share of the role's people still in it a year on."""
        out = sum(self.transitions.get(role, {}).values())
        return max(0.0, 1.0 - out - self.leaving.get(role, 0.0) * turnover_factor)

    def to_json(self) -> dict[str, dict]:
        """Return the rates per role as JSON: transitions, leaving, joiners a year."""
        return {role: {"person_years": round(self.person_years.get(role, 0.0), 2),
                       "staying": round(self.staying(role), 4),
                       "leaving": round(self.leaving.get(role, 0.0), 4),
                       "moves": {target: round(rate, 4) for target, rate in
                                 sorted(self.transitions.get(role, {}).items())},
                       "joiners_a_year": round(self.joiners.get(role, 0.0), 2)}
                for role in self.roles}


def estimate_rates(counts: Counts) -> Rates:
    """Estimate the yearly rates: ``p_ij = moves / person-years``, leaving and joiners.

    A role with no person-years has no transition or leaving rate (nobody was seen in it);
    its joiners still count. Rates that would add up to more than 1 are scaled down to 1.

    Examples
    --------
    >>> rates = estimate_rates(Counts({"cw": 100.0}, {("cw", "senior"): 10}, {"cw": 25},
    ...                               {"cw": 60}, 2.0))
    >>> rates.transitions["cw"]["senior"], rates.leaving["cw"], rates.joiners["cw"]
    (0.1, 0.25, 30.0)
    >>> round(rates.staying("cw"), 2)
    0.65
    """
    transitions: dict[str, dict[str, float]] = defaultdict(dict)
    leaving: dict[str, float] = {}
    for (source, target), moved in counts.moves.items():
        exposure = counts.person_years.get(source, 0.0)
        if exposure > 0 and moved > 0 and source != target:
            transitions[source][target] = moved / exposure
    for role, left in counts.leavers.items():
        exposure = counts.person_years.get(role, 0.0)
        if exposure > 0 and left > 0:
            leaving[role] = left / exposure
    for role, targets in transitions.items():
        total = sum(targets.values()) + leaving.get(role, 0.0)
        if total > 1:
            transitions[role] = {target: rate / total for target, rate in targets.items()}
            if role in leaving:
                leaving[role] /= total
    joiners = {role: count / counts.years for role, count in counts.joiners.items()
               if count > 0 and counts.years > 0}
    return Rates(dict(transitions), leaving, joiners, dict(counts.person_years))


@dataclass(frozen=True)
class Spell:
    """A spell as the pure counting sees it (``estimation`` counts the same in SQL)."""

    role: str
    started_on: date
    ended_on: date | None = None
    from_role: str | None = None
    #: The partnership lost them when the spell ended (a leaver not to a partner employer).
    left: bool = False
    #: New to the partnership when the spell began.
    joined: bool = False


def count_spells(spells: Iterable[Spell], start: date, end: date) -> Counts:
    """Count spells over the window ``[start, end)``: the pure twin of the SQL counting.

    Examples
    --------
    >>> spells = [Spell("cw", date(2020, 1, 1), date(2021, 1, 1), left=True, joined=True),
    ...           Spell("cw", date(2020, 1, 1), date(2020, 7, 2), joined=True),
    ...           Spell("senior", date(2020, 7, 2), from_role="cw")]
    >>> counts = count_spells(spells, date(2020, 1, 1), date(2021, 1, 1))
    >>> round(counts.person_years["cw"], 2), counts.moves, counts.leavers, counts.joiners
    (1.5, {('cw', 'senior'): 1}, {'cw': 1}, {'cw': 2})
    """
    person_days: dict[str, int] = defaultdict(int)
    moves: dict[tuple[str, str], int] = defaultdict(int)
    leavers: dict[str, int] = defaultdict(int)
    joiners: dict[str, int] = defaultdict(int)
    for spell in spells:
        ended = spell.ended_on or end
        first, last = max(spell.started_on, start), min(ended, end)
        if last > first:
            person_days[spell.role] += (last - first).days
        if start <= spell.started_on < end:
            if spell.from_role is not None:
                moves[(spell.from_role, spell.role)] += 1
            elif spell.joined:
                joiners[spell.role] += 1
        if spell.left and spell.ended_on is not None and start < spell.ended_on <= end:
            leavers[spell.role] += 1
    days = (end - start).days
    return Counts({role: count / 365.25 for role, count in person_days.items()}, dict(moves),
                  dict(leavers), dict(joiners), days / 365.25)


@dataclass(frozen=True)
class Completion:
    """Apprentices expected to qualify in a year, from a role into their target role."""

    year: int
    to_role: str
    count: float
    from_role: str | None = None


@dataclass(frozen=True)
class ExtraApprentices:
    """A scenario's apprentices: ``per_year`` starting each year, qualifying into ``role``."""

    role: str
    per_year: float
    years: int = 3
    from_role: str | None = None


@dataclass(frozen=True)
class Scenario:
    """What a forecast assumes beyond the current pipeline."""

    name: str = "Current pipeline"
    extra_apprentices: tuple[ExtraApprentices, ...] = ()
    #: Leaving rates times this, per role ("*" for every role): 0.9 is turnover 10% lower.
    turnover_factor: Mapping[str, float] = field(default_factory=dict)
    #: More recruits a year into a role (an entry role, usually).
    extra_recruits: Mapping[str, float] = field(default_factory=dict)
    #: The share of apprentices who qualify; None: the history's (or the default).
    completion_rate: float | None = None

    @property
    def completing(self) -> float:
        """Return the completion rate this scenario uses."""
        return DEFAULT_COMPLETION_RATE if self.completion_rate is None else self.completion_rate

    def factor(self, role: str) -> float:
        """Return the factor on the role's leaving rate."""
        return self.turnover_factor.get(role, self.turnover_factor.get("*", 1.0))


@dataclass(frozen=True)
class Forecast:
    """Supply, demand and gap per role for each year from ``base_year`` on."""

    scenario: Scenario
    base_year: int
    supply: dict[str, list[float]]
    demand: dict[str, list[float]]

    @property
    def years(self) -> list[int]:
        """The years forecast, the base year first."""
        length = len(next(iter(self.supply.values()), []))
        return [self.base_year + step for step in range(length)]

    def gap(self, role: str) -> list[float]:
        """Return demand minus supply for each year (negative: more people than posts)."""
        wanted = self.demand.get(role, [0.0] * len(self.years))
        return [need - have for need, have in zip(wanted, self.supply[role])]

    def closes_in(self, role: str) -> int | None:
        """Return the first year supply reaches demand (the gap closes), or None."""
        for year, gap in zip(self.years, self.gap(role)):
            if gap <= 0.5:  # under half a person: closed, whole people being what is filled
                return year
        return None

    def to_json(self, roles: Sequence[str] | None = None) -> dict:
        """Return the forecast per role and year as JSON, with the year each gap closes."""
        shown = roles if roles is not None else sorted(self.supply)
        return {"scenario": self.scenario.name, "years": self.years, "roles": {
            role: {"supply": [round(value, 1) for value in self.supply[role]],
                   "demand": [round(value, 1) for value in self.demand.get(role, [])],
                   "gap": [round(value, 1) for value in self.gap(role)],
                   "gap_closes_in": self.closes_in(role)} for role in shown}}


def forecast(rates: Rates, stock: Mapping[str, float], demand: Mapping[str, Sequence[float]],
             base_year: int, years: int, completions: Iterable[Completion] = (),
             scenario: Scenario | None = None) -> Forecast:
    """Project each role's headcount ``years`` on: ``n(t+1) = n(t) P + recruits + completions``.

    Parameters
    ----------
    rates : Rates
        Estimated transition, leaving and joining rates.
    stock : mapping
        People in each role in the base year.
    demand : mapping
        Posts needed per role for the base year and each year on (``projection``).
    base_year, years : int
        The first year and how many years to project.
    completions : iterable of Completion
        The current pipeline: apprentices expected to qualify, by year (each counts
        ``scenario.completing`` of a person).
    scenario : Scenario, optional
        Extra apprentices, lower turnover, more recruits.

    Returns
    -------
    Forecast
        Supply and demand per role, for ``base_year`` and each of the ``years`` after.

    Examples
    --------
    Ten care workers, a tenth promoted and a fifth leaving a year, two recruits a year:

    >>> rates = Rates({"cw": {"senior": 0.1}}, {"cw": 0.2}, {"cw": 2.0}, {"cw": 10.0})
    >>> result = forecast(rates, {"cw": 10, "senior": 0}, {}, 2026, 2)
    >>> [round(n, 2) for n in result.supply["cw"]], [round(n, 2) for n in result.supply["senior"]]
    ([10.0, 9.0, 8.3], [0.0, 1.0, 1.9])
    """
    scenario = scenario or Scenario()
    roles = sorted(set(rates.roles) | set(stock) | set(demand)
                   | {extra.role for extra in scenario.extra_apprentices}
                   | set(scenario.extra_recruits))
    index = {role: position for position, role in enumerate(roles)}
    staying = [rates.staying(role, scenario.factor(role)) for role in roles]
    moves = [[(index[target], rate) for target, rate in rates.transitions.get(role, {}).items()]
             for role in roles]
    inflow = [rates.joiners.get(role, 0.0) + scenario.extra_recruits.get(role, 0.0)
              for role in roles]
    pipeline: dict[int, list[tuple[int | None, int, float]]] = defaultdict(list)
    for completion in completions:
        pipeline[completion.year].append(
            (index.get(completion.from_role or ""), index[completion.to_role],
             completion.count * scenario.completing))
    for extra in scenario.extra_apprentices:
        for start in range(1, years + 1):
            pipeline[base_year + start + extra.years].append(
                (index.get(extra.from_role or ""), index[extra.role],
                 extra.per_year * scenario.completing))
    now = [float(stock.get(role, 0.0)) for role in roles]
    supply = [[value] for value in now]
    for step in range(1, years + 1):
        after = [now[i] * staying[i] + inflow[i] for i in range(len(roles))]
        for i, targets in enumerate(moves):
            for j, rate in targets:
                after[j] += now[i] * rate
        for source, target, count in pipeline.get(base_year + step, ()):
            moved = count if source is None else min(count, after[source])
            if source is not None:
                after[source] -= moved
            after[target] += moved
        now = after
        for i, value in enumerate(now):
            supply[i].append(value)
    return Forecast(scenario, base_year, {role: supply[index[role]] for role in roles},
                    {role: list(values) for role, values in demand.items()})


def gap_in_words(role_title: str, forecasts: Sequence[Forecast], role: str) -> str:
    """Say when a role's gap closes under each scenario, the current pipeline first.

    Examples
    --------
    >>> base = Forecast(Scenario(), 2026, {"sw": [8, 9, 10]}, {"sw": [10, 10, 10]})
    >>> more = Forecast(Scenario("with +10 degree apprentices a year"), 2026,
    ...                 {"sw": [8, 10, 12]}, {"sw": [10, 10, 10]})
    >>> print(gap_in_words("social worker", [base, more], "sw"))  # doctest: +NORMALIZE_WHITESPACE
    The social worker gap closes in 2028 with the current pipeline; with +10 degree
    apprentices a year, in 2027.
    """
    parts = []
    for number, result in enumerate(forecasts):
        year = result.closes_in(role)
        when = f"in {year}" if year is not None else f"not by {result.years[-1]}"
        name = result.scenario.name
        if number == 0:
            label = "with the current pipeline" if name == Scenario().name else name
            parts.append(f"The {role_title} gap closes {when} {label}"
                         if year is not None else
                         f"The {role_title} gap does not close by {result.years[-1]} {label}")
        else:
            parts.append(f"{name}, {when}")
    return "; ".join(parts) + "."
