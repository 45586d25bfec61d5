"""What happens during an apprenticeship: the off-the-job log and three-way progress reviews.

The apprentice or their manager logs hours; L&D approves or queries them. Queried entries
do not count toward the logged total until they are approved (a judgement call: hours in
doubt should not make someone look on track). A review is due at most 84 days after the
previous one (or the start), so the next review date may not be later than that.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from .. import audit, clock
from ..errors import InvalidInput, Problem
from ..models import OTJ_ACTIVITIES, Apprenticeship, OtjEntry, Person, ProgressReview

#: Entries in these states count toward the logged total.
COUNTED_STATES = ("submitted", "approved")
#: The longest gap between progress reviews, in days.
REVIEW_EVERY_DAYS = 84


def parse_hours(value, problems: list[Problem], field: str = "hours") -> Decimal | None:
    """Read hours (more than 0, at most 24, to the quarter hour or finer), or add a problem."""
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        problems.append(Problem(field, f"{value!r} is not a number of hours"))
        return None
    if not hours.is_finite() or hours <= 0 or hours > 24:
        problems.append(Problem(field, "must be more than 0 and at most 24"))
        return None
    return hours.quantize(Decimal("0.01"))


def log_hours(session: Session, apprenticeship: Apprenticeship, *, worked_on: date,
              hours, activity: str, note: str = "", actor: Person | None = None,
              today: date | None = None) -> OtjEntry:
    """Log off-the-job hours on a day.

    Raises
    ------
    InvalidInput
        When the day is before the start or in the future, the hours are not more than 0
        and at most 24, or the activity is not one of ``OTJ_ACTIVITIES``.
    """
    today = today or clock.today()
    problems: list[Problem] = []
    amount = parse_hours(hours, problems)
    if worked_on < apprenticeship.start_date:
        problems.append(Problem("worked_on", f"cannot be before the start on "
                                f"{apprenticeship.start_date.isoformat()}"))
    elif worked_on > today:
        problems.append(Problem("worked_on", "cannot be in the future"))
    if activity not in OTJ_ACTIVITIES:
        problems.append(Problem("activity", f"choose one of {', '.join(OTJ_ACTIVITIES)}"))
    if problems:
        raise InvalidInput(problems, "The hours were not logged")
    entry = OtjEntry(worked_on=worked_on, hours=amount, activity=activity,
                     note=(note or "").strip(), recorded_by_id=actor.id if actor else None)
    apprenticeship.otj_entries.append(entry)
    session.flush()
    audit.record(session, actor, "log_otj", "apprenticeship", apprenticeship.id,
                 f"{amount} h {OTJ_ACTIVITIES[activity].lower()} on {worked_on.isoformat()}",
                 concerns=apprenticeship.cohort.organisation)
    return entry


def review_entry(session: Session, entry: OtjEntry, decision: str, *, note: str = "",
                 actor: Person | None = None) -> OtjEntry:
    """Approve an off-the-job entry, or query it with a note saying what is wrong.

    Raises
    ------
    InvalidInput
        When the decision is not ``approved`` or ``queried``, or a query has no note.
    """
    note = (note or "").strip()
    if decision not in ("approved", "queried"):
        raise InvalidInput([Problem("decision", "approve or query the entry")],
                           "The entry was not reviewed")
    if decision == "queried" and not note:
        raise InvalidInput([Problem("query_note", "say what is wrong with the entry")],
                           "The entry was not queried")
    entry.state, entry.query_note = decision, note if decision == "queried" else ""
    entry.reviewed_by_id = actor.id if actor else None
    session.flush()
    audit.record(session, actor, "otj_" + decision, "otj_entry", entry.id, note,
                 concerns=entry.apprenticeship.cohort.organisation)
    return entry


def record_review(session: Session, apprenticeship: Apprenticeship, *, held_on: date,
                  next_review_on: date | None = None, notes: str = "", slippage: str = "",
                  apprentice_present: bool = True, employer_present: bool = True,
                  provider_present: bool = True, actor: Person | None = None,
                  today: date | None = None) -> ProgressReview:
    """Record a three-way progress review; the next is due at most 84 days later.

    ``next_review_on`` defaults to ``held_on`` plus 84 days.

    Raises
    ------
    InvalidInput
        When the review is in the future or before the start, the next date is not after it
        or more than 84 days later, or nobody was present.
    """
    today = today or clock.today()
    latest = held_on + timedelta(days=REVIEW_EVERY_DAYS)
    next_review_on = next_review_on or latest
    problems = []
    if held_on < apprenticeship.start_date:
        problems.append(Problem("held_on", f"cannot be before the start on "
                                f"{apprenticeship.start_date.isoformat()}"))
    elif held_on > today:
        problems.append(Problem("held_on", "cannot be in the future"))
    if not held_on < next_review_on <= latest:
        problems.append(Problem("next_review_on", f"must be after the review and no later "
                                f"than {latest.isoformat()} ({REVIEW_EVERY_DAYS} days)"))
    if not (apprentice_present or employer_present or provider_present):
        problems.append(Problem("present", "say who took part"))
    if problems:
        raise InvalidInput(problems, "The review was not saved")
    review = ProgressReview(held_on=held_on, next_review_on=next_review_on,
                            notes=(notes or "").strip(), slippage=(slippage or "").strip(),
                            apprentice_present=apprentice_present,
                            employer_present=employer_present,
                            provider_present=provider_present,
                            recorded_by_id=actor.id if actor else None)
    apprenticeship.reviews.append(review)
    session.flush()
    audit.record(session, actor, "review", "apprenticeship", apprenticeship.id,
                 f"Progress review on {held_on.isoformat()}",
                 concerns=apprenticeship.cohort.organisation)
    return review
