"""A training record's expiry and its status on a day, in ASC-WDS's words.

A record **expires** on its completion day plus the refresh interval in calendar months
(``pathways.dates.add_months``: completed on 29 February 2024 with a 12-month interval, it
expires on 28 February 2025). It is still valid on its expiry day and **expired** from the day
after. It is **expiring soon** from ``window`` days before its expiry day (that day included)
until the expiry day, and **up to date** before that or when the subject does not expire. A
required subject with no record completed by the day is **missing**.

Pages and reports work in SQL: for one day and one interval every status is a comparison of
the completion day with two dates (``StatusBounds``), so a list can filter and sort by status
without working out an expiry row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Protocol

from ..dates import add_months
from ..vocabulary import LabelledEnum


class TrainingStatus(LabelledEnum):
    """A required subject's status for one person on one day, most urgent first."""

    EXPIRED = "expired", "Expired", "red"
    MISSING = "missing", "Missing", "grey"
    EXPIRING_SOON = "expiring_soon", "Expiring soon", "yellow"
    UP_TO_DATE = "up_to_date", "Up to date", "green"

    @property
    def urgency(self) -> int:
        """0 for the most urgent (expired), 3 for up to date: the matrix's sort order."""
        return list(TrainingStatus).index(self)

    @property
    def compliant(self) -> bool:
        """Whether the subject counts as held: up to date or expiring soon."""
        return self in (TrainingStatus.UP_TO_DATE, TrainingStatus.EXPIRING_SOON)


class Completed(Protocol):
    """Anything with a completion day (a ``TrainingRecord``, or a row of a query)."""

    @property
    def completed_on(self) -> date: ...


@lru_cache(maxsize=16_384)
def expiry_date(completed_on: date, interval: int | None) -> date | None:
    """Return the last day a completion is valid: completed plus ``interval`` months.

    Remembered (a pure function of two small values: a matrix page asks it for hundreds of
    cells, most sharing a day and an interval with another).

    Parameters
    ----------
    completed_on
        The day the training was completed.
    interval
        Months between refreshers; None when the subject does not expire.

    Returns
    -------
    The expiry day, or None when it never expires.

    Examples
    --------
    >>> expiry_date(date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    >>> expiry_date(date(2025, 1, 31), 1), expiry_date(date(2025, 1, 31), None)
    (datetime.date(2025, 2, 28), None)
    """
    return None if interval is None else add_months(completed_on, interval)


def status_of_expiry(expires_on: date | None, today: date, window: int) -> TrainingStatus:
    """Return the status of a held subject from its expiry day (None: never expires).

    Examples
    --------
    >>> status_of_expiry(date(2026, 3, 31), date(2026, 3, 31), 90).value
    'expiring_soon'
    >>> status_of_expiry(date(2026, 3, 31), date(2026, 4, 1), 90).value
    'expired'
    """
    if expires_on is None:
        return TrainingStatus.UP_TO_DATE
    if today > expires_on:
        return TrainingStatus.EXPIRED
    if today >= expires_on - timedelta(days=window):
        return TrainingStatus.EXPIRING_SOON
    return TrainingStatus.UP_TO_DATE


def training_status(record: Completed | None, interval: int | None, today: date,
                    window: int) -> TrainingStatus:
    """Return the status on ``today`` of a required subject whose latest record is ``record``.

    Parameters
    ----------
    record
        The latest completion of the subject (anything with ``completed_on``), or None.
        A completion after ``today`` had not happened yet: missing.
    interval
        Months between refreshers where it is looked at (the organisation's interval, else
        the subject's standard); None when the subject does not expire.
    today
        The day the status is for.
    window
        Days before expiry from which it is "expiring soon" (90 by default).

    Returns
    -------
    TrainingStatus
        Up to date, expiring soon, expired or missing.

    Examples
    --------
    >>> from types import SimpleNamespace as Row
    >>> done = Row(completed_on=date(2025, 3, 1))
    >>> training_status(done, 12, date(2026, 3, 1), 90).label
    'Expiring soon'
    >>> training_status(done, 12, date(2026, 3, 2), 90).label
    'Expired'
    >>> training_status(None, 12, date(2026, 3, 2), 90).label
    'Missing'
    """
    if record is None or record.completed_on > today:
        return TrainingStatus.MISSING
    return status_of_expiry(expiry_date(record.completed_on, interval), today, window)


@lru_cache(maxsize=4_096)
def earliest_completion_expiring_on_or_after(day: date, interval: int) -> date:
    """Return the first completion day whose expiry is ``day`` or later.

    Remembered: every matrix, list and report of a day asks it again for each subject.

    Adding months is monotonic but not invertible at month ends (a month after 28, 29, 30
    and 31 January is the same day of February), so the answer is found by stepping from a
    guess a few days early.

    Examples
    --------
    >>> earliest_completion_expiring_on_or_after(date(2025, 2, 28), 12)
    datetime.date(2024, 2, 28)
    >>> earliest_completion_expiring_on_or_after(date(2025, 3, 1), 12)
    datetime.date(2024, 3, 1)
    >>> earliest_completion_expiring_on_or_after(date(2025, 3, 29), 1)
    datetime.date(2025, 3, 1)
    """
    candidate = add_months(day, -interval) - timedelta(days=4)
    while add_months(candidate, interval) >= day:
        candidate -= timedelta(days=1)
    while add_months(candidate, interval) < day:
        candidate += timedelta(days=1)
    return candidate


@dataclass(frozen=True)
class StatusBounds:
    """For one day, window and interval: the completion days that separate the statuses.

    A completion before ``expired_before`` is expired; before ``expiring_before`` (and not
    expired) it is expiring soon; from ``expiring_before`` on it is up to date. Both are
    None when the subject does not expire.
    """

    expired_before: date | None
    expiring_before: date | None

    @classmethod
    def on(cls, today: date, window: int, interval: int | None) -> StatusBounds:
        """Return the bounds for ``today``, a window in days and an interval in months.

        Examples
        --------
        >>> bounds = StatusBounds.on(date(2026, 3, 1), 90, 12)
        >>> bounds.expired_before, bounds.expiring_before
        (datetime.date(2025, 3, 1), datetime.date(2025, 5, 31))
        """
        if interval is None:
            return cls(None, None)
        return cls(earliest_completion_expiring_on_or_after(today, interval),
                   earliest_completion_expiring_on_or_after(
                       today + timedelta(days=window + 1), interval))

    def status(self, completed_on: date | None, today: date) -> TrainingStatus:
        """Return the status of a latest completion (None: none) on the bounds' day.

        Examples
        --------
        >>> bounds = StatusBounds.on(date(2026, 3, 1), 90, 12)
        >>> bounds.status(date(2025, 3, 1), date(2026, 3, 1)).value
        'expiring_soon'
        """
        if completed_on is None or completed_on > today:
            return TrainingStatus.MISSING
        if self.expired_before is not None and completed_on < self.expired_before:
            return TrainingStatus.EXPIRED
        if self.expiring_before is not None and completed_on < self.expiring_before:
            return TrainingStatus.EXPIRING_SOON
        return TrainingStatus.UP_TO_DATE
