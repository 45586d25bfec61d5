"""Gunicorn settings for production: ``gunicorn 'webapp:create_app()'`` reads this file.

Environment: HOST and PORT (default 0.0.0.0:8000), WEB_CONCURRENCY (workers, default twice
the cores plus one, at most 9), GUNICORN_THREADS (default 1), GUNICORN_TIMEOUT (seconds a
request may take before its worker is restarted, default 30), GUNICORN_MAX_REQUESTS (a
worker is replaced after this many requests, default 2000, so memory stays bounded),
GUNICORN_ACCESS_LOG (unset: no access log, as the app writes one line per request itself;
``-`` for standard output), FORWARDED_ALLOW_IPS (the reverse proxy's address), and
PROMETHEUS_MULTIPROC_DIR (metrics of every worker, see below), plus the app's own settings
(DATABASE_URL, SECRET_KEY, REDIS_URL, PATHWAYS_ENV...; see the README).

With ``PROMETHEUS_MULTIPROC_DIR`` set, every worker writes its metrics to files in that
folder and ``/metrics`` adds them up; the folder is emptied when gunicorn starts (figures of
an earlier run would be counted again) and a dead worker's live gauges are removed.
"""

import os
from pathlib import Path

wsgi_app = "webapp:create_app()"
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * (os.cpu_count() or 1) + 1, 9))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5  # behind a reverse proxy that keeps connections open (nginx: keepalive)
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10  # workers are not all replaced at once
# Heartbeat files in memory, so a slow disk never makes a healthy worker look stuck.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Trust X-Forwarded-* only from the reverse proxy in front (set FORWARDED_ALLOW_IPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Empty the metrics folder before the first worker starts (multiprocess mode)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """Remove a dead worker's live gauges from the metrics (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
