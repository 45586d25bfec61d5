"""What happens during an apprenticeship: the off-the-job log and three-way progress reviews.

The apprentice or their manager logs hours; L&D approves or queries them. Only approved
hours count toward the logged total (RAG, "on track", the charts); submitted hours are
shown beside it as pending, and queried ones count nowhere until approved (a judgement
call: hours in doubt, or not yet looked at, should not make someone look on track).

**Limits** (``rules.otj_limit_problems``): one day holds at most 24 hours across all the
apprenticeship's entries, and one ISO week (Monday to Sunday) at most the apprenticeship's
contracted weekly hours, since off-the-job training happens in paid working hours. Both
count submitted and approved entries, not queried ones: those are in doubt, and the
corrected hours must still be loggable; approving a queried entry checks the limits
again. An entry that would take its day or week over is refused, naming the day or the
week and the hours it already holds; an entry may take either exactly to its limit. The
apprenticeship is locked while the hours are counted (``db.lock_for_update``), so entries
logged at the same moment cannot pass the check together; once locked (or, for an entry,
made) in a transaction, a row is not locked again in it (``lock_once``). The import spreads
the hours it brings under the same limits (``rules.spread_otj_hours``).

A review is due at most 84 days after the previous one (or the start), so the next review
date may not be later than that.
"""

from __future__ import annotations

import weakref
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session, scoped_session

from .. import audit, clock
from ..db import lock_for_update
from ..errors import InvalidInput, Problem
from ..models import OTJ_ACTIVITIES, Apprenticeship, OtjEntry, Person, ProgressReview
from ..notifications import approvers_of, notify_each
from .rules import otj_limit_problems, week_of

#: Entries in these states count toward the logged total (progress, RAG, charts).
COUNTED_STATES = ("approved",)
#: Entries in these states are shown beside the logged total as pending approval.
PENDING_STATES = ("submitted",)
#: Entries in these states count toward the day and week limits.
LIMITED_STATES = ("submitted", "approved")
#: The longest gap between progress reviews, in days.
REVIEW_EVERY_DAYS = 84
#: Where a session keeps the rows this module locked or made in its transaction.
HELD = "apprenticeships.records.held"


def parse_hours(value, problems: list[Problem], field: str = "hours") -> Decimal | None:
    """Read hours (more than 0, at most 24, to the quarter hour or finer), or add a problem."""
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        problems.append(Problem(field, f"{value!r} is not a number of hours"))
        return None
    if not hours.is_finite() or hours <= 0 or hours > 24 \
            or (hours := hours.quantize(Decimal("0.01"))) <= 0:  # 0.001 rounds to nothing
        problems.append(Problem(field, "must be more than 0 and at most 24"))
        return None
    return hours


def log_hours(session: Session, apprenticeship: Apprenticeship, *, worked_on: date,
              hours, activity: str, note: str = "", actor: Person | None = None,
              today: date | None = None, approvers: list[Person] | None = None) -> OtjEntry:
    """Log off-the-job hours on a day; the cohort's approvers are told (``approvers_of``).

    ``approvers`` is who approves for the cohort's organisation, when the caller already
    knows it: one look-up for many entries logged together (the demo's), not one each.

    Raises
    ------
    InvalidInput
        When the day is before the start or in the future, the hours are not more than 0
        and at most 24, the activity is not one of ``OTJ_ACTIVITIES``, or the entry would
        take the day over 24 hours or the week over the contracted weekly hours (see the
        module's docstring).
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
    if not problems and amount is not None:
        problems = limit_problems(session, apprenticeship, worked_on, amount)
    if problems:
        raise InvalidInput(problems, "The hours were not logged")
    # Linked from the entry's side, not appended to ``apprenticeship.otj_entries``: that
    # would load every entry of the apprenticeship (the lock above reloads it) to add one;
    # the backref adds it to the list only if the list is loaded.
    entry = OtjEntry(apprenticeship=apprenticeship, worked_on=worked_on, hours=amount,
                     activity=activity, note=(note or "").strip(),
                     recorded_by_id=actor.id if actor else None)
    session.add(entry)
    session.flush()
    held_rows(session).add((OtjEntry, entry.id))  # nobody else sees it until we commit
    audit.record(session, actor, "log_otj", "apprenticeship", apprenticeship.id,
                 f"{amount} h {OTJ_ACTIVITIES[activity].lower()} on {worked_on.isoformat()}",
                 concerns=apprenticeship.cohort.organisation)
    if approvers is None:
        approvers = approvers_of(session, apprenticeship.cohort.organisation)
    notify_each(session, approvers, "otj_waiting", apprenticeship,
                link=f"/apprenticeships/{apprenticeship.id}",
                leave_out=actor, once_unread=True,  # one until read, however many entries
                text=f"{apprenticeship.person.name} logged off-the-job hours for you to "
                     "approve")
    return entry


def review_entry(session: Session, entry: OtjEntry, decision: str, *, note: str = "",
                 actor: Person | None = None) -> OtjEntry:
    """Approve an off-the-job entry, or query it with a note saying what is wrong.

    Raises
    ------
    InvalidInput
        When the decision is not ``approved`` or ``queried``, a query has no note, or
        approving a queried entry would take its day or week over the limits.
    """
    note = (note or "").strip()
    if decision not in ("approved", "queried"):
        raise InvalidInput([Problem("decision", "approve or query the entry")],
                           "The entry was not reviewed")
    if decision == "queried" and not note:
        raise InvalidInput([Problem("query_note", "say what is wrong with the entry")],
                           "The entry was not queried")
    lock_once(session, entry.apprenticeship)
    lock_once(session, entry)  # decided at the same moment: the second sees the first
    if decision == "approved" and entry.state not in LIMITED_STATES:
        problems = limit_problems(session, entry.apprenticeship, entry.worked_on, entry.hours,
                                  where="decision")
        if problems:
            raise InvalidInput(problems, "The entry was not approved")
    entry.state, entry.query_note = decision, note if decision == "queried" else ""
    entry.reviewed_by_id = actor.id if actor else None
    session.flush()
    audit.record(session, actor, "otj_" + decision, "otj_entry", entry.id, note,
                 concerns=entry.apprenticeship.cohort.organisation)
    return entry


def limit_problems(session: Session, apprenticeship: Apprenticeship, worked_on: date,
                   hours: Decimal, *, where: str = "hours") -> list[Problem]:
    """Lock the apprenticeship, then say how ``hours`` more on ``worked_on`` break the limits.

    Counts the apprenticeship's submitted and approved entries that day and that ISO week
    (see the module's docstring); the lock is held until the caller's transaction ends.
    """
    lock_once(session, apprenticeship)
    monday = week_of(worked_on)
    logged = OtjEntry.state.in_(LIMITED_STATES)
    day_logged, week_logged = session.execute(
        select(func.sum(OtjEntry.hours).filter(OtjEntry.worked_on == worked_on),
               func.sum(OtjEntry.hours))
        .where(OtjEntry.apprenticeship_id == apprenticeship.id, logged,
               OtjEntry.worked_on >= monday,
               OtjEntry.worked_on <= monday + timedelta(days=6))).one()
    return otj_limit_problems(worked_on, hours, apprenticeship.weekly_hours,
                              day_logged=Decimal(day_logged or 0),
                              week_logged=Decimal(week_logged or 0), where=where)


def lock_once(session: Session, row: Apprenticeship | OtjEntry) -> None:
    """``lock_for_update``, unless this transaction has locked or made ``row`` already.

    The lock is held until the transaction ends, and a row made in it is seen by nobody else
    until then: nobody can have changed the row since, so locking it again would only read
    it again (hundreds of times when many entries are logged and approved together, as the
    demo does). Pending changes are flushed either way. Conservative: a savepoint (or a new
    transaction) starts afresh.
    """
    session.flush()
    held = held_rows(session)
    if (type(row), row.id) in held:
        return
    lock_for_update(session, row)
    held_rows(session).add((type(row), row.id))


def held_rows(session: Session) -> set:
    """The rows (class, id) locked or made in the session's innermost transaction."""
    if isinstance(session, scoped_session):  # the web app's; it proxies neither method below
        session = session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    mark, held = session.info.get(HELD, (None, set()))
    if transaction is None:
        return set()
    if mark is None or mark() is not transaction:
        held = set()
        session.info[HELD] = (weakref.ref(transaction), held)
    return held


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
