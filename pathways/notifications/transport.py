"""How an email leaves: the development outbox, an SMTP server, or GOV.UK Notify.

Every transport has ``send(email) -> str`` (a reference: the outbox file, the SMTP message
id, Notify's notification id) and raises on failure; the caller keeps the message and
tries again later (``pathways.notifications.delivery``). :func:`transport_from` picks one
from the settings (the app's config, or the environment for the command line and the
queue's worker), named as the environment variables in the README:

- ``outbox`` (the default outside production): one RFC 5322 ``.eml`` file a message in
  ``OUTBOX_DIR``, readable only by the app's user, for ``make run``;
- ``smtp`` (the default in production): ``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_TLS``
  (``starttls``, ``ssl`` or ``none``), ``SMTP_USER``, ``SMTP_PASSWORD``, from ``MAIL_SENDER``;
- ``notify``: GOV.UK Notify's official client with ``NOTIFY_API_KEY`` and one generic
  template, ``NOTIFY_TEMPLATE_ID``, whose subject and body are filled from personalisation
  (``((subject))``, ``((body))``; see the README).
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Protocol

from .. import clock
from ..config import INSTANCE_DIR

logger = logging.getLogger(__name__)

#: The sender, unless ``MAIL_SENDER`` is set.
DEFAULT_SENDER = "Care career pathways <no-reply@localhost>"
#: The transports by name.
TRANSPORTS = ("outbox", "smtp", "notify")
#: How SMTP is secured, and the port each uses unless ``SMTP_PORT`` is set.
SMTP_SECURITY = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class Email:
    """A plain-text email; ``personalisation`` is what a Notify template is filled with."""

    to: str
    subject: str
    body: str
    personalisation: dict[str, str] = field(default_factory=dict)
    reference: str = ""


class Transport(Protocol):
    """Something that sends an email and says how to find it again, or raises."""

    def send(self, email: Email) -> str: ...


def build_message(email: Email, sender: str) -> EmailMessage:
    """Return ``email`` as an RFC 5322 message from ``sender`` (7bit when it is ASCII, so
    links stay whole for people reading the file; quoted-printable otherwise)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2]
                                       or "localhost")
    message.set_content(email.body, cte="7bit" if email.body.isascii() else "quoted-printable")
    return message


@dataclass(frozen=True)
class OutboxTransport:
    """Write each email to a folder as an ``.eml`` file (development)."""

    folder: Path
    sender: str = DEFAULT_SENDER

    def send(self, email: Email) -> str:
        message = build_message(email, self.sender)
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.folder / f"{clock.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(message.as_bytes(policy=SMTP))
        logger.info("Email %r to %s written to the outbox as %s", email.subject, email.to,
                    path.name)
        return str(path)


@dataclass(frozen=True)
class SmtpTransport:
    """Send through an SMTP server (a relay, or a provider's submission port)."""

    host: str
    port: int
    security: str = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = DEFAULT_SENDER
    timeout: float = 10.0

    def send(self, email: Email) -> str:
        message = build_message(email, self.sender)
        context = ssl.create_default_context()
        server: smtplib.SMTP
        if self.security == "ssl":
            server = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                      context=context)
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with server:
            if self.security == "starttls":
                server.starttls(context=context)
            if self.username:
                server.login(self.username, self.password)
            server.send_message(message)
        logger.info("Email %r to %s sent by SMTP (%s)", email.subject, email.to,
                    message["Message-ID"])
        return str(message["Message-ID"])


@dataclass
class NotifyTransport:
    """Send through GOV.UK Notify with one generic email template.

    The template's subject is ``((subject))`` and its body ``((body))``: the service writes
    each message, so one template serves every kind and no template needs changing when a
    kind is added. ``client`` is made from ``api_key`` when not given (tests give a fake).
    """

    api_key: str = field(repr=False)
    template_id: str
    client: Any = None

    def send(self, email: Email) -> str:
        if self.client is None:
            from notifications_python_client.notifications import NotificationsAPIClient

            self.client = NotificationsAPIClient(self.api_key)
        answer = self.client.send_email_notification(
            email_address=email.to, template_id=self.template_id,
            personalisation={"subject": email.subject, "body": email.body,
                             **email.personalisation},
            reference=email.reference or None)
        reference = str((answer or {}).get("id", ""))
        logger.info("Email %r to %s sent by GOV.UK Notify (%s)", email.subject, email.to,
                    reference)
        return reference


class MailSettingsError(ValueError):
    """The mail settings cannot work; says which and why."""


def transport_from(settings: Mapping[str, Any]) -> Transport:
    """Return the transport the settings name (``MAIL_TRANSPORT``; see the module).

    Raises
    ------
    MailSettingsError
        For an unknown transport, ``SMTP_TLS`` or port, or Notify without its key or template.

    Examples
    --------
    >>> transport_from({"MAIL_TRANSPORT": "smtp", "SMTP_HOST": "mail.example.org"}).port
    587
    >>> type(transport_from({})).__name__
    'OutboxTransport'
    """
    production = settings.get("PATHWAYS_ENV") == "production"
    name = (settings.get("MAIL_TRANSPORT") or ("smtp" if production else "outbox")).lower()
    sender = settings.get("MAIL_SENDER") or DEFAULT_SENDER
    if name == "outbox":
        folder = settings.get("OUTBOX_DIR") or INSTANCE_DIR / "outbox"
        return OutboxTransport(Path(folder), sender)
    if name == "smtp":
        security = (settings.get("SMTP_TLS") or "starttls").lower()
        if security not in SMTP_SECURITY:
            raise MailSettingsError(f"SMTP_TLS must be one of {', '.join(SMTP_SECURITY)}, "
                                    f"not {security!r}")
        try:
            port = int(settings.get("SMTP_PORT") or SMTP_SECURITY[security])
            timeout = float(settings.get("SMTP_TIMEOUT_SECONDS") or 10)
        except ValueError as error:
            raise MailSettingsError(f"SMTP_PORT and SMTP_TIMEOUT_SECONDS must be numbers: "
                                    f"{error}") from error
        return SmtpTransport(host=settings.get("SMTP_HOST") or "localhost", port=port,
                             security=security, username=settings.get("SMTP_USER") or "",
                             password=settings.get("SMTP_PASSWORD") or "", sender=sender,
                             timeout=timeout)
    if name == "notify":
        key, template = settings.get("NOTIFY_API_KEY"), settings.get("NOTIFY_TEMPLATE_ID")
        if not key or not template:
            raise MailSettingsError("MAIL_TRANSPORT=notify needs NOTIFY_API_KEY and "
                                    "NOTIFY_TEMPLATE_ID")
        return NotifyTransport(api_key=key, template_id=template)
    raise MailSettingsError(f"MAIL_TRANSPORT must be one of {', '.join(TRANSPORTS)}, "
                            f"not {name!r}")
