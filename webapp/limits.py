"""Throttling of sign-ins and password reset requests (OWASP ASVS 5.0, 6.1.1 and 6.3.1).

**Failed sign-ins** are counted three ways, each in a moving window of 15 minutes:

- per account *at one client address* (:data:`FAILED_AT_ADDRESS`, 10): then that address
  may not try that account until the window moves on;
- per client address, whatever the account (:data:`FAILED_FROM_ADDRESS`, 30): credential
  stuffing from one address stops;
- per account from everywhere (:data:`FAILED_FOR_ACCOUNT`, 20): a *soft lock*. While it is
  full, the account may be tried only from an address with no failed sign-in for it in the
  window, and a failure there marks that address too. A guesser spread over many addresses
  gets one guess per address per window, while the real person, at an address where they
  have not failed, signs in with the right password as usual: a stranger cannot lock
  someone out from elsewhere.

A refused attempt answers 429 without checking the password; a successful sign-in is never
counted. The account is counted by a digest of the email address typed, whether or not
there is an account, so neither a 429 nor its absence tells who has one. IPv6 addresses
count by their /64 network (what one household or machine usually holds).

**Reset requests** are counted whether or not the address has an account, in a moving
window of an hour: at most 5 per email address typed (:data:`RESETS_FOR_ACCOUNT`: one
inbox gets at most 5 reset emails an hour) and 20 per client address
(:data:`RESETS_FROM_ADDRESS`); beyond either, 429.

Counters live in Redis when ``REDIS_URL`` is set, so every worker and machine counts
together; otherwise in this process's memory (development and tests).

How this uses Flask-Limiter (4.1; 3.8 has the same API): its decorators count requests,
but only the views know that a sign-in failed. So they ask the limiter's strategy
directly: ``limiter.limiter.test(item, ...)`` before checking a password and
``limiter.limiter.hit(item, ...)`` after a failure, with a moving window (exactly "10 in
any 15 minutes", no burst at window edges). Each app gets its own ``Limiter``, kept in
``app.extensions``: Flask-Limiter keeps the storage on the Limiter object itself, so one
module-level instance would point every app at the storage of the last one bound.

**Passport checks** (``/passport/verify`` with something to check, and
``/api/v1/passport/verify``) are public and each costs signature checks and lookups, so they
are counted per client address in a moving window of a minute: at most
:data:`VERIFICATIONS_FROM_ADDRESS` (30) checks, each of up to 200 credentials on the page or 20
in the API; beyond, 429 with ``Retry-After``. A page that only shows the empty form is not
counted. An employer checking a few passports by hand never meets it; a script walking the
service's credentials does.

When Redis cannot be reached, sign-in and resets go on uncounted and the error is logged:
people can still sign in, and Argon2 keeps guessing slow meanwhile; passports are checked.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute
from limits.errors import StorageError

from pathways.people.accounts import normalise_email

logger = logging.getLogger(__name__)

#: How long sign-in failures are remembered, in minutes.
SIGN_IN_WINDOW_MINUTES = 15
#: Failed sign-ins to one account from one client address.
FAILED_AT_ADDRESS = RateLimitItemPerMinute(10, SIGN_IN_WINDOW_MINUTES, namespace="SIGN-IN")
#: Failed sign-ins from one client address, to any accounts.
FAILED_FROM_ADDRESS = RateLimitItemPerMinute(30, SIGN_IN_WINDOW_MINUTES, namespace="SIGN-IN")
#: Failed sign-ins to one account from anywhere, before the soft lock.
FAILED_FOR_ACCOUNT = RateLimitItemPerMinute(20, SIGN_IN_WINDOW_MINUTES, namespace="SIGN-IN")
#: How long reset requests are remembered, in minutes.
RESET_WINDOW_MINUTES = 60
#: Reset requests for one email address (so one inbox gets at most this many an hour).
RESETS_FOR_ACCOUNT = RateLimitItemPerHour(5, namespace="RESET")
#: Reset requests from one client address.
RESETS_FROM_ADDRESS = RateLimitItemPerHour(20, namespace="RESET")
#: How long passport checks are remembered, in seconds.
VERIFY_WINDOW_SECONDS = 60
#: Passport checks (a page or API request with credentials) from one client address a minute.
VERIFICATIONS_FROM_ADDRESS = RateLimitItemPerMinute(30, namespace="VERIFY")
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


def account_key(email: str) -> str:
    """The counter key of an email address: a digest, so the store never holds addresses."""
    return hashlib.sha256(normalise_email(email).encode("utf-8")).hexdigest()


def client_address() -> str:
    """The client's address as counted: IPv4 as it is, IPv6 by its /64 network."""
    raw = request.remote_addr or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def _strategy():
    return current_app.extensions["sign_in_limiter"].limiter


def _sign_in_counters(email: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    account, address = account_key(email), client_address()
    return [(FAILED_AT_ADDRESS, ("account-at-address", account, address)),
            (FAILED_FROM_ADDRESS, ("address", address)),
            (FAILED_FOR_ACCOUNT, ("account", account))]


def sign_in_blocked(email: str) -> bool:
    """Whether a sign-in to this account from this client address is refused for now.

    Refused when the address has used up its failures for the account or for everyone, or
    when the account is soft-locked (its failures from everywhere used up) and this address
    has failed for it in the window; an address with no failures for it may still try.
    """
    strategy = _strategy()
    (at_address, at_keys), (from_address, from_keys), (account, account_keys) = (
        _sign_in_counters(email))
    try:
        if not (strategy.test(at_address, *at_keys)
                and strategy.test(from_address, *from_keys)):
            return True
        if strategy.test(account, *account_keys):
            return False
        # Soft lock: only an address without a failure for this account may try.
        return not strategy.test(at_address, *at_keys, cost=at_address.amount)
    except StorageError:
        logger.exception("Sign-in limits unavailable: not checked")
        return False


def count_failed_sign_in(email: str) -> None:
    """Count a failed sign-in against the account at this address, the address and the
    account."""
    strategy = _strategy()
    try:
        for item, keys in _sign_in_counters(email):
            strategy.hit(item, *keys)
    except StorageError:
        logger.exception("Sign-in limits unavailable: failure not counted")


def take_reset_request(email: str) -> bool:
    """Count a reset request for this email address from this client address; return
    whether it may go ahead (False: either has used up its requests for the hour)."""
    strategy = _strategy()
    counters = [(RESETS_FOR_ACCOUNT, ("reset-account", account_key(email))),
                (RESETS_FROM_ADDRESS, ("reset-address", client_address()))]
    try:
        if not all(strategy.test(item, *keys) for item, keys in counters):
            return False
        for item, keys in counters:
            strategy.hit(item, *keys)
    except StorageError:
        logger.exception("Reset request limits unavailable: not counted")
    return True


def take_verification() -> bool:
    """Count a passport check from this client address; return whether it may go ahead
    (False: the address has used up its checks for the minute)."""
    strategy = _strategy()
    keys = ("verify-address", client_address())
    try:
        return bool(strategy.hit(VERIFICATIONS_FROM_ADDRESS, *keys))
    except StorageError:
        logger.exception("Passport check limits unavailable: not counted")
        return True
