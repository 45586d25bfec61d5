"""Request counts and latency histograms for Prometheus (the official ``prometheus-client``).

Labelled by endpoint (the view's name, never the URL, so the number of series stays bounded
by the number of views), method (the usual ones, any other counted as ``other``) and, for
counts, status. Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder before
it starts: every worker then writes its figures there and ``/metrics``, whichever worker
answers, adds them all up (``gunicorn.conf.py`` empties the folder at start and removes a
dead worker's live gauges).
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter("pathways_http_requests", "HTTP requests answered, by endpoint",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("pathways_http_request_duration_seconds",
                    "Time to answer an HTTP request, by endpoint", ["endpoint", "method"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

#: Methods counted by name; any other is ``other`` (a client cannot add series).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe(endpoint: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request and record how long it took."""
    method = method if method in METHODS else "other"
    REQUESTS.labels(endpoint, method, str(status)).inc()
    LATENCY.labels(endpoint, method).observe(seconds)


def exposition() -> tuple[bytes, str]:
    """Return the metrics in Prometheus text format and its content type.

    In multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``), the figures of every worker.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST
