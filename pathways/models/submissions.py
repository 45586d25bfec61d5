"""Forms already sent: the one-time token of each form post that created something.

A form that creates a record carries a one-time token (``webapp.form_fields.OnceToken``).
Its post claims the token in the same transaction as the change, so the change and the claim
are saved together or not at all: a retry of the same post (a browser resending after a
dropped connection, a double click) finds the token claimed and creates nothing. Where the
first post led (the page it redirected to) is kept so the retry can go there too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .people import utcnow

#: Characters of a token (``secrets.token_urlsafe(24)`` gives 32).
TOKEN_LENGTH = 64


class SentForm(Base):
    """A form post that created something, by its one-time token."""

    __tablename__ = "sent_forms"

    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                              index=True)
    #: The page the post led to (its redirect), once known; a retry is sent there.
    led_to: Mapped[str | None] = mapped_column(String(2000))
