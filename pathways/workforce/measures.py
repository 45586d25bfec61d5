"""The workforce measures, as Skills for Care defines them: pure functions of counts.

- **Turnover rate**: leavers in the 12 months / the average number of filled posts over
  those months (filled at the start and at the end, averaged). A leaver is someone who left
  the employer, whether or not they stayed in social care.
- **Vacancy rate**: vacant posts / all posts (filled + vacant).
- **Starters rate**: starters in the 12 months / the average filled posts.

Each answers None when there is nothing to divide by, never a division by zero.
"""

from __future__ import annotations


def average_filled(filled_at_start: float, filled_at_end: float) -> float:
    """Return the average filled posts over a period: the mean of its two ends.

    Examples
    --------
    >>> average_filled(90, 110)
    100.0
    """
    return (filled_at_start + filled_at_end) / 2


def turnover_rate(leavers: float, filled_at_start: float, filled_at_end: float
                  ) -> float | None:
    """Return the turnover rate: leavers over 12 months / the average filled posts.

    Parameters
    ----------
    leavers : number
        People who left the employer in the 12 months.
    filled_at_start, filled_at_end : number
        Filled posts (people in post) on the first day and after the last day.

    Returns
    -------
    float or None
        A fraction (0.25 is 25%); None with no filled posts.

    Examples
    --------
    >>> turnover_rate(25, 90, 110)
    0.25
    >>> turnover_rate(3, 0, 0) is None
    True
    """
    average = average_filled(filled_at_start, filled_at_end)
    return leavers / average if average > 0 else None


def vacancy_rate(vacancies: float, filled: float) -> float | None:
    """Return the vacancy rate: vacant posts / (filled + vacant posts).

    Examples
    --------
    >>> vacancy_rate(7, 93)
    0.07
    >>> vacancy_rate(0, 0) is None
    True
    """
    total = filled + vacancies
    return vacancies / total if total > 0 else None


def starters_rate(starters: float, filled_at_start: float, filled_at_end: float
                  ) -> float | None:
    """Return the starters rate: starters over 12 months / the average filled posts.

    Examples
    --------
    >>> starters_rate(30, 90, 110)
    0.3
    """
    average = average_filled(filled_at_start, filled_at_end)
    return starters / average if average > 0 else None


def percent(rate: float | None, places: int = 1) -> str:
    """Return a rate as a percentage for people to read ("25.0%"), or "not known".

    Examples
    --------
    >>> percent(0.2314), percent(None)
    ('23.1%', 'not known')
    """
    return "not known" if rate is None else f"{rate * 100:.{places}f}%"
