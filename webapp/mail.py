"""Send email through the configured transport, and the notifications' emails after the commit.

The transport (``pathways.notifications.transport``) is the development outbox (one RFC 5322
``.eml`` file a message in ``OUTBOX_DIR``, ``instance/outbox`` unless set, readable only by
the app's user), an SMTP server or GOV.UK Notify, chosen by ``MAIL_TRANSPORT``.
:func:`send_email` sends at once, for the password reset and sign-in email messages: they are
not stored (a reset link must not sit in the database) and the reset answer must take as
long whether or not there is an account. The log names the recipient and subject, never
the body: a body may hold a password-reset link.

Notifications' emails are stored with the change that made them and sent after the request
has committed (:func:`init_app`): through RQ when ``REDIS_URL`` is set, otherwise in this
process once the page has gone to the browser (the response's close), so a slow or failing
mail server never holds up a page. A failed send is kept and tried again by ``pathways
send-email`` (``pathways.notifications.delivery``).

Every address in an email is built by :func:`link_to` from ``SERVICE_URL``, never from the
request's Host header (which anyone can set: a reset link pointing at an attacker's site
hands them the token). Production refuses to start without ``SERVICE_URL``; development
without it falls back to the request's host and logs a warning.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, request, url_for
from sqlalchemy.orm import sessionmaker

from pathways.notifications.delivery import deliver_each, enqueue
from pathways.notifications.service import committed_emails
from pathways.notifications.transport import Email, transport_from

from .extensions import db

logger = logging.getLogger(__name__)


def link_to(endpoint: str, **values) -> str:
    """Return the absolute address of a page, for an email: ``SERVICE_URL`` and its path.

    In development without ``SERVICE_URL`` the host comes from the request, with a warning
    (production cannot start without it: ``webapp.config.check_production``).
    """
    path = url_for(endpoint, **values)
    return service_base() + path


def service_base() -> str:
    """Return ``SERVICE_URL`` without its last slash (in development without it, the
    request's scheme and host, with a warning)."""
    base = current_app.config.get("SERVICE_URL")
    if base:
        return base.rstrip("/")
    if current_app.config.get("PATHWAYS_ENV") == "production":  # config.load refuses this
        raise RuntimeError("SERVICE_URL must be set when PATHWAYS_ENV=production")
    logger.warning("SERVICE_URL is not set: a link in an email was built from the request's "
                   "Host header (development only; set SERVICE_URL)")
    return request.host_url.rstrip("/")


def send_email(to: str, subject: str, body: str) -> str:
    """Send a plain-text email now; return the transport's reference (the outbox file)."""
    reference = transport_from(current_app.config).send(Email(to=to, subject=subject,
                                                              body=body))
    logger.info("Email %r to %s sent (%s)", subject, to, reference.rpartition("/")[2])
    return reference


def init_app(app: Flask) -> None:
    """Send the emails a request's notifications made, once it has committed them."""

    @app.after_request
    def send_committed_emails(response):
        email_ids = committed_emails(db.session())
        if not email_ids:
            return response
        redis_url = current_app.config.get("REDIS_URL")
        if redis_url:
            try:
                enqueue(redis_url, email_ids)
            except Exception:  # Redis away: the stored emails are sent by send-email
                logger.exception("Could not queue %s email(s); pathways send-email will "
                                 "send them", len(email_ids))
            return response
        flask_app = current_app._get_current_object()  # type: ignore[attr-defined]
        base = service_base()
        response.call_on_close(lambda: _send_now(flask_app, base, email_ids))
        return response


def _send_now(app: Flask, base: str, email_ids: list[int]) -> None:
    """Send the emails in this process, after the response (never raises)."""
    try:
        with app.app_context():
            deliver_each(sessionmaker(db.engine, expire_on_commit=False),
                         transport_from(app.config), base, email_ids)
    except Exception:  # the emails stay stored and due: send-email tries them again
        logger.exception("Sending %s email(s) failed; pathways send-email will try again",
                         len(email_ids))
