"""The apprenticeship funding rules: status moves, durations, off-the-job hours and RAG."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from pathways.apprenticeships.rules import (
    MOVES,
    STATUSES,
    StatusMoveRefused,
    add_months,
    check_move,
    funding_rule_year,
    minimum_duration_months,
    otj_hours_that_fit,
    otj_limit_problems,
    required_otj_hours,
    spread_otj_hours,
    status_as_of,
)
from pathways.errors import InvalidInput, PathwayError

VALID_MOVES = [
    ("active", "break_in_learning"), ("break_in_learning", "active"),
    ("active", "gateway"), ("gateway", "epa"), ("epa", "completed"),
    ("completed", "qualified"), ("active", "withdrawn"),
    ("break_in_learning", "withdrawn"), ("epa", "failed"), ("failed", "epa"),
]
REFUSED_MOVES = [(a, b) for a in STATUSES for b in STATUSES if (a, b) not in VALID_MOVES]
START = date(2024, 9, 1)
LONG_AFTER = date(2030, 1, 1)  # well past any minimum duration


def test_the_move_table_is_exactly_the_issue_list():
    assert sorted((a, b) for a, nexts in MOVES.items() for b in nexts) == sorted(VALID_MOVES)
    assert len(REFUSED_MOVES) == 8 * 8 - 10  # 54: every other pair, staying put included


@pytest.mark.parametrize(("current", "new"), VALID_MOVES)
def test_valid_moves_are_allowed(current, new):
    assert check_move(current, new, start=START, today=LONG_AFTER) is None


@pytest.mark.parametrize(("current", "new"), REFUSED_MOVES)
def test_other_moves_are_refused_naming_both_statuses(current, new):
    with pytest.raises(StatusMoveRefused) as refused:
        check_move(current, new, start=START, today=LONG_AFTER)
    message = str(refused.value)
    assert message.startswith(f"Cannot move from {STATUSES[current]} to {STATUSES[new]}: ")
    assert refused.value.current == current and refused.value.new == new
    assert isinstance(refused.value, PathwayError)


@pytest.mark.parametrize("current", ["gateway", "epa", "failed", "completed", "qualified"])
def test_no_break_in_learning_once_gateway_is_reached(current):
    with pytest.raises(StatusMoveRefused, match="cannot be recorded once gateway is reached"):
        check_move(current, "break_in_learning", start=START, today=LONG_AFTER)


def test_unknown_and_unchanged_statuses_are_refused_with_a_reason():
    with pytest.raises(StatusMoveRefused, match="'paused' is not a status"):
        check_move("active", "paused", start=START, today=LONG_AFTER)
    with pytest.raises(StatusMoveRefused, match="already active"):
        check_move("active", "active", start=START, today=LONG_AFTER)
    with pytest.raises(StatusMoveRefused, match=r"only moves are to nothing \(it is final\)"):
        check_move("withdrawn", "active", start=START, today=LONG_AFTER)


def test_funding_rule_year_runs_august_to_july():
    assert funding_rule_year(date(2025, 7, 31)) == "2024/25"
    assert funding_rule_year(date(2025, 8, 1)) == "2025/26"
    assert funding_rule_year(date(2026, 7, 31)) == "2025/26"
    assert funding_rule_year(date(1999, 8, 1)) == "1999/00"  # two-digit second year


def test_minimum_duration_switches_on_1_august_2025():
    assert minimum_duration_months(date(2025, 7, 31)) == 12
    assert minimum_duration_months(date(2025, 8, 1)) == 8


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2025, 8, 31), 8) == date(2026, 4, 30)  # no 31 April
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 15), 2) == date(2026, 1, 15)  # over the year end


@pytest.mark.parametrize(("start", "last_refused", "first_allowed"), [
    (date(2025, 7, 31), date(2026, 7, 30), date(2026, 7, 31)),  # 12 months
    (date(2025, 8, 1), date(2026, 3, 31), date(2026, 4, 1)),    # 8 months
    (date(2025, 8, 31), date(2026, 4, 29), date(2026, 4, 30)),  # 8 months, clamped
])
def test_gateway_waits_for_the_minimum_duration(start, last_refused, first_allowed):
    with pytest.raises(StatusMoveRefused, match=f"earliest is {first_allowed.isoformat()}"):
        check_move("active", "gateway", start=start, today=last_refused)
    check_move("active", "gateway", start=start, today=first_allowed)


def test_gateway_allowed_from_overrides_the_default():
    # A break pushed the earliest gateway from 2026-04-01 to 2026-06-01.
    later = date(2026, 6, 1)
    with pytest.raises(StatusMoveRefused, match="minimum duration of 8 months"):
        check_move("active", "gateway", start=date(2025, 8, 1), today=date(2026, 5, 31),
                   gateway_allowed_from=later)
    check_move("active", "gateway", start=date(2025, 8, 1), today=later,
               gateway_allowed_from=later)


# Old-rule OTJ: 2022-09-01 to 2024-08-31 is 730 days (the leap day 2024-02-29 included):
# 730 / 7 = 104.2857 weeks; leave 5.6 x 730/365 = 11.2 weeks; 93.0857 weeks left.
OLD_START, OLD_END = date(2022, 9, 1), date(2024, 8, 31)


@pytest.mark.parametrize(("weekly_hours", "hours"), [
    (37.5, 559),  # capped at 30: 6 h a week x 93.0857 = 558.51 -> 559
    (30, 559),    # exactly the cap: the same
    (20, 372),    # part-time: 4 h a week x 93.0857 = 372.34 -> 372
    (16, 298),    # 3.2 h a week x 93.0857 = 297.87 -> 298
])
def test_old_rule_otj_is_20_percent_of_capped_weekly_hours_less_leave(weekly_hours, hours):
    needed = required_otj_hours(OLD_START, OLD_END, weekly_hours)
    assert needed.hours == hours
    assert any("93.09 weeks" in line for line in needed.working)


def test_old_rule_working_shows_the_cap_and_each_step():
    working = required_otj_hours(OLD_START, OLD_END, 37.5).working
    assert working == (
        "Start on 2022-09-01 is before 1 August 2025: 20% of weekly hours.",
        "Weekly hours counted: 30 (capped at 30); 20% is 6.00 a week.",
        "Planned duration: 730 days = 104.29 weeks.",
        "Statutory leave: 5.6 x 730/365 = 11.20 weeks, leaving 93.09 weeks.",
        "6.00 x 93.09 = 558.51, rounded to 559 hours.",
    )


def test_otj_method_switches_on_1_august_2025():
    # 365 days either side: 52.1429 - 5.6 = 46.5429 weeks x 6 h = 279.26 -> 279.
    before = required_otj_hours(date(2025, 7, 31), date(2026, 7, 31), 37.5, 400)
    after = required_otj_hours(date(2025, 8, 1), date(2026, 8, 1), 37.5, 400)
    assert before.hours == 279  # the published minimum is ignored for older starts
    assert after.hours == 400   # the published minimum, whatever the weekly hours
    assert required_otj_hours(date(2025, 8, 1), date(2026, 8, 1), 20, 400).hours == 400


@pytest.mark.parametrize(("published", "hours"), [
    (None, 187), (150, 187), (186.9, 187), (187, 187), (188, 188), (278.5, 279)])
def test_new_rule_otj_is_the_published_minimum_never_below_187(published, hours):
    needed = required_otj_hours(date(2025, 9, 1), date(2027, 3, 1), 37.5, published)
    assert needed.hours == hours
    assert "published minimum applies" in needed.working[0]


def test_otj_refuses_impossible_inputs_listing_every_problem():
    with pytest.raises(InvalidInput) as refused:
        required_otj_hours(date(2025, 9, 1), date(2025, 9, 1), 0)
    assert [p.where for p in refused.value.problems] == ["planned_end_date", "weekly_hours"]


# Status as of a date: 400 hours over 400 planned days, so expected = elapsed days in hours.
S_START = date(2025, 9, 1)
S_END = S_START + timedelta(days=400)  # 2026-10-06


def progress(days, logged, status="active", last_review=None, **thresholds):
    return status_as_of(status, S_START, S_END, 400, logged, last_review,
                        as_of=S_START + timedelta(days=days), **thresholds)


def test_expected_otj_grows_with_elapsed_days_and_stops_at_the_required_hours():
    assert progress(50, 50).expected_otj_to_date == 50      # 400 x 50/400
    assert progress(400, 400).expected_otj_to_date == 400
    assert progress(450, 400, last_review=S_END).expected_otj_to_date == 400  # capped at 1
    early = status_as_of("active", S_START, S_END, 400, 0, as_of=S_START - timedelta(days=3))
    assert early.elapsed_days == 0 and early.expected_otj_to_date == 0
    uneven = status_as_of("active", S_START, S_START + timedelta(days=365), 187, 0,
                          as_of=S_START + timedelta(days=100))
    assert uneven.expected_otj_to_date == 51.23  # 187 x 100/365 = 51.232...


def test_otj_behind_at_exactly_90_percent_is_not_behind():
    # Day 50: expected 50 h; 90% is 45 h.
    assert progress(50, 45).otj_behind is False
    assert progress(50, 44.99).otj_behind is True
    # Day 31: expected 31 h; 90% is 27.9 h (0.9 x 31 is 27.900000000000002 in floats).
    assert progress(31, 27.9).otj_behind is False
    assert progress(31, 27.89).otj_behind is True


def test_otj_behind_only_from_day_28():
    assert progress(27, 0).otj_behind is False  # expected 27 h, nothing logged, too early
    assert progress(28, 0).otj_behind is True   # expected 28 h, 90% is 25.2 h
    assert progress(28, 25.2).otj_behind is False


def test_review_overdue_after_84_days_from_the_start_or_the_last_review():
    assert progress(84, 84).review_overdue is False
    assert progress(85, 85).review_overdue is True
    assert progress(85, 85).days_since_review == 85
    review = S_START + timedelta(days=30)
    assert progress(114, 114, last_review=review).review_overdue is False  # 84 days on
    assert progress(115, 115, last_review=review).review_overdue is True   # 85 days on


def test_review_overdue_only_for_active_apprenticeships():
    for status in ("break_in_learning", "gateway", "epa", "failed"):
        assert progress(200, 200, status=status).review_overdue is False


def test_past_end_the_day_after_the_planned_end_unless_finished():
    assert progress(400, 400, status="epa").past_end is False  # on the planned end day
    assert progress(401, 400, status="epa").past_end is True
    for status in ("completed", "qualified", "withdrawn"):
        assert progress(401, 400, status=status).past_end is False


@pytest.mark.parametrize(("days", "logged", "status", "last_review", "rag"), [
    (50, 50, "active", None, "green"),
    (50, 40, "active", None, "amber"),       # behind (40 < 45), review due at day 84
    (85, 85, "active", None, "amber"),       # on track, review overdue
    (85, 70, "active", None, "red"),         # behind (70 < 76.5) and review overdue
    (85, 70, "break_in_learning", None, "amber"),  # behind; no review due on a break
    (401, 400, "epa", None, "red"),          # past end, otherwise on track
    (401, 400, "failed", None, "red"),
    (401, 0, "withdrawn", None, "grey"),     # grey beats past end and behind
    (401, 0, "completed", None, "grey"),
    (401, 0, "qualified", None, "grey"),
    (300, 300, "active", date(2026, 6, 1), "green"),  # day 300 is 2026-06-28, review 27 days ago
])
def test_rag(days, logged, status, last_review, rag):
    assert progress(days, logged, status, last_review).rag == rag


def test_thresholds_can_be_changed():
    assert progress(50, 45, behind_share=0.95).otj_behind is True   # 45 < 47.5
    assert progress(20, 0, behind_after_days=14).otj_behind is True
    assert progress(60, 60, review_every_days=56).review_overdue is True
    assert progress(60, 60, review_every_days=56).rag == "amber"


# Off-the-job limits: 24 hours a day, the contracted hours a week -------------------------

WEDNESDAY = date(2026, 2, 4)


@pytest.mark.parametrize("day_logged, hours, fits", [
    ("0", "24", True), ("20", "4", True), ("20", "4.5", False), ("0", "24.5", False)])
def test_a_day_holds_at_most_24_hours_across_its_entries(day_logged, hours, fits):
    problems = otj_limit_problems(WEDNESDAY, Decimal(hours), Decimal(60),
                                  day_logged=Decimal(day_logged), week_logged=Decimal(day_logged))
    assert (problems == []) == fits
    if not fits:
        assert [p.where for p in problems] == ["hours"]
        assert problems[0].message.startswith(f"Wednesday 4 February 2026 already has "
                                              f"{day_logged} hours logged")


@pytest.mark.parametrize("week_logged, hours, fits", [
    ("30", "7.5", True), ("30", "7.75", False), ("37.5", "0.25", False)])
def test_a_week_holds_at_most_the_contracted_hours(week_logged, hours, fits):
    problems = otj_limit_problems(WEDNESDAY, Decimal(hours), Decimal("37.5"),
                                  day_logged=Decimal(0), week_logged=Decimal(week_logged),
                                  where="decision")
    assert (problems == []) == fits
    if not fits:
        [problem] = problems
        assert problem.where == "decision"
        assert problem.message.startswith("the week of Monday 2 February 2026 already has")
        assert problem.message.endswith("more than the 37.5 contracted hours a week")


@pytest.mark.parametrize("hours, days", [
    ("24", [("2026-01-10", "24")]), ("0.5", [("2026-01-10", "0.5")]),
    ("48.25", [("2026-01-08", "0.25"), ("2026-01-09", "24"), ("2026-01-10", "24")]),
    # Saturday 10 January: its week (from Monday 5) holds 60, the week before the rest
    ("70", [("2026-01-04", "10"), ("2026-01-08", "12"), ("2026-01-09", "24"),
            ("2026-01-10", "24")]),
])
def test_hours_brought_in_are_spread_within_the_limits(hours, days):
    found = spread_otj_hours(Decimal(hours), date(2025, 9, 1), date(2026, 1, 10), Decimal(60))
    assert [(day.isoformat(), str(amount)) for day, amount in found] == days


def test_hours_that_do_not_fit_are_refused():
    start, last = date(2026, 1, 5), date(2026, 1, 18)  # two whole weeks
    assert otj_hours_that_fit(start, last, Decimal("22.5")) == Decimal(45)
    assert sum(hours for _, hours in spread_otj_hours(Decimal(45), start, last,
                                                      Decimal("22.5"))) == 45
    with pytest.raises(ValueError, match="do not fit"):
        spread_otj_hours(Decimal("45.25"), start, last, Decimal("22.5"))
