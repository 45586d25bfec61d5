"""The workforce formulas against hand calculations, and the forecast against known rates.

No database: the measures, the ratio-method demand, the requirement table, rate estimation,
the Markov forecast and the calibration of the estimates on synthetic histories.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from pathways.workforce.forecast import (
    Completion,
    Counts,
    ExtraApprentices,
    Rates,
    Scenario,
    Spell,
    count_spells,
    estimate_rates,
    forecast,
    gap_in_words,
)
from pathways.workforce.measures import starters_rate, turnover_rate, vacancy_rate
from pathways.workforce.projection import demand, read_population, requirement_table
from pathways.workforce.simulate import TrueRates, simulate_history, stock_on


def test_the_rates_of_skills_for_care_by_hand():
    # 46 leavers over the year, 190 in post at the start and 210 at the end: 46 / 200
    assert turnover_rate(46, 190, 210) == pytest.approx(0.23)
    # 111,000 vacancies among 1.6 million filled posts (2024/25; Skills for Care's 7.0%
    # divides by its unrounded 1.71 million posts less the 111,000)
    assert vacancy_rate(111_000, 1_600_000) == pytest.approx(111 / 1711)
    assert round(vacancy_rate(111_000, 1_600_000) * 100, 1) == 6.5
    assert starters_rate(60, 190, 210) == pytest.approx(0.3)
    assert turnover_rate(1, 0, 0) is None and vacancy_rate(0, 0) is None


def test_demand_grows_with_the_65_plus_population():
    population = {2023: 10_500_000, 2035: 13_800_000}
    # Skills for Care: +32% of people aged 65+ gives +32% of posts
    assert demand(1000, population, 2023, 2035) == pytest.approx(1000 * 13.8 / 10.5)
    assert demand(1000, population, 2023, 2023) == 1000


def test_the_default_population_table_is_the_cited_one():
    table = read_population()
    assert table[2023] == 10_500_000 and table[2035] == 13_800_000
    assert table[2029] == pytest.approx((10_500_000 + 13_800_000) / 2, abs=1000)


def test_the_requirement_table_by_hand():
    rows = requirement_table(1000, {2025: 100, 2026: 110, 2027: 121}, 2025, 2, 0.3)
    # 2026: 1,100 needed (+100); 300 leavers of the 1,000 replaced; 400 new staff
    # 2027: 1,210 needed (+210); 300 + 0.3 x 1,100 = 630 replaced; 840 new staff
    assert [(r.year, r.workforce_requirement, r.extra_for_demand, r.turnover_replacement,
             r.total_new_staff) for r in rows] == [
        (2025, 1000, 0, 0, 0), (2026, 1100, 100, 300, 400), (2027, 1210, 210, 630, 840)]


def test_the_staffordshire_table_from_its_inputs():
    """Staffordshire 2021/22: 21,000 filled posts, a 9.9% vacancy rate, 32.2% turnover.

    Posts = 21,000 / (1 - 0.099) = 23,307.4; with the default population from 2023 to 2032
    (10.5m to 12.975m) the requirement in 2032 is 23,307.4 x 12.975 / 10.5 = 28,801.
    """
    posts = 21_000 / (1 - 0.099)
    rows = requirement_table(posts, read_population(), 2023, 9, 0.322, replaced_share=1.0)
    last = rows[-1]
    assert last.year == 2032
    assert last.workforce_requirement == round(posts * 12_975_000 / 10_500_000)
    assert last.extra_for_demand == round(posts * 12_975_000 / 10_500_000 - posts)
    replaced = sum(0.322 * posts * read_population()[year] / 10_500_000
                   for year in range(2023, 2032))
    assert last.turnover_replacement == round(replaced)
    assert last.total_new_staff == pytest.approx(last.extra_for_demand
                                                 + last.turnover_replacement, abs=1)
    # most of the new staff replace leavers, as Staffordshire found
    assert last.turnover_replacement > 5 * last.extra_for_demand


def test_estimating_rates_by_hand():
    counts = Counts({"cw": 200.0, "senior": 50.0}, {("cw", "senior"): 20, ("senior", "cw"): 5},
                    {"cw": 50, "senior": 5}, {"cw": 90}, 3.0)
    rates = estimate_rates(counts)
    assert rates.transitions == {"cw": {"senior": 0.1}, "senior": {"cw": 0.1}}
    assert rates.leaving == {"cw": 0.25, "senior": 0.1}
    assert rates.joiners == {"cw": 30.0}
    assert rates.staying("cw") == pytest.approx(0.65)
    assert rates.staying("cw", turnover_factor=0.8) == pytest.approx(0.7)


def test_counting_spells_by_hand():
    window = (date(2020, 1, 1), date(2022, 1, 1))
    spells = [Spell("cw", date(2019, 1, 1), date(2021, 1, 1), left=True),  # 1 year in, leaves
              Spell("cw", date(2020, 1, 1), date(2021, 1, 1), joined=True),  # joins, 1 year
              Spell("senior", date(2021, 1, 1), None, from_role="cw"),  # moves, 1 year
              Spell("cw", date(2022, 1, 1), joined=True)]  # after the window: not counted
    counts = count_spells(spells, *window)
    assert counts.person_years["cw"] == pytest.approx(732 / 365.25)  # 2020 is a leap year
    assert counts.person_years["senior"] == pytest.approx(365 / 365.25)
    assert counts.moves == {("cw", "senior"): 1}
    assert counts.leavers == {"cw": 1} and counts.joiners == {"cw": 1}
    assert counts.years == pytest.approx(731 / 365.25)


def test_the_markov_step_by_hand():
    rates = Rates({"cw": {"senior": 0.1}, "senior": {"manager": 0.05}},
                  {"cw": 0.2, "senior": 0.1}, {"cw": 20.0}, {"cw": 1.0, "senior": 1.0})
    result = forecast(rates, {"cw": 100, "senior": 40, "manager": 0},
                      {"manager": [5, 5, 5]}, 2026, 2)
    # cw: 100 x 0.7 + 20 = 90; senior: 40 x 0.85 + 100 x 0.1 = 44; manager: 40 x 0.05 = 2
    assert [round(value, 6) for value in (result.supply["cw"][1], result.supply["senior"][1],
                                          result.supply["manager"][1])] == [90, 44, 2]
    # year 2: cw 90 x 0.7 + 20 = 83; senior 44 x 0.85 + 9 = 46.4; manager 2 + 2.2 = 4.2
    assert result.supply["cw"][2] == pytest.approx(83)
    assert result.supply["senior"][2] == pytest.approx(46.4)
    assert result.supply["manager"][2] == pytest.approx(4.2)
    assert result.gap("manager") == pytest.approx([5, 3, 0.8])
    assert result.closes_in("manager") is None


def test_completions_move_apprentices_into_their_target_role():
    rates = Rates({}, {}, {}, {})
    completions = [Completion(2027, "sw", 10, from_role="practitioner")]
    result = forecast(rates, {"practitioner": 12, "sw": 0}, {"sw": [10, 10, 10]}, 2026, 2,
                      completions, Scenario(completion_rate=0.5))
    assert result.supply["sw"] == [0, 5, 5] and result.supply["practitioner"] == [12, 7, 7]
    assert result.closes_in("sw") is None


def test_scenarios_change_when_the_gap_closes():
    rates = Rates({"sw": {}}, {"sw": 0.1}, {"sw": 2.0}, {"sw": 50.0})
    need = {"sw": [30.0] * 11}
    current = forecast(rates, {"sw": 20}, need, 2026, 10)
    more = forecast(rates, {"sw": 20}, need, 2026, 10, scenario=Scenario(
        "with +10 degree apprentices a year",
        (ExtraApprentices("sw", 10, years=3),), completion_rate=1.0))
    lower = forecast(rates, {"sw": 20}, need, 2026, 10,
                     scenario=Scenario("with turnover 50% lower", turnover_factor={"*": 0.5}))
    # current: n -> 0.9 n + 2 tends to 20: never 30
    assert current.closes_in("sw") is None
    # the first 10 qualify in 2030 (started 2027, 3 years): 0.9^4 x 20 + ... + 10 > 30
    assert more.closes_in("sw") == 2030
    # 0.95 n + 2 tends to 40: 20 -> 21 -> 21.95 ... reaches 30 in 2026 + 14 > 2036
    assert lower.closes_in("sw") is None
    assert lower.supply["sw"][1] == pytest.approx(21)
    words = gap_in_words("social worker", [current, more], "sw")
    assert words == ("The social worker gap does not close by 2036 with the current pipeline; "
                     "with +10 degree apprentices a year, in 2030.")


TRUE = TrueRates(moves={"cw": {"senior": 0.10}, "senior": {"lead": 0.05, "cw": 0.02}},
                 leaving={"cw": 0.25, "senior": 0.15, "lead": 0.10},
                 joiners={"cw": 300.0})


def test_calibration_recovers_the_rates_a_history_was_made_from():
    spells = simulate_history(TRUE, {"cw": 1200, "senior": 400, "lead": 100},
                              date(2015, 1, 1), 10, random.Random(20261201))
    rates = estimate_rates(count_spells(spells, date(2019, 1, 1), date(2025, 1, 1)))
    for source, targets in TRUE.moves.items():
        for target, rate in targets.items():
            assert rates.transitions[source][target] == pytest.approx(rate, rel=0.2), (
                source, target)
    for role, rate in TRUE.leaving.items():
        assert rates.leaving[role] == pytest.approx(rate, rel=0.1), role
    assert rates.joiners["cw"] == pytest.approx(300, rel=0.05)


def test_forecasting_a_held_out_year_beats_no_change():
    start = date(2015, 1, 1)
    spells = simulate_history(TRUE, {"cw": 2000, "senior": 0, "lead": 0}, start, 8,
                              random.Random(7))
    # estimate on 2018-2021, forecast 2022 from the stock on 1 January 2022
    rates = estimate_rates(count_spells(spells, date(2018, 1, 1), date(2022, 1, 1)))
    before, after = stock_on(spells, date(2022, 1, 1)), stock_on(spells, date(2023, 1, 1))
    result = forecast(rates, before, {}, 2022, 1)
    model = sum(abs(result.supply[role][1] - after.get(role, 0)) for role in after)
    no_change = sum(abs(before.get(role, 0) - after.get(role, 0)) for role in after)
    assert model < no_change, (model, no_change)
