"""The apprenticeship funding rules for England, as pure functions on dates and hours.

No I/O and no database: the models and pages call these. Rules depend on the start date
(see ``../shared/domain/reference/SOURCES.md``): starts from 1 August 2025 use the new rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .. import clock
from ..dates import add_months
from ..errors import InvalidInput, Problem, Refused
from ..explain import format_months
from ..vocabulary import LabelledEnum

#: The day the 2025/26 funding rules begin.
NEW_RULES_FROM = date(2025, 8, 1)
#: Off-the-job floor for funding, starts from 1 August 2025.
OTJ_FLOOR_HOURS = 187
#: Pre-August 2025 starts: share of weekly hours off the job, and the cap on counted hours.
OTJ_SHARE = 0.2
OTJ_WEEKLY_HOURS_CAP = 30
#: Statutory annual leave taken off the planned weeks, pro rata.
STATUTORY_LEAVE_WEEKS_A_YEAR = 5.6
DAYS_A_YEAR = 365
#: The most off-the-job hours one day may hold, across all of an apprenticeship's entries.
HOURS_IN_A_DAY = 24


class ApprenticeshipStatus(LabelledEnum):
    """Every status an apprenticeship can be in: its label (for a sentence) and tag colour."""

    ACTIVE = "active", "active", "blue"
    BREAK_IN_LEARNING = "break_in_learning", "break in learning", "yellow"
    GATEWAY = "gateway", "gateway", "blue"
    EPA = "epa", "end-point assessment", "blue"
    FAILED = "failed", "failed end-point assessment", "red"
    COMPLETED = "completed", "completed", "green"
    QUALIFIED = "qualified", "qualified", "green"
    WITHDRAWN = "withdrawn", "withdrawn", "grey"


#: Every status with its label (``ApprenticeshipStatus`` as a mapping, for its many callers).
STATUSES = ApprenticeshipStatus.labels()
#: The only valid moves: from a status to the statuses it may move to.
MOVES = {
    "active": ("break_in_learning", "gateway", "withdrawn"),
    "break_in_learning": ("active", "withdrawn"),
    "gateway": ("epa",),
    "epa": ("completed", "failed"),
    "failed": ("epa",),
    "completed": ("qualified",),
    "qualified": (),
    "withdrawn": (),
}
#: Statuses reached at or after gateway: no break in learning from these.
AFTER_GATEWAY = frozenset({"gateway", "epa", "failed", "completed", "qualified"})
#: Statuses with nothing left to track: shown grey.
FINISHED = frozenset({"completed", "qualified", "withdrawn"})


class StatusMoveRefused(Refused):
    """A status move is not allowed; says from what, to what and why."""

    def __init__(self, current: str, new: str, reason: str):
        self.current, self.new, self.reason = current, new, reason
        super().__init__(f"Cannot move from {_label(current)} to {_label(new)}: {reason}")


@dataclass(frozen=True)
class OtjRequirement:
    """Required off-the-job hours and the working that led to them."""

    hours: int
    working: tuple[str, ...]


@dataclass(frozen=True)
class ProgressStatus:
    """Where an apprenticeship stands on one date."""

    as_of: date
    status: str
    elapsed_days: int
    planned_days: int
    otj_required: float
    otj_logged: float
    expected_otj_to_date: float
    otj_behind: bool
    days_since_review: int
    review_overdue: bool
    past_end: bool
    rag: str


def _label(status: str) -> str:
    return STATUSES.get(status, repr(status))


def funding_rule_year(start: date) -> str:
    """Return the funding-rule year (August to July) of a start date.

    Parameters
    ----------
    start : date
        The apprenticeship's start date.

    Returns
    -------
    str
        For example ``"2025/26"`` for any start from 1 August 2025 to 31 July 2026.
    """
    first = start.year if start.month >= 8 else start.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def minimum_duration_months(start: date) -> int:
    """Return the minimum duration in months: 12 before 1 August 2025, 8 from then.

    Parameters
    ----------
    start : date
        The apprenticeship's start date.

    Returns
    -------
    int
        Months from the start before gateway (and so end-point assessment) may come.
    """
    return 12 if start < NEW_RULES_FROM else 8


def check_move(current: str, new: str, *, start: date, today: date,
               gateway_allowed_from: date | None = None) -> None:
    """Refuse a status move the funding rules do not allow; return None when it is allowed.

    Parameters
    ----------
    current, new : str
        Statuses from ``STATUSES``.
    start : date
        The apprenticeship's start date.
    today : date
        The date of the move.
    gateway_allowed_from : date, optional
        The first day gateway may come; defaults to ``start`` plus the minimum duration
        (calendar months, clamped to the month's end: 31 Aug + 8 months is 30 April).

    Raises
    ------
    StatusMoveRefused
        With both statuses and the reason.
    """
    for status in (current, new):
        if status not in STATUSES:
            raise StatusMoveRefused(current, new, f"{status!r} is not a status; use one of "
                                    f"{', '.join(STATUSES)}.")
    if current == new:
        raise StatusMoveRefused(current, new, f"the apprenticeship is already {_label(new)}.")
    if new == "break_in_learning" and current in AFTER_GATEWAY:
        raise StatusMoveRefused(current, new, "a break in learning cannot be recorded once "
                                "gateway is reached.")
    if new not in MOVES[current]:
        allowed = ", ".join(_label(s) for s in MOVES[current]) or "nothing (it is final)"
        raise StatusMoveRefused(current, new, f"from {_label(current)} the only moves are "
                                f"to {allowed}.")
    if new == "gateway":
        allowed_from = gateway_allowed_from or add_months(start, minimum_duration_months(start))
        if today < allowed_from:
            raise StatusMoveRefused(
                current, new, f"gateway cannot come before the minimum duration of "
                f"{format_months(minimum_duration_months(start))} from the start on "
                f"{start.isoformat()}; the earliest is {allowed_from.isoformat()}.")


def gateway_hours_problem(approved: float, required: float) -> str | None:
    """Say why gateway must wait for the off-the-job hours; None when they are met.

    The funding rules require the planned off-the-job hours to be completed before gateway;
    only hours L&D approved count (hours waiting or queried do not).

    >>> print(gateway_hours_problem(159.5, 187))
    only 159.5 of the 187 required off-the-job hours are approved (27.5 short): gateway needs them all
    >>> gateway_hours_problem(187, 187) is None
    True
    """  # noqa: E501
    if approved + 1e-9 >= required:
        return None
    return (f"only {approved:g} of the {required:g} required off-the-job hours are approved "
            f"({required - approved:g} short): gateway needs them all")


def required_otj_hours(start: date, planned_end: date, weekly_hours: float,
                       programme_minimum_hours: float | None = None) -> OtjRequirement:
    """Work out the off-the-job hours an apprenticeship needs, showing the working.

    Starts from 1 August 2025: the programme's published minimum, never below 187 (187
    when none is published). Earlier starts: 20% of min(weekly hours, 30) for each week of
    the planned duration, less 5.6 weeks' statutory leave a year pro rata (days / 365);
    rounded to the nearest whole hour, halves up.

    Parameters
    ----------
    start, planned_end : date
        The planned duration; the end must be after the start.
    weekly_hours : float
        Contracted hours a week (above 0).
    programme_minimum_hours : float, optional
        The standard's published off-the-job minimum.

    Returns
    -------
    OtjRequirement
        The hours and the lines of working.

    Raises
    ------
    InvalidInput
        When the end is not after the start or the weekly hours are not positive.
    """
    problems = []
    if planned_end <= start:
        problems.append(Problem("planned_end_date", "must be after the start date"))
    if weekly_hours <= 0:
        problems.append(Problem("weekly_hours", "must be more than 0"))
    if problems:
        raise InvalidInput(problems, "Cannot work out off-the-job hours")
    if start >= NEW_RULES_FROM:
        if programme_minimum_hours is None:
            return OtjRequirement(OTJ_FLOOR_HOURS, (
                f"Start on {start.isoformat()} is from 1 August 2025: the standard's "
                "published minimum applies.",
                f"No minimum is published, so the {OTJ_FLOOR_HOURS}-hour floor applies.",
            ))
        hours = max(_round_hours(programme_minimum_hours), OTJ_FLOOR_HOURS)
        floor = (f"Below the {OTJ_FLOOR_HOURS}-hour floor, so {OTJ_FLOOR_HOURS} hours."
                 if programme_minimum_hours < OTJ_FLOOR_HOURS
                 else f"At least the {OTJ_FLOOR_HOURS}-hour floor, so {hours} hours.")
        return OtjRequirement(hours, (
            f"Start on {start.isoformat()} is from 1 August 2025: the standard's "
            "published minimum applies.",
            f"Published minimum: {programme_minimum_hours:g} hours.",
            floor,
        ))
    days = (planned_end - start).days
    counted = min(weekly_hours, OTJ_WEEKLY_HOURS_CAP)
    weeks = days / 7
    leave = STATUTORY_LEAVE_WEEKS_A_YEAR * days / DAYS_A_YEAR
    exact = OTJ_SHARE * counted * (weeks - leave)
    hours = _round_hours(exact)
    capped = (f" (capped at {OTJ_WEEKLY_HOURS_CAP})" if weekly_hours > OTJ_WEEKLY_HOURS_CAP
              else "")
    return OtjRequirement(hours, (
        f"Start on {start.isoformat()} is before 1 August 2025: 20% of weekly hours.",
        f"Weekly hours counted: {counted:g}{capped}; 20% is {OTJ_SHARE * counted:.2f} a week.",
        f"Planned duration: {days} days = {weeks:.2f} weeks.",
        f"Statutory leave: {STATUTORY_LEAVE_WEEKS_A_YEAR} x {days}/{DAYS_A_YEAR} = "
        f"{leave:.2f} weeks, leaving {weeks - leave:.2f} weeks.",
        f"{OTJ_SHARE * counted:.2f} x {weeks - leave:.2f} = {exact:.2f}, "
        f"rounded to {hours} hours.",
    ))


def _round_hours(hours: float) -> int:
    """Round hours to the nearest whole hour, halves up (after trimming float noise)."""
    return int(round(hours, 6) + 0.5)


def status_as_of(status: str, start: date, planned_end: date, otj_required: float,
                 otj_logged: float, last_review: date | None = None, *,
                 as_of: date | None = None, behind_share: float = 0.9,
                 behind_after_days: int = 28, review_every_days: int = 84) -> ProgressStatus:
    """Say whether an apprenticeship is on track on a date, with its RAG.

    Parameters
    ----------
    status : str
        The current status (from ``STATUSES``).
    start, planned_end : date
        The planned duration.
    otj_required, otj_logged : float
        Required off-the-job hours and hours logged by ``as_of``.
    last_review : date, optional
        The last progress review; the start counts when there is none.
    as_of : date, optional
        Defaults to today.
    behind_share, behind_after_days, review_every_days : optional
        Thresholds: OTJ is behind when logged < ``behind_share`` of expected once
        ``behind_after_days`` have elapsed; a review is overdue after more than
        ``review_every_days`` days (active apprenticeships only).

    Returns
    -------
    ProgressStatus
        RAG grey when withdrawn, completed or qualified, or not started yet (``as_of``
        before ``start``: nothing to track); red when past end, or OTJ behind and review
        overdue together; amber when exactly one of those; green otherwise.
    """
    as_of = as_of or clock.today()
    elapsed = max(0, (as_of - start).days)
    planned = max(1, (planned_end - start).days)
    expected = otj_required * min(1.0, elapsed / planned)
    # 1e-9 keeps "exactly 90%" on track despite float noise in the multiplication.
    behind = elapsed >= behind_after_days and otj_logged < behind_share * expected - 1e-9
    since_review = (as_of - (last_review or start)).days
    overdue = status == "active" and since_review > review_every_days
    past_end = as_of > planned_end and status not in FINISHED
    if status in FINISHED or as_of < start:
        rag = "grey"
    elif past_end or (behind and overdue):
        rag = "red"
    elif behind or overdue:
        rag = "amber"
    else:
        rag = "green"
    return ProgressStatus(as_of, status, elapsed, planned, otj_required, otj_logged,
                          round(expected, 2), behind, since_review, overdue, past_end, rag)


def week_of(day: date) -> date:
    """Return the Monday that starts ``day``'s ISO week (Monday to Sunday).

    >>> week_of(date(2026, 2, 8))
    datetime.date(2026, 2, 2)
    """
    return day - timedelta(days=day.weekday())


def otj_limit_problems(worked_on: date, hours: Decimal, weekly_hours: Decimal, *,
                       day_logged: Decimal, week_logged: Decimal,
                       where: str = "hours") -> list[Problem]:
    """Say how an entry of ``hours`` on ``worked_on`` would break the off-the-job limits.

    A day holds at most ``HOURS_IN_A_DAY`` (24) hours across all its entries; an ISO week
    (Monday to Sunday) at most the apprenticeship's contracted ``weekly_hours``, since
    off-the-job training happens in paid working hours. ``day_logged`` and ``week_logged``
    are the hours already logged that day and that week (other entries); the entry may
    take either exactly to its limit.

    Returns
    -------
    list of Problem
        Empty when the entry fits; otherwise naming the day or the week.

    Examples
    --------
    >>> monday = date(2026, 2, 2)
    >>> otj_limit_problems(monday, Decimal(4), Decimal(37.5), day_logged=Decimal(20),
    ...                    week_logged=Decimal(20))
    []
    >>> for problem in otj_limit_problems(monday, Decimal(5), Decimal(30),
    ...                                   day_logged=Decimal(20), week_logged=Decimal(26)):
    ...     print(problem.message)
    Monday 2 February 2026 already has 20 hours logged: with these 5 it would be 25, more than the 24 hours in a day
    the week of Monday 2 February 2026 already has 26 hours logged: with these 5 it would be 31, more than the 30 contracted hours a week
    """  # noqa: E501
    problems = []
    day_total, week_total = day_logged + hours, week_logged + hours
    if day_total > HOURS_IN_A_DAY:
        problems.append(Problem(where, f"{_day(worked_on)} already has {_hours(day_logged)} "
                                f"hours logged: with these {_hours(hours)} it would be "
                                f"{_hours(day_total)}, more than the {HOURS_IN_A_DAY} hours "
                                "in a day"))
    if week_total > weekly_hours:
        problems.append(Problem(where, f"the week of {_day(week_of(worked_on))} already has "
                                f"{_hours(week_logged)} hours logged: with these "
                                f"{_hours(hours)} it would be {_hours(week_total)}, more than "
                                f"the {_hours(weekly_hours)} contracted hours a week"))
    return problems


def otj_hours_that_fit(start: date, last: date, weekly_hours: Decimal) -> Decimal:
    """Return the most off-the-job hours the days from ``start`` to ``last`` can hold.

    Each ISO week holds the weekly hours, or 24 hours for each of its days in the range
    when that is less (a first or last week cut short).

    >>> otj_hours_that_fit(date(2026, 2, 8), date(2026, 2, 10), Decimal("37.5"))  # Sun-Tue
    Decimal('61.5')
    """
    total, monday = Decimal(0), week_of(start)
    while monday <= last:
        days = (min(last, monday + timedelta(days=6)) - max(start, monday)).days + 1
        total += min(weekly_hours, Decimal(HOURS_IN_A_DAY * days))
        monday += timedelta(days=7)
    return total


def spread_otj_hours(hours: Decimal, start: date, last: date, weekly_hours: Decimal
                     ) -> list[tuple[date, Decimal]]:
    """Split hours into entries that keep to the limits, on the latest days first.

    From ``last`` back towards ``start``, each day takes up to 24 hours and what is left of
    its week's ``weekly_hours``, until the hours are placed. Returns the entries oldest
    first.

    Raises
    ------
    ValueError
        When the hours do not fit (more than ``otj_hours_that_fit``).

    Examples
    --------
    >>> for day, amount in spread_otj_hours(Decimal(50), date(2025, 9, 1),
    ...                                     date(2026, 1, 7), Decimal("37.5")):
    ...     print(day, amount)
    2026-01-04 12.5
    2026-01-06 13.5
    2026-01-07 24
    """
    entries: list[tuple[date, Decimal]] = []
    used: dict[date, Decimal] = {}
    left, day = hours, last
    while left > 0 and day >= start:
        week = week_of(day)
        amount = min(Decimal(HOURS_IN_A_DAY), weekly_hours - used.get(week, Decimal(0)), left)
        if amount > 0:
            entries.append((day, amount))
            used[week] = used.get(week, Decimal(0)) + amount
            left -= amount
        day -= timedelta(days=1)
    if left > 0:
        raise ValueError(f"{hours} hours do not fit from {start.isoformat()} to "
                         f"{last.isoformat()} at {weekly_hours} hours a week")
    return entries[::-1]


def _day(day: date) -> str:
    """A day in words, e.g. "Monday 2 February 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _hours(hours: Decimal) -> str:
    """Hours without trailing zeros, e.g. 20 or 7.5."""
    return f"{Decimal(hours).normalize():f}"
