"""Each form post that creates something is carried out once, however often it is sent.

A form that creates a record carries a one-time token, made when the form is shown. The web
app's submit path calls :func:`claim` with it in the same transaction as the change:

- the first post claims it, and the claim is saved with the change (or rolled back with it,
  when the change is refused: the person corrects the form and sends it again, and the same
  token is still free);
- a retry of the same post, after a dropped connection or a double click, finds the token
  claimed and changes nothing; :func:`led_to` says where the first post led, so the retry
  can show the same page. Two posts at the same moment queue on the token's key: the one
  that comes second waits until the first commits, then finds it claimed.

Claims are kept for ``KEEP_DAYS`` (a browser retries within minutes); ``pathways
forget-sent-forms``, run daily, removes older ones.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import clock
from .models import SentForm
from .models.submissions import TOKEN_LENGTH

#: Days a claimed token is kept, so a late retry still finds it.
KEEP_DAYS = 7


def claim(session: Session, token: str, *, now: datetime | None = None) -> bool:
    """Claim ``token`` for the change being made in this transaction.

    Returns
    -------
    bool
        True when the token was free (carry on with the change); False when a post with it
        was already saved (change nothing). A token of the wrong shape is never free.

    Examples
    --------
    >>> claim(session, "t-1")
    True
    >>> claim(session, "t-1")
    False
    """
    if not token or len(token) > TOKEN_LENGTH:
        return False
    row = {"token": token, "sent_at": now or clock.now()}
    insert: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        insert = postgresql.insert(SentForm).values(row).on_conflict_do_nothing()
    else:
        insert = sqlite.insert(SentForm).values(row).on_conflict_do_nothing()
    statement = insert.returning(SentForm.token)
    return session.execute(statement).first() is not None  # a row only when it was free


def note_led_to(session: Session, token: str, location: str) -> None:
    """Keep where the post that claimed ``token`` led (the page it redirected to)."""
    session.execute(update(SentForm).where(SentForm.token == token).values(led_to=location))


def led_to(session: Session, token: str) -> str | None:
    """Where the saved post with ``token`` led, if that is known."""
    return session.scalar(select(SentForm.led_to).where(SentForm.token == token))


def forget_sent_forms(session: Session, *, now: datetime | None = None,
                      keep_days: int = KEEP_DAYS) -> int:
    """Remove claims older than ``keep_days`` and return how many were removed."""
    cutoff = (now or clock.now()) - timedelta(days=keep_days)
    result = session.execute(delete(SentForm).where(SentForm.sent_at < cutoff))
    return cast(CursorResult, result).rowcount
