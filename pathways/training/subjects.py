"""The catalogue of training subjects, and an organisation's own intervals and window.

The shared standard (subjects without a partnership) is seeded from
``seed/training/subjects.csv``; a partnership may add subjects of its own. An organisation
may set its own refresh interval for a subject: shorter than the standard is its choice;
longer, or never expiring where the standard expires, is refused unless a reason is given,
and the reason is kept with the interval and in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import Refused
from ..models import (
    DEFAULT_EXPIRING_WINDOW_DAYS,
    Organisation,
    Person,
    TrainingInterval,
    TrainingSettings,
    TrainingSubject,
)

#: The longest refresh interval an organisation may set (10 years), in months.
LONGEST_INTERVAL_MONTHS = 120
#: The longest "expiring soon" window, in days.
LONGEST_WINDOW_DAYS = 365


class IntervalRefused(Refused):
    """An organisation's interval or window cannot be set that way; nothing was written."""


def add_missing_subjects(session: Session, subjects: Iterable[TrainingSubject]) -> int:
    """Add the subjects whose id is not stored yet; return how many were added.

    Stored subjects are left as they are (a partnership may have edited them). Flushes.

    Examples
    --------
    >>> add_missing_subjects(session, [TrainingSubject(id="fire-safety", title="Fire safety",
    ...                                                refresh_months=12)])
    1
    >>> add_missing_subjects(session, [TrainingSubject(id="fire-safety", title="Fire")])
    0
    """
    stored = set(session.scalars(select(TrainingSubject.id)))
    added = [subject for subject in subjects if subject.id not in stored]
    session.add_all(added)
    session.flush()
    return len(added)


def catalogue_filter(organisation: Organisation):
    """Return the SQL condition for the subjects an organisation uses."""
    return or_(TrainingSubject.partnership_id.is_(None),
               TrainingSubject.partnership_id == organisation.partnership_id)


def subjects_for(session: Session, organisation: Organisation) -> list[TrainingSubject]:
    """Return the subjects an organisation uses (the standard and its partnership's), by title."""
    return list(session.scalars(select(TrainingSubject).where(catalogue_filter(organisation))
                                .order_by(TrainingSubject.title)))


def find_subject(session: Session, organisation: Organisation, text: str
                 ) -> TrainingSubject | None:
    """Return the organisation's subject whose id or title (any case) is ``text``, or None."""
    wanted = " ".join(text.split()).casefold()
    return next((subject for subject in subjects_for(session, organisation)
                 if wanted in (subject.id, subject.title.casefold())), None)


def intervals_for(session: Session, organisation_id: int,
                  subjects: Iterable[TrainingSubject]) -> dict[str, int | None]:
    """Return each subject's refresh interval at an organisation: its own, else the standard."""
    own = own_intervals(session, organisation_id)
    return {subject.id: own[subject.id].refresh_months if subject.id in own
            else subject.refresh_months for subject in subjects}


def own_intervals(session: Session, organisation_id: int) -> dict[str, TrainingInterval]:
    """Return the organisation's own intervals by subject id."""
    return {interval.subject_id: interval for interval in session.scalars(
        select(TrainingInterval).where(TrainingInterval.organisation_id == organisation_id))}


def expiring_window(session: Session, organisation_id: int) -> int:
    """Return the organisation's "expiring soon" window in days (90 when it set none)."""
    days = session.scalar(select(TrainingSettings.expiring_window_days).where(
        TrainingSettings.organisation_id == organisation_id))
    return DEFAULT_EXPIRING_WINDOW_DAYS if days is None else days


def lengthens(standard: int | None, months: int | None) -> bool:
    """Whether ``months`` is longer than the standard interval (None: never expires).

    Examples
    --------
    >>> lengthens(12, 6), lengthens(12, 24), lengthens(12, None), lengthens(None, 36)
    (False, True, True, False)
    """
    if standard is None:
        return False
    return months is None or months > standard


def set_interval(session: Session, actor: Person | None, organisation: Organisation,
                 subject: TrainingSubject, months: int | None, reason: str = ""
                 ) -> TrainingInterval | None:
    """Set an organisation's own refresh interval for a subject (the standard's: remove it).

    Parameters
    ----------
    actor
        Who sets it (None for the command line).
    organisation, subject
        Where, and for which subject of the organisation's catalogue.
    months
        Months between refreshers here, 1 to 120; None when it does not expire here.
    reason
        Why, required when the interval is longer than the standard (or never expires where
        the standard does).

    Returns
    -------
    The organisation's interval, or None when ``months`` is the standard (any own interval
    is removed).

    Raises
    ------
    IntervalRefused
        A length out of range, or a longer interval without a reason.
    """
    reason = reason.strip()
    if months is not None and not 1 <= months <= LONGEST_INTERVAL_MONTHS:
        raise IntervalRefused(
            f"Enter a refresh interval from 1 to {LONGEST_INTERVAL_MONTHS} months")
    if lengthens(subject.refresh_months, months) and not reason:
        raise IntervalRefused(
            f"The partnership's standard for {subject.title} is {subject.refresh_months} months: "
            "give the reason for a longer interval")
    stored = session.get(TrainingInterval, (organisation.id, subject.id))
    if months == subject.refresh_months:
        if stored is not None:
            session.delete(stored)
        interval = None
    else:
        interval = stored or TrainingInterval(organisation_id=organisation.id,
                                              subject_id=subject.id)
        interval.refresh_months = months
        interval.reason = reason
        interval.set_by_id = actor.id if actor is not None else None
        session.add(interval)
    audit.record(session, actor, "training_interval", "training_subject", subject.id,
                 f"{subject.title}: {_months(months)} at {organisation.name}",
                 {"refresh_months": months, "standard": subject.refresh_months,
                  "reason": reason}, concerns=organisation)
    session.flush()
    return interval


def set_expiring_window(session: Session, organisation: Organisation, days: int) -> None:
    """Set how many days before expiry a record counts as expiring soon (1 to 365).

    Raises
    ------
    IntervalRefused
        A window out of range.
    """
    if not 1 <= days <= LONGEST_WINDOW_DAYS:
        raise IntervalRefused(f"Enter a window from 1 to {LONGEST_WINDOW_DAYS} days")
    settings = session.get(TrainingSettings, organisation.id) or TrainingSettings(
        organisation_id=organisation.id)
    settings.expiring_window_days = days
    session.add(settings)
    session.flush()


def _months(months: int | None) -> str:
    """Write an interval for people."""
    if months is None:
        return "does not expire"
    return "every month" if months == 1 else f"every {months} months"
