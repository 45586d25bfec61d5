"""Sending the stored emails: at once after the commit, and again until they go.

The queue is the ``outgoing_emails`` table, so nothing is lost when the mail server is down,
the queue's Redis is gone or the process stops mid-send, and it works without Redis:

1. a service calls ``notify``: the email is stored with the change, due now;
2. after the commit the web app sends it (``deliver``): through RQ when ``REDIS_URL`` is
   set (:func:`enqueue`; a worker runs :func:`deliver_job`), otherwise in the same process
   once the page has gone to the browser;
3. a send that fails is kept, due again after a wait that grows (``RETRY_MINUTES``), and
   ``pathways send-email`` (run every few minutes, and by ``send-reminders``) sends what is
   due; after ``MAX_ATTEMPTS`` it is marked ``failed`` and left for a person to look at.

A sender *claims* an email before sending it: one conditional ``UPDATE`` moves its
``next_attempt_at`` past now (by ``CLAIM_MINUTES``) and counts the attempt, and only the
sender whose update changed the row sends. Two senders (the page and the command, two
servers) therefore never send one email together; a sender that dies mid-send leaves the
claim to run out, and the email is tried again (at least once, never lost). No transaction
is open while the mail server is being talked to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from .. import clock
from ..models import Notification, OutgoingEmail
from .transport import Email, Transport

logger = logging.getLogger(__name__)

#: Minutes to wait before each further attempt (the last repeats); 8 attempts span a day.
RETRY_MINUTES = (1, 5, 15, 60, 180, 360, 720)
#: Attempts before an email is given up (``failed``).
MAX_ATTEMPTS = 8
#: How long a claim holds an email while it is being sent.
CLAIM_MINUTES = 5
#: The RQ queue's name (``rq worker pathways-email``).
QUEUE_NAME = "pathways-email"

Sessions = Callable[[], Session]


@dataclass
class Delivered:
    """What a round of sending did: emails sent, attempts that failed, emails given up."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0

    def __iadd__(self, other: Delivered) -> Delivered:
        self.sent += other.sent
        self.failed += other.failed
        self.given_up += other.given_up
        return self


def compose(notification: Notification, to: str, base_url: str) -> Email:
    """Return the email about ``notification``, its links built on ``base_url``.

    Examples
    --------
    >>> from pathways.models import Person
    >>> note = Notification(text="Sam asked you to be their champion",
    ...                     link="/champions/requests", kind="champion_request",
    ...                     recipient=Person(name="Jo"))
    >>> email = compose(note, "jo@example.org", "https://pathways.example.org")
    >>> email.subject
    'Sam asked you to be their champion'
    >>> "https://pathways.example.org/champions/requests" in email.body
    True
    """
    base = base_url.rstrip("/")
    link = base + notification.link if notification.link else base + "/notifications"
    preferences = base + "/notifications/preferences"
    body = (f"Hello {notification.recipient.name},\n\n"
            f"{notification.text}.\n\n"
            f"{link}\n\n"
            "You can choose which emails Care career pathways sends you:\n"
            f"{preferences}\n")
    return Email(to=to, subject=notification.text, body=body,
                 personalisation={"name": notification.recipient.name,
                                  "message": notification.text, "link": link,
                                  "preferences_link": preferences},
                 reference=f"notification-{notification.id}")


def retry_after(attempts: int) -> timedelta:
    """Return how long to wait after the ``attempts``-th attempt failed.

    Examples
    --------
    >>> [retry_after(n).seconds // 60 for n in (1, 2, 3)]
    [1, 5, 15]
    """
    return timedelta(minutes=RETRY_MINUTES[min(max(attempts, 1), len(RETRY_MINUTES)) - 1])


def claim(session: Session, email_id: int, now: datetime) -> bool:
    """Claim a pending email due by ``now`` for sending; True only for the one who got it."""
    result = session.execute(
        update(OutgoingEmail)
        .where(OutgoingEmail.id == email_id, OutgoingEmail.state == "pending",
               OutgoingEmail.next_attempt_at <= now)
        .values(next_attempt_at=now + timedelta(minutes=CLAIM_MINUTES),
                attempts=OutgoingEmail.attempts + 1)
        .execution_options(synchronize_session=False))
    return getattr(result, "rowcount", 0) == 1


def deliver(sessions: Sessions, transport: Transport, base_url: str, email_id: int, *,
            now: datetime | None = None) -> Delivered:
    """Send one stored email if it is due and nobody else is sending it; never raises for
    the mail server's failures (they are kept on the email, and it is tried again later)."""
    now = now or clock.now()
    with sessions() as session:
        if not claim(session, email_id, now):
            session.rollback()
            return Delivered()
        email = session.scalars(select(OutgoingEmail).where(OutgoingEmail.id == email_id)
                                .options(selectinload(OutgoingEmail.notification)
                                         .selectinload(Notification.recipient))).one()
        message, attempts = compose(email.notification, email.to, base_url), email.attempts
        session.commit()  # the claim is kept; no transaction is open while sending
    try:
        transport.send(message)
    except Exception as error:  # any failure of the server or the network: try again later
        given_up = attempts >= MAX_ATTEMPTS
        logger.warning("Email %s to %s failed (attempt %s%s): %s", email_id, message.to,
                       attempts, ", given up" if given_up else "", error)
        _record(sessions, email_id, state="failed" if given_up else "pending",
                next_attempt_at=now + retry_after(attempts),
                last_error=f"{type(error).__name__}: {error}"[:2000])
        return Delivered(failed=1, given_up=int(given_up))
    _record(sessions, email_id, state="sent", sent_at=now, last_error="")
    return Delivered(sent=1)


def _record(sessions: Sessions, email_id: int, **values) -> None:
    with sessions() as session:
        session.execute(update(OutgoingEmail).where(OutgoingEmail.id == email_id)
                        .values(**values).execution_options(synchronize_session=False))
        session.commit()


def deliver_each(sessions: Sessions, transport: Transport, base_url: str,
                 email_ids: Iterable[int], *, now: datetime | None = None) -> Delivered:
    """Send each of the stored emails named (those due and unclaimed)."""
    done = Delivered()
    for email_id in email_ids:
        done += deliver(sessions, transport, base_url, email_id, now=now)
    return done


def deliver_due(sessions: Sessions, transport: Transport, base_url: str, *,
                now: datetime | None = None, limit: int = 500) -> Delivered:
    """Send the stored emails that are due (new ones and retries), oldest first."""
    now = now or clock.now()
    with sessions() as session:
        due = list(session.scalars(
            select(OutgoingEmail.id).where(OutgoingEmail.state == "pending",
                                           OutgoingEmail.next_attempt_at <= now)
            .order_by(OutgoingEmail.id).limit(limit)))
    return deliver_each(sessions, transport, base_url, due, now=now)


# The queue: RQ on Redis ---------------------------------------------------------------


def enqueue(redis_url: str, email_ids: Iterable[int]) -> int:
    """Put a job to send each email on the RQ queue; return how many were queued.

    The job only sends: the stored email keeps the attempts and the next try, so a job lost
    with Redis is sent by ``pathways send-email`` instead.
    """
    from redis import Redis
    from rq import Queue

    queue = Queue(QUEUE_NAME, connection=Redis.from_url(
        redis_url, socket_connect_timeout=2, socket_timeout=2))  # never hold a page long
    count = 0
    for email_id in email_ids:
        queue.enqueue(deliver_job, email_id, job_timeout=120, failure_ttl=86400)
        count += 1
    return count


def deliver_job(email_id: int) -> str:
    """The RQ job: send one stored email with the settings of the worker's environment
    (``DATABASE_URL``, the mail settings, ``SERVICE_URL``)."""
    import os

    from ..db import make_engine, make_session_factory
    from .transport import transport_from

    engine = make_engine()
    try:
        done = deliver(make_session_factory(engine), transport_from(os.environ),
                       service_url(os.environ), email_id)
    finally:
        engine.dispose()
    return "sent" if done.sent else "not sent"


def service_url(settings) -> str:
    """Return ``SERVICE_URL`` for the links in emails sent outside a request (a warning and
    ``http://localhost:5000``, ``make run``'s address, when it is unset)."""
    url = settings.get("SERVICE_URL")
    if url:
        return str(url)
    logger.warning("SERVICE_URL is not set: links in emails point at http://localhost:5000")
    return "http://localhost:5000"
