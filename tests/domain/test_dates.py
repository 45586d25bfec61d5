"""Month arithmetic and dates written for people (pathways.dates)."""

from datetime import date

import pytest

from pathways.dates import add_months, format_day, format_month, month_starts, months_between


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),    # no 31 February: the month's last day
    (date(2024, 1, 31), 1, date(2024, 2, 29)),    # a leap year's February
    (date(2024, 2, 29), 12, date(2025, 2, 28)),   # 29 February a year on
    (date(2024, 2, 29), 48, date(2028, 2, 29)),   # and four years on
    (date(2025, 8, 31), 8, date(2026, 4, 30)),    # no 31 April
    (date(2025, 11, 15), 2, date(2026, 1, 15)),   # over the year end
    (date(2025, 3, 31), -1, date(2025, 2, 28)),   # backwards too
    (date(2026, 1, 15), -11, date(2025, 2, 15)),
    (date(2025, 5, 20), 0, date(2025, 5, 20)),
])
def test_add_months_keeps_to_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_a_month_on_from_a_month_end_is_not_a_month_end_again():
    # Stepping month by month from 31 January does not come back to the 31st.
    assert add_months(add_months(date(2025, 1, 31), 1), 1) == date(2025, 3, 28)
    assert add_months(date(2025, 1, 31), 2) == date(2025, 3, 31)


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2025, 1, 31), date(2025, 2, 1), 1),     # days do not count, only months
    (date(2025, 1, 1), date(2025, 1, 31), 0),
    (date(2024, 2, 29), date(2025, 2, 28), 12),
    (date(2024, 9, 1), date(2026, 8, 31), 23),
    (date(2025, 12, 31), date(2026, 1, 1), 1),    # over the year end
    (date(2026, 3, 1), date(2025, 3, 31), -12),   # backwards is negative
])
def test_months_between_counts_calendar_months(start, end, expected):
    assert months_between(start, end) == expected


def test_month_starts_from_one_month_to_another():
    assert month_starts(date(2024, 1, 31), date(2024, 3, 1)) == [
        date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    assert month_starts(date(2024, 2, 29), date(2024, 2, 29)) == [date(2024, 2, 1)]
    assert month_starts(date(2024, 3, 1), date(2024, 2, 1)) == []


def test_dates_are_written_the_gov_uk_way():
    assert format_day(date(2025, 9, 1)) == "1 September 2025"
    assert format_day(date(2024, 2, 29)) == "29 February 2024"
    assert format_month(date(2025, 9, 30)) == "September 2025"
    assert format_month(date(2025, 9, 30), short=True) == "Sep 2025"
