"""The partnership's workforce summary: the figures worked out from the stored counts equal the
live computation's (report for the 12 months and for each calendar year, analytics, forecast
with scenarios) on a generated history, both engines; a refresh replaces the last; the age
groups counted in SQL equal the equality report's; the command.

Dates are fixed and passed in as ``today``: nothing here reads the wall clock.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pathways.models import EqualityRecord, Post, RoleSpell, WorkforceSummary
from pathways.people.accounts import create_person
from pathways.people.profiles import equality_report
from pathways.suppression import SUPPRESSED, suppress_group
from pathways.workforce.analytics import analytics_from, board_analytics
from pathways.workforce.estimation import organisations_of
from pathways.workforce.forecast import ExtraApprentices, Scenario
from pathways.workforce.planning import forecast_from, workforce_forecast
from pathways.workforce.report import (
    AGE_KEYS,
    age_counts,
    report_from,
    report_roles,
    role_titles,
    window,
    workforce_report,
)
from pathways.workforce.simulate import TrueRates, simulate_history
from pathways.workforce.summary import (
    analytics_counts,
    forecast_counts,
    read_summary,
    refresh_workforce_summary,
    report_counts,
)
from tests.concurrency import race
from tests.databases import attach
from tests.factories import toy_graph
from tests.recipes import TOY_PATHWAY, world_on

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 2, 20)
RATES = TrueRates({"care-worker": {"senior-care-worker": 0.15, "practitioner": 0.05},
                   "senior-care-worker": {"practitioner": 0.1}},
                  {"care-worker": 0.3, "senior-care-worker": 0.15, "practitioner": 0.1},
                  {"care-worker": 12, "senior-care-worker": 2})
DESTINATIONS = ("social_care", "nhs", "out_of_sector", "retired", "not_known", "partnership")
SECTORS = ("social_care", "nhs", "other_sector", "education", None)
BANDS = ("16-24", "25-34", "45-54", "55-64", "65-plus", "prefer-not-to-say", None)


def build_history(session, people):
    """Both organisations of the partnership with a generated history of seven years: each
    simulated spell a person (moves, leavers to every destination, starters from every
    sector), their current role and start day, age bands, and posts. Returns the partnership."""
    council = people["staff"].organisation
    provider = people["partner_staff"].organisation
    rng = random.Random(14)
    for where, size in ((council, 40), (provider, 25)):
        spells = simulate_history(RATES, {"care-worker": size, "senior-care-worker": size // 4},
                                  date(2019, 6, 1), 7, rng)
        for number, spell in enumerate(spells):
            person = create_person(session, email=f"sim{where.id}-{number}@example.org",
                                   name=f"Sim {where.id} {number}", organisation=where,
                                   roles=["staff"])
            if spell.ended_on is None or spell.ended_on > TODAY:
                person.current_role_id, person.role_start_date = spell.role, spell.started_on
            else:
                person.active = False
            session.add(EqualityRecord(person_id=person.id, age_band=rng.choice(BANDS)))
            joined = spell.from_role is None
            session.add(RoleSpell(
                person_id=person.id, organisation_id=where.id, role_id=spell.role,
                started_on=spell.started_on, ended_on=spell.ended_on,
                from_role_id=spell.from_role,
                move=(rng.choice(("joined", "joined", "change_of_employer")) if joined
                      else "promotion"),
                previous_sector=rng.choice(SECTORS) if joined else None,
                destination=rng.choice(DESTINATIONS) if spell.left else None,
                leave_reason="pay" if spell.left else None))
        for number in range(9):
            session.add(Post(organisation_id=where.id, reference=f"P{where.id}-{number}",
                             role_id=("care-worker", "senior-care-worker")[number % 2],
                             state=("vacant", "filled", "reserved")[number % 3],
                             agency_cover=number % 4 == 0))
    session.flush()
    return council.partnership


#: The toy pathway, ``make_people``'s people and the generated history: built once per process
#: and engine (about a second on SQLite, two on PostgreSQL), each test getting a copy.
HISTORY = world_on(TOY_PATHWAY, "workforce_summary_history", build_history)


@pytest.fixture
def database_url(database_for):
    return database_for(HISTORY)


@pytest.fixture
def partnership(session, recipe_made):
    """The partnership whose history ``build_history`` generated, in the test's session."""
    return attach(recipe_made(HISTORY), session)


def _live_and_stored(session, partnership):
    refresh_workforce_summary(session, partnership.id, TODAY, NOW)
    stored = read_summary(session, partnership.id)
    assert stored is not None and stored.as_of == TODAY
    return organisations_of(session, partnership.id), stored


@pytest.mark.parametrize("year", [None, 2019, 2021, 2024, 2025, 2026])
def test_the_stored_report_equals_the_live_one(session, partnership, year):
    ids, stored = _live_and_stored(session, partnership)
    live = workforce_report(session, ids, partnership.name, TODAY, year)
    counts = report_counts(stored, year)
    from_summary = report_from(counts, partnership.name, *window(TODAY, year),
                               role_titles(session, report_roles(counts)))
    assert from_summary == live
    assert live.roles and any(line.leavers != SUPPRESSED for line in live.roles)


def test_small_groups_stay_suppressed_from_the_summary(session, partnership):
    _ids, stored = _live_and_stored(session, partnership)
    counts = report_counts(stored)
    report = report_from(counts, partnership.name, *window(TODAY), {})
    assert SUPPRESSED in report.destinations.values()  # some destination has 1 to 4
    for key, count in counts.destinations.items():
        if 0 < count < 5:
            assert report.destinations[key] == SUPPRESSED


def test_the_stored_analytics_and_forecast_equal_the_live_ones(session, partnership):
    ids, stored = _live_and_stored(session, partnership)
    G = toy_graph()
    report = workforce_report(session, ids, partnership.name, TODAY)
    live = board_analytics(session, G, ids, report, TODAY)
    assert analytics_from(G, analytics_counts(stored), report) == live
    assert live.stalls and live.routes
    scenarios = [Scenario("lower turnover", turnover_factor={"*": 0.8}),
                 Scenario("apprentices", (ExtraApprentices("senior-care-worker", 3, 2,
                                                           "care-worker"),),
                          extra_recruits={"care-worker": 5})]
    live_forecast = workforce_forecast(session, ids, partnership.name, 10, TODAY, scenarios)
    stored_forecast = forecast_from(session, forecast_counts(stored), partnership.name, 10,
                                    TODAY.year, scenarios)
    assert stored_forecast == live_forecast
    assert stored_forecast.to_json() == live_forecast.to_json()


def test_a_refresh_replaces_the_last_and_a_later_day_moves_the_window(session, partnership):
    refresh_workforce_summary(session, partnership.id, TODAY, NOW)
    later = TODAY + timedelta(days=200)
    refresh_workforce_summary(session, partnership.id, later, NOW + timedelta(days=200))
    assert session.scalar(select(func.count()).select_from(WorkforceSummary)) == 1
    stored = read_summary(session, partnership.id)
    assert stored is not None and stored.as_of == later
    ids = organisations_of(session, partnership.id)
    live = workforce_report(session, ids, partnership.name, later)
    counts = report_counts(stored)
    assert report_from(counts, partnership.name, *window(later),
                       role_titles(session, report_roles(counts))) == live


def test_no_summary_before_the_first_run(session, partnership):
    assert read_summary(session, partnership.id) is None


def test_the_age_groups_counted_in_sql_equal_the_equality_report(session, partnership):
    ids = organisations_of(session, partnership.id)
    counts = age_counts(session, ids)
    assert set(counts) == set(AGE_KEYS) and sum(counts.values()) > 20
    assert suppress_group(counts) == {key: value for key, value in equality_report(
        session, ids)["age_group"].items()}


def test_three_refreshes_at_once_leave_one_whole_summary(session, partnership, database_url):
    partnership_id = partnership.id
    session.commit()

    def refresh(day):
        return lambda other: lambda: refresh_workforce_summary(other, partnership_id, day, NOW)

    days = [TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=2)]
    assert race(database_url, [refresh(day) for day in days]) == ["done"] * 3
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(WorkforceSummary)) == 1
    stored = read_summary(session, partnership_id)
    assert stored is not None and stored.as_of in days
    ids = organisations_of(session, partnership_id)
    counts = report_counts(stored)
    assert report_from(counts, partnership.name, *window(stored.as_of),
                       role_titles(session, report_roles(counts))) == workforce_report(
        session, ids, partnership.name, stored.as_of)
