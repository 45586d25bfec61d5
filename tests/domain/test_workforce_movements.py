"""Movements recorded: changes of role, starters, leavers, the history import and the counts.

On the toy pathway with ``make_people``'s people, on both engines. Dates are fixed and
passed in as ``today``: nothing here reads the wall clock.
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import func, select

from pathways.errors import InvalidInput
from pathways.models import AuditEvent, Person, RoleSpell
from pathways.people.accounts import create_person
from pathways.workforce import estimation
from pathways.workforce.forecast import count_spells
from pathways.workforce.history_import import import_history
from pathways.workforce.movements import (
    MovementRefused,
    history_of,
    record_leaver,
    record_role_change,
)
from pathways.workforce.report import workforce_report
from pathways.workforce.simulate import TrueRates, simulate_history
from tests.concurrency import race
from tests.factories import make_people, toy_graph
from tests.recipes import TOY_WITH_PEOPLE

TODAY = date(2026, 6, 1)


@pytest.fixture
def database_url(database_for):
    return database_for(TOY_WITH_PEOPLE)


@pytest.fixture
def people(session):
    return make_people(session)


def test_a_starter_then_a_promotion_keep_their_history(session, people):
    staff = people["staff"]
    first = record_role_change(session, staff, "care-worker", date(2024, 4, 1),
                               previous_sector="nhs", today=TODAY)
    assert (first.move, first.previous_sector, first.from_role_id) == ("joined", "nhs", None)
    second = record_role_change(session, staff, "senior-care-worker", date(2025, 9, 1),
                                today=TODAY)
    assert (second.move, second.from_role_id) == ("promotion", "care-worker")
    assert first.ended_on == date(2025, 9, 1) and second.ended_on is None
    assert (staff.current_role_id, staff.role_start_date) == ("senior-care-worker",
                                                              date(2025, 9, 1))
    sideways = record_role_change(session, staff, "practitioner", date(2026, 1, 5), today=TODAY)
    assert sideways.move == "sideways"  # no move on the map, and no higher level
    assert [spell.role_id for spell in history_of(session, staff)] == [
        "care-worker", "senior-care-worker", "practitioner"]


def test_the_profile_role_becomes_the_first_spell(session, people):
    colleague = people["colleague"]
    colleague.current_role_id, colleague.role_start_date = "care-worker", date(2020, 2, 3)
    record_role_change(session, colleague, "senior-care-worker", date(2023, 1, 1), today=TODAY)
    first, second = history_of(session, colleague)
    assert (first.role_id, first.started_on, first.ended_on, first.previous_sector) == (
        "care-worker", date(2020, 2, 3), date(2023, 1, 1), "not_known")
    assert second.from_role_id == "care-worker"


def test_impossible_changes_are_refused_with_every_problem(session, people):
    staff = people["staff"]
    record_role_change(session, staff, "care-worker", date(2024, 4, 1), today=TODAY)
    with pytest.raises(InvalidInput) as refused:
        record_role_change(session, staff, "care-worker", date(2024, 1, 1), today=TODAY)
    assert {problem.where for problem in refused.value.problems} == {"started_on", "role_id"}
    with pytest.raises(InvalidInput) as refused:
        record_role_change(session, staff, "care-cert", date(2027, 1, 1),
                           previous_sector="mars", today=TODAY)
    assert {problem.where for problem in refused.value.problems} == {
        "started_on", "role_id", "previous_sector"}


def test_a_leaver_is_disabled_and_kept(session, people):
    staff = people["staff"]
    record_role_change(session, staff, "care-worker", date(2024, 4, 1), today=TODAY)
    generation = staff.session_generation
    spell = record_leaver(session, staff, date(2026, 5, 1), reason="career", destination="nhs",
                          today=TODAY)
    assert (spell.ended_on, spell.destination, spell.leave_reason) == (
        date(2026, 5, 1), "nhs", "career")
    assert not staff.active and staff.session_generation == generation + 1
    assert session.get(Person, staff.id) is staff  # not deleted
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "leaver")) == 1
    with pytest.raises(MovementRefused, match="already left"):
        record_leaver(session, staff, date(2026, 5, 2), reason="other", destination="nhs",
                      today=TODAY)
    with pytest.raises(MovementRefused, match="has left"):
        record_role_change(session, staff, "senior-care-worker", date(2026, 5, 3), today=TODAY)


def test_a_leaver_needs_a_role_a_reason_and_a_destination(session, people):
    with pytest.raises(InvalidInput) as refused:
        record_leaver(session, people["colleague"], None, reason="bored", destination="moon",
                      today=TODAY)
    assert {problem.where for problem in refused.value.problems} == {
        "reason", "destination", "left_on", ""}
    assert people["colleague"].active


def test_a_move_to_a_partner_employer(session, people):
    staff, partner = people["staff"], people["partner_staff"].organisation
    record_role_change(session, staff, "care-worker", date(2024, 4, 1), today=TODAY)
    moved = record_role_change(session, staff, "senior-care-worker", date(2026, 2, 1),
                               employer=partner, today=TODAY)
    before = history_of(session, staff)[0]
    assert (before.destination, before.ended_on) == ("partnership", date(2026, 2, 1))
    assert (moved.move, moved.organisation_id, moved.from_role_id) == (
        "change_of_employer", partner.id, "care-worker")
    assert staff.organisation_id == partner.id and staff.active
    with pytest.raises(MovementRefused, match="not in"):
        record_role_change(session, staff, "care-worker", date(2026, 3, 1),
                           employer=people["outsider"].organisation, today=TODAY)


def test_two_changes_at_once_make_one(session, people, database_url):
    staff = people["staff"]
    record_role_change(session, staff, "care-worker", date(2024, 4, 1), today=TODAY)
    session.commit()

    def changing(session):
        person = session.get(Person, staff.id)
        return lambda: record_role_change(session, person, "senior-care-worker",
                                          date(2026, 1, 1), today=TODAY)
    outcomes = race(database_url, [changing, changing])
    assert sorted(map(str, outcomes)).count("done") == 1
    session.expire_all()
    assert [spell.role_id for spell in history_of(session, staff)] == [
        "care-worker", "senior-care-worker"]


HISTORY = """email,role,start_date,end_date,leave_reason,destination,previous_sector
staff@example.org,Care worker,2019-04-01,2021-06-01,,,education
staff@example.org,senior-care-worker,2021-06-01,,,,
colleague@example.org,care-worker,2020-01-06,2025-11-30,retired,retired,
"""


def test_the_history_import(session, people):
    council = people["staff"].organisation
    assert import_history(session, HISTORY, council, toy_graph(), today=TODAY) == 3
    first, second = history_of(session, people["staff"])
    assert (first.move, first.previous_sector, second.move, second.from_role_id) == (
        "joined", "education", "promotion", "care-worker")
    assert people["staff"].current_role_id == "senior-care-worker"
    assert not people["colleague"].active
    # the same file again replaces, never doubles
    assert import_history(session, HISTORY, council, toy_graph(), today=TODAY) == 3
    assert session.scalar(select(func.count()).select_from(RoleSpell)) == 3


def test_a_bad_history_names_every_row_and_writes_nothing(session, people):
    council = people["staff"].organisation
    bad = HISTORY + (
        "staff@example.org,practitioner,2021-01-01,,,,\n"  # overlaps row 3
        "outsider@example.org,care-worker,2020-01-01,,,,\n"
        "other_team@example.org,care-cert,2020-01-01,2020-02-01,,,\n"
        "lnd@example.org,care-worker,2030-01-01,,resigned,,\n")
    with pytest.raises(InvalidInput) as refused:
        import_history(session, bad, council, toy_graph(), today=TODAY)
    found = [str(problem) for problem in refused.value.problems]
    assert any(text.startswith("row 3: start_date: overlaps row 5") or
               text.startswith("row 5: start_date: overlaps") for text in found), found
    assert any(text.startswith("row 6: email:") and "another organisation" in text
               for text in found)
    assert any(text.startswith("row 7: role:") for text in found)
    assert any(text.startswith("row 8: start_date: must be from 1900 to today")
               for text in found)
    assert any(text.startswith("row 8: end_date: a leaver's row needs") for text in found)
    assert session.scalar(select(func.count()).select_from(RoleSpell)) == 0


def test_the_sql_counts_agree_with_the_pure_ones(session, people):
    council = people["staff"].organisation
    rates = TrueRates({"care-worker": {"senior-care-worker": 0.2}},
                      {"care-worker": 0.3, "senior-care-worker": 0.2}, {"care-worker": 4})
    spells = simulate_history(rates, {"care-worker": 6}, date(2020, 1, 1), 5,
                              random.Random(3))
    for number, spell in enumerate(spells):
        person = create_person(session, email=f"sim{number}@example.org", name=f"Sim {number}",
                               organisation=council, roles=["staff"])
        session.add(RoleSpell(person_id=person.id, organisation_id=council.id,
                              role_id=spell.role, started_on=spell.started_on,
                              ended_on=spell.ended_on, from_role_id=spell.from_role,
                              move="joined" if spell.from_role is None else "promotion",
                              destination="out_of_sector" if spell.left else None))
    session.flush()
    window = (date(2021, 1, 1), date(2024, 7, 1))
    by_sql = estimation.count_history(session, [council.id], *window)
    pure = count_spells(spells, *window)
    assert by_sql.moves == pure.moves and by_sql.leavers == pure.leavers
    assert by_sql.joiners == pure.joiners
    assert by_sql.person_years == pytest.approx(pure.person_years)


def test_the_report_suppresses_small_counts(session, people):
    council = people["staff"].organisation
    import_history(session, HISTORY, council, toy_graph(), today=TODAY)
    report = workforce_report(session, [council.id], council.name, TODAY)
    assert report.filled == "fewer than 5" and report.leavers == "fewer than 5"
    assert report.turnover_rate is None and report.vacancy_rate is None
    assert set(report.destinations.values()) == {"fewer than 5"}


def test_the_report_counts_by_hand(session, people):
    council = people["staff"].organisation
    rows = ["email,role,start_date,end_date,leave_reason,destination,previous_sector"]
    for number in range(12):
        create_person(session, email=f"cw{number}@example.org", name=f"Worker {number}",
                      organisation=council, roles=["staff"])
        if number < 5:  # five left during the 12 months, to another care employer
            rows.append(f"cw{number}@example.org,care-worker,2020-01-01,2026-01-10,resigned,"
                        "social_care,")
        else:  # seven still in post, six of them started during the 12 months
            start = "2020-01-01" if number == 5 else "2025-07-01"
            rows.append(f"cw{number}@example.org,care-worker,{start},,,,nhs")
    import_history(session, "\n".join(rows) + "\n", council, toy_graph(), today=TODAY)
    report = workforce_report(session, [council.id], council.name, TODAY)
    # 7 in post now; a year ago 7 - 6 starters + 5 leavers = 6; turnover 5 / 6.5
    assert (report.filled, report.starters, report.leavers) == (7, 6, 5)
    assert report.turnover_rate == pytest.approx(5 / 6.5)
    assert report.starters_rate == pytest.approx(6 / 6.5)
    assert report.destinations["social_care"] == 5
    assert report.previous_sectors["nhs"] == 6
