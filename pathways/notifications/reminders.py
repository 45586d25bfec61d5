"""The scheduled reminders: ``pathways send-reminders``, safe to run twice or on two servers.

Each reminder is for something with a due date that someone must act on before it passes:

- a champion request about to expire unanswered (``EXPIRY_NOTICE_DAYS`` before its
  ``respond_by``), to the champion;
- an apprentice's progress review due (``DUE_NOTICE_DAYS`` ahead: the latest review's next
  date, or 84 days after the start), to the L&D who record reviews for the cohort;
- a My Conversation review due (the latest conversation's review date), to the person and
  their team's managers.

Things overdue by more than ``OVERDUE_DAYS`` are not reminded of (the command's first run
does not dig up years of old dates). Each reminder is sent once: before notifying, the run
inserts its key, (kind, what it is about, recipient, due date), into ``sent_reminders``
with ``ON CONFLICT DO NOTHING``; only the run whose insert made the row notifies. Two runs
at the same moment queue on that unique key (PostgreSQL makes the second wait for the first
to commit, then finds the row; SQLite has one writer), so none is sent twice and, since the
key holds the due date, a review put off to a new date is reminded of again.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from .. import clock
from ..dates import format_day
from ..models import (
    Apprenticeship,
    ChampionPairing,
    Cohort,
    DevelopmentConversation,
    ProgressReview,
    SentReminder,
)
from .service import approvers_of, managers_of, notify

#: Days before a champion request expires that the champion is reminded.
EXPIRY_NOTICE_DAYS = 2
#: Days before a progress review or a My Conversation review that reminders go.
DUE_NOTICE_DAYS = 7
#: Dates further in the past than this are not reminded of.
OVERDUE_DAYS = 30
#: Days after the start (or the last review) that a progress review is due, without a date.
REVIEW_EVERY_DAYS = 84


def send_reminders(session: Session, today: date | None = None) -> Counter[str]:
    """Notify everyone of what is due soon and not yet reminded of; return counts by kind.

    Examples
    --------
    >>> send_reminders(session)
    Counter()
    """
    today = today or clock.today()
    sent: Counter[str] = Counter()
    for kind, about, recipient, due_on, text, link in _due(session, today):
        if claim_reminder(session, kind, about.id, recipient.id, due_on) and notify(
                session, recipient, kind, about, text=text, link=link) is not None:
            sent[kind] += 1
    return sent


def claim_reminder(session: Session, kind: str, about_id: int, recipient_id: int, due_on: date
           ) -> bool:
    """Insert the reminder's key; True when this run made it (and so sends the reminder)."""
    row = {"kind": kind, "about_id": about_id, "recipient_id": recipient_id,
           "due_on": due_on, "sent_at": clock.now()}
    insert: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        insert = postgresql.insert(SentReminder).values(row).on_conflict_do_nothing()
    else:
        insert = sqlite.insert(SentReminder).values(row).on_conflict_do_nothing()
    return session.execute(insert.returning(SentReminder.id)).first() is not None


def _due(session: Session, today: date):
    """Yield (kind, about, recipient, due date, text, link) for every reminder due today."""
    oldest = today - timedelta(days=OVERDUE_DAYS)
    for pairing in session.scalars(
            select(ChampionPairing).where(
                ChampionPairing.status == "requested",
                ChampionPairing.respond_by >= today,
                ChampionPairing.respond_by <= today + timedelta(days=EXPIRY_NOTICE_DAYS))
            .options(selectinload(ChampionPairing.person),
                     selectinload(ChampionPairing.champion))
            .order_by(ChampionPairing.id)):
        if pairing.respond_by is None:  # the query asks for one: for the type checker
            continue
        yield ("champion_request_expiring", pairing, pairing.champion, pairing.respond_by,
               f"{pairing.person.name}'s request for a career champion expires on "
               f"{format_day(pairing.respond_by)} unless you answer it",
               "/champions/requests")

    for apprenticeship, due_on in _reviews_due(session, today, oldest):
        for person in approvers_of(session, apprenticeship.cohort.organisation):
            yield ("review_due", apprenticeship, person, due_on,
                   f"{apprenticeship.person.name}'s progress review is due on "
                   f"{format_day(due_on)}", f"/apprenticeships/{apprenticeship.id}")

    latest = (select(DevelopmentConversation.person_id,
                     func.max(DevelopmentConversation.id).label("id"))
              .group_by(DevelopmentConversation.person_id).subquery())
    for conversation in session.scalars(
            select(DevelopmentConversation).join(latest, latest.c.id
                                                 == DevelopmentConversation.id)
            .where(DevelopmentConversation.review_on >= oldest,
                   DevelopmentConversation.review_on <= today
                   + timedelta(days=DUE_NOTICE_DAYS))
            .options(selectinload(DevelopmentConversation.person))
            .order_by(DevelopmentConversation.id)):
        person = conversation.person
        when = format_day(conversation.review_on)
        yield ("conversation_review_due", conversation, person, conversation.review_on,
               f"Your My Conversation review is due on {when}", "/profile/conversations")
        for manager in managers_of(session, person):
            yield ("conversation_review_due", conversation, manager, conversation.review_on,
                   f"{person.name}'s My Conversation review is due on {when}",
                   f"/people/{person.id}/conversations")


def _reviews_due(session: Session, today: date, oldest: date
                 ) -> list[tuple[Apprenticeship, date]]:
    """Return the active apprenticeships whose next progress review falls due soon."""
    latest = (select(ProgressReview.apprenticeship_id,
                     func.max(ProgressReview.held_on).label("held_on"),
                     func.max(ProgressReview.next_review_on).label("next_review_on"))
              .group_by(ProgressReview.apprenticeship_id).subquery())
    rows = session.execute(
        select(Apprenticeship, latest.c.next_review_on)
        .outerjoin(latest, latest.c.apprenticeship_id == Apprenticeship.id)
        .where(Apprenticeship.status == "active", Apprenticeship.start_date <= today)
        .options(selectinload(Apprenticeship.person),
                 selectinload(Apprenticeship.cohort).selectinload(Cohort.organisation))
        .order_by(Apprenticeship.id)).all()
    due = []
    for apprenticeship, next_review_on in rows:
        due_on = next_review_on or apprenticeship.start_date + timedelta(
            days=REVIEW_EVERY_DAYS)
        if oldest <= due_on <= today + timedelta(days=DUE_NOTICE_DAYS):
            due.append((apprenticeship, due_on))
    return due

