"""Training about to expire: ``pathways training-reminders``, safe to run twice or on two servers.

Each organisation's list of who expires in the next 90 days (``compliance.expiring_within``,
each organisation at its own intervals) tells the person and their team's managers, once per
record and window: when a required subject's latest record expires within 90, then 60, then
30 days, one reminder each (the smallest window it is in; a first run on a record 20 days
from expiry sends the 30-day one only). A new completion is a new record, so its own
reminders come when it nears expiry in turn.

Sent once as ``pathways send-reminders`` sends once: before notifying, the run inserts the
reminder's key (``training_expiring_<window>``, the record, the recipient, the expiry day)
into ``sent_reminders`` (unique, ``ON CONFLICT DO NOTHING``), and only the run whose insert
made the row notifies.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from .. import clock
from ..dates import format_day
from ..models import Organisation, Person, PersonRole, TrainingRecord
from ..notifications import notify
from ..notifications.reminders import claim_reminder
from .compliance import expiring_within

#: The windows, in days before expiry, a reminder goes at (each once).
WINDOWS = (30, 60, 90)


def window_of(today: date, expires_on: date) -> int | None:
    """Return the smallest window (30, 60 or 90 days) ``expires_on`` falls within, or None.

    Examples
    --------
    >>> [window_of(date(2026, 1, 1), date(2026, 1, d)) for d in (1, 31)]
    [30, 30]
    >>> window_of(date(2026, 1, 1), date(2026, 2, 1)), window_of(date(2026, 1, 1), date(2026, 5, 1))
    (60, None)
    """
    days = (expires_on - today).days
    return next((window for window in WINDOWS if 0 <= days <= window), None)


def _managers_by_team(session: Session, organisation: Organisation) -> dict[int, list[Person]]:
    """The active managers of each team of ``organisation``, in one query."""
    found: dict[int, list[Person]] = defaultdict(list)
    for manager in session.scalars(
            select(Person).join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == "manager", Person.organisation_id == organisation.id,
                   Person.team_id.is_not(None), Person.active.is_(True))
            .order_by(Person.id)):
        if manager.team_id is not None:
            found[manager.team_id].append(manager)
    return found


def send_training_reminders(session: Session, today: date | None = None) -> Counter[str]:
    """Tell people (and their managers) of required training expiring within 90, 60 and 30
    days, each once per record and window; return counts by window.

    Examples
    --------
    >>> send_training_reminders(session, date(2026, 1, 1))
    Counter()
    """
    today = today or clock.today()
    sent: Counter[str] = Counter()
    for organisation in session.scalars(select(Organisation).order_by(Organisation.id)):
        expiring = expiring_within(session, organisation,
                                   Person.organisation_id == organisation.id, today,
                                   max(WINDOWS))
        if not expiring:
            continue
        keys = {(row.person_id, row.subject.id, row.completed_on) for row in expiring}
        records = dict(((person_id, subject_id, completed_on), record_id)
                       for person_id, subject_id, completed_on, record_id in session.execute(
                           select(TrainingRecord.person_id, TrainingRecord.subject_id,
                                  TrainingRecord.completed_on, func.max(TrainingRecord.id))
                           .where(tuple_(TrainingRecord.person_id, TrainingRecord.subject_id,
                                         TrainingRecord.completed_on).in_(list(keys)))
                           .group_by(TrainingRecord.person_id, TrainingRecord.subject_id,
                                     TrainingRecord.completed_on)))
        people = {person.id: person for person in session.scalars(
            select(Person).where(Person.id.in_({row.person_id for row in expiring})))}
        managers = _managers_by_team(session, organisation)
        for row in expiring:
            window = window_of(today, row.expires_on)
            record_id = records.get((row.person_id, row.subject.id, row.completed_on))
            person = people.get(row.person_id)
            if window is None or record_id is None or person is None:
                continue
            when = format_day(row.expires_on)
            told = [(person, f"Your {row.subject.title} training expires on {when}",
                     "/training/mine")]
            told += [(manager, f"{person.name}'s {row.subject.title} training expires on "
                               f"{when}", f"/training?within={window}")
                     for manager in managers.get(person.team_id or 0, [])
                     if manager.id != person.id]
            for recipient, text, link in told:
                if claim_reminder(session, f"training_expiring_{window}", record_id,
                                  recipient.id, row.expires_on) and notify(
                        session, recipient, "training_expiring", person, text=text,
                        link=link) is not None:
                    sent[f"{window} days"] += 1
    return sent
