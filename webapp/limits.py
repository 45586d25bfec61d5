"""Limit failed sign-ins: at most 10 in any 15 minutes per account and per client address.

Counters live in Redis when ``REDIS_URL`` is set, so every worker and machine counts
together; otherwise in this process's memory (development and tests). Once either
counter is full, ``/login`` answers 429 without checking the password; a successful
sign-in is never counted.

How this uses Flask-Limiter (4.1; 3.8 has the same API): its decorators count requests,
but only the login view knows that a sign-in failed. So the view asks the limiter's
strategy directly: ``limiter.limiter.test(item, ...)`` before checking a password and
``limiter.limiter.hit(item, ...)`` after a failure, with a moving window (exactly "10 in
any 15 minutes", no burst at window edges). Each app gets its own ``Limiter``, kept in
``app.extensions``: Flask-Limiter keeps the storage on the Limiter object itself, so one
module-level instance would point every app at the storage of the last one bound.

When Redis cannot be reached, sign-in goes on uncounted and the error is logged: people
can still sign in, and Argon2 keeps guessing slow meanwhile.
"""

from __future__ import annotations

import hashlib
import logging

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItemPerMinute
from limits.errors import StorageError

from pathways.people.accounts import normalise_email

logger = logging.getLogger(__name__)

#: Failed sign-ins allowed in any 15 minutes, per account and per client address.
FAILED_SIGN_INS = RateLimitItemPerMinute(10, 15, namespace="SIGN-IN")
#: How long Redis may take before a sign-in goes on uncounted.
REDIS_TIMEOUT_SECONDS = 2


def init_app(app: Flask) -> None:
    """Give ``app`` a limiter on Redis when ``REDIS_URL`` is set, in memory otherwise."""
    url = app.config.get("REDIS_URL")
    options = {"wrap_exceptions": True}
    if url:
        options.update(socket_timeout=REDIS_TIMEOUT_SECONDS,
                       socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
    limiter = Limiter(get_remote_address, storage_uri=url or "memory://",
                      storage_options=options, strategy="moving-window")
    limiter.init_app(app)
    app.extensions["sign_in_limiter"] = limiter


def _counters(email: str) -> list[tuple[str, str]]:
    # The account is counted by a digest, so the store never holds email addresses.
    account = hashlib.sha256(normalise_email(email).encode("utf-8")).hexdigest()
    return [("account", account), ("address", request.remote_addr or "unknown")]


def sign_in_blocked(email: str) -> bool:
    """Whether this account or this client address has used up its failed sign-ins."""
    strategy = current_app.extensions["sign_in_limiter"].limiter
    try:
        return not all(strategy.test(FAILED_SIGN_INS, *counter) for counter in _counters(email))
    except StorageError:
        logger.exception("Sign-in limits unavailable: not checked")
        return False


def count_failed_sign_in(email: str) -> None:
    """Count a failed sign-in against the account and the client address."""
    strategy = current_app.extensions["sign_in_limiter"].limiter
    try:
        for counter in _counters(email):
            strategy.hit(FAILED_SIGN_INS, *counter)
    except StorageError:
        logger.exception("Sign-in limits unavailable: failure not counted")
