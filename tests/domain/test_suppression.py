"""Small-number suppression, on plain objects: one rule for every report about people."""

from datetime import date

from pathways.mentoring.reports import MentoringReport, Progression
from pathways.people import profiles
from pathways.suppression import SMALLEST_GROUP, SUPPRESSED, suppress, suppress_group


def test_four_is_suppressed_and_five_is_shown():
    assert [suppress(n) for n in range(7)] == [SUPPRESSED] * 5 + [5, 6]
    assert SMALLEST_GROUP == 5 and SUPPRESSED == "fewer than 5"


def test_the_equality_report_uses_the_same_rule():
    assert (profiles.SMALLEST_GROUP, profiles.SUPPRESSED) == (SMALLEST_GROUP, SUPPRESSED)


def test_one_small_count_in_a_group_takes_the_next_smallest_with_it():
    assert suppress_group({"a": 20, "b": 9, "c": 4}) == {"a": 20, "b": SUPPRESSED,
                                                         "c": SUPPRESSED}
    assert suppress_group({"a": 20, "b": 2, "c": 4}) == {"a": 20, "b": SUPPRESSED,
                                                         "c": SUPPRESSED}
    assert suppress_group({"a": 5, "b": 5}) == {"a": 5, "b": 5}


def report(**figures) -> MentoringReport:
    return MentoringReport(date(2026, 1, 1), date(2026, 3, 31), **figures)


def test_the_mentoring_report_shows_no_count_below_five():
    shown = report(sessions_by_month={"2026-01": 4, "2026-02": 5}, active_pairings=4,
                   days_to_first_session=[1, 2, 3, 4], actions_agreed=5, actions_done=4,
                   shadowing_by_status={"approved": 4, "requested": 5}).shown()
    assert shown.sessions_by_month == {"2026-01": SUPPRESSED, "2026-02": 5,
                                       "2026-03": SUPPRESSED}
    assert (shown.active_pairings, shown.first_sessions) == (SUPPRESSED, SUPPRESSED)
    assert shown.median_days_to_first_session == SUPPRESSED  # made of 4 pairings
    assert (shown.actions_agreed, shown.actions_done) == (5, SUPPRESSED)
    assert shown.shadowing_by_status == {"approved": SUPPRESSED, "requested": 5}
    five = report(active_pairings=5, days_to_first_session=[1, 2, 3, 4, 10]).shown()
    assert (five.active_pairings, five.first_sessions) == (5, 5)
    assert five.median_days_to_first_session == 3


def test_progression_hides_what_could_be_worked_out():
    shown = report(mentees=Progression(4, 1, 0), others=Progression(40, 6, 3)).shown()
    # the two headcounts add up to the organisation's: one small hides the other
    assert (shown.mentees.people, shown.others.people) == (SUPPRESSED, SUPPRESSED)
    assert shown.mentees.progressed == SUPPRESSED and shown.mentees.share_progressed == (
        SUPPRESSED)
    # moved and started add up to those progressed (9, shown): 3 hides 6 too
    assert (shown.others.moved_role, shown.others.started_apprenticeship,
            shown.others.progressed) == (SUPPRESSED, SUPPRESSED, 9)
    assert shown.others.share_progressed == SUPPRESSED  # its headcount is not shown
    big = report(mentees=Progression(10, 5, 5), others=Progression(40, 6, 0)).shown()
    assert (big.mentees.people, big.mentees.moved_role, big.mentees.progressed,
            big.mentees.share_progressed) == (10, 5, 10, 1.0)
    assert (big.others.moved_role, big.others.started_apprenticeship) == (
        SUPPRESSED, SUPPRESSED)
    assert big.others.share_progressed == 0.15
