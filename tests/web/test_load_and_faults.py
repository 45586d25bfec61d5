"""The load and fault test's short form (issue 14), run by ``make test`` on PostgreSQL.

The same as ``tests/benchmarks/bench_load.py`` on a small scale, with threads instead of
Locust (``tests.load``: one request mix, one accounting): a tiny generated region, gunicorn
with 2 workers on loopback under the suite's frozen clock, a few users (champions recording
mentoring sessions, apprentices logging off-the-job hours; each user's first write sent
twice, as after a cut-off answer) for ``SECONDS``, one worker
killed a third of the way in and every database connection terminated two thirds in. It
fails on any acknowledged write lost or stored twice, on a 4xx, and on a server exception
the faults do not explain. PostgreSQL only (the faults are a server's); skipped otherwise.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy.engine import make_url

from pathways import clock
from pathways.db import normalise_url
from tests.load import (
    SIZES,
    Faults,
    account_for_writes,
    exceptions_logged,
    prepare,
    run_threads,
    serve,
    unexplained,
)
from tests.recipes import SEED_PATHWAY

#: Seconds of traffic, and how many users (half champions, half apprentices).
SECONDS = 10
USERS = 4
#: The weight of writing in the mix (9 of reading): more writes than the bench's 1, to meet
#: the faults in a short run.
WRITES = 4


@pytest.fixture
def database_engine():
    """PostgreSQL only: killing its connections is one of the faults."""
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("The load and fault test needs PostgreSQL: TEST_DATABASE_URL is not set")
    return "postgresql"


def test_every_acknowledged_write_survives_a_killed_worker_and_dropped_connections(
        database_for, tmp_path, capsys):
    started = time.monotonic()
    url = database_for(SEED_PATHWAY)
    accounts, roles = prepare(url, SIZES["tiny"], USERS, today=clock.today(),
                              now=clock.now(), migrate=False)
    assert {account["kind"] for account in accounts} == {"champion", "apprentice"}
    admin_url = normalise_url(os.environ["TEST_DATABASE_URL"])
    acks: list[tuple[str, str]] = []
    lock = threading.Lock()

    def acknowledge(kind: str, marker: str) -> None:
        with lock:
            acks.append((kind, marker))

    log = tmp_path / "gunicorn.log"
    prepared = time.monotonic()
    with serve(url, log, frozen=True, warm=0) as (base, server):
        served = time.monotonic()
        faults = Faults(server.pid, admin_url, make_url(url).database or "", SECONDS, tick=0.5)
        faults.start()
        try:
            tally = run_threads(base, accounts, roles, SECONDS, acknowledge, writes=WRITES)
        finally:
            faults.stop.set()
            faults.join(10)
        ran = time.monotonic()
    writes = account_for_writes(url, acks)
    exceptions = exceptions_logged(log.read_text(errors="replace"))
    with capsys.disabled():
        print(f"\nload and faults: {sorted(tally.answers.items())}; faults: {faults.events}; "
              f"writes: {writes}; server exceptions: {dict(exceptions)}; seconds: prepared "
              f"{prepared - started:.1f}, served {served - prepared:.1f}, ran "
              f"{ran - served:.1f}, stopped and counted {time.monotonic() - ran:.1f}")
    assert faults.killed and faults.terminated, faults.events
    for kind, counted in writes.items():
        assert counted.acknowledged > 0, f"no {kind} write was acknowledged: {tally.answers}"
        assert (counted.lost, counted.duplicated) == (0, 0), (kind, counted)
    assert tally.count(lambda status: 400 <= status < 500) == 0, tally.answers
    assert not unexplained(exceptions), exceptions
    # a 500 only where the terminated connections explain one
    assert tally.count(lambda status: status >= 500) <= sum(exceptions.values()), (
        tally.answers, exceptions)
