"""Send email; here, into the development outbox: one RFC 5322 ``.eml`` file a message.

Messages land in ``OUTBOX_DIR`` (``instance/outbox`` unless set), readable only by the
app's user; open one with any mail client or read it as text. Production wires a real
mailer here (an SMTP relay, or a provider's API such as GOV.UK Notify) behind the same
``send_email(to, subject, body)``, so callers never change. The log names the recipient
and subject, never the body: a body may hold a password-reset link.

Every address in an email is built by :func:`link_to` from ``SERVICE_URL``, never from the
request's Host header (which anyone can set: a reset link pointing at an attacker's site
hands them the token). Production refuses to start without ``SERVICE_URL``; development
without it falls back to the request's host and logs a warning.
"""

from __future__ import annotations

import logging
import os
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from flask import current_app, url_for

from pathways import clock

logger = logging.getLogger(__name__)

#: The sender, unless ``MAIL_SENDER`` is set.
DEFAULT_SENDER = "Care career pathways <no-reply@pathways.localhost>"


def link_to(endpoint: str, **values) -> str:
    """Return the absolute address of a page, for an email: ``SERVICE_URL`` and its path.

    In development without ``SERVICE_URL`` the host comes from the request, with a warning
    (production cannot start without it: ``webapp.config.check_production``).
    """
    path = url_for(endpoint, **values)
    base = current_app.config.get("SERVICE_URL")
    if base:
        return base.rstrip("/") + path
    if current_app.config.get("PATHWAYS_ENV") == "production":  # config.load refuses this
        raise RuntimeError("SERVICE_URL must be set when PATHWAYS_ENV=production")
    logger.warning("SERVICE_URL is not set: a link in an email was built from the request's "
                   "Host header (development only; set SERVICE_URL)")
    return url_for(endpoint, _external=True, **values)


def send_email(to: str, subject: str, body: str) -> Path:
    """Write a plain-text email to the outbox and return its file."""
    sender = current_app.config.get("MAIL_SENDER") or DEFAULT_SENDER
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    now = clock.now()
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
