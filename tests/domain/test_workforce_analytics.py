"""The board's graph analytics: bottlenecks, where people stall, routes taken against the map.

The pure functions against hand calculations on the toy graph (no database); the SQL counts
(months in role, the whole analytics) on the toy pathway, on both engines.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pathways.people.accounts import create_person
from pathways.workforce.analytics import (
    STALL_MONTHS,
    Stall,
    board_analytics,
    bottlenecks,
    median_from_counts,
    months_in_role,
    routes_taken,
    stalls,
    untaken_moves,
)
from pathways.workforce.forecast import Rates
from pathways.workforce.movements import record_leaver, record_role_change
from pathways.workforce.report import PipelineLine, RoleLine, workforce_report
from tests.factories import make_people, toy_graph
from tests.recipes import TOY_WITH_PEOPLE

TODAY = date(2026, 6, 1)


# Pure ---------------------------------------------------------------------------------------


def test_the_median_is_read_from_counts_by_hand():
    # 3, 3, 7, 20: the middle two are 3 and 7.
    assert median_from_counts({3: 2, 7: 1, 20: 1}) == 5.0
    # 1, 2, 2, 2, 9: the third.
    assert median_from_counts({9: 1, 2: 3, 1: 1}) == 2.0
    assert median_from_counts({}) is None
    assert median_from_counts({4: 0}) is None


def test_a_role_stalls_when_long_in_it_or_leaving_it():
    rates = Rates({}, {"cw": 0.30, "sc": 0.05, "rm": 0.10}, {},
                  {"cw": 20.0, "sc": 8.0, "rm": 6.0})
    found = stalls({"cw": {6: 5, 10: 4}, "sc": {40: 3, 50: 3}, "rm": {12: 5},
                    "tl": {80: 4}}, rates)
    # "tl" has 4 people timed: left out. Longest median first.
    assert [(stall.role_id, stall.people, stall.median_months) for stall in found] == [
        ("sc", 6, 45.0), ("rm", 5, 12.0), ("cw", 9, 6.0)]
    by_role = {stall.role_id: stall for stall in found}
    assert by_role["sc"].long_in_role and not by_role["sc"].high_leaving
    assert by_role["cw"].high_leaving and not by_role["cw"].long_in_role
    assert not by_role["rm"].stalls
    assert Stall("x", 5, STALL_MONTHS, None).stalls
    assert not Stall("x", 5, STALL_MONTHS - 1, None).stalls


def test_routes_taken_are_set_against_the_map():
    G = toy_graph()
    taken, others = routes_taken(G, {
        ("care-worker", "senior-care-worker"): 8,  # a move of the map
        ("care-worker", "social-worker"): 6,  # through the degree, on the map
        ("social-worker", "volunteer"): 5,  # nowhere on the map
        ("volunteer", "care-worker"): 4,  # fewer than 5: counted, not listed
    })
    assert [(t.from_role, t.to_role, t.people, t.on_map) for t in taken] == [
        ("care-worker", "senior-care-worker", 8, "direct"),
        ("care-worker", "social-worker", 6, "via"),
        ("social-worker", "volunteer", 5, "none")]
    assert taken[1].suggested == ("care-worker", "sw-degree", "social-worker")
    assert taken[1].months == 38  # 36 months of degree, 2 to the post
    assert others == 1
    top, rest = routes_taken(G, {("care-worker", "senior-care-worker"): 8,
                                 ("care-worker", "social-worker"): 6}, top=1)
    assert len(top) == 1 and rest == 1


def test_the_map_moves_nobody_took():
    G = toy_graph()
    assert untaken_moves(G, {"care-worker": 7, "volunteer": 3},
                         {("care-worker", "senior-care-worker"): 2}) == []
    assert untaken_moves(G, {"care-worker": 7, "volunteer": 5}, {}) == [
        ("care-worker", "senior-care-worker"), ("volunteer", "care-worker")]


def test_bottlenecks_are_vacancies_with_no_one_training_into_them():
    lines = [RoleLine("sw", "Social worker", 12, 4, 0, 5, 5, 0.25, 0.4),
             RoleLine("cw", "Care worker", 40, 9, 2, 10, 12, 0.18, 0.3),
             RoleLine("sc", "Senior care worker", 8, 0, 0, 5, 5, 0.0, 0.1)]
    found = bottlenecks(lines, [PipelineLine("sw", "Social worker", 2028, "fewer than 5")])
    assert [(item.role_id, item.vacancies) for item in found] == [("cw", 9)]


# In the database ---------------------------------------------------------------------------


@pytest.fixture
def database_url(database_for):
    return database_for(TOY_WITH_PEOPLE)


@pytest.fixture
def council(session):
    return make_people(session)["staff"].organisation


def hire(session, council, name: str, role: str, started: date):
    person = create_person(session, email=f"{name}@example.org", name=name,
                           organisation=council, roles=["staff"])
    record_role_change(session, person, role, started, previous_sector="social_care",
                       today=TODAY)
    return person


def test_months_in_role_are_counted_in_sql(session, council):
    for number, months in enumerate((2, 2, 14, 40)):
        hire(session, council, f"cw{number}", "care-worker",
             TODAY - timedelta(days=round(months * 30.4375) + 1))
    session.flush()
    assert months_in_role(session, [council.id], TODAY) == {"care-worker": {2: 2, 14: 1,
                                                                            40: 1}}


def test_the_board_analytics_from_the_history(session, council):
    G = toy_graph()
    start = TODAY - timedelta(days=900)
    carers = [hire(session, council, f"cw{number}", "care-worker", start)
              for number in range(12)]
    for carer in carers[:6]:  # six promoted a year ago
        record_role_change(session, carer, "senior-care-worker",
                           TODAY - timedelta(days=366), today=TODAY)
    for carer in carers[6:9]:  # three left
        record_leaver(session, carer, TODAY - timedelta(days=100), reason="pay",
                      destination="out_of_sector", today=TODAY)
    session.flush()
    report = workforce_report(session, [council.id], council.name, TODAY)
    found = board_analytics(session, G, [council.id], report, TODAY)
    assert [(t.from_role, t.to_role, t.people, t.on_map) for t in found.routes] == [
        ("care-worker", "senior-care-worker", 6, "direct")]
    assert found.other_routes == 0
    # 6 seniors for a year; the 3 care workers left are not enough to time.
    assert [(stall.role_id, stall.people, stall.median_months) for stall in found.stalls] == [
        ("senior-care-worker", 6, 12.0)]
    assert found.untaken == []  # the seniors' next step on the map is a qualification
    assert found.bottlenecks == [] and found.educators == []
