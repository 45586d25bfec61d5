"""A training record's expiry and status on a day, at every boundary (pathways.training.status)."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from pathways.training.status import (
    StatusBounds,
    TrainingStatus,
    earliest_completion_expiring_on_or_after,
    expiry_date,
    training_status,
)

EXPIRED, MISSING = TrainingStatus.EXPIRED, TrainingStatus.MISSING
SOON, UP_TO_DATE = TrainingStatus.EXPIRING_SOON, TrainingStatus.UP_TO_DATE


def done(day):
    return SimpleNamespace(completed_on=day)


@pytest.mark.parametrize(("completed", "interval", "expires"), [
    (date(2025, 3, 10), 12, date(2026, 3, 10)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),   # completed 29 February: 28 February a year on
    (date(2024, 2, 29), 48, date(2028, 2, 29)),   # and 29 February four years on
    (date(2023, 2, 28), 12, date(2024, 2, 28)),   # into a leap year, the same day
    (date(2025, 8, 31), 6, date(2026, 2, 28)),    # no 31 February
    (date(2025, 8, 31), 36, date(2028, 8, 31)),
    (date(2025, 8, 31), None, None),              # does not expire
])
def test_expiry_is_completion_plus_calendar_months(completed, interval, expires):
    assert expiry_date(completed, interval) == expires


@pytest.mark.parametrize(("today", "expected"), [
    (date(2025, 12, 9), UP_TO_DATE),     # 91 days before expiry
    (date(2025, 12, 10), SOON),          # 90 days before: the window's first day
    (date(2026, 3, 9), SOON),
    (date(2026, 3, 10), SOON),           # the day of expiry: still valid
    (date(2026, 3, 11), EXPIRED),        # the day after
    (date(2030, 1, 1), EXPIRED),
])
def test_status_at_the_window_and_expiry_edges(today, expected):
    assert training_status(done(date(2025, 3, 10)), 12, today, 90) is expected


def test_leap_day_completion_expires_at_the_end_of_february():
    record = done(date(2024, 2, 29))
    assert training_status(record, 12, date(2025, 2, 28), 90) is SOON
    assert training_status(record, 12, date(2025, 3, 1), 90) is EXPIRED
    assert training_status(record, 12, date(2024, 11, 30), 90) is SOON   # 90 days before
    assert training_status(record, 12, date(2024, 11, 29), 90) is UP_TO_DATE


def test_missing_when_there_is_no_record_or_it_is_later_than_the_day():
    assert training_status(None, 12, date(2026, 1, 1), 90) is MISSING
    assert training_status(done(date(2026, 1, 2)), 12, date(2026, 1, 1), 90) is MISSING
    assert training_status(done(date(2026, 1, 1)), 12, date(2026, 1, 1), 90) is UP_TO_DATE


def test_a_subject_that_does_not_expire_stays_up_to_date():
    assert training_status(done(date(1990, 1, 1)), None, date(2026, 1, 1), 90) is UP_TO_DATE


def test_the_window_is_the_organisations_choice():
    record = done(date(2025, 3, 10))
    assert training_status(record, 12, date(2026, 2, 7), 30) is UP_TO_DATE
    assert training_status(record, 12, date(2026, 2, 7), 31) is SOON
    assert training_status(record, 12, date(2026, 2, 8), 30) is SOON


def test_statuses_are_in_order_of_urgency_with_asc_wds_words():
    assert [status.label for status in sorted(TrainingStatus, key=lambda s: s.urgency)] == [
        "Expired", "Missing", "Expiring soon", "Up to date"]
    assert [status.compliant for status in TrainingStatus] == [False, False, True, True]


@pytest.mark.parametrize("interval", [1, 6, 12, 13, 36])
def test_the_first_completion_to_expire_on_a_day_is_exact(interval):
    for day in (date(2025, 3, 1), date(2025, 3, 29), date(2025, 3, 31), date(2024, 2, 29),
                date(2028, 3, 1), date(2026, 12, 31)):
        first = earliest_completion_expiring_on_or_after(day, interval)
        assert expiry_date(first, interval) >= day
        assert expiry_date(first - timedelta(days=1), interval) < day


@pytest.mark.parametrize("interval", [1, 12, 36, None])
@pytest.mark.parametrize("window", [30, 90])
def test_bounds_give_the_same_status_as_the_rule_every_day(interval, window):
    today = date(2026, 3, 1)
    bounds = StatusBounds.on(today, window, interval)
    for back in range(0, 1200, 1):
        completed = today - timedelta(days=back)
        assert bounds.status(completed, today) is training_status(
            done(completed), interval, today, window), completed
    assert bounds.status(None, today) is MISSING
    assert bounds.status(today + timedelta(days=1), today) is MISSING
