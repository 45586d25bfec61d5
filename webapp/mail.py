"""Send email; here, into the development outbox: one RFC 5322 ``.eml`` file a message.

Messages land in ``OUTBOX_DIR`` (``instance/outbox`` unless set), readable only by the
app's user; open one with any mail client or read it as text. Production wires a real
mailer here (an SMTP relay, or a provider's API such as GOV.UK Notify) behind the same
``send_email(to, subject, body)``, so callers never change. The log names the recipient
and subject, never the body: a body may hold a password-reset link.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from flask import current_app

logger = logging.getLogger(__name__)

#: The sender, unless ``MAIL_SENDER`` is set.
DEFAULT_SENDER = "Care career pathways <no-reply@pathways.localhost>"


def send_email(to: str, subject: str, body: str) -> Path:
    """Write a plain-text email to the outbox and return its file."""
    sender = current_app.config.get("MAIL_SENDER") or DEFAULT_SENDER
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    now = datetime.now(UTC)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2]
                                       or "localhost")
    # 7bit keeps links whole for people reading the file; quoted-printable only if needed.
    message.set_content(body, cte="7bit" if body.isascii() else "quoted-printable")
    outbox = Path(current_app.config["OUTBOX_DIR"])
    outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = outbox / f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(message.as_bytes(policy=SMTP))
    logger.info("Email %r to %s written to the outbox as %s", subject, to, path.name)
    return path
