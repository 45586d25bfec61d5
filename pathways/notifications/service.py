"""Telling people: ``notify`` at each event, reading and marking, and email preferences.

The services call :func:`notify` at each event that needs someone (a champion request, its
answer, a shadowing request and its decision, hours or a story waiting for approval, a
story's decision), in the same transaction as the change: the notification and its email
are saved with the change or not at all. The email is a stored ``OutgoingEmail``, sent after
the commit (``pathways.notifications.delivery``), so sending never holds up the change.

Nothing here commits; the request or the command does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..errors import InvalidInput, Problem
from ..models import (
    Notification,
    NotificationPreference,
    Organisation,
    OutgoingEmail,
    Person,
    PersonRole,
)
from .kinds import KINDS

#: Where a session keeps the ids of the emails made in its transaction, then once committed.
MADE, COMMITTED = "notifications.emails_made", "notifications.emails_committed"


def notify(session: Session, recipient: Person | None, kind: str, about: object, *,
           text: str, link: str = "", once_unread: bool = False,
           now: datetime | None = None) -> Notification | None:
    """Tell ``recipient`` about ``about`` (a record), and email them if they want this kind.

    Parameters
    ----------
    recipient : Person or None
        Who is told; nobody (None) or a disabled account is not.
    kind : str
        One of ``KINDS``.
    about : a model instance with an ``id``
        What it is about (kept as its table's name and id).
    text : str
        What happened, in a sentence for the person (their list, the email's subject).
    link : str
        The path of the page where they act on it.
    once_unread : bool
        Tell nobody again while they have an unread notification of this kind about this
        record (hours logged day after day make one notification until it is read).

    Returns
    -------
    Notification or None
        The notification, flushed; None when nobody is told.

    Raises
    ------
    ValueError
        For a kind that is not in ``KINDS`` (a programming error).

    Examples
    --------
    >>> from pathways.models import Organisation
    >>> council = Organisation(name="Notifyshire")
    >>> jo = Person(email="jo@example.org", name="Jo", organisation=council)
    >>> session.add(jo); session.flush()
    >>> notify(session, jo, "champion_answer", jo, text="Sam accepted", link="/champions").text
    'Sam accepted'
    >>> unread_count(session, jo)
    1
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of notification: {kind!r}")
    if recipient is None or recipient.active is False:
        return None
    now = now or clock.now()
    about_type, about_id = getattr(about, "__tablename__", ""), getattr(about, "id", None)
    if once_unread and session.scalar(select(Notification.id).where(
            Notification.recipient_id == recipient.id, Notification.kind == kind,
            Notification.about_type == about_type, Notification.about_id == about_id,
            Notification.read_at.is_(None)).limit(1)) is not None:
        return None
    notification = Notification(
        recipient_id=recipient.id, kind=kind, text=text[:500], link=link[:500],
        about_type=about_type, about_id=about_id, created_at=now)
    session.add(notification)
    session.flush()
    if wants_email(session, recipient, kind):
        email = OutgoingEmail(notification_id=notification.id, to=recipient.email,
                              next_attempt_at=now, created_at=now)
        session.add(email)
        session.flush()
        session.info.setdefault(MADE, []).append(email.id)
    return notification


def notify_each(session: Session, recipients: Iterable[Person], kind: str, about: object, *,
                text: str, link: str = "", leave_out: Person | None = None,
                once_unread: bool = False) -> int:
    """Tell each of ``recipients`` (but ``leave_out``, who did it) and return how many."""
    told = 0
    for person in recipients:
        if leave_out is not None and person.id == leave_out.id:
            continue
        told += notify(session, person, kind, about, text=text, link=link,
                       once_unread=once_unread) is not None
    return told


# After the commit: the emails to send now -------------------------------------------------


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    made = session.info.pop(MADE, None)
    if made:
        session.info.setdefault(COMMITTED, []).extend(made)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(MADE, None)


def committed_emails(session: Session) -> list[int]:
    """Return (and forget) the ids of the emails committed by ``session`` since last asked:
    what the web app sends once its request has committed."""
    return session.info.pop(COMMITTED, [])


# Who approves ---------------------------------------------------------------------------


def approvers_of(session: Session, organisation: Organisation) -> list[Person]:
    """Return the active L&D people who approve for ``organisation`` (off-the-job hours,
    stories): its own L&D, and L&D with partnership scope in its partnership; the
    organisation's administrators when it has no L&D."""
    lnd = _holders(session, organisation, "lnd")
    return lnd or _holders(session, organisation, "admin")


def _holders(session: Session, organisation: Organisation, role: str) -> list[Person]:
    same_partnership = (Person.organisation_id.in_(
        select(Organisation.id).where(Organisation.partnership_id
                                      == organisation.partnership_id))
        & (PersonRole.scope == "partnership")) if organisation.partnership_id else None
    reach = Person.organisation_id == organisation.id
    return list(session.scalars(
        select(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == role, Person.active.is_(True),
               or_(reach, same_partnership) if same_partnership is not None else reach)
        .order_by(Person.id)))


def managers_of(session: Session, person: Person) -> list[Person]:
    """Return the active managers of ``person``'s team (``policy.manages``), not them."""
    if person.team_id is None:
        return []
    return list(session.scalars(
        select(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == "manager", Person.team_id == person.team_id,
               Person.id != person.id, Person.active.is_(True)).order_by(Person.id)))


# Reading and marking --------------------------------------------------------------------


def unread_count(session: Session, person: Person) -> int:
    """Return how many of the person's notifications are unread (the header's count)."""
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == person.id, Notification.read_at.is_(None))) or 0


def mark_read(session: Session, notification: Notification, *,
              now: datetime | None = None) -> Notification:
    """Mark one notification read (the caller checks it is the person's own)."""
    if notification.read_at is None:
        notification.read_at = now or clock.now()
        session.flush()
    return notification


def mark_all_read(session: Session, person: Person, *, now: datetime | None = None) -> int:
    """Mark every unread notification of ``person`` read; return how many."""
    result = session.execute(
        update(Notification).where(Notification.recipient_id == person.id,
                                   Notification.read_at.is_(None))
        .values(read_at=now or clock.now()).execution_options(synchronize_session=False))
    return getattr(result, "rowcount", 0) or 0


# Preferences ----------------------------------------------------------------------------


def wants_email(session: Session, person: Person, kind: str) -> bool:
    """Whether ``person`` wants email for ``kind``: their choice, else the kind's default."""
    chosen = session.scalar(select(NotificationPreference.email).where(
        NotificationPreference.person_id == person.id, NotificationPreference.kind == kind))
    return KINDS[kind].email_by_default if chosen is None else bool(chosen)


def email_preferences(session: Session, person: Person) -> dict[str, bool]:
    """Return, for every kind, whether ``person`` gets email for it."""
    chosen = {kind: email for kind, email in session.execute(
        select(NotificationPreference.kind, NotificationPreference.email)
        .where(NotificationPreference.person_id == person.id))}
    return {name: bool(chosen.get(name, kind.email_by_default))
            for name, kind in KINDS.items()}


def set_email_preferences(session: Session, person: Person, choices: Mapping[str, bool]
                          ) -> dict[str, bool]:
    """Keep the person's choice of email per kind (kinds not given keep theirs).

    Raises
    ------
    InvalidInput
        Naming a kind that does not exist.
    """
    unknown = [name for name in choices if name not in KINDS]
    if unknown:
        raise InvalidInput([Problem("email", f"{name!r} is not a kind of notification")
                            for name in unknown], "The choices were not saved")
    for name, email in choices.items():
        row = session.get(NotificationPreference, (person.id, name))
        if row is None:
            session.add(NotificationPreference(person_id=person.id, kind=name,
                                               email=bool(email)))
        else:
            row.email = bool(email)
    session.flush()
    return email_preferences(session, person)
