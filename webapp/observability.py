"""Operations: a request id on every request, one log line per request, JSON or text logs.

- **Request id.** ``X-Request-ID`` from the request when it is sane (1-128 characters of
  letters, digits and ``._:/+=-``: no spaces, no ``@``, so nobody's address is written to the
  logs through it), otherwise a new random one; returned in the response's ``X-Request-ID``
  and added to every log record written during the request (``request_id``).
- **One line per request** on the ``webapp.requests`` logger: request id, method, endpoint
  (the view's name, not the URL, which may carry ids or search words), status, duration in
  milliseconds and the signed-in person's id (None when nobody is). Never personal data:
  no names, addresses, query strings or form fields.
- **Logs** go to standard error, as JSON objects one a line (``LOG_FORMAT=json``, the
  default in production) or as text (the default in development), at ``LOG_LEVEL``. Tests
  (``TESTING``) leave logging alone and read records with ``caplog``.
- **Slow statements** (``SLOW_QUERY_MS``) are logged by ``pathways.db.log_slow_queries``.
- **Metrics**: each request is counted and timed by endpoint (``webapp.metrics``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from . import metrics

#: The header a request id comes in and goes out in.
REQUEST_ID_HEADER = "X-Request-ID"

#: What a request id from outside (a proxy, a load balancer) may look like to be kept.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")

#: The one-line-per-request log.
request_log = logging.getLogger("webapp.requests")

#: Text logs: time, level, logger, request id, message.
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def init_app(app: Flask) -> None:
    """Set up logging (unless testing) and the request id and log line of every request.

    Call it first in the app factory, so the request is timed from the start and the log
    line written after every other ``after_request`` hook.
    """
    if not app.testing:
        configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.before_request(start_request)
    app.after_request(finish_request)


def request_id_from(header: str | None) -> str:
    """Return ``header`` when it is a sane request id, else a new random one.

    Examples
    --------
    >>> request_id_from("abc-123")
    'abc-123'
    >>> len(request_id_from("someone@example.org")), len(request_id_from(None))
    (32, 32)
    """
    if header and SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str:
    """Return this request's id, choosing it now if ``start_request`` has not run."""
    if "request_id" not in g:
        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    return g.request_id


def start_request() -> None:
    """Note when the request started and its id."""
    g.request_started = time.perf_counter()
    current_request_id()


def finish_request(response: Response) -> Response:
    """Return the request id in a header, count and time the request, write its log line."""
    request_id = current_request_id()
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    endpoint = request.endpoint or "unmatched"
    metrics.observe(endpoint, request.method, response.status_code, seconds)
    request_log.info("%s %s %s %.1f ms", request.method, endpoint, response.status_code,
                     seconds * 1000, extra={
                         "request_id": request_id, "method": request.method,
                         "endpoint": endpoint, "status": response.status_code,
                         "duration_ms": round(seconds * 1000, 1), "user_id": signed_in_id()})
    return response


def signed_in_id() -> int | None:
    """Return the id of the person signed in, if the request loaded them (never a query)."""
    account = g.get("_login_user")  # where Flask-Login keeps the user it loaded
    person = getattr(account, "person", None)
    return getattr(person, "id", None)


class RequestContext(logging.Filter):
    """Give every record the request id of the request it was written in (None outside)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = (g.get("request_id") if has_request_context() else None)
        return True


def json_formatter() -> logging.Formatter:
    """Return the JSON formatter: time (ISO 8601, UTC), level, logger, message, request id and
    the record's extra fields."""
    return JsonFormatter("{levelname}{name}{message}", style="{", timestamp="time",
                         rename_fields={"levelname": "level", "name": "logger"})


def configure_logging(log_format: str, level: str) -> logging.Handler:
    """Send the root logger's records to standard error as JSON or text, at ``level``.

    Replaces the handler an earlier call added (app factories may run more than once).
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "pathways_handler", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler()
    handler.pathways_handler = True  # type: ignore[attr-defined]
    handler.addFilter(RequestContext())
    handler.setFormatter(json_formatter() if log_format == "json"
                         else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic says which plugins it loads when /readyz first reads the migration history
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
    return handler
