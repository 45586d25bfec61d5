"""Calendar dates in the service's words: whole months on and between, and dates for people.

The one place for month arithmetic: ``dateutil.relativedelta`` moves by calendar months and
keeps to the month's last day (a month after 31 January is 28 or 29 February, never
3 March). And the one way to write a date for people, as GOV.UK does: "1 September 2025",
"September 2025" (the pages' ``day`` and ``month`` filters use these).
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta


def add_months(day: date, months: int) -> date:
    """Return ``day`` plus whole calendar months (minus when negative), kept in the month.

    Examples
    --------
    >>> add_months(date(2025, 1, 31), 1)
    datetime.date(2025, 2, 28)
    >>> add_months(date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    >>> add_months(date(2025, 11, 15), 2)
    datetime.date(2026, 1, 15)
    """
    return day + relativedelta(months=months)


def months_between(start: date, end: date) -> int:
    """Return how many calendar months ``end``'s month comes after ``start``'s (days ignored).

    Negative when ``end``'s month is before ``start``'s.

    Examples
    --------
    >>> months_between(date(2025, 1, 31), date(2025, 2, 1))
    1
    >>> months_between(date(2024, 9, 1), date(2026, 8, 31))
    23
    """
    delta = relativedelta(end.replace(day=1), start.replace(day=1))
    return delta.years * 12 + delta.months


def month_starts(start: date, end: date) -> list[date]:
    """Return the first day of every month from ``start``'s month to ``end``'s, in order.

    Examples
    --------
    >>> month_starts(date(2025, 11, 30), date(2026, 1, 1))
    [datetime.date(2025, 11, 1), datetime.date(2025, 12, 1), datetime.date(2026, 1, 1)]
    """
    first = start.replace(day=1)
    return [add_months(first, n) for n in range(months_between(first, end) + 1)]


def format_day(day: date, with_time: bool = False) -> str:
    """Write a date for people, the GOV.UK way; a moment's time too when asked.

    Examples
    --------
    >>> format_day(date(2025, 9, 1))
    '1 September 2025'
    >>> from datetime import datetime
    >>> format_day(datetime(2025, 9, 1, 14, 5), with_time=True)
    '1 September 2025 14:05'
    """
    text = f"{day.day} {day:%B %Y}"
    return f"{text} {day:%H:%M}" if with_time else text


def format_month(day: date, short: bool = False) -> str:
    """Write a date's month for people: "September 2025", or "Sep 2025" where room is short.

    Examples
    --------
    >>> format_month(date(2025, 9, 1)), format_month(date(2025, 9, 1), short=True)
    ('September 2025', 'Sep 2025')
    """
    return f"{day:%b %Y}" if short else f"{day:%B %Y}"
